import type { Verdict } from '../errors.ts'
import type { AbortOptions, PeerId, Startable, TypedEventTarget } from '@libp2p/interface'

/**
 * The one way the rest of chainwire tells the peer manager about a fault.
 *
 * Protocol code never changes a score directly: it reports the verdict that
 * came with a typed error, and the peer manager turns it into a score change,
 * a disconnect or a ban.
 */
export interface PeerReporter {
  /**
   * Apply the consequence of a fault `peer` caused.
   *
   * @param reason - a short machine-readable reason, usually the error's `name`
   */
  report (peer: PeerId, verdict: Verdict, reason: string): void
}

/**
 * Why we end a connection, sent in the goodbye message before closing.
 * The numeric wire code of each is in `GOODBYE_CODES` (peers/constants.ts).
 */
export type GoodbyeReason =
  | 'shutdown'
  | 'irrelevant-network'
  | 'fault'
  | 'too-many-peers'
  | 'score-too-low'
  | 'banned'

/** What a ban applies to: one peer id, one IP address, or a subnet. */
export type BanKind = 'peer' | 'ip' | 'cidr'

/** A ban as the API and CLI see it. Plain data: JSON-serialisable. */
export interface BanInfo {
  /**
   * The ban's id, used to remove it: the peer id, the canonical IP address
   * (`10.0.0.1`, `2001:db8::1`) or the canonical subnet (`10.0.0.0/24`).
   * A subnet id contains a `/`, so URL-encode it in a path.
   */
  id: string
  kind: BanKind
  /** Same as `id`. */
  target: string
  reason: string
  /** `manual` for operator bans, `auto` for bans the peer manager made. */
  source: 'manual' | 'auto'
  /** When the ban was made, ms since the epoch. */
  created: number
  /** When the ban ends, ms since the epoch. */
  expires: number
}

/** A request to ban: exactly one of `peer`, `ip` and `cidr`. */
export interface BanRequest {
  peer?: PeerId | string
  ip?: string
  cidr?: string
  /** @default DEFAULT_MANUAL_BAN_MS (24 h) */
  durationMs?: number
  /** Why; shown in `GET /bans`. Required, at most MAX_BAN_REASON_LENGTH characters. */
  reason: string
  /**
   * Who decided it: `manual` (the operator, the default) or `auto` (protocol
   * code, e.g. a short ban for a peer on another chain). Automatic bans may be
   * dropped from a full list; operator bans never are.
   */
  source?: 'manual' | 'auto'
}

/** One connected peer, for `GET /peers`. Plain data: JSON-serialisable. */
export interface PeerInfo {
  id: string
  /** Remote addresses of the live connections. */
  addrs: string[]
  /** Direction of the oldest live connection. */
  direction: 'inbound' | 'outbound'
  /** Live connections to this peer. */
  connections: number
  /** Current (decayed) score in [-100, 100]. */
  score: number
  /** The remote IP of the oldest connection, when it has one. */
  ip?: string
  /** Diversity group: `/16` for IPv4, `/32` for IPv6, `relay:<id>` for relayed. */
  netgroup: string
  /** The narrow subnet: `/24` for IPv4, `/48` for IPv6; absent without an IP. */
  subnet?: string
  /** When the oldest live connection opened, ms since the epoch. */
  connectedAt: number
  /** Latest round-trip time in ms, when known. */
  latencyMs?: number
  /** Allow-listed peers bypass caps and are never evicted or banned automatically. */
  allowListed: boolean
  /** True while a ban on this peer or its address is being enforced. */
  banned: boolean
  /** When the peer last gave us a novel transaction or block, ms since the epoch. */
  lastUsefulTx?: number
  lastUsefulBlock?: number
}

/** Kinds of useful relay that protect an inbound peer from eviction. */
export type UsefulKind = 'tx' | 'block'

/** Why the gater or the peer manager refused a connection. */
export type RefusalReason =
  | 'banned-peer'
  | 'banned-ip'
  | 'self'
  | 'pending-inbound'
  | 'per-ip'
  | 'per-ipv4-24'
  | 'per-ipv4-16'
  | 'per-ipv6-48'
  | 'per-peer'
  | 'inbound-full'
  | 'max-connections'
  | 'discouraged'
  | 'score-too-low'

/** Events of the peer manager. Details are plain data (peer ids as strings). */
export interface PeerManagerEvents {
  /** A connection was refused by the gater or closed right after opening. */
  'connection:refused': CustomEvent<{ reason: RefusalReason, direction: 'inbound' | 'outbound', peer?: string, addr?: string }>
  /** A ban was made (or extended). */
  'peer:banned': CustomEvent<BanInfo>
  /** A ban was removed (by the operator or because it expired). */
  'peer:unbanned': CustomEvent<BanInfo>
  /** An inbound peer was evicted to make room for a new one. */
  'peer:evicted': CustomEvent<{ peer: string, netgroup: string, newcomer: string }>
  /** A peer's score changed because of a report. */
  'peer:score': CustomEvent<{ peer: string, verdict: Verdict, reason: string, delta: number, score: number }>
  /** We are disconnecting a peer for a reason (a goodbye is being sent). */
  'peer:goodbye': CustomEvent<{ peer: string, reason: GoodbyeReason }>
  /** An outbound maintenance dial finished. */
  'peer:dial': CustomEvent<{ peer: string, ok: boolean, anchor: boolean, error?: string }>
}

/**
 * The peer manager: score, bans, connection limits, eviction, outbound
 * maintenance and anchors. Create it with `peerManager(init)(components)`.
 *
 * @example
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
 */
export interface PeerManager extends PeerReporter, Startable, TypedEventTarget<PeerManagerEvents> {
  /** Load bans and anchors and start listening to connections. No dials yet. */
  start (): Promise<void>
  /** Start outbound maintenance (anchors first). libp2p calls it once its connection manager runs. */
  afterStart (): Promise<void>
  /** Save anchors and send `shutdown` goodbyes while connections are still open. */
  beforeStop (): Promise<void>
  /** Stop maintenance and listeners, wait for pending work and ban writes. */
  stop (): Promise<void>
  /** Connected peers, oldest first. */
  list (): PeerInfo[]
  /** The current score of a peer (0 if unknown). */
  score (peer: PeerId | string): number
  /**
   * Ban a peer id, an IP address or a subnet, persist the ban, and
   * disconnect every matching peer (goodbye `banned`, then close).
   *
   * @throws InvalidBanError - the request is malformed
   * @throws BanListFullError - the list is full of operator bans
   */
  ban (request: BanRequest): Promise<BanInfo>
  /**
   * Remove a ban by its id (peer id, IP or subnet; a subnet is normalised,
   * so `10.0.0.7/24` finds `10.0.0.0/24`).
   *
   * @throws BanNotFoundError - there is no such ban
   */
  unban (id: string): Promise<BanInfo>
  /** Active bans, oldest first. */
  bans (): BanInfo[]
  /** True when the peer id, or the IP address given as a string, is banned now. */
  isBanned (target: PeerId | string): boolean
  /** Record that `peer` just gave us a novel transaction or block (protects it from eviction). */
  markUseful (peer: PeerId, kind: UsefulKind): void
  /** Send a goodbye with `reason` (bounded by a short timeout) and close all connections to `peer`. */
  disconnect (peer: PeerId, reason: GoodbyeReason, options?: AbortOptions): Promise<void>
  /**
   * Run one maintenance round now: prune expired bans and scores, and start
   * outbound dials if below the target (anchors first). Resolves once the
   * dials are started, not finished (each reports a `peer:dial` event).
   *
   * @returns the peer ids dialed in this round
   */
  maintain (): Promise<string[]>
}
