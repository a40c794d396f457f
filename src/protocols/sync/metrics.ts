/**
 * Metrics of block sync, on the node's Prometheus registry. Names follow
 * `chainwire_sync_<thing>_{total|seconds|bytes}`; the propagation histogram's
 * buckets are fractions of the request/response timeout.
 *
 * @module
 */
import { Counter, Gauge, Histogram } from 'prom-client'
import { latencyBuckets } from '../../reqresp/metrics.ts'
import type { Registry } from 'prom-client'

/** Why a range went back to the queue. */
export type ReassignReason = 'stall' | 'error' | 'short' | 'peer-gone' | 'invalid-block'

/** Sizes read when metrics are scraped. */
export interface SyncGauges {
  state (): string
  tipHeight (): number
  headerHeight (): number
  peerHeight (): number
  bufferedBytes (): number
  targetHeaders (): number
  rangesInFlight (): number
  peersInUse (): number
}

export interface SyncMetrics {
  blocks (n: number, bytes: number): void
  headers (n: number): void
  stall (): void
  reassign (reason: ReassignReason): void
  penalty (reason: string): void
  propagation (seconds: number): void
  announcement (direction: 'in' | 'out', via: string): void
}

const STATES = ['idle', 'headers', 'blocks', 'synced'] as const

/** Create the sync metrics, or no-ops without a registry. */
export function createSyncMetrics (registry: Registry | undefined, g: SyncGauges): SyncMetrics {
  if (registry == null) {
    return { blocks () {}, headers () {}, stall () {}, reassign () {}, penalty () {}, propagation () {}, announcement () {} }
  }
  const registers = [registry]
  const blocks = new Counter({ name: 'chainwire_sync_blocks_total', help: 'Blocks downloaded and connected by sync', registers })
  const bytes = new Counter({ name: 'chainwire_sync_block_bytes_total', help: 'Bytes of blocks downloaded and connected by sync', registers })
  const headers = new Counter({ name: 'chainwire_sync_headers_total', help: 'Headers validated and added to the header chain', registers })
  const stalls = new Counter({ name: 'chainwire_sync_stalls_total', help: 'Ranges abandoned because the peer stalled', registers })
  const reassign = new Counter({ name: 'chainwire_sync_reassignments_total', help: 'Ranges or blocks put back to be fetched from another peer, by reason', labelNames: ['reason'] as const, registers })
  const penalties = new Counter({ name: 'chainwire_sync_penalties_total', help: 'Faults sync reported to the peer manager, by reason', labelNames: ['reason'] as const, registers })
  const announcements = new Counter({ name: 'chainwire_sync_announcements_total', help: 'Block announcements sent and received, by path', labelNames: ['direction', 'via'] as const, registers })
  const propagation = new Histogram({
    name: 'chainwire_sync_block_propagation_seconds',
    help: 'From when the origin node accepted a block to when this node accepted it',
    buckets: latencyBuckets(),
    registers
  })
  new Gauge({
    name: 'chainwire_sync_state',
    help: 'Sync state: 1 for the current one of idle, headers, blocks, synced',
    labelNames: ['state'] as const,
    registers,
    collect () {
      const s = g.state()
      for (const x of STATES) this.set({ state: x }, x === s ? 1 : 0)
    }
  })
  new Gauge({
    name: 'chainwire_sync_height',
    help: 'Heights: our tip, the best validated header, the best a peer claims',
    labelNames: ['what'] as const,
    registers,
    collect () {
      this.set({ what: 'tip' }, g.tipHeight())
      this.set({ what: 'headers' }, g.headerHeight())
      this.set({ what: 'peers' }, g.peerHeight())
    }
  })
  new Gauge({
    name: 'chainwire_sync_queue',
    help: 'Sizes of bounded sync state',
    labelNames: ['what'] as const,
    registers,
    collect () {
      this.set({ what: 'buffered_bytes' }, g.bufferedBytes())
      this.set({ what: 'target_headers' }, g.targetHeaders())
      this.set({ what: 'ranges_in_flight' }, g.rangesInFlight())
      this.set({ what: 'peers_in_use' }, g.peersInUse())
    }
  })
  return {
    blocks (n, b) { blocks.inc(n); bytes.inc(b) },
    headers (n) { headers.inc(n) },
    stall () { stalls.inc() },
    reassign (reason) { reassign.inc({ reason }) },
    penalty (reason) { penalties.inc({ reason }) },
    propagation (s) { propagation.observe(s) },
    announcement (direction, via) { announcements.inc({ direction, via }) }
  }
}
