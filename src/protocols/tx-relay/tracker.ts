/**
 * Which transaction to request from which peer, and when: a compact version
 * of Bitcoin Core's `TxRequestTracker` (txrequest.h).
 *
 * - Every announcement (peer, txid) is a candidate with a time from which it
 *   may be requested. Announcements from preferred (outbound) peers are ready
 *   at once; from others after a delay, so an outbound announcer gets the
 *   first chance. A peer at its in-flight cap gets a further delay.
 * - A transaction is requested from one peer at a time. When that request
 *   fails (timeout, notfound, a response without it), the next candidate is
 *   chosen: preferred peers first, then the earliest ready; a peer is never
 *   asked twice for the same transaction.
 * - Each peer has at most `maxAnnouncements` announcements tracked and
 *   `maxInFlight` requests outstanding.
 *
 * The tracker is plain state, driven by the relay with the current time; it
 * starts no timers.
 *
 * @module
 */

/** Options of {@link createTxRequestTracker}. */
export interface TxRequestTrackerInit {
  maxAnnouncementsPerPeer: number
  maxInFlightPerPeer: number
  nonPreferredDelayMs: number
  overloadedDelayMs: number
}

/** What happened to an announcement. */
export type AnnounceResult = 'added' | 'duplicate' | 'capped'

/** One transaction to request. */
export interface TxRequest {
  hex: string
  txid: Uint8Array
}

/** The transaction request tracker. */
export interface TxRequestTracker {
  /** Record that `peer` announced `txid` (hex `hex`) at `now`. */
  announce (peer: string, hex: string, txid: Uint8Array, preferred: boolean, now: number): AnnounceResult
  /**
   * Requests that may go out at `now`, per peer; they are marked in flight.
   * Peers `accept` refuses (say, with too many requests open) are passed over.
   */
  due (now: number, accept?: (peer: string) => boolean): Map<string, TxRequest[]>
  /** The earliest time a waiting announcement becomes ready, if later than `now`. */
  nextReadyAt (now: number): number | undefined
  /**
   * `peer` delivered `hex`: if it had been requested from that peer, the
   * transaction is forgotten (it is in hand) and the result is true.
   */
  received (peer: string, hex: string): boolean
  /** The request of `hex` from `peer` failed: the next announcer gets it. */
  failed (peer: string, hex: string): void
  /** We have (or rejected) the transaction: forget every announcement of it. */
  forget (hex: string): void
  /** Forget everything about a peer (it disconnected). */
  removePeer (peer: string): void
  /** True if `hex` is being tracked (announced or requested). */
  has (hex: string): boolean
  /** The peer `hex` is requested from, if any. */
  requestedFrom (hex: string): string | undefined
  inFlight (peer: string): number
  announcements (peer: string): number
  /** Transactions tracked. */
  readonly size: number
}

interface Candidate { readyAt: number, preferred: boolean, seq: number }

interface Entry {
  hex: string
  txid: Uint8Array
  /** Announcers not asked yet. */
  candidates: Map<string, Candidate>
  /** The peer the transaction is requested from. */
  requested?: string
  /** Peers already asked. */
  tried: Set<string>
}

interface PeerCounts { announcements: number, inFlight: number, entries: Set<Entry> }

/** Create an empty tracker. */
export function createTxRequestTracker (init: TxRequestTrackerInit): TxRequestTracker {
  const entries = new Map<string, Entry>()
  /** Entries with no request in flight (and at least one candidate). */
  const waiting = new Set<Entry>()
  const peers = new Map<string, PeerCounts>()
  let seq = 0

  const counts = (peer: string): PeerCounts => {
    let c = peers.get(peer)
    if (c == null) {
      c = { announcements: 0, inFlight: 0, entries: new Set() }
      peers.set(peer, c)
    }
    return c
  }

  /** Drop `peer`'s part in `e` (candidate or request). */
  const release = (e: Entry, peer: string): void => {
    const c = peers.get(peer)
    if (c == null) return
    if (e.candidates.delete(peer) || e.requested === peer) {
      c.announcements--
      c.entries.delete(e)
    }
    if (e.requested === peer) {
      c.inFlight--
      e.requested = undefined
    }
    if (c.announcements <= 0 && c.inFlight <= 0) peers.delete(peer)
  }

  /** After a change: wait for the next candidate, or drop an entry nobody can serve. */
  const settle = (e: Entry): void => {
    if (e.requested != null) {
      waiting.delete(e)
      return
    }
    if (e.candidates.size === 0) {
      waiting.delete(e)
      entries.delete(e.hex)
      return
    }
    waiting.add(e)
  }

  /** The best candidate ready at `now` whose peer has room, or undefined. */
  const pick = (e: Entry, now: number, planned: Map<string, number>, accept?: (peer: string) => boolean): string | undefined => {
    let best: string | undefined
    let bestC: Candidate | undefined
    for (const [peer, c] of e.candidates) {
      if (c.readyAt > now) continue
      if (accept != null && !accept(peer)) continue
      const inFlight = (peers.get(peer)?.inFlight ?? 0) + (planned.get(peer) ?? 0)
      if (inFlight >= init.maxInFlightPerPeer) continue
      if (bestC == null ||
        (c.preferred && !bestC.preferred) ||
        (c.preferred === bestC.preferred && (c.readyAt < bestC.readyAt || (c.readyAt === bestC.readyAt && c.seq < bestC.seq)))) {
        best = peer
        bestC = c
      }
    }
    return best
  }

  const forget = (hex: string): void => {
    const e = entries.get(hex)
    if (e == null) return
    for (const peer of [...e.candidates.keys()]) release(e, peer)
    if (e.requested != null) release(e, e.requested)
    waiting.delete(e)
    entries.delete(hex)
  }

  return {
    announce (peer, hex, txid, preferred, now) {
      let e = entries.get(hex)
      if (e != null && (e.candidates.has(peer) || e.requested === peer || e.tried.has(peer))) return 'duplicate'
      const c = counts(peer)
      if (c.announcements >= init.maxAnnouncementsPerPeer) return 'capped'
      if (e == null) {
        e = { hex, txid, candidates: new Map(), tried: new Set() }
        entries.set(hex, e)
      }
      let readyAt = now
      if (!preferred) readyAt += init.nonPreferredDelayMs
      if (c.inFlight >= init.maxInFlightPerPeer) readyAt += init.overloadedDelayMs
      e.candidates.set(peer, { readyAt, preferred, seq: seq++ })
      c.announcements++
      c.entries.add(e)
      settle(e)
      return 'added'
    },

    due (now, accept) {
      const out = new Map<string, TxRequest[]>()
      const planned = new Map<string, number>()
      for (const e of waiting) {
        const peer = pick(e, now, planned, accept)
        if (peer == null) continue
        planned.set(peer, (planned.get(peer) ?? 0) + 1)
        let list = out.get(peer)
        if (list == null) {
          list = []
          out.set(peer, list)
        }
        list.push({ hex: e.hex, txid: e.txid })
      }
      for (const [peer, list] of out) {
        const c = counts(peer)
        for (const r of list) {
          const e = entries.get(r.hex) as Entry
          e.candidates.delete(peer)
          e.requested = peer
          e.tried.add(peer)
          c.inFlight++
          waiting.delete(e)
        }
      }
      return out
    },

    nextReadyAt (now) {
      let next: number | undefined
      for (const e of waiting) {
        for (const c of e.candidates.values()) {
          if (c.readyAt > now && (next == null || c.readyAt < next)) next = c.readyAt
        }
      }
      return next
    },

    received (peer, hex) {
      const e = entries.get(hex)
      if (e?.requested !== peer) return false
      forget(hex)
      return true
    },

    failed (peer, hex) {
      const e = entries.get(hex)
      if (e == null) return
      if (e.requested === peer || e.candidates.has(peer)) release(e, peer)
      settle(e)
    },

    forget,

    removePeer (peer) {
      const c = peers.get(peer)
      if (c == null) return
      for (const e of [...c.entries]) {
        release(e, peer)
        e.tried.delete(peer)
        settle(e)
      }
      peers.delete(peer)
    },

    has (hex) {
      return entries.has(hex)
    },

    requestedFrom (hex) {
      return entries.get(hex)?.requested
    },

    inFlight (peer) {
      return peers.get(peer)?.inFlight ?? 0
    },

    announcements (peer) {
      return peers.get(peer)?.announcements ?? 0
    },

    get size () {
      return entries.size
    }
  }
}
