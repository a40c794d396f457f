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

/**
 * Build the chain protocols, in start order. Protocol modules are added here
 * as they are written (status, sync, tx relay, compact blocks, …).
 */
export function chainProtocols (components: ChainProtocolComponents): ChainProtocol[] {
  const { config } = components
  // compact blocks and tx relay use each other: blocks prefill what the peer's
  // tx queue says it lacks; tx relay hands block inventory and rejected
  // transactions to compact blocks
  let relay: TxRelay | undefined
  const compact = compactBlocks({
    enabled: config.blockRelay === 'compact',
    // a transaction younger than two inbound trickles has probably not reached every peer
    prefillRecentMs: 2 * config.txTrickleInboundMs
  })({
    reqresp: components.reqresp,
    peers: components.peers,
    chain: components.chain,
    events: components.events,
    logger: components.logs,
    registry: components.registry,
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
    reqresp: components.reqresp,
    peers: components.peers,
    chain: components.chain,
    events: components.events,
    logger: components.logs,
    registry: components.registry,
    pubsub: components.libp2p.services.pubsub,
    blocks: compact.inventory,
    onRejectedTx: (txid, tx) => { compact.addExtraTx(txid, tx) }
  })
  return [compact, relay]
}
