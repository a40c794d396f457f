import { ChainwireError } from '../errors.ts'
import type { Verdict } from '../errors.ts'

/** The remote node has no handler for the application protocol of a direct message. */
export class NoHandlerError extends ChainwireError {
  static override name = 'NoHandlerError'
  constructor (message: string) {
    super(message, 'ignore')
    this.name = 'NoHandlerError'
  }
}

/** The remote handler of a direct message failed. */
export class RemoteHandlerError extends ChainwireError {
  static override name = 'RemoteHandlerError'
  constructor (message: string) {
    super(message, 'ignore')
    this.name = 'RemoteHandlerError'
  }
}

/** A dial failed: unreachable, refused, or the peer is banned. */
export class DialError extends ChainwireError {
  static override name = 'DialError'
  constructor (message: string, options?: ErrorOptions) {
    super(message, 'ignore', options)
    this.name = 'DialError'
  }
}

/** The peer is not connected (and the operation does not dial). */
export class NotConnectedError extends ChainwireError {
  static override name = 'NotConnectedError'
  constructor (message: string, verdict: Verdict = 'ignore') {
    super(message, verdict)
    this.name = 'NotConnectedError'
  }
}
