/**
 * Compact-block nodes for tests: a real regtest devchain each, the real
 * request/response engine on the in-memory network, and the real status,
 * sync and compact-blocks modules, wired as `src/node/chain-protocols.ts`
 * wires them (compact blocks plug into `sync.relay`). Only tx relay is a
 * stand-in: it hands block inventory (`inv`/`getdata`) to compact blocks and
 * relays no transactions, so each test sets the mempools it wants.
 *
 * All nodes share one chain (the first builds it, the others import it) and
 * a transaction factory spending the builder's coins.
 */
import { TypedEventEmitter } from 'main-event'
import { buildChain } from '../../src/devchain/index.ts'
import { signTx, signedTxSize } from '../../src/devchain/tx.ts'
import { compactBlocks } from '../../src/protocols/compact-blocks/index.ts'
import { statusProtocol } from '../../src/protocols/status/index.ts'
import { syncProtocol } from '../../src/protocols/sync/index.ts'
import { reqResp } from '../../src/reqresp/index.ts'
import { manualClock } from '../../src/service/clock.ts'
import { tempChain } from '../devchain/helpers.ts'
import { makePeerId, memoryNetwork, noopLogger, waitFor } from '../helpers/reqresp.ts'
import { recordingPeers } from './relay-helpers.ts'
import type { TempChain } from '../devchain/helpers.ts'
import type { CompactBlocks, CompactBlocksInit, TxKnowledge } from '../../src/protocols/compact-blocks/index.ts'
import type { StatusProtocol } from '../../src/protocols/status/index.ts'
import type { SyncInit, SyncService } from '../../src/protocols/sync/index.ts'
import type { Devchain, KeyPair } from '../../src/devchain/index.ts'
import type { ProtocolHostEvents } from '../../src/node/chain-protocols.ts'
import type { ReqResp } from '../../src/reqresp/index.ts'
import type { RecordingPeers } from './relay-helpers.ts'
import type { Method } from '../../src/wire/messages.ts'
import type { BanInfo, PeerManager } from '../../src/peers/types.ts'
import type { PeerId } from '@libp2p/interface'

/** The recording peer manager, with what status needs (disconnects and bans are recorded). */
export interface HarnessPeers extends RecordingPeers {
  disconnects: string[]
  bans: string[]
  disconnect: PeerManager['disconnect']
  ban: PeerManager['ban']
}

export interface CompactNode {
  peerId: PeerId
  rr: ReqResp
  cb: CompactBlocks
  status: StatusProtocol
  sync: SyncService
  chain: Devchain
  peers: HarnessPeers
  events: TypedEventEmitter<ProtocolHostEvents>
  /** Requests this node's sync sent, by method (`get_blocks_by_hash` is the full-block fallback of an announced block). */
  requests: Partial<Record<Method, number>>
}

export interface Coin { txid: Uint8Array, vout: number, amount: bigint }

export interface CompactNetOptions {
  blocks?: number
  txsPerBlock?: number
  init?: (i: number) => CompactBlocksInit
  sync?: (i: number) => SyncInit
  txKnowledge?: (i: number) => TxKnowledge
}

export interface CompactNet {
  net: ReturnType<typeof memoryNetwork>
  nodes: CompactNode[]
  key: KeyPair
  coins: Coin[]
  /** A signed transaction spending the next coin into `outputs` outputs. */
  makeTx (outputs?: number): { tx: Uint8Array, txid: Uint8Array }
  /** Mine a block of node `i`'s mempool (or of `txs`) on node `i`, and submit it there. */
  mine (i: number, txs?: Uint8Array[]): Promise<{ hash: Uint8Array, block: Uint8Array }>
  stop (): Promise<void>
}

function harnessPeers (): HarnessPeers {
  const p = recordingPeers() as HarnessPeers
  p.disconnects = []
  p.bans = []
  p.disconnect = async (peer) => { p.disconnects.push(peer.toString()) }
  p.ban = async (req) => {
    p.bans.push(String(req.peer ?? req.ip ?? req.cidr))
    return { id: String(req.peer), reason: req.reason } as unknown as BanInfo
  }
  return p
}

/** `rr` as sync sees it: requests counted by method. */
function countingReqResp (rr: ReqResp, counts: Partial<Record<Method, number>>): ReqResp {
  const count = (m: Method): void => { counts[m] = (counts[m] ?? 0) + 1 }
  return new Proxy(rr, {
    get (target, key, receiver) {
      if (key === 'request') return async (peer: PeerId, method: Method, ...rest: any[]) => { count(method); return await (target.request as any)(peer, method, ...rest) }
      if (key === 'requestStream') return (peer: PeerId, method: Method, ...rest: any[]) => { count(method); return (target.requestStream as any)(peer, method, ...rest) }
      return Reflect.get(target, key, receiver)
    }
  })
}

/** Start `n` nodes on one chain (no connections yet: see {@link link}). */
export async function compactNet (n: number, opts: CompactNetOptions = {}): Promise<CompactNet> {
  const net = memoryNetwork()
  const chains: TempChain[] = []
  for (let i = 0; i < n; i++) chains.push(await tempChain())
  const built = await buildChain(chains[0].chain, opts.blocks ?? 25, { txsPerBlock: opts.txsPerBlock ?? 10 })
  const height = chains[0].chain.tip().height
  const blocks = await chains[0].chain.getBlocksByRange(1, height)
  for (const c of chains.slice(1)) for (const b of blocks) await c.chain.submitBlock(b)
  const key = built.key
  const coins: Coin[] = (await chains[0].chain.listUnspent(key.pkh))
    .filter(c => !c.coinbase || height + 1 - c.height >= chains[0].chain.params.coinbaseMaturity)
    .map(c => ({ txid: c.txid, vout: c.vout, amount: c.amount }))

  const nodes: CompactNode[] = []
  for (let i = 0; i < n; i++) {
    const chain = chains[i].chain
    const peerId = await makePeerId()
    const ep = net.endpoint(peerId)
    const peers = harnessPeers()
    const rr = reqResp({ network: 'regtest' })({ registrar: ep.registrar, dialer: ep.dialer, peers, logger: noopLogger, clock: manualClock() })
    const events = new TypedEventEmitter<ProtocolHostEvents>()
    const requests: Partial<Record<Method, number>> = {}
    const status = statusProtocol()({ reqresp: rr, peers, chain, events, logger: noopLogger })
    const sync = syncProtocol(opts.sync?.(i))({ reqresp: countingReqResp(rr, requests), peers, chain, status, logger: noopLogger })
    // no time-based prefill unless a test asks: tests fill mempools just before mining
    const cb = compactBlocks({ prefillRecentMs: 0, ...opts.init?.(i) })({
      reqresp: rr, peers, chain, events, relay: sync.relay, status, logger: noopLogger, txKnowledge: opts.txKnowledge?.(i)
    })
    const node: CompactNode = { peerId, rr, cb, status, sync, chain, peers, events, requests }
    // tx relay's part: the block side of inv/getdata goes to compact blocks
    await rr.register('inv', {
      async call (req) {
        const hashes = req.body.items.filter(i => i.type !== 'tx').map(i => i.hash)
        if (hashes.length > 0) cb.inventory.onInv(req.peer, hashes)
      }
    })
    await rr.register('getdata', {
      async call (req) {
        const unserved = await cb.inventory.onGetData(req.peer, req.body.items.filter(i => i.type === 'cmpct_block').map(i => i.hash))
        return unserved.length > 0 ? [{ type: 'notfound' as const, items: unserved.map(hash => ({ type: 'cmpct_block' as const, hash })) }] : []
      }
    })
    await rr.start()
    // in the node's order: status, sync, compact blocks
    await status.start()
    await sync.start()
    await cb.start()
    nodes.push(node)
  }
  return {
    net,
    nodes,
    key,
    coins,
    makeTx (outputs = 2) {
      const coin = coins.shift()
      if (coin == null) throw new Error('out of coins')
      const fee = BigInt(signedTxSize(1, outputs)) * 2n
      const rest = coin.amount - fee
      const each = rest / BigInt(outputs)
      const outs = Array.from({ length: outputs }, (_, i) => ({ amount: i === 0 ? rest - each * BigInt(outputs - 1) : each, pkh: key.pkh }))
      const tx = signTx({ version: 1, inputs: [{ prevTxid: coin.txid, vout: coin.vout, unlock: new Uint8Array(0) }], outputs: outs }, [key], chains[0].chain.genesisHash)
      return { tx: tx.bytes, txid: tx.txid }
    },
    async mine (i, txs) {
      const chain = nodes[i].chain
      const template = await chain.createBlockTemplate({ pkh: key.pkh, txs })
      const block = await chain.mineBlock(template) as Uint8Array
      const r = await chain.submitBlock(block)
      if (r.status !== 'accepted') throw new Error(`mined block ${r.status}`)
      return { hash: r.hash, block }
    },
    async stop () {
      for (const node of nodes) {
        await node.cb.stop()
        await node.sync.stop()
        await node.status.stop()
        await node.rr.stop()
      }
      for (const c of chains) await c.cleanup()
    }
  }
}

/**
 * Tell `a` it dialed `b`, and wait until each has the other's status and
 * sync works with it (sync takes ready peers only).
 */
export async function link (a: CompactNode, b: CompactNode): Promise<void> {
  a.peers.directions.set(b.peerId.toString(), 'outbound')
  b.peers.directions.set(a.peerId.toString(), 'inbound')
  a.events.safeDispatchEvent('peer:connect', { detail: { peer: b.peerId, direction: 'outbound', addr: '/memory/test' } })
  b.events.safeDispatchEvent('peer:connect', { detail: { peer: a.peerId, direction: 'inbound', addr: '/memory/test' } })
  await waitFor(() => a.status.get(b.peerId) != null && b.status.get(a.peerId) != null, 5000, 'the status handshake')
  await waitFor(() => a.sync.state().peerList.some(p => p.id === b.peerId.toString()) && b.sync.state().peerList.some(p => p.id === a.peerId.toString()), 5000, 'sync to take the peers')
}
