/**
 * The peer guard: the part of the peer manager that must exist before
 * libp2p does. It holds the ban list, the allow-list, the discouraged
 * addresses and the connection limiter, and backs the libp2p
 * `ConnectionGater` returned by {@link connectionGater}.
 *
 * Two-step construction: the node creates the guard with its datastore,
 * passes `connectionGater(guard)` to `createLibp2p`, and later starts the
 * peer manager with the libp2p components and the same guard. The manager
 * then attaches itself (live connections, eviction) to the guard. Until it
 * does, the gater still enforces bans, the allow-list, the pending-inbound
 * cap and the per-IP and per-subnet caps, and refuses inbound when full.
 *
 * Where each rule is enforced:
 *
 * | gate | rules |
 * | --- | --- |
 * | denyDialPeer, denyDialMultiaddr | banned peer or IP, per peer, max connections |
 * | denyInboundConnection (address only) | banned IP, pending inbound, per IP, /24, /16, IPv6 /48, full with nobody evictable |
 * | denyInbound/OutboundEncryptedConnection | banned peer, per peer (lower dialer id wins a race), score too low (inbound) |
 * | denyInboundUpgradedConnection | inbound full: evict someone or refuse |
 *
 * Allow-listed addresses bypass every cap and do not use up the pending or
 * subnet caps; allow-listed peer ids bypass the caps checked once the peer id
 * is known. Both bypass bans (Bitcoin Core's `noban`).
 *
 * @module
 */
import { TypedEventEmitter } from '@libp2p/interface'
import { CODE_P2P, CODE_P2P_CIRCUIT } from '@multiformats/multiaddr'
import { createBanList } from './bans.ts'
import { resolvePeerConfig } from './config.ts'
import { CLOSING_MARK_TTL_MS, GATER_COMPONENT, MAX_DISCOURAGED, PENDING_INBOUND_TTL_MS } from './constants.ts'
import { cidrContains } from './ip.ts'
import { createGuardMetrics } from './metrics.ts'
import { addressInfo, bucketsOf } from './netgroup.ts'
import type { BanList, PeerDatastore } from './bans.ts'
import type { PeerConfig, PeerManagerInit } from './config.ts'
import type { Ip } from './ip.ts'
import type { GuardMetrics } from './metrics.ts'
import type { AddressInfo, LimitKind } from './netgroup.ts'
import type { BanInfo, PeerManagerEvents, RefusalReason } from './types.ts'
import type { ComponentLogger, Connection, ConnectionGater, Logger, Metrics, MultiaddrConnection, PeerId, TypedEventTarget } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** What the guard needs. Everything exists before libp2p does. */
export interface PeerGuardComponents {
  /** Where bans are persisted. The node passes its datastore-level instance, opened. */
  datastore: PeerDatastore
  logger: ComponentLogger
  metrics?: Metrics
  /** ms since the epoch. @default Date.now */
  clock?: () => number
}

/** A newcomer the gater is deciding about. */
export interface Newcomer {
  peer?: string
  info: AddressInfo
}

/** What the peer manager lends the guard once it is started. */
export interface GuardHost {
  /** Our own peer id. */
  selfId (): string
  /** All live connections. */
  connections (): Connection[]
  /** The inbound connection to evict for `newcomer`, or undefined. Must not have side effects. */
  selectEvictee (newcomer: Newcomer): Connection | undefined
  /** Close `victim` to make room for `newcomer` (goodbye `too-many-peers`). */
  evict (victim: Connection, newcomer: Newcomer): void
  /** The current score of a peer. */
  score (peer: string): number
}

/** Live connection counts as the limiter sees them. */
export interface ConnectionCounts {
  inbound: number
  outbound: number
  pendingInbound: number
}

/**
 * The guard. Create it with `peerGuard(init)(components)`; pass
 * `connectionGater(guard)` to libp2p and the guard to `peerManager`.
 */
export interface PeerGuard extends TypedEventTarget<Pick<PeerManagerEvents, 'connection:refused'>> {
  readonly config: PeerConfig
  readonly bans: BanList
  /** Load persisted bans. Idempotent; the gater calls it itself if needed. */
  start (): Promise<void>
  /** Wait for pending ban writes. */
  stop (): Promise<void>
  isAllowListed (peer?: string, ip?: Ip): boolean
  /** The active ban of a peer id. */
  peerBan (peer: string): BanInfo | undefined
  /** The active ban covering an IP. */
  ipBan (ip: Ip): BanInfo | undefined
  /** Discourage an address (Bitcoin Core's discouragement): refused when full, evicted first, not dialed. */
  discourage (ip: Ip): void
  isDiscouraged (ip: Ip): boolean
  /** Addresses discouraged now (bounded by MAX_DISCOURAGED). */
  readonly discouragedCount: number
  /** Stop counting a connection we are closing. */
  markClosing (conn: Pick<Connection, 'timeline'>): void
  isClosing (conn: Pick<Connection, 'timeline'>): boolean
  /** Forget a closed connection. */
  closed (conn: Pick<Connection, 'timeline'>): void
  counts (): ConnectionCounts
  /** Announce a refusal (metrics and the `connection:refused` event). */
  refuse (reason: RefusalReason, direction: 'inbound' | 'outbound', peer?: string, addr?: Multiaddr): true
  attach (host: GuardHost): void
  detach (host: GuardHost): void
  /** @internal the gater's gates */
  readonly gates: Required<Pick<ConnectionGater,
  'denyDialPeer' | 'denyDialMultiaddr' | 'denyInboundConnection' | 'denyOutboundConnection' |
  'denyInboundEncryptedConnection' | 'denyOutboundEncryptedConnection' | 'denyInboundUpgradedConnection' |
  'denyInboundRelayReservation' | 'denyOutboundRelayedConnection' | 'denyInboundRelayedConnection' | 'filterMultiaddrForPeer'>>
}

interface Reservation {
  maConn: MultiaddrConnection
  info: AddressInfo
  allowListedIp: boolean
  stage: 'pending' | 'established'
  at: number
  peer?: string
}

function targetPeer (addr: Multiaddr): string | undefined {
  const components = addr.getComponents()
  const last = components.at(-1)
  return last?.code === CODE_P2P ? last.value : undefined
}

function isRelayed (conn: Pick<Connection, 'remoteAddr' | 'limits'>): boolean {
  if (conn.limits != null) return true
  try {
    return conn.remoteAddr.getComponents().some(c => c.code === CODE_P2P_CIRCUIT)
  } catch {
    return false
  }
}

class DefaultPeerGuard extends TypedEventEmitter<Pick<PeerManagerEvents, 'connection:refused'>> implements PeerGuard {
  readonly config: PeerConfig
  readonly bans: BanList
  private readonly clock: () => number
  private readonly log: Logger
  private readonly metrics: GuardMetrics
  private readonly reservations = new Map<MultiaddrConnection, Reservation>()
  private readonly closing = new Map<object, number>()
  private readonly discouraged = new Map<string, number>()
  private host?: GuardHost
  private loading?: Promise<void>
  readonly gates: PeerGuard['gates']

  constructor (config: PeerConfig, components: PeerGuardComponents) {
    super()
    this.config = config
    this.clock = components.clock ?? Date.now
    this.log = components.logger.forComponent(GATER_COMPONENT)
    this.metrics = createGuardMetrics(components.metrics)
    this.bans = createBanList({
      datastore: components.datastore,
      prefix: config.bansKeyPrefix,
      maxBans: config.maxBans,
      clock: this.clock,
      log: this.log
    })
    this.gates = {
      denyDialPeer: async (peerId) => this.denyDialPeer(peerId),
      denyDialMultiaddr: async (addr) => this.denyDialMultiaddr(addr),
      denyInboundConnection: async (maConn) => this.denyInboundConnection(maConn),
      denyOutboundConnection: async (peerId, maConn) => this.denyOutbound(peerId, maConn, false),
      denyInboundEncryptedConnection: async (peerId, maConn) => this.denyInboundEncrypted(peerId, maConn),
      denyOutboundEncryptedConnection: async (peerId, maConn) => this.denyOutbound(peerId, maConn, true),
      denyInboundUpgradedConnection: async (peerId, maConn) => this.denyInboundUpgraded(peerId, maConn),
      denyInboundRelayReservation: async (source) => this.deniedPeer(source),
      denyOutboundRelayedConnection: async (source, destination) => (await this.deniedPeer(source)) || this.deniedPeer(destination),
      denyInboundRelayedConnection: async (relay, remote) => (await this.deniedPeer(relay)) || this.deniedPeer(remote),
      filterMultiaddrForPeer: async (_peer, addr) => {
        await this.start()
        const info = addressInfo(addr)
        return info.ip == null || this.isAllowListed(undefined, info.ip) || this.bans.ip(info.ip) == null
      }
    }
  }

  async start (): Promise<void> {
    this.loading ??= this.bans.load().catch((err: Error) => {
      this.loading = undefined
      throw err
    })
    await this.loading
  }

  async stop (): Promise<void> {
    await this.bans.flush()
  }

  isAllowListed (peer?: string, ip?: Ip): boolean {
    if (peer != null && this.config.allowPeers.has(peer)) return true
    if (ip != null) {
      for (const cidr of this.config.allowCidrs) if (cidrContains(cidr, ip)) return true
    }
    return false
  }

  peerBan (peer: string): BanInfo | undefined {
    return this.bans.peer(peer)
  }

  ipBan (ip: Ip): BanInfo | undefined {
    return this.bans.ip(ip)
  }

  discourage (ip: Ip): void {
    if (this.config.discourageMs === 0) return
    const key = bucketsOf(ip)[0].key
    this.discouraged.delete(key)
    if (this.discouraged.size >= MAX_DISCOURAGED) {
      // oldest first: Map keeps insertion order
      const oldest = this.discouraged.keys().next().value
      if (oldest != null) this.discouraged.delete(oldest)
    }
    this.discouraged.set(key, this.clock() + this.config.discourageMs)
  }

  isDiscouraged (ip: Ip): boolean {
    const key = bucketsOf(ip)[0].key
    const until = this.discouraged.get(key)
    if (until == null) return false
    if (until > this.clock()) return true
    this.discouraged.delete(key)
    return false
  }

  get discouragedCount (): number {
    return this.discouraged.size
  }

  markClosing (conn: Pick<Connection, 'timeline'>): void {
    this.closing.set(conn.timeline, this.clock())
  }

  isClosing (conn: Pick<Connection, 'timeline'>): boolean {
    return this.closing.has(conn.timeline)
  }

  closed (conn: Pick<Connection, 'timeline'>): void {
    this.closing.delete(conn.timeline)
  }

  attach (host: GuardHost): void {
    this.host = host
  }

  detach (host: GuardHost): void {
    if (this.host === host) this.host = undefined
  }

  refuse (reason: RefusalReason, direction: 'inbound' | 'outbound', peer?: string, addr?: Multiaddr): true {
    this.log('refusing %s connection %s %s: %s', direction, peer ?? '', addr?.toString() ?? '', reason)
    this.metrics.refused?.increment({ [reason]: true })
    this.safeDispatchEvent('connection:refused', { detail: { reason, direction, peer, addr: addr?.toString() } })
    return true
  }

  /**
   * Count live connections: inbound from our reservations (every inbound
   * connection passed the gater) plus any inbound connection the host knows
   * that we have no reservation for; outbound from the host.
   */
  private tally (exclude?: Reservation, buckets?: readonly { kind: LimitKind, key: string }[]): ConnectionCounts & { bucketCounts: number[] } {
    const now = this.clock()
    for (const [timeline, at] of this.closing) {
      if (now - at > CLOSING_MARK_TTL_MS) this.closing.delete(timeline)
    }
    let inbound = 0
    let pendingInbound = 0
    let outbound = 0
    const bucketCounts = (buckets ?? []).map(() => 0)
    const seen = new Set<object>()
    const countBuckets = (info: AddressInfo): void => {
      if (buckets == null) return
      for (let i = 0; i < buckets.length; i++) {
        if (info.buckets.some(b => b.kind === buckets[i].kind && b.key === buckets[i].key)) bucketCounts[i]++
      }
    }
    for (const [maConn, r] of this.reservations) {
      const status = maConn.status
      if (status !== 'open' && status !== 'closing') {
        this.reservations.delete(maConn)
        continue
      }
      if (r.stage === 'pending' && now - r.at > PENDING_INBOUND_TTL_MS) {
        this.reservations.delete(maConn)
        continue
      }
      seen.add(maConn.timeline)
      if (r === exclude || this.closing.has(maConn.timeline)) continue
      if (r.stage === 'established') inbound++
      // allow-listed addresses are outside the pending and subnet caps, and do not use them up
      else if (!r.allowListedIp) pendingInbound++
      if (!r.allowListedIp) countBuckets(r.info)
    }
    for (const conn of this.host?.connections() ?? []) {
      if (conn.status !== 'open' || this.closing.has(conn.timeline)) continue
      if (conn.direction === 'outbound') {
        outbound++
      } else if (!seen.has(conn.timeline)) {
        inbound++
        countBuckets(addressInfo(conn.remoteAddr))
      }
    }
    return { inbound, outbound, pendingInbound, bucketCounts }
  }

  counts (): ConnectionCounts {
    const { inbound, outbound, pendingInbound } = this.tally()
    return { inbound, outbound, pendingInbound }
  }

  private isFull (c: ConnectionCounts): boolean {
    return c.inbound >= this.config.maxInbound || c.inbound + c.outbound >= this.config.maxConnections
  }

  /** Live direct connections to `peer` and who dialed each. */
  private dialersOf (peer: string): string[] {
    const host = this.host
    if (host == null) return []
    const self = host.selfId()
    const dialers: string[] = []
    for (const conn of host.connections()) {
      if (conn.status !== 'open' || this.closing.has(conn.timeline) || isRelayed(conn)) continue
      if (conn.remotePeer.toString() === peer) dialers.push(conn.direction === 'outbound' ? self : peer)
    }
    return dialers
  }

  /**
   * Whether one more connection to `peer`, dialed by `dialer`, fits the
   * per-peer limit. When both sides dial at once, each side sees the other's
   * connection arrive after its own: refusing the newcomer on both sides
   * would kill both. So the newcomer is admitted when the peer manager would
   * keep it over an existing one (it keeps the connections dialed by the
   * lower peer id), and the loser is closed once the newcomer opens.
   */
  private perPeerAdmits (peer: string, dialer: string): boolean {
    const dialers = this.dialersOf(peer)
    if (dialers.length < this.config.maxPerPeer) return true
    return dialers.some(d => dialer < d)
  }

  private async deniedPeer (peerId: PeerId): Promise<boolean> {
    await this.start()
    const peer = peerId.toString()
    return !this.isAllowListed(peer) && this.bans.peer(peer) != null
  }

  private async denyDialPeer (peerId: PeerId): Promise<boolean> {
    await this.start()
    const peer = peerId.toString()
    if (this.isAllowListed(peer)) return false
    if (this.bans.peer(peer) != null) return this.refuse('banned-peer', 'outbound', peer)
    if (this.dialersOf(peer).length >= this.config.maxPerPeer) return this.refuse('per-peer', 'outbound', peer)
    const c = this.tally()
    if (c.inbound + c.outbound >= this.config.maxConnections) return this.refuse('max-connections', 'outbound', peer)
    return false
  }

  private async denyDialMultiaddr (addr: Multiaddr): Promise<boolean> {
    await this.start()
    const info = addressInfo(addr)
    const peer = targetPeer(addr)
    if (this.isAllowListed(peer, info.ip)) return false
    if (info.ip != null && this.bans.ip(info.ip) != null) return this.refuse('banned-ip', 'outbound', peer, addr)
    if (peer != null && this.bans.peer(peer) != null) return this.refuse('banned-peer', 'outbound', peer, addr)
    return false
  }

  private async denyOutbound (peerId: PeerId, maConn: MultiaddrConnection, encrypted: boolean): Promise<boolean> {
    await this.start()
    const peer = peerId.toString()
    const info = addressInfo(maConn.remoteAddr)
    if (this.isAllowListed(peer, info.ip)) return false
    if (this.bans.peer(peer) != null) return this.refuse('banned-peer', 'outbound', peer, maConn.remoteAddr)
    if (info.ip != null && this.bans.ip(info.ip) != null) return this.refuse('banned-ip', 'outbound', peer, maConn.remoteAddr)
    if (encrypted && !info.relayed && this.host != null && !this.perPeerAdmits(peer, this.host.selfId())) {
      return this.refuse('per-peer', 'outbound', peer, maConn.remoteAddr)
    }
    return false
  }

  private async denyInboundConnection (maConn: MultiaddrConnection): Promise<boolean> {
    await this.start()
    const addr = maConn.remoteAddr
    const info = addressInfo(addr)
    const allowListedIp = this.isAllowListed(undefined, info.ip)
    if (!allowListedIp) {
      if (info.ip != null && this.bans.ip(info.ip) != null) return this.refuse('banned-ip', 'inbound', undefined, addr)
      const c = this.tally(undefined, info.buckets)
      if (c.pendingInbound >= this.config.maxPendingInbound) return this.refuse('pending-inbound', 'inbound', undefined, addr)
      for (let i = 0; i < info.buckets.length; i++) {
        const kind = info.buckets[i].kind
        if (c.bucketCounts[i] >= this.config.caps[kind]) return this.refuse(kind, 'inbound', undefined, addr)
      }
      if (this.isFull(c)) {
        if (info.ip != null && this.isDiscouraged(info.ip)) return this.refuse('discouraged', 'inbound', undefined, addr)
        // only a peer id can be allow-listed past this point, and we do not know it yet:
        // let the handshake run if eviction could make room, or if nothing is attached to evict with
        if (this.config.allowPeers.size === 0 && (this.host == null || this.host.selectEvictee({ info }) == null)) {
          return this.refuse('inbound-full', 'inbound', undefined, addr)
        }
      }
    }
    const reservation: Reservation = { maConn, info, allowListedIp, stage: 'pending', at: this.clock() }
    this.reservations.set(maConn, reservation)
    maConn.addEventListener('close', () => {
      if (this.reservations.get(maConn) === reservation) this.reservations.delete(maConn)
    }, { once: true })
    return false
  }

  private reservationOf (maConn: MultiaddrConnection): Reservation {
    let r = this.reservations.get(maConn)
    if (r == null) {
      // a transport that skipped denyInboundConnection
      const info = addressInfo(maConn.remoteAddr)
      r = { maConn, info, allowListedIp: this.isAllowListed(undefined, info.ip), stage: 'pending', at: this.clock() }
      this.reservations.set(maConn, r)
      const reservation = r
      maConn.addEventListener('close', () => {
        if (this.reservations.get(maConn) === reservation) this.reservations.delete(maConn)
      }, { once: true })
    }
    return r
  }

  private release (maConn: MultiaddrConnection): true {
    this.reservations.delete(maConn)
    return true
  }

  private async denyInboundEncrypted (peerId: PeerId, maConn: MultiaddrConnection): Promise<boolean> {
    await this.start()
    const peer = peerId.toString()
    const r = this.reservationOf(maConn)
    r.peer = peer
    if (r.allowListedIp || this.isAllowListed(peer)) return false
    if (this.bans.peer(peer) != null) return this.release(maConn) && this.refuse('banned-peer', 'inbound', peer, maConn.remoteAddr)
    if (!r.info.relayed && !this.perPeerAdmits(peer, peer)) {
      return this.release(maConn) && this.refuse('per-peer', 'inbound', peer, maConn.remoteAddr)
    }
    if (this.host != null && this.host.score(peer) <= this.config.disconnectThreshold) {
      return this.release(maConn) && this.refuse('score-too-low', 'inbound', peer, maConn.remoteAddr)
    }
    return false
  }

  private async denyInboundUpgraded (peerId: PeerId, maConn: MultiaddrConnection): Promise<boolean> {
    await this.start()
    const peer = peerId.toString()
    const r = this.reservationOf(maConn)
    r.peer = peer
    if (!r.allowListedIp && !this.isAllowListed(peer)) {
      const c = this.tally(r)
      if (this.isFull(c)) {
        const newcomer: Newcomer = { peer, info: r.info }
        if (r.info.ip != null && this.isDiscouraged(r.info.ip)) {
          return this.release(maConn) && this.refuse('discouraged', 'inbound', peer, maConn.remoteAddr)
        }
        const victim = this.host?.selectEvictee(newcomer)
        if (victim == null) return this.release(maConn) && this.refuse('inbound-full', 'inbound', peer, maConn.remoteAddr)
        this.markClosing(victim)
        this.host?.evict(victim, newcomer)
      }
    }
    r.stage = 'established'
    return false
  }
}

/**
 * Create the peer guard (bans, allow-list, limiter). Construct it before
 * libp2p and pass `connectionGater(guard)` to `createLibp2p`.
 *
 * @throws InvalidConfigError - an option is out of range
 */
export function peerGuard (init: PeerManagerInit = {}): (components: PeerGuardComponents) => PeerGuard {
  const config = resolvePeerConfig(init)
  return (components) => new DefaultPeerGuard(config, components)
}

/**
 * The libp2p `ConnectionGater` backed by `guard`. Pass it to `createLibp2p`
 * as `connectionGater`. It works before the peer manager starts (bans, caps)
 * and gains eviction and per-peer limits once the manager attaches.
 */
export function connectionGater (guard: PeerGuard): ConnectionGater {
  return { ...guard.gates }
}
