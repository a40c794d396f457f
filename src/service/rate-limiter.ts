/**
 * Token-bucket rate limiting per (peer, method), per peer across methods, and
 * per method across peers.
 *
 * A {@link Quota} of `quota` tokens per `periodMs` is a bucket holding at
 * most `burst` (default `quota`) tokens that refills continuously at
 * `quota / periodMs`. A request takes one token from each message bucket and
 * `cost` tokens from each cost bucket, and only if every bucket has enough:
 * a refused request consumes nothing.
 *
 * State is bounded: peers are kept in least-recently-seen order, the oldest
 * is dropped beyond `maxPeers`, and peers idle long enough for every bucket
 * to have refilled are pruned (they would start full anyway).
 *
 * @module
 */
import { DEFAULT_MAX_TRACKED_PEERS, PEER_BYTES_BURST, PEER_BYTES_PER_SEC, PEER_MESSAGES_PER_SEC, RATE_LIMIT_PRUNE_INTERVAL_MS } from './constants.ts'
import { systemClock } from './clock.ts'
import type { Clock } from './clock.ts'

/** `quota` tokens per `periodMs`, with a burst of `burst` (default `quota`). */
export interface Quota {
  quota: number
  periodMs: number
  burst?: number
}

/** The quotas of one method. */
export interface RateLimitRule {
  /** Per peer: messages, and cost in the method's unit (items or bytes). */
  byPeer: { messages: Quota, cost?: Quota }
  /** Across all peers: refusals here penalise nobody. */
  total?: { messages?: Quota, cost?: Quota }
}

export interface RateLimiterInit {
  /** The rule of each method. A method without a rule is not limited per method. */
  rules: Record<string, RateLimitRule>
  /**
   * Per-peer totals across all methods, in messages and request bytes.
   * @default 100 messages/s and 1 MiB/s with a 10 MiB burst (seed spec)
   */
  peerTotals?: { messages: Quota, bytes: Quota } | false
  /** @default DEFAULT_MAX_TRACKED_PEERS */
  maxPeers?: number
  /** Drop a peer's state after this long without requests. @default the longest quota period */
  idleMs?: number
  clock?: Clock
}

/** The outcome of {@link RateLimiter.take}. */
export type RateLimitResult =
  | { ok: true }
  | {
    ok: false
    /** `peer`: the peer went over its own quota; `global`: the method's global quota is used up. */
    scope: 'peer' | 'global'
    /** Which bucket: `messages`, `cost`, `peer_messages` or `peer_bytes`. */
    quota: string
    /** When the request would fit, ms from now (Infinity if it never can). */
    retryAfterMs: number
  }

export interface RateLimiter {
  /** Take one message, `cost` units and `bytes` request bytes for `peer` on `method`, if all fit. */
  take (peer: string, method: string, cost: number, bytes: number): RateLimitResult
  /** Drop idle peers now; returns how many were dropped. */
  prune (): number
  /** Forget a peer (e.g. on disconnect). */
  forget (peer: string): void
  /** Peers currently tracked. */
  readonly trackedPeers: number
}

interface Bucket { tokens: number, at: number }

interface PeerState {
  lastSeen: number
  messages?: Bucket
  bytes?: Bucket
  methods: Map<string, { messages: Bucket, cost?: Bucket }>
}

const OK: RateLimitResult = Object.freeze({ ok: true })

/** A full bucket. */
function fresh (q: Quota, now: number): Bucket {
  return { tokens: capacity(q), at: now }
}

function capacity (q: Quota): number {
  return q.burst ?? q.quota
}

function level (b: Bucket, q: Quota, now: number): number {
  return Math.min(capacity(q), b.tokens + Math.max(0, now - b.at) * q.quota / q.periodMs)
}

function waitFor (have: number, need: number, q: Quota): number {
  if (need > capacity(q)) return Infinity
  return Math.ceil((need - have) * q.periodMs / q.quota)
}

/**
 * Create a rate limiter.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter({ rules: { get_blocks_by_range: { byPeer: { messages: { quota: 20, periodMs: 10_000 }, cost: { quota: 2000, periodMs: 10_000 } } } } })
 * limiter.take(peerId.toString(), 'get_blocks_by_range', 500, 12) // { ok: true }
 * ```
 */
export function createRateLimiter (init: RateLimiterInit): RateLimiter {
  const clock = init.clock ?? systemClock
  const maxPeers = init.maxPeers ?? DEFAULT_MAX_TRACKED_PEERS
  const peerTotals = init.peerTotals === false
    ? undefined
    : init.peerTotals ?? {
      messages: { quota: PEER_MESSAGES_PER_SEC, periodMs: 1000 },
      bytes: { quota: PEER_BYTES_PER_SEC, periodMs: 1000, burst: PEER_BYTES_BURST }
    }
  const periods = Object.values(init.rules).flatMap(r => [r.byPeer.messages, r.byPeer.cost])
    .filter((q): q is Quota => q != null)
    .map(q => q.periodMs * capacity(q) / q.quota)
  if (peerTotals != null) periods.push(...[peerTotals.messages, peerTotals.bytes].map(q => q.periodMs * capacity(q) / q.quota))
  const idleMs = init.idleMs ?? Math.max(1000, ...periods)

  // reused for every take(): no allocation per request
  const scratch = {
    buckets: [] as Bucket[],
    quotas: [] as Quota[],
    amounts: [] as number[],
    levels: [] as number[],
    names: [] as string[],
    scopes: [] as Array<'peer' | 'global'>
  }
  function add (i: number, b: Bucket, q: Quota, amount: number, name: string, scope: 'peer' | 'global'): number {
    scratch.buckets[i] = b
    scratch.quotas[i] = q
    scratch.amounts[i] = amount
    scratch.names[i] = name
    scratch.scopes[i] = scope
    return i + 1
  }

  const peers = new Map<string, PeerState>()
  const globals = new Map<string, { messages?: Bucket, cost?: Bucket }>()
  let lastPrune = clock.now()

  function prune (now: number): number {
    lastPrune = now
    let dropped = 0
    // Map iteration is in insertion order, which take() keeps as last-seen order
    for (const [id, st] of peers) {
      if (now - st.lastSeen < idleMs) break
      peers.delete(id)
      dropped++
    }
    return dropped
  }

  return {
    take (peer, method, cost, bytes) {
      const now = clock.now()
      if (now - lastPrune >= RATE_LIMIT_PRUNE_INTERVAL_MS) prune(now)

      let st = peers.get(peer)
      if (st == null) {
        st = { lastSeen: now, methods: new Map() }
      } else {
        peers.delete(peer)
      }
      st.lastSeen = now
      peers.set(peer, st)
      if (peers.size > maxPeers) {
        const oldest = peers.keys().next().value as string
        peers.delete(oldest)
      }

      const rule = init.rules[method]
      let m = rule == null ? undefined : st.methods.get(method)
      if (rule != null && m == null) {
        m = { messages: fresh(rule.byPeer.messages, now) }
        st.methods.set(method, m)
      }
      let g = rule?.total == null ? undefined : globals.get(method)
      if (rule?.total != null && g == null) {
        g = {}
        globals.set(method, g)
      }

      // every bucket this request draws on, per-peer ones first: when both a
      // peer and a global quota are exceeded, the peer is at fault
      let n = 0
      if (peerTotals != null) {
        n = add(n, st.messages ??= fresh(peerTotals.messages, now), peerTotals.messages, 1, 'peer_messages', 'peer')
        n = add(n, st.bytes ??= fresh(peerTotals.bytes, now), peerTotals.bytes, bytes, 'peer_bytes', 'peer')
      }
      if (rule != null && m != null) {
        n = add(n, m.messages, rule.byPeer.messages, 1, 'messages', 'peer')
        const cq = rule.byPeer.cost
        if (cq != null) n = add(n, m.cost ??= fresh(cq, now), cq, cost, 'cost', 'peer')
        if (rule.total != null && g != null) {
          const tm = rule.total.messages
          const tc = rule.total.cost
          if (tm != null) n = add(n, g.messages ??= fresh(tm, now), tm, 1, 'messages', 'global')
          if (tc != null) n = add(n, g.cost ??= fresh(tc, now), tc, cost, 'cost', 'global')
        }
      }
      for (let i = 0; i < n; i++) {
        const have = level(scratch.buckets[i], scratch.quotas[i], now)
        scratch.levels[i] = have
        if (have < scratch.amounts[i]) {
          return { ok: false, scope: scratch.scopes[i], quota: scratch.names[i], retryAfterMs: waitFor(have, scratch.amounts[i], scratch.quotas[i]) }
        }
      }
      for (let i = 0; i < n; i++) {
        const b = scratch.buckets[i]
        b.tokens = scratch.levels[i] - scratch.amounts[i]
        b.at = now
      }
      return OK
    },
    prune () {
      return prune(clock.now())
    },
    forget (peer) {
      peers.delete(peer)
    },
    get trackedPeers () {
      return peers.size
    }
  }
}
