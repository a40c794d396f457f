/**
 * Compact block metrics, on the node's Prometheus registry. Names follow
 * `chainwire_compact_blocks_<thing>_{total|bytes}`.
 *
 * @module
 */
import { Counter, Gauge, Histogram } from 'prom-client'
import type { Registry } from 'prom-client'

/** Why a compact block was given up for the full block. */
export type FallbackReason = 'collision' | 'invalid' | 'error' | 'notfound' | 'malformed'

/** Sizes of bounded state, read when metrics are scraped. */
export interface CompactGauges {
  partialBlocks (): number
  /** Compact blocks kept for sync's fetch. */
  pendingBlocks (): number
  /** Compact blocks asked for and not arrived. */
  requestedBlocks (): number
  extraPoolTxs (): number
  highBandwidthPeers (): number
  recentBlocks (): number
  /** Peers with compact-block state. */
  peers (): number
  /** Arrival times of recent mempool transactions (prefill rule). */
  recentTxTimes (): number
  /** Per-block memory: rebuilt, rejected, lacked indexes, announced origins (each ≤ MAX_BLOCK_OUTCOMES). */
  blockOutcomes (): number
}

export interface CompactMetrics {
  /** A block was rebuilt and submitted: bytes received for it, its full size, round trips. */
  reconstructed (roundTrips: 0 | 1, compactBytes: number, fillBytes: number, fullBytes: number): void
  /** A compact block was given up for the full block (which sync fetches and counts); bytes already received for it. */
  fallback (reason: FallbackReason, compactBytes?: number, fillBytes?: number): void
  sent (mode: 'high_bandwidth' | 'low_bandwidth'): void
  served (what: 'blocktxn' | 'cmpctblock'): void
}

/** Ratios of bytes received for a block to its full size. */
export const RATIO_BUCKETS = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2]

export function createCompactMetrics (registry: Registry | undefined, gauges: CompactGauges): CompactMetrics {
  if (registry == null) return { reconstructed () {}, fallback () {}, sent () {}, served () {} }
  const p = 'chainwire_compact_blocks'
  const registers = [registry]
  const bytes = new Counter({ name: `${p}_received_bytes_total`, help: 'Bytes received for blocks by the compact path, by kind: compact blocks, blocktxn fill-in (full blocks of a fallback are counted by sync)', labelNames: ['kind'], registers })
  const fullBytes = new Counter({ name: `${p}_block_bytes_total`, help: 'Full sizes of the blocks received by the compact path', registers })
  const ratio = new Histogram({ name: `${p}_bytes_ratio`, help: 'Bytes received for a block (compact + fill-in) over its full size', buckets: RATIO_BUCKETS, registers })
  const rebuilt = new Counter({ name: `${p}_reconstructions_total`, help: 'Blocks rebuilt from compact blocks, by extra round trips', labelNames: ['round_trips'], registers })
  const fallbacks = new Counter({ name: `${p}_fallbacks_total`, help: 'Compact blocks given up for the full block, by reason', labelNames: ['reason'], registers })
  const sent = new Counter({ name: `${p}_sent_total`, help: 'Compact blocks sent, by mode', labelNames: ['mode'], registers })
  const served = new Counter({ name: `${p}_served_total`, help: 'Requests served', labelNames: ['what'], registers })
  const state = new Gauge({
    name: `${p}_state`,
    help: 'Sizes of bounded compact-block state',
    labelNames: ['what'],
    registers,
    collect () {
      this.set({ what: 'partial_blocks' }, gauges.partialBlocks())
      this.set({ what: 'pending_blocks' }, gauges.pendingBlocks())
      this.set({ what: 'requested_blocks' }, gauges.requestedBlocks())
      this.set({ what: 'peers' }, gauges.peers())
      this.set({ what: 'recent_tx_times' }, gauges.recentTxTimes())
      this.set({ what: 'block_outcomes' }, gauges.blockOutcomes())
      this.set({ what: 'extra_pool_txs' }, gauges.extraPoolTxs())
      this.set({ what: 'high_bandwidth_peers' }, gauges.highBandwidthPeers())
      this.set({ what: 'recent_blocks' }, gauges.recentBlocks())
    }
  })
  void state
  return {
    reconstructed (roundTrips, compactBytes, fillBytes, full) {
      rebuilt.inc({ round_trips: String(roundTrips) })
      bytes.inc({ kind: 'compact' }, compactBytes)
      if (fillBytes > 0) bytes.inc({ kind: 'blocktxn' }, fillBytes)
      fullBytes.inc(full)
      if (full > 0) ratio.observe((compactBytes + fillBytes) / full)
    },
    fallback (reason, compactBytes = 0, fillBytes = 0) {
      fallbacks.inc({ reason })
      if (compactBytes > 0) bytes.inc({ kind: 'compact' }, compactBytes)
      if (fillBytes > 0) bytes.inc({ kind: 'blocktxn' }, fillBytes)
    },
    sent (mode) { sent.inc({ mode }) },
    served (what) { served.inc({ what }) }
  }
}
