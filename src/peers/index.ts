/**
 * The peer manager: score, bans, connection gater and limits, subnet caps,
 * eviction, outbound maintenance and anchors.
 *
 * Two-step construction, because libp2p needs the gater before it exists
 * and the manager needs libp2p's components:
 *
 * ```ts
 * const guard = peerGuard(init)({ datastore, logger })
 * const libp2p = await createLibp2p({
 *   datastore,
 *   connectionGater: connectionGater(guard),
 *   services: {
 *     peers: (c) => peerManager(init)({
 *       peerId: c.peerId, peerStore: c.peerStore, connectionManager: c.connectionManager,
 *       events: c.events, datastore: c.datastore, logger: c.logger, metrics: c.metrics,
 *       guard, sayGoodbye
 *     })
 *   }
 * })
 * ```
 *
 * @module
 */
export { peerManager } from './manager.ts'
export type { PeerManagerComponents, PeerConnections, PeerHostEvents, SayGoodbye } from './manager.ts'
export { peerGuard, connectionGater } from './guard.ts'
export type { PeerGuard, PeerGuardComponents, ConnectionCounts } from './guard.ts'
export { resolvePeerConfig } from './config.ts'
export type { PeerManagerInit, PeerConfig } from './config.ts'
export { verdictPenalty, scoreAction } from './score.ts'
export { goodbyeCode, goodbyeReason } from './goodbye.ts'
export { InvalidBanError, BanNotFoundError, BanListFullError } from './errors.ts'
export type { PeerDatastore } from './bans.ts'
export type {
  PeerReporter,
  PeerManager,
  PeerManagerEvents,
  PeerInfo,
  BanInfo,
  BanKind,
  BanRequest,
  GoodbyeReason,
  RefusalReason,
  UsefulKind
} from './types.ts'
export * as peerConstants from './constants.ts'
