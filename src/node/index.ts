/**
 * The node handle: the composition root that builds the host, the peer
 * manager and the protocols, and the one object applications hold.
 *
 * @module
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { LevelDatastore } from 'datastore-level'
import { cachedDatastore } from '../host/datastore-cache.ts'
import { TypedEventEmitter } from 'main-event'
import { Registry } from 'prom-client'
import { exposition } from './process-metrics.ts'
import * as C from '../config/constants.ts'
import { defaultConfig } from '../config/options.ts'
import { validateConfig } from '../config/load.ts'
import { describeError, InvalidArgumentError, NotStartedError } from '../errors.ts'
import { createHost } from '../host/index.ts'
import { fitToFdLimit, readFdLimits } from '../host/fd-limit.ts'
import { loadIdentity } from '../host/identity.ts'
import { createLogs } from '../logger.ts'
import { deadline } from '../signals.ts'
import { VERSION } from '../version.ts'
import { broadcast as createBroadcast } from './broadcast.ts'
import { direct as createDirect } from './direct.ts'
import { DialError } from './errors.ts'
import { createMessageLog } from './message-log.ts'
import { networkGuard } from './network-guard.ts'
import { discovery as createDiscovery } from './discovery.ts'
import { chainProtocols } from './chain-protocols.ts'
import type { ChainProtocol, ChainProtocolInits } from './chain-protocols.ts'
import { connectionGater, goodbyeCode, goodbyeReason, peerGuard, peerManager } from '../peers/index.ts'
import { reqResp } from '../reqresp/index.ts'
import type { ReqResp, ReqRespInit } from '../reqresp/index.ts'
import type { PeerManager, PeerManagerInit } from '../peers/index.ts'
import type { Clock } from '../service/clock.ts'
import { createDevchain, createMiner, openWallet } from '../devchain/index.ts'
import type { Devchain, Miner, Wallet } from '../devchain/index.ts'
import type { ChainAdapter } from '../chain/index.ts'
import type { NodeConfig } from '../config/options.ts'
import type { Host } from '../host/index.ts'
import type { Logs } from '../logger.ts'
import type { DirectHandler } from './direct.ts'
import type { ReceivedMessage } from './message-log.ts'
import type { PeerId, Connection, IdentifyResult, StreamMiddleware, TypedEventTarget } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type { DirectHandler, DirectMessage } from './direct.ts'
export type { ReceivedMessage } from './message-log.ts'

/** The component name of the node's own logger. */
const LOG_NAME = 'chainwire:node'

/** One connected peer, as `peers()` and `GET /peers` show it. */
export interface PeerSummary {
  id: string
  /** Remote addresses of our connections to the peer. */
  addrs: string[]
  direction: 'inbound' | 'outbound'
  /** Round-trip time of the last heartbeat ping, ms (null until measured). */
  latency: number | null
  /** Protocols the peer announced in identify. */
  protocols: string[]
  /** Streams open to the peer across its connections. */
  streams: number
  /** ms since the epoch. */
  connectedAt: number
}

/** What `status()` and `GET /status` return. */
export interface NodeStatus {
  peerId: string
  network: string
  /** Full multiaddrs, each ending in `/p2p/<peerId>`. */
  addrs: string[]
  /** Admitted (same-network) peers. */
  peers: number
  /** Seconds since start. */
  uptime: number
  version: string
  /** Broadcast topics this node is subscribed to. */
  topics: string[]
}

/** Typed events of the node. */
export interface NodeEvents {
  /** A peer of our network connected and passed the network check. */
  'peer:connect': CustomEvent<{ peer: PeerId, direction: 'inbound' | 'outbound', addr: string }>
  /** The last connection to an admitted peer closed. */
  'peer:disconnect': CustomEvent<{ peer: PeerId }>
  /** A direct message or broadcast arrived. */
  message: CustomEvent<ReceivedMessage>
  /** A peer said goodbye before disconnecting. */
  'peer:goodbye': CustomEvent<{ peer: PeerId, reason: string, code: number }>
}

/**
 * Options of the node's subsystems that the config table does not carry:
 * tighter limits, quotas and timeouts for tests, or tuning for embedders.
 * Plain data (`structuredClone` copies it); each part is applied over what
 * the config implies and validated by its subsystem.
 *
 * @example
 * ```ts
 * // a node whose direct method allows two streams per connection and 3 requests per 10 s per peer
 * const overrides: NodeOverrides = {
 *   reqresp: { protocols: { direct: { maxInboundStreams: 2, quota: { byPeer: { messages: { quota: 3, periodMs: 10_000 } } } } } },
 *   peers: { maxInboundPerIp: 2 }
 * }
 * ```
 */
export interface NodeOverrides {
  /**
   * Request/response engine options: per-method entries of the protocol
   * table (a method's entry replaces the table's fields it names, so give
   * `timeouts` or `quota` whole), chunking caps and timeouts, per-peer totals.
   */
  reqresp?: Omit<ReqRespInit, 'network'>
  /**
   * Peer manager options (per-IP and per-subnet caps, eviction protection,
   * score thresholds, ban durations, …), over the ones taken from the config
   * (`maxConnections`, `maxInbound`, `maxPendingInbound`, `outboundTarget`, `allowList`).
   */
  peers?: PeerManagerInit
}

/** Optional inputs of a node beyond its config. */
export interface NodeComponents {
  /** Log sink; defaults to stderr at the configured level. */
  logs?: Logs
  /** The chain to serve. Without one, `config.chain` decides (the devchain, or none). */
  chain?: ChainAdapter
  /** The clock of the request/response engine (its rate limits and timeouts), for tests. @default systemClock */
  clock?: Clock
  /** Subsystem options beyond the config table. */
  overrides?: NodeOverrides
  /** Tunables of the chain protocols (status, sync), for tests and benchmarks. */
  protocols?: ChainProtocolInits
}

/** Options of async node calls. */
export interface CallOptions {
  signal?: AbortSignal
}

/**
 * A chainwire node.
 *
 * @example
 * ```ts
 * import { createNode } from 'chainwire'
 *
 * const node = await createNode({ network: 'devnet', dataDir: './data' })
 * await node.start()
 * node.handle('echo', ({ data }) => data)
 * node.addEventListener('message', (evt) => console.log(evt.detail))
 * const reply = await node.send(otherPeerId, 'echo', new TextEncoder().encode('hi'))
 * await node.stop()
 * ```
 */
export interface ChainwireNode extends TypedEventTarget<NodeEvents> {
  readonly peerId: PeerId
  readonly config: Readonly<NodeConfig>
  /** The underlying libp2p node, for what chainwire does not wrap. */
  readonly libp2p: Host
  /** The node's Prometheus registry: libp2p and chainwire metrics. `metrics()` adds the process metrics, which the nodes of a process share (`processMetrics()`). */
  readonly registry: Registry
  /** Scores, bans, connection limits, eviction, outbound maintenance. */
  readonly peerManager: PeerManager
  /** The request/response engine every chainwire protocol runs on. */
  readonly reqresp: ReqResp
  /** The chain protocols this node runs (status, sync, relay, …), by name. Empty without a chain. */
  readonly protocols: ReadonlyMap<string, ChainProtocol>
  /** The chain the node serves, if any. */
  readonly chain?: ChainAdapter
  /** The reference chain, when the node runs it. */
  readonly devchain?: Devchain
  /** The devchain wallet (key in the data dir), when the node runs the devchain. */
  readonly wallet?: Wallet
  /** The miner, when `config.mine` is set. */
  readonly miner?: Miner
  readonly logs: Logs
  readonly started: boolean

  start (): Promise<void>
  /** Stop everything within {@link C.SHUTDOWN_TIMEOUT_MS}. Safe to call twice. */
  stop (): Promise<void>

  status (): NodeStatus
  peers (): PeerSummary[]
  /** Dial a multiaddr (with `/p2p/<id>`) or a known peer id. */
  dial (target: string | Multiaddr | PeerId, options?: CallOptions): Promise<PeerSummary>
  /** Close all connections to a peer. */
  hangUp (peer: string | PeerId, options?: CallOptions): Promise<void>

  /** Send a direct message and wait for the reply. */
  send (peer: string | PeerId, protocol: string, data: Uint8Array, options?: CallOptions): Promise<Uint8Array>
  /** Handle direct messages of an application protocol. */
  handle (protocol: string, handler: DirectHandler): void
  unhandle (protocol: string): void

  /** Publish to every node subscribed to `topic`. Resolves with the number of peers it was sent to. */
  broadcast (topic: string, data: Uint8Array, options?: CallOptions): Promise<{ recipients: number }>
  subscribe (topic: string): void
  unsubscribe (topic: string): void

  /** Recently received messages, oldest first. */
  messages (since?: number): ReceivedMessage[]

  /** Add libp2p stream middleware to a protocol (see libp2p's `use`). */
  use (protocol: string, middleware: StreamMiddleware | StreamMiddleware[]): void

  /** Prometheus text exposition of all metrics. */
  metrics (): Promise<string>
}

function toPeerId (peer: string | PeerId): PeerId {
  if (typeof peer !== 'string') return peer
  try {
    return peerIdFromString(peer)
  } catch {
    throw new InvalidArgumentError(`not a peer id: ${JSON.stringify(peer)}`)
  }
}

/**
 * Create a node: validate the config, load (or create) the identity, open
 * the datastore and assemble the host. Nothing listens until `start()`.
 *
 * @throws InvalidConfigError for a bad config, IdentityError for a bad key file
 */
export async function createNode (options: Partial<NodeConfig> = {}, components: NodeComponents = {}): Promise<ChainwireNode> {
  const cfg: NodeConfig = validateConfig({ ...defaultConfig(), ...structuredClone(options) })
  const logs = components.logs ?? createLogs({ level: cfg.logLevel })
  const log = logs.forComponent(LOG_NAME)

  const fit = fitToFdLimit(cfg, await readFdLimits())
  if (fit.warning != null) log.warn(fit.warning)
  Object.assign(cfg, fit.budget)

  const identity = await loadIdentity(cfg.dataDir)
  if (identity.created) log.info('created identity %p at %s', identity.peerId, identity.path)

  let chain = components.chain
  let devchain: Devchain | undefined
  let wallet: Wallet | undefined
  if (chain == null && cfg.chain === 'devchain') {
    devchain = await createDevchain({ dataDir: join(cfg.dataDir, C.CHAIN_DIR), network: cfg.network, logger: logs })
    chain = devchain
    wallet = await openWallet({ dataDir: cfg.dataDir, chain: devchain, create: true })
  }
  if (chain != null && chain.networkId !== cfg.network) {
    await devchain?.close()
    throw new InvalidArgumentError(`the chain is for network ${JSON.stringify(chain.networkId)} but the node is configured for ${JSON.stringify(cfg.network)}`)
  }
  if (cfg.mine && devchain == null) {
    throw new InvalidArgumentError('mine needs the devchain (config chain: devchain)')
  }
  const miner = cfg.mine && devchain != null && wallet != null
    ? createMiner({ chain: devchain, address: wallet.address, targetIntervalMs: cfg.mineIntervalMs > 0 ? cfg.mineIntervalMs : undefined, logger: logs })
    : undefined

  const dsPath = join(cfg.dataDir, C.DATASTORE_DIR)
  await mkdir(dsPath, { recursive: true })
  const level = new LevelDatastore(dsPath)
  await level.open()
  const datastore = cachedDatastore(level, {
    maxEntries: C.PEER_RECORD_CACHE_ENTRIES,
    writeBehindMs: C.PEER_RECORD_WRITE_BEHIND_MS,
    onWriteError: (err) => { log.error('writing peer records failed - %e', err) }
  })

  const overrides: NodeOverrides = structuredClone(components.overrides ?? {})
  const registry = new Registry()
  const peerInit: PeerManagerInit = {
    maxConnections: cfg.maxConnections,
    maxInbound: cfg.maxInbound,
    maxPendingInbound: cfg.maxPendingInbound,
    outboundTarget: cfg.outboundTarget,
    allowList: cfg.allowList,
    ...overrides.peers
  }
  let host: Host
  let peers: PeerManager | undefined
  // the peer manager is built inside libp2p, the engine after it: bind goodbyes late
  let engine: ReqResp | undefined
  try {
    // two-step: the gater must exist before libp2p, the manager needs libp2p's components
    const guard = peerGuard(peerInit)({ datastore, logger: logs })
    await guard.start()
    host = await createHost(cfg, {
      privateKey: identity.privateKey,
      datastore,
      logger: logs,
      registry,
      connectionGater: connectionGater(guard),
      services: {
        peers: (c: any) => {
          peers = peerManager(peerInit)({
            peerId: c.peerId,
            peerStore: c.peerStore,
            connectionManager: c.connectionManager,
            events: c.events,
            datastore: c.datastore,
            logger: c.logger,
            metrics: c.metrics,
            guard,
            sayGoodbye: async (peer, reason, { signal }) => {
              await engine?.notify(peer, 'goodbye', { reason: goodbyeCode(reason), message: reason }, { signal })
            }
          })
          return peers
        }
      }
    })
  } catch (err) {
    await datastore.close()
    await level.close()
    await devchain?.close()
    throw err
  }
  const peerManagerRef = peers
  if (peerManagerRef == null) throw new Error('peer manager was not constructed')

  const events = new TypedEventEmitter<NodeEvents>()
  const messageLog = createMessageLog(C.MESSAGE_LOG_SIZE)
  // both bounded by the connection limit: entries live while the peer is connected
  const connectedAt = new Map<string, number>()
  const protocolsOf = new Map<string, string[]>()

  const record = (msg: Omit<ReceivedMessage, 'seq'>): void => {
    const entry = messageLog.push(msg)
    events.safeDispatchEvent('message', { detail: entry })
  }

  const reqresp = reqResp({ ...overrides.reqresp, network: cfg.network })({
    registrar: host,
    dialer: host,
    peers: peerManagerRef,
    logger: logs,
    metrics: host.metrics,
    clock: components.clock
  })
  engine = reqresp

  const protocols: ChainProtocol[] = chain == null
    ? []
    : chainProtocols({ config: cfg, peerId: identity.peerId, libp2p: host, reqresp, peers: peerManagerRef, chain, logs, registry, events }, structuredClone(components.protocols ?? {}))

  const direct = createDirect()({
    reqresp,
    log,
    onMessage: (m) => { record({ kind: 'direct', from: m.from.toString(), protocol: m.protocol, data: m.data, receivedAt: Date.now() }) }
  })

  const bcast = createBroadcast({ network: cfg.network })({
    pubsub: host.services.pubsub,
    onMessage: (m) => { record({ kind: 'broadcast', from: m.from, protocol: m.topic, data: m.data, receivedAt: Date.now() }) }
  })

  const guard = networkGuard({ network: cfg.network, identifyTimeoutMs: cfg.connectionTimeoutMs })({
    libp2p: host,
    log,
    onRefuse: async (peer, reason) => {
      if (reason === 'irrelevant-network') await peerManagerRef.disconnect(peer, 'irrelevant-network')
    },
    onAdmit: (peer: PeerId, conn: Connection) => {
      connectedAt.set(peer.toString(), Date.now())
      events.safeDispatchEvent('peer:connect', { detail: { peer, direction: conn.direction, addr: conn.remoteAddr.toString() } })
    }
  })

  const finder = createDiscovery({
    lookups: cfg.dht,
    minIntervalMs: C.DISCOVERY_MIN_INTERVAL_MS,
    maxIntervalMs: C.DISCOVERY_MAX_INTERVAL_MS,
    idleIntervalMs: C.DISCOVERY_IDLE_INTERVAL_MS,
    lookupTimeoutMs: C.DISCOVERY_LOOKUP_TIMEOUT_MS,
    debounceMs: C.DISCOVERY_DEBOUNCE_MS
  })({
    peerRouting: host.peerRouting,
    events: host,
    wantsPeers: () => peerManagerRef.list().filter(p => p.direction === 'outbound').length < cfg.outboundTarget,
    maintain: async () => await peerManagerRef.maintain(),
    log: logs.forComponent('chainwire:discovery')
  })

  const onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    protocolsOf.set(evt.detail.peerId.toString(), [...evt.detail.protocols].sort())
  }

  const onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const id = evt.detail.toString()
    protocolsOf.delete(id)
    chain?.mempool.forgetPeer?.(id)
    if (connectedAt.delete(id)) events.safeDispatchEvent('peer:disconnect', { detail: { peer: evt.detail } })
  }

  let started = false
  let startedAt = 0
  let stopping: Promise<void> | undefined

  const summarize = (peer: PeerId): PeerSummary | undefined => {
    const conns = host.getConnections(peer).filter(c => c.status === 'open')
    if (conns.length === 0) return undefined
    const first = conns[0]
    const rtts = conns.map(c => c.rtt).filter((r): r is number => typeof r === 'number')
    return {
      id: peer.toString(),
      addrs: conns.map(c => c.remoteAddr.toString()),
      direction: first.direction,
      latency: rtts.length > 0 ? Math.min(...rtts) : null,
      protocols: protocolsOf.get(peer.toString()) ?? [],
      streams: conns.reduce((n, c) => n + c.streams.length, 0),
      connectedAt: connectedAt.get(peer.toString()) ?? first.timeline.open
    }
  }

  const assertStarted = (): void => {
    if (!started) throw new NotStartedError()
  }

  const methods: Omit<ChainwireNode, keyof TypedEventTarget<NodeEvents>> = {
    peerId: identity.peerId,
    config: cfg,
    libp2p: host,
    registry,
    peerManager: peerManagerRef,
    reqresp,
    protocols: new Map(protocols.map(p => [p.name, p])),
    chain,
    devchain,
    wallet,
    miner,
    logs,
    started: false,

    async start () {
      if (started) return
      guard.start()
      host.addEventListener('peer:disconnect', onDisconnect)
      host.addEventListener('peer:identify', onIdentify)
      await host.start()
      await reqresp.register('goodbye', {
        async call (req) {
          const reason = goodbyeReason(req.body.reason) ?? 'unknown'
          log('%p said goodbye: %s (%d)', req.peer, reason, req.body.reason)
          events.safeDispatchEvent('peer:goodbye', { detail: { peer: req.peer, reason, code: req.body.reason } })
          // let the goodbye stream finish before the connection goes
          setTimeout(() => { void host.hangUp(req.peer).catch(() => {}) }, 0)
        }
      })
      await reqresp.start()
      await direct.start()
      for (const p of protocols) await p.start()
      bcast.start()
      for (const t of cfg.topics) bcast.subscribe(t)
      finder.start()
      miner?.start()
      started = true
      startedAt = Date.now()
      log.info('node %p started on %s network, listening on %s', identity.peerId, cfg.network, host.getMultiaddrs().map(String).join(' '))
    },

    async stop () {
      if (stopping != null) return await stopping
      stopping = (async () => {
        const bound = new Promise<'timeout'>(resolve => setTimeout(resolve, C.SHUTDOWN_TIMEOUT_MS, 'timeout').unref())
        const work = (async () => {
          if (started) {
            await miner?.stop()
            finder.stop()
            bcast.stop()
            for (const p of [...protocols].reverse()) await p.stop()
            await direct.stop()
            // goodbyes (and anchors) go out while the engine still runs;
            // libp2p calls beforeStop again in host.stop(), which is then a no-op
            await peerManagerRef.beforeStop()
            await reqresp.stop()
            guard.stop()
            host.removeEventListener('peer:disconnect', onDisconnect)
            host.removeEventListener('peer:identify', onIdentify)
            await host.stop()
          }
          await devchain?.close()
          await datastore.close()
          await level.close()
        })()
        const r = await Promise.race([work.then(() => 'done' as const), bound])
        if (r === 'timeout') log.warn('shutdown took longer than %d ms; abandoning what is left', C.SHUTDOWN_TIMEOUT_MS)
        started = false
        log.info('node %p stopped', identity.peerId)
      })()
      return await stopping
    },

    status (): NodeStatus {
      return {
        peerId: identity.peerId.toString(),
        network: cfg.network,
        addrs: host.getMultiaddrs().map(String),
        peers: node.peers().length,
        uptime: started ? Math.floor((Date.now() - startedAt) / 1000) : 0,
        version: VERSION,
        topics: bcast.topics()
      }
    },

    peers (): PeerSummary[] {
      const out: PeerSummary[] = []
      for (const peer of host.getPeers()) {
        if (!guard.isAdmitted(peer)) continue
        const s = summarize(peer)
        if (s != null) out.push(s)
      }
      return out
    },

    async dial (target, options = {}) {
      assertStarted()
      let t: PeerId | Multiaddr
      if (typeof target === 'string') {
        if (target.startsWith('/')) {
          try {
            t = multiaddr(target)
          } catch (err: any) {
            throw new InvalidArgumentError(`not a multiaddr: ${JSON.stringify(target)} (${err.message})`)
          }
        } else {
          t = toPeerId(target)
        }
      } else {
        t = target
      }
      const d = deadline(options.signal, C.DEFAULT_DIAL_TIMEOUT_MS)
      let conn: Connection
      try {
        conn = await host.dial(t, { signal: d.signal })
      } catch (err: any) {
        if (d.signal.aborted) throw d.error(err, `dial ${t.toString()}`)
        throw new DialError(`dial ${t.toString()} failed: ${describeError(err)}`, { cause: err })
      }
      const s = summarize(conn.remotePeer)
      if (s == null) throw new DialError(`dial ${t.toString()} failed: connection closed`)
      return s
    },

    async hangUp (peer, options = {}) {
      assertStarted()
      const d = deadline(options.signal, C.DEFAULT_DIAL_TIMEOUT_MS)
      try {
        await host.hangUp(toPeerId(peer), { signal: d.signal })
      } catch (err) {
        throw d.error(err, 'hang up')
      }
    },

    async send (peer, protocol, data, options = {}) {
      assertStarted()
      const d = deadline(options.signal, C.DEFAULT_SEND_TIMEOUT_MS)
      try {
        return await direct.send(toPeerId(peer), protocol, data, { signal: d.signal })
      } catch (err) {
        throw d.error(err, `send ${protocol}`)
      }
    },

    handle (protocol, handler) { direct.handle(protocol, handler) },
    unhandle (protocol) { direct.unhandle(protocol) },

    async broadcast (topic, data, options = {}) {
      assertStarted()
      const d = deadline(options.signal, C.DEFAULT_SEND_TIMEOUT_MS)
      try {
        return await bcast.publish(topic, data)
      } catch (err) {
        throw d.error(err, `broadcast ${topic}`)
      }
    },
    subscribe (topic) { bcast.subscribe(topic) },
    unsubscribe (topic) { bcast.unsubscribe(topic) },

    messages (since) { return messageLog.since(since) },

    use (protocol, middleware) { host.use(protocol, middleware) },

    async metrics () { return await exposition(registry) }
  }
  const node = Object.assign(events, methods) as ChainwireNode
  // Object.assign copies values, not accessors: define the live flag afterwards
  Object.defineProperty(node, 'started', { get: () => started, enumerable: true })
  return node
}
