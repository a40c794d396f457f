/**
 * chainwire: a peer-to-peer networking layer for blockchain nodes, built on js-libp2p.
 *
 * @module
 */
export * from './errors.ts'
export type * from './chain/index.ts'
export type { PeerReporter } from './peers/types.ts'
export { protocolId, topicId, parseProtocolId } from './wire/protocol-id.ts'
