/**
 * Errors of the status handshake.
 *
 * @module
 */
import { ChainwireError } from '../../errors.ts'

/**
 * The peer's status names another network or another genesis block. Not
 * malice: the verdict is `ignore`, and the consequence (a goodbye and a short
 * ban) is applied by the status module itself.
 */
export class StatusMismatchError extends ChainwireError {
  static override name = 'StatusMismatchError'
  /** What differs. */
  readonly field: 'network' | 'genesis'
  constructor (field: 'network' | 'genesis', message: string) {
    super(message, 'ignore')
    this.name = 'StatusMismatchError'
    this.field = field
  }
}

/** The peer did not complete the status exchange within the timeout. */
export class StatusTimeoutError extends ChainwireError {
  static override name = 'StatusTimeoutError'
  constructor (message: string) {
    super(message, 'ignore')
    this.name = 'StatusTimeoutError'
  }
}
