/**
 * Errors raised by the service layers. Each carries the verdict for the peer
 * whose request caused it: going over a per-peer quota is `mid`, a per-peer
 * concurrency overrun `high`, an invalid request `fatal`; our own overload
 * (global quota, global concurrency, a slow handler) penalises nobody.
 *
 * @module
 */
import { ChainwireError } from '../errors.ts'
import type { Verdict } from '../errors.ts'

/** The peer went over one of its own quotas. Answered with RATE_LIMITED. */
export class RateLimitExceededError extends ChainwireError {
  static override name = 'RateLimitExceededError'
  /** Which quota: `messages`, `cost`, `peer_messages` or `peer_bytes`. */
  readonly quota: string
  /** When the request would have fitted, in ms from now. */
  readonly retryAfterMs: number
  constructor (message: string, quota: string, retryAfterMs: number, verdict: Verdict = 'mid') {
    super(message, verdict)
    this.name = 'RateLimitExceededError'
    this.quota = quota
    this.retryAfterMs = retryAfterMs
  }
}

/**
 * We are over a global limit (a method's global quota, or its global
 * concurrency). Answered with RATE_LIMITED; nobody is penalised.
 */
export class OverloadedError extends ChainwireError {
  static override name = 'OverloadedError'
  constructor (message: string) {
    super(message, 'ignore')
    this.name = 'OverloadedError'
  }
}

/** The peer has too many requests of one method in flight. Answered with RATE_LIMITED. */
export class ConcurrencyLimitError extends ChainwireError {
  static override name = 'ConcurrencyLimitError'
  constructor (message: string, verdict: Verdict = 'high') {
    super(message, verdict)
    this.name = 'ConcurrencyLimitError'
  }
}

/** Our handler did not finish in time. Our fault: answered with SERVER_ERROR, nobody penalised. */
export class HandlerTimeoutError extends ChainwireError {
  static override name = 'HandlerTimeoutError'
  constructor (message: string) {
    super(message, 'ignore')
    this.name = 'HandlerTimeoutError'
  }
}

/** The request breaks the method's size or shape rules. Answered with INVALID_REQUEST. */
export class InvalidRequestError extends ChainwireError {
  static override name = 'InvalidRequestError'
  constructor (message: string, verdict: Verdict = 'fatal') {
    super(message, verdict)
    this.name = 'InvalidRequestError'
  }
}

/** Thrown by handlers that do not have what was asked for. Answered with RESOURCE_UNAVAILABLE. */
export class ResourceUnavailableError extends ChainwireError {
  static override name = 'ResourceUnavailableError'
  constructor (message: string) {
    super(message, 'ignore')
    this.name = 'ResourceUnavailableError'
  }
}
