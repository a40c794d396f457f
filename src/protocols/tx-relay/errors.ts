/**
 * Errors of transaction relay. Each carries the consequence for the peer
 * that caused it; invalid transactions themselves are judged by the chain
 * (`mempool.add` returns the chain's error and its verdict).
 *
 * @module
 */
import { ChainwireError } from '../../errors.ts'
import type { Verdict } from '../../errors.ts'

/**
 * A peer sent a transaction we did not ask it for: a push on the `tx`
 * method (transactions travel only as answers to getdata), or a getdata
 * response carrying a transaction outside the request. A graded penalty:
 * unsolicited data costs us bandwidth and validation, but is not proof of
 * malice on its own.
 */
export class UnsolicitedTxError extends ChainwireError {
  static override name = 'UnsolicitedTxError'
  constructor (message: string, verdict: Verdict = 'mid') {
    super(message, verdict)
    this.name = 'UnsolicitedTxError'
  }
}

/** A getdata request to a peer was not answered in time; the transactions go to other announcers. */
export class TxRequestTimeoutError extends ChainwireError {
  static override name = 'TxRequestTimeoutError'
  constructor (message: string) {
    super(message, 'high')
    this.name = 'TxRequestTimeoutError'
  }
}
