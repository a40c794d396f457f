/**
 * The chain protocols a node runs when it serves a chain, built in one place.
 *
 * Each protocol module (`src/protocols/<name>/`) is a factory over the
 * components below; this file is the only place that lists them. They start
 * in order and stop in reverse.
 *
 * @module
 */
import { compactBlocks } from '../protocols/compact-blocks/index.ts'
import { txRelay } from '../protocols/tx-relay/index.ts'
import type { TxRelay } from '../protocols/tx-relay/index.ts'
import type { ChainAdapter } from '../chain/index.ts'
import type { NodeConfig } from '../config/options.ts'
import type { Host } from '../host/index.ts'
import type { Logs } from '../logger.ts'
import type { PeerManager } from '../peers/index.ts'
import type { ReqResp } from '../reqresp/index.ts'
import type { ApiServer } from '../api/server.ts'
import { statusProtocol } from '../protocols/status/index.ts'
import { syncProtocol } from '../protocols/sync/index.ts'
import type { StatusInit } from '../protocols/status/index.ts'
import type { SyncInit } from '../protocols/sync/index.ts'
import type { PeerId, TypedEventTarget } from '@libp2p/interface'
import type { Registry } from 'prom-client'

/** Events the node raises that protocols listen to. */
export interface ProtocolHostEvents {
  /** A same-network peer connected (after the network guard admitted it). */
  'peer:connect': CustomEvent<{ peer: PeerId, direction: 'inbound' | 'outbound', addr: string }>
  /** An admitted peer's last connection closed. */
  'peer:disconnect': CustomEvent<{ peer: PeerId }>
}

/** What every chain protocol module may use. Modules pick what they need. */
export interface ChainProtocolComponents {
  config: Readonly<NodeConfig>
  peerId: PeerId
  libp2p: Host
  reqresp: ReqResp
  peers: PeerManager
  chain: ChainAdapter
  logs: Logs
  /** The node's Prometheus registry, for protocol metrics. */
  registry: Registry
  events: TypedEventTarget<ProtocolHostEvents>
}

/** A running chain protocol. */
export interface ChainProtocol {
  /** Short name, used in logs and as the key in `node.protocols`. */
  readonly name: string
  start (): Promise<void>
  stop (): Promise<void>
  /** Register this protocol's control API endpoints, if it has any. */
  routes? (api: ApiServer): void
}

/** Per-protocol tunables (plain data), for tests and benchmarks. */
export interface ChainProtocolInits {
  status?: StatusInit
  sync?: SyncInit
}

/**
 * Build the chain protocols, in start order. Protocol modules are added here
 * as they are written (status, sync, tx relay, compact blocks, …).
 *
 * The status protocol comes first: it is the {@link PeerStatusBook} every
 * later protocol reads a peer's status and capabilities from (pass `status`
 * to their components). Sync's `relay` is where compact blocks plug in
 * (announcers and fetchers; see `src/protocols/sync/relay.ts`).
 */
export function chainProtocols (c: ChainProtocolComponents, init: ChainProtocolInits = {}): ChainProtocol[] {
  const { config } = c
  const status = statusProtocol(init.status)({
    reqresp: c.reqresp,
    peers: c.peers,
    chain: c.chain,
    events: c.events,
    connectedPeers: () => c.libp2p.getPeers(),
    logger: c.logs,
    registry: c.registry
  })
  const sync = syncProtocol(init.sync)({
    reqresp: c.reqresp,
    peers: c.peers,
    chain: c.chain,
    status,
    pubsub: c.libp2p.services.pubsub,
    logger: c.logs,
    registry: c.registry
  })
  // compact blocks and tx relay use each other: blocks prefill what the peer's
  // tx queue says it lacks; tx relay hands block inventory and rejected
  // transactions to compact blocks
  let relay: TxRelay | undefined
  const compact = compactBlocks({
    enabled: config.blockRelay === 'compact',
    // a transaction younger than two inbound trickles has probably not reached every peer
    prefillRecentMs: 2 * config.txTrickleInboundMs
  })({
    reqresp: c.reqresp,
    peers: c.peers,
    chain: c.chain,
    events: c.events,
    // blocks go out and come in through sync's announcement path; we advertise our version in the status
    relay: sync.relay,
    status,
    logger: c.logs,
    registry: c.registry,
    txKnowledge: {
      peerHas: (peer, txid) => relay?.peerHas(peer, txid) ?? false,
      pendingFor: (peer, txid) => relay?.pendingFor(peer, txid) ?? false
    }
  })
  relay = txRelay({
    network: config.network,
    mode: config.txRelay,
    inboundTrickleMs: config.txTrickleInboundMs,
    outboundTrickleMs: config.txTrickleOutboundMs
  })({
    reqresp: c.reqresp,
    peers: c.peers,
    chain: c.chain,
    events: c.events,
    logger: c.logs,
    registry: c.registry,
    pubsub: c.libp2p.services.pubsub,
    blocks: compact.inventory,
    onRejectedTx: (txid, tx) => { compact.addExtraTx(txid, tx) }
  })
  return [status, sync, compact, relay]
}
