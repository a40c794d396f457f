/**
 * Real libp2p nodes for peer-manager integration and adversarial tests.
 *
 * Every node listens on 127.0.0.1 only. A client can dial from another
 * loopback source address (127.0.0.0/8 all routes to lo on Linux) so that the
 * hub sees it come from a chosen IP, /24 and /16.
 */
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { connectionGater, peerGuard } from '../../src/peers/guard.ts'
import { peerManager } from '../../src/peers/manager.ts'
import { logger, memoryDatastore, waitFor } from './helpers.ts'
import type { PeerManagerInit } from '../../src/peers/config.ts'
import type { PeerDatastore } from '../../src/peers/bans.ts'
import type { PeerGuard } from '../../src/peers/guard.ts'
import type { PeerManager, PeerManagerEvents, RefusalReason } from '../../src/peers/types.ts'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'

/** A node running the peer manager, listening on 127.0.0.1. */
export interface Hub {
  node: Libp2p<{ peers: PeerManager }>
  peers: PeerManager
  guard: PeerGuard
  addr: Multiaddr
  refusals: Array<PeerManagerEvents['connection:refused']['detail']>
  evictions: Array<PeerManagerEvents['peer:evicted']['detail']>
  dials: Array<PeerManagerEvents['peer:dial']['detail']>
  /** Wait until a refusal with `reason` has been seen `count` times in total. */
  refused (reason: RefusalReason, count?: number): Promise<void>
  /** Live inbound peers, by peer id string. */
  inbound (): Set<string>
  stop (): Promise<void>
}

export async function startHub (init: PeerManagerInit, opts: { datastore?: Datastore, privateKey?: PrivateKey } = {}): Promise<Hub> {
  const config: PeerManagerInit = { maintenanceIntervalMs: 0, ...init }
  const guardStore: PeerDatastore = opts.datastore ?? memoryDatastore()
  // step 1: the guard exists before libp2p, so the gater can go into createLibp2p
  const guard = peerGuard(config)({ datastore: guardStore, logger })
  await guard.start()
  // step 2: libp2p with the gater; the manager is a service built from libp2p's components
  const node = await createLibp2p<{ peers: PeerManager }>({
    start: false,
    privateKey: opts.privateKey,
    datastore: opts.datastore,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: connectionGater(guard),
    // let our gater, not libp2p's coarser limits, decide in these tests
    connectionManager: { maxConnections: 500, maxIncomingPendingConnections: 100, inboundConnectionThreshold: 1000 },
    services: {
      peers: (c) => peerManager(config)({
        peerId: c.peerId,
        peerStore: c.peerStore,
        connectionManager: c.connectionManager,
        events: c.events,
        datastore: c.datastore,
        logger: c.logger,
        metrics: c.metrics,
        guard
      })
    }
  })
  const peers = node.services.peers
  const refusals: Hub['refusals'] = []
  const evictions: Hub['evictions'] = []
  const dials: Hub['dials'] = []
  peers.addEventListener('connection:refused', (evt) => { refusals.push(evt.detail) })
  peers.addEventListener('peer:evicted', (evt) => { evictions.push(evt.detail) })
  peers.addEventListener('peer:dial', (evt) => { dials.push(evt.detail) })
  // listeners first, then start: the first maintenance round runs in afterStart
  await node.start()
  const addr = node.getMultiaddrs()[0]
  return {
    node,
    peers,
    guard,
    addr,
    refusals,
    evictions,
    dials,
    async refused (reason, count = 1) {
      await waitFor(() => refusals.filter(r => r.reason === reason).length >= count, 5000, `${count} refusal(s) ${reason}`)
    },
    inbound () {
      return new Set(node.getConnections().filter(c => c.direction === 'inbound' && c.status === 'open').map(c => c.remotePeer.toString()))
    },
    async stop () {
      await node.stop()
    }
  }
}

/** A plain libp2p node dialing from `localAddress`; listens on 127.0.0.1 only when asked. */
export async function startClient (localAddress: string, opts: { listen?: boolean, privateKey?: PrivateKey } = {}): Promise<Libp2p> {
  return createLibp2p({
    privateKey: opts.privateKey,
    addresses: { listen: opts.listen === true ? ['/ip4/127.0.0.1/tcp/0'] : [] },
    transports: [tcp({ dialOpts: { localAddress } as any })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 1000 }
  })
}

/**
 * Dial the hub from `client` and report whether the hub kept the connection.
 * A refused dial may reject, or resolve and then close when the hub's gater
 * refuses late, so we wait until the hub holds an open connection from the
 * client (accepted) or the client holds none (refused).
 */
export async function tryConnect (client: Libp2p, hub: Hub): Promise<boolean> {
  const self = client.peerId
  const remote = hub.node.peerId
  try {
    await client.dial(hub.addr, { signal: AbortSignal.timeout(5000) })
  } catch {
    // refused before the client finished its upgrade
  }
  const accepted = (): boolean => hub.node.getConnections(self).some(c => c.status === 'open')
  const gone = (): boolean => !client.getConnections(remote).some(c => c.status === 'open')
  await waitFor(() => accepted() || gone(), 5000, 'the dial to settle')
  if (!accepted()) return false
  // accepted by the hub's gater; make sure it was not closed right after opening (ban, score)
  await waitFor(() => hub.peers.list().some(p => p.id === self.toString()) || gone(), 5000, 'the hub to list the peer')
  return accepted() && !gone()
}

export async function stopAll (nodes: Array<{ stop: () => void | Promise<void> } | undefined>): Promise<void> {
  await Promise.allSettled(nodes.map(async n => n?.stop()))
}
