/**
 * Time as the layers and the request/response engine see it, so tests can
 * drive rate limits and timeouts with a manual clock instead of sleeping.
 *
 * @module
 */

/** An opaque timer handle. */
export type TimerHandle = unknown

/** A monotonic clock with timers. */
export interface Clock {
  /** Milliseconds on a monotonic timeline (not the epoch). */
  now (): number
  setTimeout (fn: () => void, ms: number): TimerHandle
  clearTimeout (handle: TimerHandle): void
}

/** The process clock: `performance.now()` and the global timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    // a pending request timeout must not keep the process alive on its own
    t.unref?.()
    return t
  },
  clearTimeout: (handle) => { clearTimeout(handle as ReturnType<typeof setTimeout>) }
}

/** A clock that moves only when told to. */
export interface ManualClock extends Clock {
  /** Move time forward, firing due timers in order. */
  advance (ms: number): void
  /** Timers not yet fired. */
  readonly pendingTimers: number
}

/**
 * A manual clock for tests.
 *
 * @example
 * ```ts
 * const clock = manualClock()
 * clock.setTimeout(() => { fired = true }, 1000)
 * clock.advance(1000) // fired === true
 * ```
 */
export function manualClock (start = 0): ManualClock {
  let now = start
  let seq = 0
  const timers = new Map<number, { at: number, fn: () => void }>()
  return {
    now: () => now,
    setTimeout (fn, ms) {
      const id = ++seq
      timers.set(id, { at: now + Math.max(0, ms), fn })
      return id
    },
    clearTimeout (handle) {
      timers.delete(handle as number)
    },
    advance (ms) {
      const target = now + ms
      for (;;) {
        let nextId: number | undefined
        let nextAt = Infinity
        for (const [id, t] of timers) {
          if (t.at <= target && (t.at < nextAt || (t.at === nextAt && id < (nextId ?? Infinity)))) {
            nextId = id
            nextAt = t.at
          }
        }
        if (nextId == null) break
        const t = timers.get(nextId) as { at: number, fn: () => void }
        timers.delete(nextId)
        now = Math.max(now, t.at)
        t.fn()
      }
      now = target
    },
    get pendingTimers () {
      return timers.size
    }
  }
}
