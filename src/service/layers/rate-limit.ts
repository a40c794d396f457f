import { OverloadedError, RateLimitExceededError } from '../errors.ts'
import type { RateLimiter } from '../rate-limiter.ts'
import type { InboundLayer } from '../types.ts'

/**
 * Refuse requests over a quota before they reach the handler.
 *
 * Over a per-peer quota: {@link RateLimitExceededError} (verdict `mid`,
 * answered with RATE_LIMITED). Over a global quota: {@link OverloadedError}
 * (verdict `ignore`: refused, nobody penalised). The request's `cost` and
 * `sizeBytes` are taken from the cost and byte buckets.
 */
export function rateLimitLayer (limiter: RateLimiter): InboundLayer {
  return (inner) => ({
    async call (req) {
      const r = limiter.take(req.peer.toString(), req.method, req.cost, req.sizeBytes)
      if (!r.ok) {
        if (r.scope === 'peer') {
          throw new RateLimitExceededError(`${req.method}: peer over its ${r.quota} quota (retry in ${r.retryAfterMs} ms)`, r.quota, r.retryAfterMs)
        }
        throw new OverloadedError(`${req.method}: global ${r.quota} quota used up`)
      }
      return inner.call(req)
    }
  })
}
