/**
 * Blocks travel by compact blocks by default: a devnet on 127.0.0.1 with
 * transactions flowing (inv relay) and blocks mined at rotating nodes; every
 * node reaches every tip through the compact path (sync announces, compact
 * blocks carry), the first deliverers become high-bandwidth peers, sync
 * measures the propagation, and nothing falls back to the full block. A
 * second devnet mixes in a node on full-block relay: the full-block path is
 * kept, and blocks cross between the two kinds of node.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { startChainNet } from '../protocols/devnet.ts'
import { waitFor } from '../helpers/wait.ts'
import type { ChainNet } from '../protocols/devnet.ts'
import { isSyncService } from '../../src/protocols/sync/index.ts'
import type { ChainwireNode } from '../../src/node/index.ts'
import type { CompactBlocks } from '../../src/protocols/compact-blocks/index.ts'
import type { SyncService } from '../../src/protocols/sync/index.ts'
import type { Devchain } from '../../src/devchain/index.ts'

const N = 6
const BLOCKS = 6
const compactOf = (n: ChainwireNode): CompactBlocks => n.protocols.get('compact-blocks') as CompactBlocks
const syncOf = (n: ChainwireNode): SyncService => {
  const s = n.protocols.get('sync')
  if (!isSyncService(s)) throw new Error('no sync')
  return s
}
const NO_FALLBACKS = { collision: 0, invalid: 0, error: 0, notfound: 0, malformed: 0 }

/** Mine a block of its mempool at `miner` and wait until every node has it as its tip. */
async function mineEverywhere (net: ChainNet, miner: ChainwireNode, what: string): Promise<Uint8Array> {
  const chain = miner.devchain as Devchain
  const block = await chain.mineBlock(await chain.createBlockTemplate({ pkh: net.key.pkh })) as Uint8Array
  const r = await chain.submitBlock(block)
  assert.equal(r.status, 'accepted')
  const hash = r.status === 'accepted' ? r.hash : new Uint8Array(0)
  await waitFor(() => net.nodes.every(n => Buffer.compare(n.chain?.tip().hash ?? new Uint8Array(0), hash) === 0), `${what} at every node`, 15_000)
  return hash
}

describe('compact blocks on a devnet', () => {
  let net: ChainNet
  before(async () => { net = await startChainNet(N, { blocks: 30, txsPerBlock: 12 }) })
  after(async () => { await net?.stop() })

  it('carries every new block to every node, rebuilt from the mempools', async () => {
    const mined = new Map<string, number>()
    for (let b = 0; b < BLOCKS; b++) {
      for (let i = 0; i < 15; i++) await net.nodes[(b + i) % N].chain?.mempool.add(net.makeTx().tx)
      // let the transactions spread (devnet trickles of 100 / 50 ms here)
      await waitFor(() => net.nodes.every(n => (n.chain?.mempool.size() ?? 0) >= 15), 'transactions everywhere', 10_000)
      const miner = net.nodes[(b * 5) % N]
      mined.set(miner.peerId.toString(), (mined.get(miner.peerId.toString()) ?? 0) + 1)
      await mineEverywhere(net, miner, `block ${b}`)
    }
    let receptions = 0
    for (const n of net.nodes) {
      const s = compactOf(n).stats()
      receptions += s.reconstructed.zero + s.reconstructed.one
      assert.deepEqual(s.fallbacks, NO_FALLBACKS)
      assert.ok(s.highBandwidthPeers.length >= 1 && s.highBandwidthPeers.length <= 3, `${s.highBandwidthPeers.length} high-bandwidth peers`)
      for (const rec of s.recent) assert.ok(rec.compactBytes + rec.blocktxnBytes < rec.fullBytes, 'a compact block costs less than the block')
      // sync measured every block it received, from the origin's time the compact blocks carried
      const got = BLOCKS - (mined.get(n.peerId.toString()) ?? 0)
      assert.ok(syncOf(n).state().propagation.count >= got, `propagation measured for ${syncOf(n).state().propagation.count} of ${got} blocks`)
    }
    // every node but each block's miner rebuilt each block
    assert.equal(receptions, BLOCKS * (N - 1))
    assert.ok(net.nodes.some(n => compactOf(n).stats().recent.some(r => r.highBandwidth)), 'some blocks came pushed in high-bandwidth mode')
  })

  it('a burst of blocks from one miner reaches every node, and nobody is penalised for relaying it', async () => {
    // a fast devnet mines about three blocks a second before its first retarget: the
    // block-relay quotas once penalised honest miners there (20 cmpctblocks per 10 s)
    const before = await Promise.all(net.nodes.map(penalties))
    const miner = net.nodes[1]
    const chain = miner.devchain as Devchain
    let hash: Uint8Array = new Uint8Array(0)
    for (let b = 0; b < BURST; b++) {
      const r = await chain.submitBlock(await chain.mineBlock(await chain.createBlockTemplate({ pkh: net.key.pkh })) as Uint8Array)
      assert.equal(r.status, 'accepted')
      if (r.status === 'accepted') hash = r.hash
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    try {
      await waitFor(() => net.nodes.every(n => Buffer.compare(n.chain?.tip().hash ?? new Uint8Array(0), hash) === 0), 'the burst\'s last block at every node', 30_000)
    } catch (err: any) {
      const seen = await Promise.all(net.nodes.map(async (n, i) => {
        const st = syncOf(n).state()
        return `node ${i}: height ${n.chain?.tip().height}, ${n.peers().length} peers, sync ${st.state} headers ${st.headers.height}, penalties ${JSON.stringify(await penalties(n))}, fallbacks ${JSON.stringify(compactOf(n).stats().fallbacks)}`
      }))
      throw new Error(`${err.message}; miner at ${chain.tip().height}\n${seen.join('\n')}`)
    }
    const after = await Promise.all(net.nodes.map(penalties))
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      const errors = await Promise.all(net.nodes.map(async (n, i) => `node ${i}: ` + (await n.metrics()).split('\n').filter(l => l.startsWith('chainwire_reqresp_inbound_errors_total{')).join(' ')))
      assert.deepEqual(after, before, `no penalties during the burst; inbound errors by method:\n${errors.join('\n')}`)
    }
    for (const n of net.nodes) assert.ok(n.peers().length >= 1, 'every node kept its peers')
  })
})

describe('compact and full-block relay on one devnet', () => {
  const M = 4
  const FULL = M - 1
  let net: ChainNet
  before(async () => { net = await startChainNet(M, { blocks: 30, txsPerBlock: 12, config: (i) => (i === FULL ? { blockRelay: 'full' } : {}) }) })
  after(async () => { await net?.stop() })

  it('keeps the full-block path: blocks cross between compact and full-relay nodes', async () => {
    // blocks from a compact node, the full-relay node, then compact nodes again
    for (const [b, m] of [0, FULL, 1, 2].entries()) {
      for (let i = 0; i < 8; i++) await net.nodes[(b + i) % M].chain?.mempool.add(net.makeTx().tx)
      await waitFor(() => net.nodes.every(n => (n.chain?.mempool.size() ?? 0) >= 8), 'transactions everywhere', 10_000)
      await mineEverywhere(net, net.nodes[m], `block ${b} (mined at node ${m})`)
    }
    const full = compactOf(net.nodes[FULL]).stats()
    assert.equal(full.recent.length, 0, 'the full-relay node rebuilt nothing')
    assert.deepEqual(full.sent, { highBandwidth: 0, lowBandwidth: 0 })
    assert.ok(syncOf(net.nodes[FULL]).state().propagation.count >= 3, 'it received the others\' blocks in full')
    const fullId = net.nodes[FULL].peerId.toString()
    for (const n of net.nodes.slice(0, FULL)) {
      const s = compactOf(n).stats()
      assert.deepEqual(s.fallbacks, NO_FALLBACKS)
      assert.equal(s.highBandwidthPeers.includes(fullId), false, 'a full-relay peer is never asked for high-bandwidth mode')
      assert.ok(s.recent.length >= 1, 'compact nodes rebuilt blocks from each other')
    }
  })
})

const BURST = 40

/** Penalising reports a node made, by reason, from its metrics. */
async function penalties (n: ChainwireNode): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const line of (await n.metrics()).split('\n')) {
    const m = /^chainwire_peers_penalties_total\{reason="([^"]*)"\} (\S+)$/.exec(line)
    if (m != null) out[m[1]] = Number(m[2])
  }
  return out
}
