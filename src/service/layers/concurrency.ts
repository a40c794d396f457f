import { ConcurrencyLimitError, OverloadedError } from '../errors.ts'
import { followResult } from '../result.ts'
import type { InboundLayer } from '../types.ts'

export interface ConcurrencyLimitInit {
  /** Requests one peer may have in flight through this stack. */
  maxPerPeer: number
  /** Requests all peers together may have in flight through this stack. */
  maxTotal: number
}

/** A concurrency layer with its live counters, for metrics and tests. */
export interface ConcurrencyLimit {
  layer: InboundLayer
  /** Requests in flight. */
  readonly inFlight: number
  /** Peers with at least one request in flight. */
  readonly peers: number
}

/**
 * Bound the requests in flight, per peer and in total, shedding load when
 * full: a request over a limit is refused at once, never queued. A streamed
 * response holds its slot until its last item is consumed.
 *
 * Full per peer: {@link ConcurrencyLimitError} (verdict `high`). Full in
 * total: {@link OverloadedError} (nobody penalised). Both are answered with
 * RATE_LIMITED.
 */
export function concurrencyLimit (init: ConcurrencyLimitInit): ConcurrencyLimit {
  const perPeer = new Map<string, number>()
  let total = 0

  function release (key: string): void {
    total--
    const n = (perPeer.get(key) ?? 1) - 1
    if (n <= 0) perPeer.delete(key)
    else perPeer.set(key, n)
  }

  const layer: InboundLayer = (inner) => ({
    async call (req) {
      const key = req.peer.toString()
      if (total >= init.maxTotal) throw new OverloadedError(`${req.method}: ${total} requests in flight (max ${init.maxTotal})`)
      const n = perPeer.get(key) ?? 0
      if (n >= init.maxPerPeer) throw new ConcurrencyLimitError(`${req.method}: peer has ${n} requests in flight (max ${init.maxPerPeer})`)
      total++
      perPeer.set(key, n + 1)
      let result
      try {
        result = await inner.call(req)
      } catch (err) {
        release(key)
        throw err
      }
      return followResult(result, { onEnd: () => { release(key) } })
    }
  })

  return {
    layer,
    get inFlight () { return total },
    get peers () { return perPeer.size }
  }
}

/** {@link concurrencyLimit} when only the layer is needed. */
export function concurrencyLimitLayer (init: ConcurrencyLimitInit): InboundLayer {
  return concurrencyLimit(init).layer
}
