/**
 * chainwire: a peer-to-peer networking layer for blockchain nodes, built on js-libp2p.
 *
 * @module
 */
export * from './errors.ts'
export type * from './chain/index.ts'
export type { PeerReporter, PeerManager, PeerManagerEvents, PeerInfo, BanInfo, BanRequest, GoodbyeReason, RefusalReason } from './peers/types.ts'
export { InvalidBanError, BanNotFoundError, BanListFullError } from './peers/errors.ts'
export { protocolId, topicId, parseProtocolId } from './wire/protocol-id.ts'
export { isSyncService } from './protocols/sync/sync.ts'
export type {
  SyncService, SyncInit, SyncState, SyncStatus, SyncProgress, SyncPeerInfo, SyncEvents,
  BlockRelay, BlockAnnouncer, BlockFetcher, FetchRequest, NewBlock, BlockOrigin, RelayPeer
} from './protocols/sync/index.ts'
export { UnconnectedHeadersError, LowWorkHeadersError, ClaimedWorkError, TooManyHeadersError, WrongBlockError, SyncStallError } from './protocols/sync/errors.ts'
export type { PeerStatusBook, PeerStatusEvents, ReadyPeer, Advertisement, StatusInit } from './protocols/status/index.ts'
export { StatusMismatchError, StatusTimeoutError } from './protocols/status/errors.ts'
export type { TxRelay, TxRelayStats, TxRelayPeerInfo, BlockInventory } from './protocols/tx-relay/index.ts'
export { UnsolicitedTxError, TxRequestTimeoutError } from './protocols/tx-relay/errors.ts'
export type { CompactBlocks, CompactBlocksStats, CompactBlockRecord, CompactPeerInfo } from './protocols/compact-blocks/index.ts'
export { InvalidCompactBlockError, BlockTxnMismatchError, BlockTxnIndexError } from './protocols/compact-blocks/errors.ts'
