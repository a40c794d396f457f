/**
 * Block sync: the status-driven headers-first download, parallel range
 * download, block announcements and the block-relay extension point.
 *
 * @module
 */
export { syncProtocol, isSyncService } from './sync.ts'
export type {
  SyncService, SyncInit, SyncComponents, SyncState, SyncStatus, SyncProgress, SyncPeerInfo, SyncEvents, BlockGossip
} from './sync.ts'
export type {
  BlockRelay, BlockAnnouncer, BlockFetcher, FetchRequest, NewBlock, BlockOrigin, RelayPeer, PropagationSummary
} from './relay.ts'
export * from './constants.ts'
export * from './errors.ts'
