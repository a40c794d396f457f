/**
 * Helpers for layers that must follow a response to its end: a streamed
 * response holds its concurrency slot, its timeout and its latency timer
 * until the last item is consumed, fails, or the consumer stops early.
 *
 * @module
 */
import type { InboundResult } from './types.ts'

export interface ResultHooks<R> {
  /** Called for each item as the consumer pulls it. */
  onItem? (item: R): void
  /** Called exactly once: when the result is exhausted, fails, or is abandoned (`return()`). */
  onEnd (err?: unknown): void
  /**
   * Wraps each pull from the inner iterator, e.g. to race it against a
   * timeout. Receives the pull and returns its (possibly replaced) promise.
   */
  wrapNext? (next: Promise<IteratorResult<R>>): Promise<IteratorResult<R>>
}

/** Ask an iterator to finish, without waiting for it. */
function release (it: Iterator<unknown> | AsyncIterator<unknown>, value?: unknown): void {
  try {
    Promise.resolve(it.return?.(value)).catch(() => {})
  } catch {
    // a synchronous iterator whose return() throws: nothing more to release
  }
}

function isAsyncIterable<R> (x: unknown): x is AsyncIterable<R> {
  return x != null && typeof (x as any)[Symbol.asyncIterator] === 'function'
}

/**
 * Follow `result` to its end. Arrays and `undefined` are complete already,
 * so `onEnd` runs at once and the value is returned as is; other iterables
 * are wrapped in an async iterable that calls the hooks. The wrapper calls
 * `onEnd` even when it is abandoned before its first item.
 */
export function followResult<R> (result: InboundResult<R>, hooks: ResultHooks<R>): InboundResult<R> {
  if (result == null || Array.isArray(result)) {
    if (result != null && hooks.onItem != null) for (const item of result) hooks.onItem(item)
    hooks.onEnd()
    return result
  }
  const source = result
  let ended = false
  const end = (err?: unknown): void => {
    if (ended) return
    ended = true
    hooks.onEnd(err)
  }
  return {
    [Symbol.asyncIterator] (): AsyncIterator<R> {
      const it: Iterator<R> | AsyncIterator<R> = isAsyncIterable<R>(source)
        ? source[Symbol.asyncIterator]()
        : (source as Iterable<R>)[Symbol.iterator]()
      return {
        async next (): Promise<IteratorResult<R>> {
          if (ended) return { done: true, value: undefined }
          try {
            const pull = Promise.resolve(it.next())
            const r = await (hooks.wrapNext != null ? hooks.wrapNext(pull) : pull)
            if (r.done === true) end()
            else hooks.onItem?.(r.value)
            return r
          } catch (err) {
            end(err)
            // let the inner iterator release what it holds; never wait for
            // it: a generator stuck in an await would hold us forever
            release(it)
            throw err
          }
        },
        async return (value?: any): Promise<IteratorResult<R>> {
          end()
          release(it, value)
          return { done: true, value }
        }
      }
    }
  }
}
