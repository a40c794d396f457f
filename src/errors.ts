/**
 * The error model shared by every layer of chainwire.
 *
 * An error is a class with a stable `name` that callers branch on. An error
 * that a remote peer caused also carries a {@link Verdict}: what the fault
 * means for that peer. One function in `peers/` turns a verdict into a score
 * change, so the consequence of a fault is decided where the fault is detected
 * and applied in one place.
 *
 * @module
 */

/**
 * What a fault means for the peer that caused it.
 *
 * - `ignore`: no penalty (our own overload, a low fee, a conflict, a NOTFOUND)
 * - `low` / `mid` / `high`: graded penalties for ambiguous faults: a peer can
 *   make `high`-tolerance mistakes many times before it is dropped, `low` only
 *   a few (a timeout is `high` tolerance, a rate-limit violation is `mid`)
 * - `fatal`: an unambiguous protocol violation (oversize frame, undecodable
 *   message, collection over its limit, invalid PoW) that bans at once, as
 *   Bitcoin Core has discouraged peers on their first violation since v28
 */
export type Verdict = 'ignore' | 'low' | 'mid' | 'high' | 'fatal'

/** Every verdict, from no consequence to the strongest. */
export const VERDICTS: readonly Verdict[] = ['ignore', 'high', 'mid', 'low', 'fatal']

/**
 * Base class of every chainwire error.
 *
 * Subclasses set both `static name` and `this.name` to the same literal so
 * that `err.name === FooError.name` works even across realms and after
 * serialisation.
 */
export class ChainwireError extends Error {
  static override name = 'ChainwireError'
  /** The consequence for the peer that caused this error, if a peer did. */
  readonly verdict: Verdict

  constructor (message: string, verdict: Verdict = 'ignore', options?: ErrorOptions) {
    super(message, options)
    this.name = 'ChainwireError'
    this.verdict = verdict
  }
}

/** An operation did not finish within its time budget. */
export class TimeoutError extends ChainwireError {
  static override name = 'TimeoutError'
  constructor (message = 'operation timed out', verdict: Verdict = 'high', options?: ErrorOptions) {
    super(message, verdict, options)
    this.name = 'TimeoutError'
  }
}

/** The caller aborted the operation through its `AbortSignal`. */
export class AbortError extends ChainwireError {
  static override name = 'AbortError'
  constructor (message = 'operation aborted', options?: ErrorOptions) {
    super(message, 'ignore', options)
    this.name = 'AbortError'
  }
}

/** A configuration value is missing, of the wrong type or out of range. */
export class InvalidConfigError extends ChainwireError {
  static override name = 'InvalidConfigError'
  /** The dotted path of the offending field, e.g. `limits.maxPeers`. */
  readonly field: string
  constructor (field: string, message: string) {
    super(message)
    this.name = 'InvalidConfigError'
    this.field = field
  }
}

/** An argument passed by local code is invalid (not a remote fault). */
export class InvalidArgumentError extends ChainwireError {
  static override name = 'InvalidArgumentError'
  constructor (message: string) {
    super(message)
    this.name = 'InvalidArgumentError'
  }
}

/** The node is not started, or is stopping. */
export class NotStartedError extends ChainwireError {
  static override name = 'NotStartedError'
  constructor (message = 'node is not started') {
    super(message)
    this.name = 'NotStartedError'
  }
}

/** The identity key file exists but cannot be read or parsed. */
export class IdentityError extends ChainwireError {
  static override name = 'IdentityError'
  constructor (message: string, options?: ErrorOptions) {
    super(message, 'ignore', options)
    this.name = 'IdentityError'
  }
}

/** True when `err` is a chainwire error with the given class's name. */
export function isError<T extends ChainwireError> (err: unknown, cls: { name: string, prototype: T }): err is T {
  return err instanceof Error && err.name === cls.name
}

/**
 * A readable one-line description of anything thrown. Transports do not
 * always throw an `Error` with a message: the WebSocket client rejects with
 * an `ErrorEvent` whose message is empty, which would print as "" or
 * "[object ErrorEvent]". This looks through `message`, `errors`, `error` and
 * `cause` for a real message, then falls back to the error's kind.
 */
export function describeError (err: unknown): string {
  const found = messageOf(err, 0)
  if (found != null) return found
  if (err == null || typeof err !== 'object') return String(err)
  if (typeof Event !== 'undefined' && err instanceof Event) {
    return `${err.constructor.name} "${err.type}" without details (for a WebSocket address: nothing listening there, or not a WebSocket endpoint)`
  }
  const e = err as { name?: unknown, code?: unknown }
  if (typeof e.code === 'string') return e.code
  if (typeof e.name === 'string' && e.name !== '') return `${e.name} without a message`
  return 'unknown error (no message)'
}

function messageOf (err: unknown, depth: number): string | undefined {
  if (depth > 4 || err == null) return undefined
  if (typeof err !== 'object') return String(err)
  const e = err as { message?: unknown, error?: unknown, errors?: unknown, cause?: unknown }
  if (typeof e.message === 'string' && e.message !== '') return e.message
  if (Array.isArray(e.errors)) {
    const all = e.errors.map(x => messageOf(x, depth + 1)).filter(m => m != null)
    if (all.length > 0) return all.join('; ')
  }
  return messageOf(e.error, depth + 1) ?? messageOf(e.cause, depth + 1)
}
