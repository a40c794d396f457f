import { systemClock } from '../clock.ts'
import { followResult } from '../result.ts'
import type { Clock } from '../clock.ts'
import type { InboundLayer } from '../types.ts'

/** Where the metrics layer records. `src/reqresp/metrics.ts` implements it on libp2p's `Metrics`. */
export interface ServiceMetrics {
  /** A request entered the stack. */
  request (method: string, bytes: number): void
  /** A response completed with `items` items after `seconds`. */
  response (method: string, items: number, seconds: number): void
  /** A request failed with the error named `error` after `seconds`. */
  error (method: string, error: string, seconds: number): void
}

/**
 * Count requests, request bytes, response items, errors by name, and the
 * latency of each request to its last response item.
 */
export function metricsLayer (metrics: ServiceMetrics, clock: Clock = systemClock): InboundLayer {
  return (inner) => ({
    async call (req) {
      const start = clock.now()
      metrics.request(req.method, req.sizeBytes)
      let items = 0
      let result
      try {
        result = await inner.call(req)
      } catch (err: any) {
        metrics.error(req.method, String(err?.name ?? 'Error'), (clock.now() - start) / 1000)
        throw err
      }
      return followResult(result, {
        onItem: () => { items++ },
        onEnd: (err: any) => {
          const seconds = (clock.now() - start) / 1000
          if (err != null) metrics.error(req.method, String(err?.name ?? 'Error'), seconds)
          else metrics.response(req.method, items, seconds)
        }
      })
    }
  })
}
