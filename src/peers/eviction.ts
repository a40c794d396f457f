/**
 * Choosing an inbound peer to evict when inbound is full, on the model of
 * Bitcoin Core's `SelectNodeToEvict` (node/eviction.cpp).
 *
 * Outbound and allow-listed peers are never candidates. From the inbound
 * candidates we protect, in this order: 4 by keyed netgroup (the key is a
 * per-node secret, so an attacker cannot predict which groups survive), the
 * 8 with the lowest latency, the 4 that most recently sent a novel
 * transaction, the 4 that most recently sent a novel block, and half of the
 * rest by longest uptime. If anyone is left, restrict to the peers we prefer
 * to evict (discouraged or low score) if there are any, then evict the
 * youngest peer of the netgroup with the most connections (ties: the group
 * whose youngest member is youngest).
 *
 * An attacker who wants to evict honest peers has to beat them on every
 * axis at once: be in many netgroups, be close, relay useful data, and stay
 * connected long.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import {
  EVICTION_PROTECT_BLOCK,
  EVICTION_PROTECT_LATENCY,
  EVICTION_PROTECT_NETGROUP,
  EVICTION_PROTECT_TX,
  EVICTION_PROTECT_UPTIME_RATIO
} from './constants.ts'

/** What eviction needs to know about one inbound connection. */
export interface EvictionCandidate {
  /** The connection id. */
  id: string
  peer: string
  /** When the connection opened, ms since the epoch. */
  connectedAt: number
  /** Lowest observed round-trip time; `Infinity` when unknown. */
  latencyMs: number
  /** When it last sent a novel transaction; 0 if never. */
  lastTx: number
  /** When it last sent a novel block; 0 if never. */
  lastBlock: number
  netgroup: string
  /** `keyedNetgroup(secret, netgroup)`. */
  keyedNetgroup: number
  /** Discouraged address or low score: evicted first. */
  preferEvict: boolean
}

/** How many peers each protection keeps. Defaults are Bitcoin Core's. */
export interface EvictionProtection {
  netgroup: number
  latency: number
  tx: number
  block: number
  uptimeRatio: number
}

export const DEFAULT_EVICTION_PROTECTION: Readonly<EvictionProtection> = Object.freeze({
  netgroup: EVICTION_PROTECT_NETGROUP,
  latency: EVICTION_PROTECT_LATENCY,
  tx: EVICTION_PROTECT_TX,
  block: EVICTION_PROTECT_BLOCK,
  uptimeRatio: EVICTION_PROTECT_UPTIME_RATIO
})

/**
 * A keyed hash of a netgroup (48 bits), as Bitcoin Core's `nKeyedNetGroup`:
 * with a secret key, an attacker cannot tell which netgroups the netgroup
 * protection will keep.
 */
export function keyedNetgroup (secret: Uint8Array, netgroup: string): number {
  const digest = createHash('sha256').update(secret).update(netgroup).digest()
  return digest.readUIntBE(0, 6)
}

type Compare = (a: EvictionCandidate, b: EvictionCandidate) => number

/** Sort ascending with `compare` and drop the last `k` (the ones to protect). */
function protectLast (list: EvictionCandidate[], compare: Compare, k: number): EvictionCandidate[] {
  if (k <= 0 || list.length === 0) return list
  const sorted = [...list].sort((a, b) => compare(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return sorted.slice(0, Math.max(0, sorted.length - k))
}

const cmp = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0)

/** Ascending by keyed netgroup: the highest keys are protected. */
const byKeyedNetgroup: Compare = (a, b) => cmp(a.keyedNetgroup, b.keyedNetgroup)
/** Descending by latency: the lowest latencies are protected. */
const byLatencyReversed: Compare = (a, b) => cmp(b.latencyMs, a.latencyMs)
/** Ascending by last tx time, then younger first: the most recent (and, on ties, oldest) are protected. */
const byTxTime: Compare = (a, b) => cmp(a.lastTx, b.lastTx) || cmp(b.connectedAt, a.connectedAt)
/** Ascending by last block time, then younger first. */
const byBlockTime: Compare = (a, b) => cmp(a.lastBlock, b.lastBlock) || cmp(b.connectedAt, a.connectedAt)
/** Youngest first: the longest-connected are protected. */
const byUptimeReversed: Compare = (a, b) => cmp(b.connectedAt, a.connectedAt)

/**
 * Select the inbound connection to evict, or undefined when every candidate
 * is protected (then the newcomer is refused instead).
 */
export function selectEvictionCandidate (
  candidates: readonly EvictionCandidate[],
  protection: EvictionProtection = DEFAULT_EVICTION_PROTECTION
): EvictionCandidate | undefined {
  let list = [...candidates]
  list = protectLast(list, byKeyedNetgroup, protection.netgroup)
  list = protectLast(list, byLatencyReversed, protection.latency)
  list = protectLast(list, byTxTime, protection.tx)
  list = protectLast(list, byBlockTime, protection.block)
  list = protectLast(list, byUptimeReversed, Math.floor(list.length * protection.uptimeRatio))
  if (list.length === 0) return undefined

  if (list.some(c => c.preferEvict)) list = list.filter(c => c.preferEvict)

  // youngest first, so each group's first member is its youngest
  list.sort((a, b) => byUptimeReversed(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const groups = new Map<string, EvictionCandidate[]>()
  for (const c of list) {
    const g = groups.get(c.netgroup)
    if (g == null) groups.set(c.netgroup, [c])
    else g.push(c)
  }
  let best: EvictionCandidate[] | undefined
  for (const group of groups.values()) {
    if (best == null || group.length > best.length ||
      (group.length === best.length && group[0].connectedAt > best[0].connectedAt)) {
      best = group
    }
  }
  return best?.[0]
}
