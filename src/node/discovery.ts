/**
 * Active peer discovery: while the node is short of outbound peers, look up
 * random keys in the DHT, which fills the peer store with peers the outbound
 * maintenance can dial (Bitcoin Core asks peers for addresses with GETADDR;
 * Lodestar runs discv5 random lookups when it needs peers). A discovered peer
 * (DHT, mDNS, bootstrap) triggers a maintenance round at once instead of
 * waiting for the next tick.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { Log } from '../logger.ts'
import type { PeerInfo as Libp2pPeerInfo, PeerRouting, TypedEventTarget, Libp2pEvents } from '@libp2p/interface'

export interface DiscoveryInit {
  /** Run random DHT lookups (off when the node runs no DHT). */
  lookups: boolean
  /** First lookup delay after start, ms; doubles while short of peers. */
  minIntervalMs: number
  /** Longest delay between lookups while short of peers, ms. */
  maxIntervalMs: number
  /** Delay between lookups once the outbound target is met, ms (keeps the routing table fresh). */
  idleIntervalMs: number
  /** Budget of one lookup, ms. */
  lookupTimeoutMs: number
  /** Coalesce discovery events into one maintenance round per this many ms. */
  debounceMs: number
}

export interface DiscoveryComponents {
  peerRouting: Pick<PeerRouting, 'getClosestPeers'>
  events: Pick<TypedEventTarget<Libp2pEvents>, 'addEventListener' | 'removeEventListener'>
  /** True while the node wants more outbound peers. */
  wantsPeers: () => boolean
  /** Run one outbound maintenance round. */
  maintain: () => Promise<unknown>
  log: Log
}

export interface Discovery {
  start (): void
  stop (): void
  /** Lookups run so far (for tests and metrics). */
  readonly lookups: number
}

export function discovery (init: DiscoveryInit): (components: DiscoveryComponents) => Discovery {
  return ({ peerRouting, events, wantsPeers, maintain, log }) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    let debounce: ReturnType<typeof setTimeout> | undefined
    let interval = init.minIntervalMs
    let running = false
    let lookups = 0
    let stopped = true
    let ac = new AbortController()

    const lookup = async (): Promise<void> => {
      lookups++
      let found = 0
      const signal = AbortSignal.any([ac.signal, AbortSignal.timeout(init.lookupTimeoutMs)])
      try {
        for await (const _peer of peerRouting.getClosestPeers(randomBytes(32), { signal }) as AsyncIterable<Libp2pPeerInfo>) {
          found++
        }
      } catch (err: any) {
        if (!ac.signal.aborted) log('random lookup ended: %s', err.message)
      }
      log('random lookup found %d peers', found)
    }

    const schedule = (): void => {
      if (stopped) return
      clearTimeout(timer)
      timer = setTimeout(() => { void tick() }, wantsPeers() ? interval : init.idleIntervalMs)
    }

    const tick = async (): Promise<void> => {
      if (stopped || running) return
      running = true
      try {
        if (init.lookups) await lookup()
        if (wantsPeers()) {
          await maintain()
          interval = Math.min(interval * 2, init.maxIntervalMs)
        } else {
          interval = init.minIntervalMs
        }
      } finally {
        running = false
        schedule()
      }
    }

    const onDiscovery = (): void => {
      if (stopped || debounce != null || !wantsPeers()) return
      debounce = setTimeout(() => {
        debounce = undefined
        void maintain().catch(() => {})
      }, init.debounceMs)
    }

    return {
      start () {
        stopped = false
        ac = new AbortController()
        interval = init.minIntervalMs
        events.addEventListener('peer:discovery', onDiscovery)
        schedule()
      },
      stop () {
        stopped = true
        ac.abort()
        clearTimeout(timer)
        clearTimeout(debounce)
        debounce = undefined
        events.removeEventListener('peer:discovery', onDiscovery)
      },
      get lookups () { return lookups }
    }
  }
}
