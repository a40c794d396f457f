/**
 * The status handshake and the peer status book.
 *
 * @module
 */
export { statusProtocol } from './status.ts'
export type { StatusProtocol, StatusInit, StatusComponents, PeerStatusBook, PeerStatusEvents, ReadyPeer, Advertisement } from './status.ts'
export * from './constants.ts'
export * from './errors.ts'
