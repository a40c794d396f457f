import { HandlerTimeoutError } from '../errors.ts'
import { systemClock } from '../clock.ts'
import { followResult } from '../result.ts'
import type { Clock, TimerHandle } from '../clock.ts'
import type { InboundLayer } from '../types.ts'

export interface TimeoutLayerInit {
  /** Budget for the whole response, streamed items included. */
  timeoutMs: number
  clock?: Clock
}

/**
 * Bound the time a request spends inside the layers below. The inner
 * services see an `AbortSignal` that fires at the deadline; the caller gets
 * {@link HandlerTimeoutError} (verdict `ignore`: a slow handler is our
 * problem, answered with SERVER_ERROR).
 */
export function timeoutLayer (init: TimeoutLayerInit): InboundLayer {
  const clock = init.clock ?? systemClock
  return (inner) => ({
    async call (req) {
      const controller = new AbortController()
      let timer: TimerHandle | undefined
      const onOuterAbort = (): void => { controller.abort(req.signal.reason) }
      if (req.signal.aborted) controller.abort(req.signal.reason)
      else req.signal.addEventListener('abort', onOuterAbort, { once: true })

      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = clock.setTimeout(() => {
          const err = new HandlerTimeoutError(`${req.method}: handler did not finish within ${init.timeoutMs} ms`)
          controller.abort(err)
          reject(err)
        }, init.timeoutMs)
      })
      // the race below may never observe the rejection
      timedOut.catch(() => {})

      const cleanup = (): void => {
        clock.clearTimeout(timer)
        req.signal.removeEventListener('abort', onOuterAbort)
      }
      let result
      try {
        result = await Promise.race([inner.call({ ...req, signal: controller.signal }), timedOut])
      } catch (err) {
        cleanup()
        throw err
      }
      return followResult(result, {
        onEnd: cleanup,
        wrapNext: async (next) => Promise.race([next, timedOut])
      })
    }
  })
}
