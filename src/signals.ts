/**
 * Cancellation helpers: every async API takes `{ signal?: AbortSignal }` and
 * applies a default timeout when the caller passes none (CONVENTIONS §6).
 *
 * @module
 */
import { AbortError, TimeoutError } from './errors.ts'

/** A signal that aborts when the caller's does, or after `timeoutMs`, whichever is first. */
export interface Deadline {
  signal: AbortSignal
  /** The error to throw for `err`: a typed {@link TimeoutError} or {@link AbortError} when the deadline caused it, else `err`. */
  error (err: unknown, what: string): unknown
}

/**
 * Combine the caller's signal with a default timeout.
 *
 * @example
 * ```ts
 * const d = deadline(options.signal, DEFAULT_SEND_TIMEOUT_MS)
 * try { return await op({ signal: d.signal }) } catch (err) { throw d.error(err, 'send') }
 * ```
 */
export function deadline (signal: AbortSignal | undefined, timeoutMs: number): Deadline {
  const timeout = AbortSignal.timeout(timeoutMs)
  const combined = signal != null ? AbortSignal.any([signal, timeout]) : timeout
  return {
    signal: combined,
    error (err, what) {
      if (signal?.aborted === true) return new AbortError(`${what} aborted`, { cause: err })
      if (timeout.aborted) return new TimeoutError(`${what} timed out after ${timeoutMs} ms`, 'ignore', { cause: err })
      return err
    }
  }
}
