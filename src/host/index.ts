/**
 * Assembly of the libp2p host: transports, encryption, muxers, discovery,
 * pubsub and metrics. Nothing chain-specific lives here.
 *
 * @module
 */
import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { isPrivate } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { GOSSIP_DECODE_LIMITS, INBOUND_ACCEPTS_PER_SECOND, MAX_GOSSIP_BYTES } from '../config/constants.ts'
import { protocolId } from '../wire/protocol-id.ts'
import { VERSION } from '../version.ts'
import type { NodeConfig } from '../config/options.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'
import type { ComponentLogger, ConnectionGater, Libp2p, PeerDiscovery, PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { Registry } from 'prom-client'

/** The libp2p services every chainwire host runs. */
export type HostServices = {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
  dht?: KadDHT
} & Record<string, unknown>

/** The libp2p node chainwire runs on. */
export type Host = Libp2p<HostServices>

/** The host's settings: the part of the node config it reads. */
export type HostConfig = Pick<NodeConfig,
  'network' | 'listen' | 'announce' | 'bootstrap' | 'mdns' | 'dht' | 'dhtPrivateAddrs' | 'dialFrom' |
  'maxConnections' | 'maxPendingInbound' | 'connectionTimeoutMs' | 'heartbeatMs'>

/** What the host is built from. */
export interface HostComponents {
  privateKey: PrivateKey
  datastore: Datastore
  logger: ComponentLogger
  /** A registry of this node's own, so several nodes can share a process. */
  registry: Registry
  connectionGater?: ConnectionGater
  /** More libp2p services (the peer manager, …), built with libp2p's components. */
  services?: Record<string, (components: any) => unknown>
}

/** The DHT protocol of a network: nodes of other networks do not share its routing table. */
export function dhtProtocol (network: string): string {
  return protocolId(network, 'kad', 1)
}

/** The mDNS service tag of a network, so LAN discovery does not cross networks. */
export function mdnsServiceTag (network: string): string {
  return `_chainwire-${network}._udp.local`
}

/**
 * Whether DHT records keep private and loopback addresses. In `auto` mode
 * they do when every listen address is private (a devnet or a LAN), and do
 * not when the node listens publicly, where private addresses only waste dials.
 */
export function keepPrivateAddrs (cfg: Pick<NodeConfig, 'dhtPrivateAddrs' | 'listen'>): boolean {
  if (cfg.dhtPrivateAddrs !== 'auto') return cfg.dhtPrivateAddrs === 'yes'
  return cfg.listen.every(a => {
    try {
      return isPrivate(multiaddr(a))
    } catch {
      return true
    }
  })
}

/**
 * Build (but do not start) the libp2p host.
 *
 * @example
 * ```ts
 * const host = await createHost(cfg, { privateKey, datastore, logger, registry })
 * await host.start()
 * ```
 */
export async function createHost (cfg: HostConfig, components: HostComponents): Promise<Host> {
  const peerDiscovery: Array<(c: any) => PeerDiscovery> = []
  if (cfg.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: cfg.bootstrap }))
  if (cfg.mdns) peerDiscovery.push(mdns({ serviceTag: mdnsServiceTag(cfg.network) }))

  const services: Record<string, (c: any) => unknown> = {
    ...components.services,
    identify: identify(),
    ping: ping(),
    pubsub: gossipsub({
      globalSignaturePolicy: 'StrictSign',
      decodeRpcLimits: { ...GOSSIP_DECODE_LIMITS },
      maxInboundDataLength: MAX_GOSSIP_BYTES,
      allowPublishToZeroTopicPeers: true,
      floodPublish: true,
      emitSelf: false,
      canRelayMessage: true
    })
  }
  if (cfg.dht) {
    services.dht = kadDHT({
      protocol: dhtProtocol(cfg.network),
      logPrefix: 'libp2p:kad-dht',
      clientMode: false,
      peerInfoMapper: keepPrivateAddrs(cfg) ? passthroughMapper : removePrivateAddressesMapper
    })
  }

  const dialOpts = cfg.dialFrom !== '' ? { localAddress: cfg.dialFrom } : undefined
  return await createLibp2p({
    privateKey: components.privateKey,
    datastore: components.datastore,
    logger: components.logger,
    nodeInfo: { name: 'chainwire', version: VERSION, userAgent: `chainwire/${VERSION}` },
    addresses: { listen: cfg.listen, announce: cfg.announce },
    transports: [
      // net.connect options pass through; localAddress is not in the type
      tcp({ dialOpts: dialOpts as any }),
      webSockets()
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery,
    connectionGater: components.connectionGater,
    connectionManager: {
      // the peer manager enforces our limits and evicts; libp2p's own pruner
      // only backstops, so it gets headroom for connections being evicted
      maxConnections: cfg.maxConnections + cfg.maxPendingInbound,
      maxIncomingPendingConnections: cfg.maxPendingInbound,
      // libp2p's per-address accept rate (5/s by default) would refuse a devnet's
      // nodes on one host at start-up before our own per-IP caps see them
      inboundConnectionThreshold: INBOUND_ACCEPTS_PER_SECOND,
      dialTimeout: cfg.connectionTimeoutMs,
      inboundUpgradeTimeout: cfg.connectionTimeoutMs
    },
    connectionMonitor: {
      // the heartbeat: pings every connection, records its RTT, drops dead ones
      pingInterval: cfg.heartbeatMs
    },
    // process metrics are collected once per process (node/process-metrics.ts): per node they cannot be stopped
    metrics: prometheusMetrics({ registry: components.registry, collectDefaultMetrics: false }),
    services: services as any
  }) as unknown as Host
}
