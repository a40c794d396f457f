/**
 * The peer manager: turns fault reports into scores, disconnects and bans;
 * keeps the outbound target with diverse, backed-off dials and anchors;
 * evicts inbound peers on Bitcoin Core's model when inbound is full; and
 * answers the API's questions about peers and bans.
 *
 * It runs as a libp2p service (it implements `start`, `afterStart`,
 * `beforeStop` and `stop`) or stand-alone after libp2p has started (call
 * `start()` then `afterStart()`). Dials begin in `afterStart`, when libp2p's
 * connection manager is running; anchors are saved and goodbyes sent in
 * `beforeStop`, while connections are still open.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { CODE_P2P, CODE_P2P_CIRCUIT } from '@multiformats/multiaddr'
import { takeAnchors, saveAnchors } from './anchors.ts'
import { banId } from './bans.ts'
import { resolvePeerConfig } from './config.ts'
import {
  CLOSE_TIMEOUT_MS,
  DEFAULT_MANUAL_BAN_MS,
  MAX_ANCHOR_ADDRS,
  MAX_BACKOFF_ENTRIES,
  MAX_BAN_DURATION_MS,
  MAX_BAN_REASON_LENGTH,
  MAX_CANDIDATES_SCANNED,
  PEERS_COMPONENT
} from './constants.ts'
import { BanNotFoundError, InvalidBanError } from './errors.ts'
import { keyedNetgroup, selectEvictionCandidate } from './eviction.ts'
import { peerGuard } from './guard.ts'
import { formatCidr, parseCidr, parseIp } from './ip.ts'
import { cleanReason, createManagerMetrics, createReasonLabels } from './metrics.ts'
import { addressInfo } from './netgroup.ts'
import { createBackoff, rankOutboundCandidates } from './outbound.ts'
import { createScoreBook, scoreAction, verdictPenalty } from './score.ts'
import type { Anchor } from './anchors.ts'
import type { PeerDatastore } from './bans.ts'
import type { PeerConfig, PeerManagerInit } from './config.ts'
import type { EvictionCandidate } from './eviction.ts'
import type { GuardHost, Newcomer, PeerGuard } from './guard.ts'
import type { ManagerMetrics } from './metrics.ts'
import type { Backoff } from './outbound.ts'
import type { ScoreBook } from './score.ts'
import type { BanInfo, BanRequest, GoodbyeReason, PeerInfo, PeerManager, PeerManagerEvents, UsefulKind } from './types.ts'
import type { Verdict } from '../errors.ts'
import type { AbortOptions, ComponentLogger, Connection, Logger, Metrics, Peer, PeerId, PeerStore, TypedEventTarget } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The part of libp2p's connection manager the peer manager uses. */
export interface PeerConnections {
  getConnections (peer?: PeerId): Connection[]
  openConnection (peer: PeerId, options?: AbortOptions): Promise<Connection>
  closeConnections (peer: PeerId, options?: AbortOptions): Promise<void>
}

/** The libp2p events the peer manager listens to. */
export interface PeerHostEvents {
  'connection:open': CustomEvent<Connection>
  'connection:close': CustomEvent<Connection>
}

/** Sends the wire-level goodbye. Must respect `signal`; errors are ignored. */
export type SayGoodbye = (peer: PeerId, reason: GoodbyeReason, options: { signal: AbortSignal }) => Promise<void>

/** What the peer manager needs. */
export interface PeerManagerComponents {
  peerId: PeerId
  peerStore: Pick<PeerStore, 'all' | 'get' | 'merge'>
  connectionManager: PeerConnections
  events: TypedEventTarget<PeerHostEvents>
  /** Where bans and anchors are persisted (ignored for bans when `guard` is given). */
  datastore: PeerDatastore
  logger: ComponentLogger
  metrics?: Metrics
  /** The guard whose gater was given to libp2p. Without one, the manager makes its own. */
  guard?: PeerGuard
  /** Wire-level goodbye, called with a short timeout before we close a peer's connections. */
  sayGoodbye?: SayGoodbye
  /** Round-trip time to a peer in ms. @default the connection's `rtt` */
  latency?: (peer: PeerId) => number | undefined
  /** ms since the epoch. @default Date.now */
  clock?: () => number
  /** Random numbers in [0, 1), for dial-candidate order. @default Math.random */
  random?: () => number
}

function withoutPeerId (addr: Multiaddr): Multiaddr {
  const components = addr.getComponents()
  return components.at(-1)?.code === CODE_P2P ? addr.decapsulateCode(CODE_P2P) : addr
}

function isRelayedAddr (addr: Multiaddr): boolean {
  try {
    return addr.getComponents().some(c => c.code === CODE_P2P_CIRCUIT)
  } catch {
    return true
  }
}

class DefaultPeerManager extends TypedEventEmitter<PeerManagerEvents> implements PeerManager, GuardHost {
  readonly [Symbol.toStringTag] = '@chainwire/peer-manager'
  private readonly c: PeerManagerComponents
  private readonly config: PeerConfig
  private readonly guard: PeerGuard
  private readonly ownsGuard: boolean
  private readonly log: Logger
  private readonly clock: () => number
  private readonly random: () => number
  private readonly scores: ScoreBook
  private readonly backoff: Backoff
  private readonly metrics: ManagerMetrics
  private readonly reasonLabel = createReasonLabels()
  private readonly netgroupKey = randomBytes(32)
  private readonly useful = new Map<string, { tx: number, block: number }>()
  private readonly minRtt = new Map<string, number>()
  private readonly inflight = new Map<string, string>()
  private readonly disconnecting = new Map<string, Promise<void>>()
  private anchors: Anchor[] = []
  private started = false
  private stopping = false
  private timer?: ReturnType<typeof setInterval>
  private soon?: ReturnType<typeof setTimeout>
  private maintaining?: Promise<string[]>
  private starting?: Promise<void>
  private shutdown = new AbortController()

  constructor (init: PeerManagerInit, components: PeerManagerComponents) {
    super()
    // read every component now so a missing one fails at construction
    this.c = {
      peerId: components.peerId,
      peerStore: components.peerStore,
      connectionManager: components.connectionManager,
      events: components.events,
      datastore: components.datastore,
      logger: components.logger,
      metrics: components.metrics,
      guard: components.guard,
      sayGoodbye: components.sayGoodbye,
      latency: components.latency,
      clock: components.clock,
      random: components.random
    }
    for (const k of ['peerId', 'peerStore', 'connectionManager', 'events', 'datastore', 'logger'] as const) {
      if (this.c[k] == null) throw new TypeError(`peerManager: component ${k} is missing`)
    }
    this.clock = this.c.clock ?? Date.now
    this.random = this.c.random ?? Math.random
    this.log = this.c.logger.forComponent(PEERS_COMPONENT)
    if (this.c.guard != null) {
      this.guard = this.c.guard
      this.ownsGuard = false
    } else {
      this.guard = peerGuard(init)({ datastore: this.c.datastore, logger: this.c.logger, metrics: this.c.metrics, clock: this.clock })
      this.ownsGuard = true
    }
    this.config = this.guard.config
    this.scores = createScoreBook({
      halfLifeMs: this.config.scoreHalfLifeMs,
      maxEntries: this.config.maxTrackedScores,
      clock: this.clock,
      connectedPeers: () => new Set(this.c.connectionManager.getConnections().map(c => c.remotePeer.toString()))
    })
    this.backoff = createBackoff({
      baseMs: this.config.dialBackoffBaseMs,
      maxMs: this.config.dialBackoffMaxMs,
      maxEntries: MAX_BACKOFF_ENTRIES,
      clock: this.clock
    })
    this.metrics = createManagerMetrics(this.c.metrics, {
      connections: () => {
        const n = this.guard.counts()
        return { inbound: n.inbound, outbound: n.outbound, pending_inbound: n.pendingInbound }
      },
      tracked: () => ({
        scores: this.scores.size,
        bans: this.guard.bans.size,
        discouraged: this.guard.discouragedCount,
        backoff: this.backoff.size
      })
    })
    this.onOpen = this.onOpen.bind(this)
    this.onClose = this.onClose.bind(this)
    this.onRefused = this.onRefused.bind(this)
  }

  // ------------------------------------------------------------ lifecycle

  async start (): Promise<void> {
    this.starting ??= this.doStart().finally(() => { this.starting = undefined })
    await this.starting
  }

  private async doStart (): Promise<void> {
    if (this.started) return
    this.stopping = false
    this.shutdown = new AbortController()
    await this.guard.start()
    if (this.config.maxAnchors > 0) {
      this.anchors = await takeAnchors(this.c.datastore, this.config.anchorsKey, this.config.maxAnchors, MAX_ANCHOR_ADDRS, this.log)
      if (this.anchors.length > 0) this.log('loaded %d anchors', this.anchors.length)
    }
    this.c.events.addEventListener('connection:open', this.onOpen)
    this.c.events.addEventListener('connection:close', this.onClose)
    this.guard.addEventListener('connection:refused', this.onRefused)
    this.guard.attach(this)
    this.started = true
  }

  async afterStart (): Promise<void> {
    if (!this.started || this.timer != null) return
    if (this.config.maintenanceIntervalMs > 0) {
      this.timer = setInterval(() => { void this.maintain() }, this.config.maintenanceIntervalMs)
    }
    void this.maintain()
  }

  async beforeStop (): Promise<void> {
    if (!this.started || this.stopping) return
    this.stopping = true
    clearInterval(this.timer)
    clearTimeout(this.soon)
    this.timer = undefined
    this.shutdown.abort()
    await this.saveAnchors()
    const peers = new Map<string, PeerId>()
    for (const conn of this.c.connectionManager.getConnections()) peers.set(conn.remotePeer.toString(), conn.remotePeer)
    await Promise.allSettled([...peers.values()].map(async peer => this.disconnect(peer, 'shutdown')))
  }

  async stop (): Promise<void> {
    if (!this.started) return
    await this.beforeStop()
    this.c.events.removeEventListener('connection:open', this.onOpen)
    this.c.events.removeEventListener('connection:close', this.onClose)
    this.guard.removeEventListener('connection:refused', this.onRefused)
    this.guard.detach(this)
    await this.maintaining?.catch(() => {})
    await Promise.allSettled([...this.disconnecting.values()])
    if (this.ownsGuard) await this.guard.stop()
    else await this.guard.bans.flush()
    this.useful.clear()
    this.minRtt.clear()
    this.started = false
  }

  // ------------------------------------------------------------ events

  private onRefused (evt: PeerManagerEvents['connection:refused']): void {
    this.safeDispatchEvent('connection:refused', { detail: evt.detail })
  }

  private onOpen (evt: CustomEvent<Connection>): void {
    const conn = evt.detail
    const peerId = conn.remotePeer
    const peer = peerId.toString()
    const info = addressInfo(conn.remoteAddr)
    if (this.guard.isAllowListed(peer, info.ip)) return
    if (this.guard.peerBan(peer) != null || (info.ip != null && this.guard.ipBan(info.ip) != null)) {
      // banned while the handshake ran
      this.guard.refuse(this.guard.peerBan(peer) != null ? 'banned-peer' : 'banned-ip', conn.direction, peer, conn.remoteAddr)
      void this.disconnect(peerId, 'banned')
      return
    }
    if (this.scores.get(peer) <= this.config.disconnectThreshold) {
      this.guard.refuse('score-too-low', conn.direction, peer, conn.remoteAddr)
      void this.disconnect(peerId, 'score-too-low')
      return
    }
    if (!isRelayedAddr(conn.remoteAddr)) this.dedupe(peerId, conn)
  }

  /**
   * Simultaneous dials can leave two connections to one peer. Both sides
   * keep the same one: the connection dialed by the lower peer id, then the
   * oldest.
   */
  private dedupe (peerId: PeerId, opened: Connection): void {
    const self = this.c.peerId.toString()
    const other = peerId.toString()
    const conns = new Map<string, Connection>()
    for (const c of [...this.c.connectionManager.getConnections(peerId), opened]) {
      if (c.status === 'open' && !this.guard.isClosing(c) && !isRelayedAddr(c.remoteAddr) && c.limits == null) conns.set(c.id, c)
    }
    if (conns.size <= this.config.maxPerPeer) return
    const dialer = (c: Connection): string => (c.direction === 'outbound' ? self : other)
    const ordered = [...conns.values()].sort((a, b) =>
      (dialer(a) < dialer(b) ? -1 : dialer(a) > dialer(b) ? 1 : 0) || a.timeline.open - b.timeline.open)
    for (const extra of ordered.slice(this.config.maxPerPeer)) {
      this.guard.markClosing(extra)
      this.guard.refuse('per-peer', extra.direction, other, extra.remoteAddr)
      extra.close().catch((err: Error) => { extra.abort(err) })
    }
  }

  private onClose (evt: CustomEvent<Connection>): void {
    const conn = evt.detail
    this.guard.closed(conn)
    this.minRtt.delete(conn.id)
    const peer = conn.remotePeer
    const left = this.c.connectionManager.getConnections(peer).filter(c => c.id !== conn.id && c.status === 'open')
    if (left.length === 0) this.useful.delete(peer.toString())
    if (conn.direction === 'outbound' && this.started && !this.stopping && this.soon == null) {
      // refill the outbound slot now rather than at the next tick
      this.soon = setTimeout(() => {
        this.soon = undefined
        void this.maintain()
      }, 0)
    }
  }

  // ------------------------------------------------------------ score

  report (peerId: PeerId, verdict: Verdict, reason: string): void {
    const peer = peerId.toString()
    const why = cleanReason(reason)
    this.metrics.verdicts?.increment({ [verdict]: true })
    const delta = verdictPenalty(verdict)
    if (delta === 0) return
    this.metrics.penalties?.increment({ [this.reasonLabel(why)]: true })
    const score = this.scores.add(peer, delta)
    this.safeDispatchEvent('peer:score', { detail: { peer, verdict, reason: why, delta, score } })
    this.log('peer %s %s fault %s: score %s', peer, verdict, why, score.toFixed(2))
    // Bitcoin Core's noban: allow-listed peers are scored but never punished
    if (this.isPeerAllowListed(peerId)) return
    const action = verdict === 'fatal' ? 'ban' : scoreAction(score, { disconnect: this.config.disconnectThreshold, ban: this.config.banThreshold })
    if (action === 'ban') {
      this.autoBan(peerId, verdict === 'fatal' ? this.config.fatalBanMs : this.config.scoreBanMs, `${verdict}: ${why}`)
    } else if (action === 'disconnect') {
      void this.disconnect(peerId, 'score-too-low')
    }
  }

  score (peer: PeerId | string): number {
    return this.scores.get(peer.toString())
  }

  private isPeerAllowListed (peerId: PeerId): boolean {
    if (this.guard.isAllowListed(peerId.toString())) return true
    return this.c.connectionManager.getConnections(peerId).some(c => {
      const ip = addressInfo(c.remoteAddr).ip
      return ip != null && this.guard.isAllowListed(undefined, ip)
    })
  }

  private autoBan (peerId: PeerId, durationMs: number, reason: string): void {
    const peer = peerId.toString()
    const now = this.clock()
    try {
      const { ban } = this.guard.bans.add({ id: peer, kind: 'peer', target: peer, reason, source: 'auto', created: now, expires: now + durationMs })
      this.metrics.bans?.increment({ auto: true })
      this.safeDispatchEvent('peer:banned', { detail: ban })
    } catch (err) {
      this.log.error('could not ban %s - %e', peer, err)
    }
    // discourage the addresses it used, as Bitcoin Core discourages the address of a misbehaving peer
    for (const conn of this.c.connectionManager.getConnections(peerId)) {
      const ip = addressInfo(conn.remoteAddr).ip
      if (ip != null) this.guard.discourage(ip)
    }
    void this.disconnect(peerId, 'banned')
  }

  // ------------------------------------------------------------ disconnect

  async disconnect (peerId: PeerId, reason: GoodbyeReason, options: AbortOptions = {}): Promise<void> {
    const peer = peerId.toString()
    const existing = this.disconnecting.get(peer)
    if (existing != null) return existing
    const conns = this.c.connectionManager.getConnections(peerId)
    if (conns.length === 0) return
    for (const conn of conns) this.guard.markClosing(conn)
    const task = (async () => {
      this.metrics.goodbyes?.increment({ [reason]: true })
      this.safeDispatchEvent('peer:goodbye', { detail: { peer, reason } })
      if (this.c.sayGoodbye != null) {
        const signals = [AbortSignal.timeout(this.config.goodbyeTimeoutMs)]
        if (options.signal != null) signals.push(options.signal)
        try {
          await this.c.sayGoodbye(peerId, reason, { signal: AbortSignal.any(signals) })
        } catch (err) {
          this.log('goodbye to %s failed - %e', peer, err)
        }
      }
      try {
        await this.c.connectionManager.closeConnections(peerId, { signal: AbortSignal.timeout(CLOSE_TIMEOUT_MS) })
      } catch (err: any) {
        for (const conn of this.c.connectionManager.getConnections(peerId)) conn.abort(err)
      }
    })().finally(() => {
      this.disconnecting.delete(peer)
    })
    this.disconnecting.set(peer, task)
    return task
  }

  // ------------------------------------------------------------ eviction (GuardHost)

  connections (): Connection[] {
    return this.c.connectionManager.getConnections()
  }

  selfId (): string {
    return this.c.peerId.toString()
  }

  private latencyOf (conn: Connection): number | undefined {
    const rtt = this.c.latency?.(conn.remotePeer) ?? conn.rtt
    if (rtt == null || !Number.isFinite(rtt)) return this.minRtt.get(conn.id)
    const min = Math.min(rtt, this.minRtt.get(conn.id) ?? Infinity)
    this.minRtt.set(conn.id, min)
    return min
  }

  selectEvictee (newcomer: Newcomer): Connection | undefined {
    const byId = new Map<string, Connection>()
    const candidates: EvictionCandidate[] = []
    for (const conn of this.c.connectionManager.getConnections()) {
      if (conn.direction !== 'inbound' || conn.status !== 'open' || this.guard.isClosing(conn)) continue
      const peer = conn.remotePeer.toString()
      if (peer === newcomer.peer) continue
      const info = addressInfo(conn.remoteAddr)
      if (this.guard.isAllowListed(peer, info.ip)) continue
      const useful = this.useful.get(peer)
      byId.set(conn.id, conn)
      candidates.push({
        id: conn.id,
        peer,
        connectedAt: conn.timeline.open,
        latencyMs: this.latencyOf(conn) ?? Infinity,
        lastTx: useful?.tx ?? 0,
        lastBlock: useful?.block ?? 0,
        netgroup: info.netgroup,
        keyedNetgroup: keyedNetgroup(this.netgroupKey, info.netgroup),
        preferEvict: (info.ip != null && this.guard.isDiscouraged(info.ip)) || this.scores.get(peer) <= this.config.preferEvictScore
      })
    }
    const pick = selectEvictionCandidate(candidates, this.config.evictionProtection)
    return pick == null ? undefined : byId.get(pick.id)
  }

  evict (victim: Connection, newcomer: Newcomer): void {
    const peer = victim.remotePeer.toString()
    const netgroup = addressInfo(victim.remoteAddr).netgroup
    this.log('evicting %s (netgroup %s) for %s', peer, netgroup, newcomer.peer ?? newcomer.info.ipString ?? 'a newcomer')
    this.metrics.evictions?.increment()
    this.safeDispatchEvent('peer:evicted', { detail: { peer, netgroup, newcomer: newcomer.peer ?? '' } })
    void this.disconnect(victim.remotePeer, 'too-many-peers')
  }

  markUseful (peerId: PeerId, kind: UsefulKind): void {
    const peer = peerId.toString()
    let entry = this.useful.get(peer)
    if (entry == null) {
      // only connected peers: the map stays bounded by the connection limit
      if (this.c.connectionManager.getConnections(peerId).length === 0) return
      entry = { tx: 0, block: 0 }
      this.useful.set(peer, entry)
    }
    entry[kind] = this.clock()
  }

  // ------------------------------------------------------------ bans (API)

  async ban (request: BanRequest): Promise<BanInfo> {
    if (request == null || typeof request !== 'object') throw new InvalidBanError('peer', 'ban request must be an object')
    const given = (['peer', 'ip', 'cidr'] as const).filter(k => request[k] != null)
    if (given.length !== 1) throw new InvalidBanError(given[1] ?? 'peer', `give exactly one of peer, ip and cidr (got ${given.length === 0 ? 'none' : given.join(', ')})`)
    const reason = typeof request.reason === 'string' ? request.reason.trim() : ''
    if (reason.length === 0) throw new InvalidBanError('reason', 'ban reason is required')
    if (reason.length > MAX_BAN_REASON_LENGTH) throw new InvalidBanError('reason', `ban reason has ${reason.length} characters (max ${MAX_BAN_REASON_LENGTH})`)
    const durationMs = request.durationMs ?? DEFAULT_MANUAL_BAN_MS
    if (typeof durationMs !== 'number' || !Number.isInteger(durationMs) || durationMs < 1 || durationMs > MAX_BAN_DURATION_MS) {
      throw new InvalidBanError('durationMs', `ban duration must be an integer in [1, ${MAX_BAN_DURATION_MS}] ms, got ${String(durationMs)}`)
    }
    let kind: BanInfo['kind']
    let id: string
    if (request.peer != null) {
      kind = 'peer'
      try {
        // a PeerId object round-trips through its string form; anything else fails to parse
        id = peerIdFromString(typeof request.peer === 'string' ? request.peer : String(request.peer)).toString()
      } catch {
        throw new InvalidBanError('peer', `not a peer id: ${JSON.stringify(String(request.peer)).slice(0, 80)}`)
      }
      if (id === this.c.peerId.toString()) throw new InvalidBanError('peer', 'cannot ban our own peer id')
    } else if (request.ip != null) {
      kind = 'ip'
      const ip = typeof request.ip === 'string' ? banId('ip', request.ip) : undefined
      if (ip == null) throw new InvalidBanError('ip', `not an IP address: ${JSON.stringify(String(request.ip)).slice(0, 80)}`)
      id = ip
    } else {
      kind = 'cidr'
      const text = request.cidr
      const cidr = typeof text === 'string' && text.includes('/') ? parseCidr(text) : undefined
      if (cidr == null) throw new InvalidBanError('cidr', `not a subnet (address/prefix): ${JSON.stringify(String(text)).slice(0, 80)}`)
      if (cidr.prefix === 0) throw new InvalidBanError('cidr', 'a /0 subnet would ban every address')
      id = formatCidr(cidr)
    }
    const now = this.clock()
    const source = request.source === 'auto' ? 'auto' : 'manual'
    const { ban } = this.guard.bans.add({ id, kind, target: id, reason, source, created: now, expires: now + durationMs })
    this.metrics.bans?.increment({ [source]: true })
    this.log('banned %s %s until %s: %s', kind, id, new Date(ban.expires).toISOString(), reason)
    this.safeDispatchEvent('peer:banned', { detail: ban })
    this.enforceBans()
    return ban
  }

  /** Disconnect every connected peer that a ban now covers. */
  private enforceBans (): void {
    for (const conn of this.c.connectionManager.getConnections()) {
      if (this.guard.isClosing(conn)) continue
      const peer = conn.remotePeer.toString()
      const info = addressInfo(conn.remoteAddr)
      if (this.guard.isAllowListed(peer, info.ip)) continue
      if (this.guard.peerBan(peer) != null || (info.ip != null && this.guard.ipBan(info.ip) != null)) {
        void this.disconnect(conn.remotePeer, 'banned')
      }
    }
  }

  async unban (id: string): Promise<BanInfo> {
    if (typeof id !== 'string' || id.length === 0) throw new BanNotFoundError(String(id))
    const ip = parseIp(id)
    const normal = ip != null && !id.includes('/') ? banId('ip', id) : id.includes('/') ? banId('cidr', id) : id
    const ban = this.guard.bans.remove(normal ?? id)
    if (ban == null) throw new BanNotFoundError(id)
    await this.guard.bans.flush()
    this.log('unbanned %s %s', ban.kind, ban.id)
    this.safeDispatchEvent('peer:unbanned', { detail: ban })
    return ban
  }

  bans (): BanInfo[] {
    return this.guard.bans.list()
  }

  isBanned (target: PeerId | string): boolean {
    if (typeof target !== 'string') return this.guard.peerBan(target.toString()) != null
    const ip = parseIp(target)
    if (ip != null) return this.guard.ipBan(ip) != null
    return this.guard.peerBan(target) != null
  }

  // ------------------------------------------------------------ peers (API)

  list (): PeerInfo[] {
    const byPeer = new Map<string, Connection[]>()
    for (const conn of this.c.connectionManager.getConnections()) {
      if (conn.status !== 'open') continue
      const peer = conn.remotePeer.toString()
      const list = byPeer.get(peer)
      if (list == null) byPeer.set(peer, [conn])
      else list.push(conn)
    }
    const out: PeerInfo[] = []
    for (const [peer, conns] of byPeer) {
      conns.sort((a, b) => a.timeline.open - b.timeline.open)
      const first = conns[0]
      const info = addressInfo(first.remoteAddr)
      const latency = this.latencyOf(first)
      const useful = this.useful.get(peer)
      out.push({
        id: peer,
        addrs: conns.map(c => c.remoteAddr.toString()),
        direction: first.direction,
        connections: conns.length,
        score: this.scores.get(peer),
        ip: info.ipString,
        netgroup: info.netgroup,
        subnet: info.subnet,
        connectedAt: first.timeline.open,
        latencyMs: latency,
        allowListed: this.guard.isAllowListed(peer, info.ip),
        banned: this.guard.peerBan(peer) != null || (info.ip != null && this.guard.ipBan(info.ip) != null),
        lastUsefulTx: useful?.tx === 0 ? undefined : useful?.tx,
        lastUsefulBlock: useful?.block === 0 ? undefined : useful?.block
      })
    }
    return out.sort((a, b) => a.connectedAt - b.connectedAt)
  }

  // ------------------------------------------------------------ maintenance

  async maintain (): Promise<string[]> {
    if (!this.started || this.stopping) return []
    if (this.maintaining != null) return this.maintaining
    this.maintaining = this.round().finally(() => { this.maintaining = undefined })
    return this.maintaining
  }

  private async round (): Promise<string[]> {
    for (const ban of this.guard.bans.pruneExpired()) {
      this.log('ban of %s %s expired', ban.kind, ban.id)
      this.safeDispatchEvent('peer:unbanned', { detail: ban })
    }
    this.scores.prune()

    const outboundPeers = new Set<string>()
    const connected = new Set<string>()
    const usedNetgroups = new Set<string>(this.inflight.values())
    for (const conn of this.c.connectionManager.getConnections()) {
      if (conn.status !== 'open') continue
      this.latencyOf(conn)
      const peer = conn.remotePeer.toString()
      connected.add(peer)
      if (conn.direction === 'outbound' && !this.guard.isClosing(conn)) {
        outboundPeers.add(peer)
        usedNetgroups.add(addressInfo(conn.remoteAddr).netgroup)
      }
    }
    let slots = Math.min(
      this.config.outboundTarget - outboundPeers.size - this.inflight.size,
      this.config.maxParallelDials - this.inflight.size
    )
    if (slots <= 0) return []
    const self = this.c.peerId.toString()
    const dialed: string[] = []
    const usable = (peer: string, addrs: Multiaddr[]): { netgroup: string } | undefined => {
      if (peer === self || connected.has(peer) || this.inflight.has(peer)) return undefined
      if (this.guard.peerBan(peer) != null) return undefined
      if (this.scores.get(peer) <= this.config.disconnectThreshold) return undefined
      for (const addr of addrs) {
        if (isRelayedAddr(addr)) continue
        const info = addressInfo(addr)
        if (info.ip != null && (this.guard.ipBan(info.ip) != null || this.guard.isDiscouraged(info.ip))) continue
        if (info.netgroup === 'unknown') continue
        return { netgroup: info.netgroup }
      }
      return undefined
    }

    // anchors first, whatever their back-off
    while (slots > 0 && this.anchors.length > 0) {
      const anchor = this.anchors.shift()
      if (anchor == null) break
      const ok = usable(anchor.peer.toString(), anchor.addrs)
      if (ok == null) continue
      try {
        await this.c.peerStore.merge(anchor.peer, { multiaddrs: anchor.addrs })
      } catch (err) {
        this.log('could not store anchor addresses of %p - %e', anchor.peer, err)
      }
      this.dial(anchor.peer, ok.netgroup, true)
      usedNetgroups.add(ok.netgroup)
      dialed.push(anchor.peer.toString())
      slots--
    }
    if (slots <= 0) return dialed

    let peers: Peer[]
    try {
      peers = await this.c.peerStore.all({
        filters: [(p) => {
          const id = p.id.toString()
          return !this.backoff.blocked(id) && usable(id, p.addresses.map(a => a.multiaddr)) != null
        }],
        limit: MAX_CANDIDATES_SCANNED
      })
    } catch (err) {
      this.log.error('could not read the peer store - %e', err)
      return dialed
    }
    if (!this.started || this.stopping) return dialed
    const byId = new Map<string, PeerId>()
    const candidates = []
    for (const p of peers) {
      const id = p.id.toString()
      const ok = usable(id, p.addresses.map(a => a.multiaddr))
      if (ok == null || this.backoff.blocked(id)) continue
      byId.set(id, p.id)
      candidates.push({ peer: id, netgroup: ok.netgroup, failures: this.backoff.failures(id) })
    }
    for (const c of rankOutboundCandidates(candidates, usedNetgroups, this.random)) {
      if (slots <= 0) break
      const peerId = byId.get(c.peer)
      if (peerId == null) continue
      this.dial(peerId, c.netgroup, false)
      dialed.push(c.peer)
      slots--
    }
    return dialed
  }

  private dial (peerId: PeerId, netgroup: string, anchor: boolean): void {
    const peer = peerId.toString()
    this.inflight.set(peer, netgroup)
    const signal = AbortSignal.any([AbortSignal.timeout(this.config.outboundDialTimeoutMs), this.shutdown.signal])
    this.c.connectionManager.openConnection(peerId, { signal })
      .then(() => {
        this.backoff.succeed(peer)
        this.metrics.dials?.increment({ ok: true })
        this.safeDispatchEvent('peer:dial', { detail: { peer, ok: true, anchor } })
      }, (err: Error) => {
        if (!this.shutdown.signal.aborted) this.backoff.fail(peer)
        this.metrics.dials?.increment({ error: true })
        this.log('dial to %s failed - %s', peer, err.message)
        this.safeDispatchEvent('peer:dial', { detail: { peer, ok: false, anchor, error: err.name } })
      })
      .finally(() => {
        this.inflight.delete(peer)
      })
  }

  // ------------------------------------------------------------ anchors

  private async saveAnchors (): Promise<void> {
    if (this.config.maxAnchors === 0) return
    const outbound = this.c.connectionManager.getConnections()
      .filter(c => c.direction === 'outbound' && c.status === 'open' && !isRelayedAddr(c.remoteAddr))
      .sort((a, b) => a.timeline.open - b.timeline.open)
    const anchors: Anchor[] = []
    const seen = new Set<string>()
    for (const conn of outbound) {
      if (anchors.length >= this.config.maxAnchors) break
      const peer = conn.remotePeer.toString()
      if (seen.has(peer) || this.guard.peerBan(peer) != null) continue
      seen.add(peer)
      const addrs = new Map<string, Multiaddr>()
      const remote = withoutPeerId(conn.remoteAddr)
      addrs.set(remote.toString(), remote)
      try {
        const stored = await this.c.peerStore.get(conn.remotePeer)
        for (const a of stored.addresses) {
          if (addrs.size >= MAX_ANCHOR_ADDRS) break
          addrs.set(a.multiaddr.toString(), a.multiaddr)
        }
      } catch {
        // not in the peer store: the connection's address alone will do
      }
      anchors.push({ peer: conn.remotePeer, addrs: [...addrs.values()] })
    }
    if (anchors.length === 0) return
    try {
      await saveAnchors(this.c.datastore, this.config.anchorsKey, anchors)
      this.log('saved %d anchors', anchors.length)
    } catch (err) {
      this.log.error('could not save anchors - %e', err)
    }
  }
}

/**
 * Create the peer manager.
 *
 * @example
 * ```ts
 * const peers = peerManager({ outboundTarget: 8 })({ peerId, peerStore, connectionManager, events, datastore, logger, guard })
 * await peers.start(); await peers.afterStart()
 * peers.report(peerId, 'mid', 'RateLimitedError')
 * ```
 * @throws InvalidConfigError - an option is out of range (only without a `guard`; with one, its options apply)
 */
export function peerManager (init: PeerManagerInit = {}): (components: PeerManagerComponents) => PeerManager {
  resolvePeerConfig(init)
  return (components) => new DefaultPeerManager(init, components)
}
