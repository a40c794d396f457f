/**
 * Errors of compact block relay. BIP152: a compact block whose transactions
 * turn out invalid does not make its relayer misbehave (in high-bandwidth
 * mode it is sent before full validation); a malformed compact block, an
 * invalid header, or a blocktxn that does not answer the request does.
 *
 * @module
 */
import { ChainwireError } from '../../errors.ts'
import type { Verdict } from '../../errors.ts'

/** A compact block that cannot describe any block: no transactions, a prefilled index past the end. */
export class InvalidCompactBlockError extends ChainwireError {
  static override name = 'InvalidCompactBlockError'
  constructor (message: string, verdict: Verdict = 'fatal') {
    super(message, verdict)
    this.name = 'InvalidCompactBlockError'
  }
}

/** A blocktxn that does not answer our getblocktxn: another block, or another number of transactions. */
export class BlockTxnMismatchError extends ChainwireError {
  static override name = 'BlockTxnMismatchError'
  constructor (message: string) {
    super(message, 'fatal')
    this.name = 'BlockTxnMismatchError'
  }
}

/** A getblocktxn asks for a transaction index past the end of the block (Core: misbehaving). */
export class BlockTxnIndexError extends ChainwireError {
  static override name = 'BlockTxnIndexError'
  constructor (message: string) {
    super(message, 'fatal')
    this.name = 'BlockTxnIndexError'
  }
}
