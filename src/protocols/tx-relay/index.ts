/**
 * Transaction relay: INV/GETDATA/TX with Poisson trickling, per-peer known
 * inventory, a request tracker with in-flight caps and re-requests, fee
 * filters, validation before relay; or gossipsub with validation.
 *
 * @module
 */
export { txRelay } from './tx-relay.ts'
export type {
  TxRelay, TxRelayInit, RouteRegistrar, TxRelayComponents, TxRelayStats, TxRelayPeerInfo, BlockInventory, PeerRelayPolicy, TxGossip
} from './tx-relay.ts'
export { createTxRequestTracker } from './tracker.ts'
export type { TxRequestTracker, TxRequestTrackerInit, TxRequest, AnnounceResult } from './tracker.ts'
export { rollingBloomFilter, murmur3, MAX_ROLLING_BLOOM_ELEMENTS } from './rolling-bloom.ts'
export type { RollingBloomFilter } from './rolling-bloom.ts'
export { createTxRelayMetrics } from './metrics.ts'
export type { TxRelayMetrics, TxReceiveResult, TxRequestFailure, InvResult } from './metrics.ts'
export * from './errors.ts'
export * from './constants.ts'
