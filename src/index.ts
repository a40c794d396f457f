/**
 * chainwire: a peer-to-peer networking layer for blockchain nodes, built on js-libp2p.
 *
 * @module
 */
export * from './errors.ts'

// the node handle
export { createNode } from './node/index.ts'
export { processMetrics } from './node/process-metrics.ts'
export type {
  ChainwireNode, NodeEvents, NodeComponents, NodeOverrides, NodeStatus, PeerSummary, CallOptions,
  DirectHandler, DirectMessage, ReceivedMessage
} from './node/index.ts'
export type { ChainProtocol, ChainProtocolComponents, ChainProtocolInits, ProtocolHostEvents } from './node/chain-protocols.ts'

// configuration: defaults < file < environment < flags
export { loadConfig, validateConfig, readConfigFile } from './config/load.ts'
export type { ConfigInputs, ConfigSource } from './config/load.ts'
export { defaultConfig, FIELDS as CONFIG_FIELDS, LOG_LEVELS } from './config/options.ts'
export type { NodeConfig, LogLevel, TxRelayMode, FieldSpec } from './config/options.ts'
/** Every node-wide default, each documented with its rationale (`src/config/constants.ts`). */
export * as constants from './config/constants.ts'

// logging
export { createLogs, silentLogs } from './logger.ts'
export type { Log, Logs, LogSink, LogsInit } from './logger.ts'

// the control API
export { createApi, apiServer, HttpError } from './api/index.ts'
export type { CreateApiOptions, ApiServer, ApiRequest, RouteHandler, HttpMethod } from './api/index.ts'

// the chain seam
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
export type { BlockRelayMode } from './config/options.ts'
export { InvalidCompactBlockError, BlockTxnMismatchError, BlockTxnIndexError } from './protocols/compact-blocks/errors.ts'
