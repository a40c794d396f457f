/**
 * Outbound maintenance helpers: per-peer dial back-off and the ranking of
 * dial candidates for netgroup diversity.
 *
 * Bitcoin Core makes at most one outbound connection per netgroup, so that an
 * attacker must control many netgroups to eclipse a node. We prefer
 * candidates from netgroups we have no outbound connection to, one per
 * netgroup per round, and fall back to already-used netgroups only when no
 * fresh one is left: a strict rule would leave small networks (a devnet on
 * one host, a testnet in one data centre) below the outbound target forever.
 *
 * @module
 */

/** Exponential back-off per peer after failed dials. */
export interface Backoff {
  /** True while `peer` must not be dialed. */
  blocked (peer: string): boolean
  /** When the peer may be dialed again (0 if now). */
  until (peer: string): number
  /** Consecutive failures recorded for the peer. */
  failures (peer: string): number
  /** Record a failed dial; returns the delay applied. */
  fail (peer: string): number
  /** Record a successful dial: forget the peer. */
  succeed (peer: string): void
  readonly size: number
}

export interface BackoffInit {
  baseMs: number
  maxMs: number
  maxEntries: number
  clock: () => number
}

/** Create a {@link Backoff}: `base × 2^(failures-1)`, capped at `max`. */
export function createBackoff (init: BackoffInit): Backoff {
  const { baseMs, maxMs, maxEntries, clock } = init
  const entries = new Map<string, { failures: number, until: number }>()

  const makeRoom = (): void => {
    if (entries.size < maxEntries) return
    const now = clock()
    for (const [peer, e] of entries) if (e.until <= now) entries.delete(peer)
    if (entries.size < maxEntries) return
    let first: string | undefined
    let firstUntil = Infinity
    for (const [peer, e] of entries) {
      if (e.until < firstUntil) { first = peer; firstUntil = e.until }
    }
    if (first != null) entries.delete(first)
  }

  return {
    blocked (peer) {
      const e = entries.get(peer)
      return e != null && e.until > clock()
    },
    until (peer) {
      return entries.get(peer)?.until ?? 0
    },
    failures (peer) {
      return entries.get(peer)?.failures ?? 0
    },
    fail (peer) {
      let e = entries.get(peer)
      if (e == null) {
        makeRoom()
        e = { failures: 0, until: 0 }
        entries.set(peer, e)
      }
      e.failures++
      const delay = Math.min(maxMs, baseMs * Math.pow(2, Math.min(e.failures - 1, 30)))
      e.until = clock() + delay
      return delay
    },
    succeed (peer) {
      entries.delete(peer)
    },
    get size () {
      return entries.size
    }
  }
}

/** A peer we could dial. */
export interface OutboundCandidate {
  peer: string
  netgroup: string
  /** Consecutive failed dials (fewer is better). */
  failures: number
}

/**
 * Order dial candidates: first one candidate per netgroup we have no
 * outbound connection to (fewest failures first, random among equals), then
 * everyone else in the same order.
 *
 * @param usedNetgroups - netgroups of our outbound connections and dials in flight
 * @param random - returns a number in [0, 1)
 */
export function rankOutboundCandidates (
  candidates: readonly OutboundCandidate[],
  usedNetgroups: ReadonlySet<string>,
  random: () => number = Math.random
): OutboundCandidate[] {
  const shuffled = [...candidates]
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const t = shuffled[i]
    shuffled[i] = shuffled[j]
    shuffled[j] = t
  }
  // stable sort keeps the shuffle among equals
  shuffled.sort((a, b) => a.failures - b.failures)
  const used = new Set(usedNetgroups)
  const fresh: OutboundCandidate[] = []
  const rest: OutboundCandidate[] = []
  for (const c of shuffled) {
    if (!used.has(c.netgroup)) {
      used.add(c.netgroup)
      fresh.push(c)
    } else {
      rest.push(c)
    }
  }
  return [...fresh, ...rest]
}
