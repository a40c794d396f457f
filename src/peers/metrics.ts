/**
 * Metrics of the peer manager and its gater. Names follow
 * `chainwire_peers_<thing>_{total|…}`; every label set is bounded.
 *
 * @module
 */
import { MAX_PENALTY_REASON_LABELS, MAX_REASON_LENGTH } from './constants.ts'
import type { Counter, CounterGroup, Metrics } from '@libp2p/interface'

/** Metrics the gater updates. */
export interface GuardMetrics {
  /** Connections refused, by `RefusalReason`. */
  refused?: CounterGroup
}

/** Sizes the manager reports as gauges. */
export interface PeerGaugeSources {
  connections: () => Record<'inbound' | 'outbound' | 'pending_inbound', number>
  tracked: () => Record<'scores' | 'bans' | 'discouraged' | 'backoff', number>
}

/** Metrics the manager updates. */
export interface ManagerMetrics {
  /** Reports, by verdict. */
  verdicts?: CounterGroup
  /** Penalising reports, by reason (bounded: see {@link reasonLabel}). */
  penalties?: CounterGroup
  /** Goodbyes we sent, by reason. */
  goodbyes?: CounterGroup
  /** Bans made, by source (`manual` | `auto`). */
  bans?: CounterGroup
  /** Inbound peers evicted. */
  evictions?: Counter
  /** Maintenance dials, by result (`ok` | `error`). */
  dials?: CounterGroup
}

/** Register the gater's metrics. */
export function createGuardMetrics (registry?: Metrics): GuardMetrics {
  if (registry == null) return {}
  return {
    refused: registry.registerCounterGroup('chainwire_peers_refused_total', {
      label: 'reason',
      help: 'Connections refused by the peer gater, by reason'
    })
  }
}

/** Register the manager's metrics, including gauges computed from `sources`. */
export function createManagerMetrics (registry: Metrics | undefined, sources: PeerGaugeSources): ManagerMetrics {
  if (registry == null) return {}
  registry.registerMetricGroup('chainwire_peers_connections', {
    label: 'kind',
    help: 'Live connections by direction, and inbound connections in the handshake',
    calculate: sources.connections
  })
  registry.registerMetricGroup('chainwire_peers_tracked', {
    label: 'kind',
    help: 'Entries in the bounded peer-manager tables',
    calculate: sources.tracked
  })
  return {
    verdicts: registry.registerCounterGroup('chainwire_peers_verdicts_total', { label: 'verdict', help: 'Fault reports by verdict' }),
    penalties: registry.registerCounterGroup('chainwire_peers_penalties_total', { label: 'reason', help: 'Penalising fault reports by reason' }),
    goodbyes: registry.registerCounterGroup('chainwire_peers_goodbyes_total', { label: 'reason', help: 'Goodbyes sent by reason' }),
    bans: registry.registerCounterGroup('chainwire_peers_bans_total', { label: 'source', help: 'Bans made by source' }),
    evictions: registry.registerCounter('chainwire_peers_evictions_total', { help: 'Inbound peers evicted to make room for a newcomer' }),
    dials: registry.registerCounterGroup('chainwire_peers_dials_total', { label: 'result', help: 'Outbound maintenance dials by result' })
  }
}

/** Clean a free-form reason: printable, short. */
export function cleanReason (reason: unknown): string {
  const s = String(reason ?? '').replace(/[^A-Za-z0-9_.:-]+/g, '_').slice(0, MAX_REASON_LENGTH)
  return s.length === 0 ? 'unknown' : s
}

/**
 * A bounded label set: the first {@link MAX_PENALTY_REASON_LABELS} distinct
 * reasons get their own label, later ones share `other`, so a caller passing
 * unique strings cannot blow up the metric's cardinality.
 */
export function createReasonLabels (max = MAX_PENALTY_REASON_LABELS): (reason: string) => string {
  const seen = new Set<string>()
  return (reason) => {
    if (seen.has(reason)) return reason
    if (seen.size >= max) return 'other'
    seen.add(reason)
    return reason
  }
}
