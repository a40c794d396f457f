/**
 * Compact-block nodes for tests: a real regtest devchain each, the real
 * request/response engine on the in-memory network, and the compact-blocks
 * module. All nodes share one chain (the first builds it, the others import
 * it) and a transaction factory spending the builder's coins.
 */
import { TypedEventEmitter } from 'main-event'
import { buildChain } from '../../src/devchain/index.ts'
import { signTx, signedTxSize } from '../../src/devchain/tx.ts'
import { compactBlocks } from '../../src/protocols/compact-blocks/index.ts'
import { reqResp } from '../../src/reqresp/index.ts'
import { manualClock } from '../../src/service/clock.ts'
import { tempChain } from '../devchain/helpers.ts'
import type { TempChain } from '../devchain/helpers.ts'
import { makePeerId, memoryNetwork, noopLogger } from '../helpers/reqresp.ts'
import { recordingPeers } from './relay-helpers.ts'
import type { CompactBlocks, CompactBlocksInit, TxKnowledge } from '../../src/protocols/compact-blocks/index.ts'
import type { Devchain, KeyPair } from '../../src/devchain/index.ts'
import type { ProtocolHostEvents } from '../../src/node/chain-protocols.ts'
import type { ReqResp } from '../../src/reqresp/index.ts'
import type { RecordingPeers } from './relay-helpers.ts'
import type { PeerId } from '@libp2p/interface'

export interface CompactNode {
  peerId: PeerId
  rr: ReqResp
  cb: CompactBlocks
  chain: Devchain
  peers: RecordingPeers
  events: TypedEventEmitter<ProtocolHostEvents>
  /** Full blocks served by the stand-in get_blocks_by_hash handler. */
  fullBlocksServed: number
}

export interface Coin { txid: Uint8Array, vout: number, amount: bigint }

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

/** Start `n` compact-block nodes on one chain (no connections yet: see {@link link}). */
export async function compactNet (n: number, opts: { blocks?: number, txsPerBlock?: number, init?: (i: number) => CompactBlocksInit, txKnowledge?: (i: number) => TxKnowledge, wallClock?: (i: number) => (() => number) | undefined } = {}): Promise<CompactNet> {
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
    const peers = recordingPeers()
    const rr = reqResp({ network: 'regtest' })({ registrar: ep.registrar, dialer: ep.dialer, peers, logger: noopLogger, clock: manualClock() })
    const events = new TypedEventEmitter<ProtocolHostEvents>()
    // no time-based prefill unless a test asks: tests fill mempools just before mining
    const cb = compactBlocks({ prefillRecentMs: 0, ...opts.init?.(i) })({ reqresp: rr, peers, chain, events, logger: noopLogger, txKnowledge: opts.txKnowledge?.(i), wallClock: opts.wallClock?.(i) })
    const node: CompactNode = { peerId, rr, cb, chain, peers, events, fullBlocksServed: 0 }
    // the full-block path belongs to block sync; this stand-in serves it from the chain
    await rr.register('get_blocks_by_hash', {
      async call (req) {
        const found = await chain.getBlocksByHash(req.body.hashes)
        node.fullBlocksServed += found.filter(b => b !== undefined).length
        return found.filter((b): b is Uint8Array => b !== undefined).map(block => ({ block }))
      }
    })
    // the block side of inv/getdata, as tx relay hands it over
    await rr.register('inv', {
      async call (req) {
        const blocks = req.body.items.filter(i => i.type !== 'tx').map(i => i.hash)
        if (blocks.length > 0) cb.inventory.onInv(req.peer, blocks)
      }
    })
    await rr.register('getdata', {
      async call (req) {
        const unserved = await cb.inventory.onGetData(req.peer, req.body.items.filter(i => i.type === 'cmpct_block').map(i => i.hash))
        return unserved.length > 0 ? [{ type: 'notfound' as const, items: unserved.map(hash => ({ type: 'cmpct_block' as const, hash })) }] : []
      }
    })
    await rr.start()
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
        await node.rr.stop()
      }
      for (const c of chains) await c.cleanup()
    }
  }
}

/** Tell `a` it dialed `b`. */
export function link (a: CompactNode, b: CompactNode): void {
  a.peers.directions.set(b.peerId.toString(), 'outbound')
  b.peers.directions.set(a.peerId.toString(), 'inbound')
  a.events.safeDispatchEvent('peer:connect', { detail: { peer: b.peerId, direction: 'outbound', addr: '/memory/test' } })
  b.events.safeDispatchEvent('peer:connect', { detail: { peer: a.peerId, direction: 'inbound', addr: '/memory/test' } })
}
