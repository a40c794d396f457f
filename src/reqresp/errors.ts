/**
 * Errors of the request/response engine. A requester gets one of these from
 * `request()` / `notify()`; each carries the verdict for the remote peer,
 * which the engine reports to the peer manager (unless told not to). A
 * responder raises {@link RequestTimeoutError} when a request does not arrive
 * in time.
 *
 * @module
 */
import { ChainwireError } from '../errors.ts'
import type { Verdict } from '../errors.ts'

/** The remote answered RATE_LIMITED: we asked too fast, or it is overloaded. No penalty for it. */
export class RateLimitedError extends ChainwireError {
  static override name = 'RateLimitedError'
  constructor (message: string) {
    super(message, 'ignore')
    this.name = 'RateLimitedError'
  }
}

/** The remote answered INVALID_REQUEST to a request we encoded correctly (Lodestar: low tolerance). */
export class RequestRejectedError extends ChainwireError {
  static override name = 'RequestRejectedError'
  constructor (message: string) {
    super(message, 'low')
    this.name = 'RequestRejectedError'
  }
}

/** The remote answered SERVER_ERROR (Lodestar: mid tolerance). */
export class ServerError extends ChainwireError {
  static override name = 'ServerError'
  constructor (message: string) {
    super(message, 'mid')
    this.name = 'ServerError'
  }
}

/** No response byte arrived within the TTFB timeout. */
export class TtfbTimeoutError extends ChainwireError {
  static override name = 'TtfbTimeoutError'
  constructor (message: string) {
    super(message, 'high')
    this.name = 'TtfbTimeoutError'
  }
}

/** The response did not complete within the response timeout. */
export class ResponseTimeoutError extends ChainwireError {
  static override name = 'ResponseTimeoutError'
  constructor (message: string, options?: ErrorOptions) {
    super(message, 'mid', options)
    this.name = 'ResponseTimeoutError'
  }
}

/** The response broke the framing, a limit, or could not be decoded. The cause holds the wire error. */
export class InvalidResponseError extends ChainwireError {
  static override name = 'InvalidResponseError'
  constructor (message: string, verdict: Verdict = 'fatal', options?: ErrorOptions) {
    super(message, verdict, options)
    this.name = 'InvalidResponseError'
  }
}

/** The remote does not speak any version of the protocol we asked for. */
export class UnsupportedProtocolError extends ChainwireError {
  static override name = 'UnsupportedProtocolError'
  constructor (message: string, options?: ErrorOptions) {
    super(message, 'ignore', options)
    this.name = 'UnsupportedProtocolError'
  }
}

/** The stream was reset or closed under us. Ambiguous, so no penalty. */
export class StreamResetError extends ChainwireError {
  static override name = 'StreamResetError'
  constructor (message: string, options?: ErrorOptions) {
    super(message, 'ignore', options)
    this.name = 'StreamResetError'
  }
}

/** A stream to the peer could not be opened (no connection, dial failed, stream limit). */
export class DialError extends ChainwireError {
  static override name = 'DialError'
  constructor (message: string, options?: ErrorOptions) {
    super(message, 'ignore', options)
    this.name = 'DialError'
  }
}

/** Responder: the request did not arrive completely within the request timeout (slowloris). */
export class RequestTimeoutError extends ChainwireError {
  static override name = 'RequestTimeoutError'
  constructor (message: string) {
    super(message, 'high')
    this.name = 'RequestTimeoutError'
  }
}
