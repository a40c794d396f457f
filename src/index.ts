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
