/**
 * Peer scores: a number in [MIN_SCORE, MAX_SCORE] per peer that faults push
 * down and time pulls back to 0 with a half-life, after Lodestar's
 * `PeerRpcScoreStore`.
 *
 * {@link verdictPenalty} is the one function that turns a verdict into a
 * score change; {@link scoreAction} is the one that turns a score into a
 * consequence.
 *
 * @module
 */
import { MAX_SCORE, MIN_SCORE, SCORE_FORGET_BELOW, VERDICT_PENALTIES } from './constants.ts'
import type { Verdict } from '../errors.ts'

/** The score change a verdict causes. The only place verdicts become numbers. */
export function verdictPenalty (verdict: Verdict): number {
  return VERDICT_PENALTIES[verdict] ?? 0
}

/** What a score means for the peer that has it. */
export type ScoreAction = 'none' | 'disconnect' | 'ban'

/** The consequence of a score: ban at or below `ban`, disconnect at or below `disconnect`. */
export function scoreAction (score: number, thresholds: { disconnect: number, ban: number }): ScoreAction {
  if (score <= thresholds.ban) return 'ban'
  if (score <= thresholds.disconnect) return 'disconnect'
  return 'none'
}

/** A score `value` set at time `at`, decayed to time `now`. */
export function decayScore (value: number, at: number, now: number, halfLifeMs: number): number {
  const dt = now - at
  if (dt <= 0 || value === 0) return value
  return value * Math.pow(0.5, dt / halfLifeMs)
}

/** Scores of many peers, decaying, bounded. */
export interface ScoreBook {
  /** The decayed score of a peer (0 if unknown). */
  get (peer: string): number
  /** Add `delta` to a peer's decayed score, clamp it, and return the result. */
  add (peer: string, delta: number): number
  /** Forget a peer's score. */
  delete (peer: string): void
  /** Forget scores that decayed to about 0. */
  prune (): void
  /** Peers with a score. */
  readonly size: number
}

export interface ScoreBookInit {
  halfLifeMs: number
  maxEntries: number
  clock: () => number
  /** Connected peers are never forgotten to make room. */
  connectedPeers: () => ReadonlySet<string>
}

interface Entry { value: number, at: number }

/** Create a {@link ScoreBook}. */
export function createScoreBook (init: ScoreBookInit): ScoreBook {
  const entries = new Map<string, Entry>()
  const { halfLifeMs, maxEntries, clock, connectedPeers } = init

  const current = (e: Entry, now: number): number => decayScore(e.value, e.at, now, halfLifeMs)

  const prune = (): void => {
    const now = clock()
    for (const [peer, e] of entries) {
      if (Math.abs(current(e, now)) < SCORE_FORGET_BELOW) entries.delete(peer)
    }
  }

  /** Make room for one more entry: forget the mildest disconnected score. */
  const makeRoom = (): void => {
    if (entries.size < maxEntries) return
    prune()
    if (entries.size < maxEntries) return
    const now = clock()
    const connected = connectedPeers()
    let mildest: string | undefined
    let mildestValue = -Infinity
    for (const [peer, e] of entries) {
      if (connected.has(peer)) continue
      const v = current(e, now)
      // scores are penalties, so the highest is the least informative
      if (v > mildestValue) { mildest = peer; mildestValue = v }
    }
    if (mildest != null) entries.delete(mildest)
  }

  return {
    get (peer) {
      const e = entries.get(peer)
      return e == null ? 0 : current(e, clock())
    },
    add (peer, delta) {
      const now = clock()
      let e = entries.get(peer)
      if (e == null) {
        if (delta === 0) return 0
        makeRoom()
        e = { value: 0, at: now }
        entries.set(peer, e)
      }
      const next = Math.min(MAX_SCORE, Math.max(MIN_SCORE, current(e, now) + delta))
      e.value = next
      e.at = now
      return next
    },
    delete (peer) {
      entries.delete(peer)
    },
    prune,
    get size () {
      return entries.size
    }
  }
}
