/**
 * Blocks travel by compact blocks by default: a devnet on 127.0.0.1 with
 * transactions flowing (inv relay) and blocks mined at random nodes; every
 * node reaches every tip through the compact path, the first deliverers
 * become high-bandwidth peers, and nothing falls back to the full block.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { startChainNet } from '../protocols/devnet.ts'
import { waitFor } from '../helpers/wait.ts'
import type { ChainNet } from '../protocols/devnet.ts'
import type { ChainwireNode } from '../../src/node/index.ts'
import type { CompactBlocks } from '../../src/protocols/compact-blocks/index.ts'
import type { Devchain } from '../../src/devchain/index.ts'

const N = 6
const BLOCKS = 6
const compactOf = (n: ChainwireNode): CompactBlocks => n.protocols.get('compact-blocks') as CompactBlocks

describe('compact blocks on a devnet', () => {
  let net: ChainNet
  before(async () => { net = await startChainNet(N, { blocks: 30, txsPerBlock: 12 }) })
  after(async () => { await net?.stop() })

  it('carries every new block to every node, rebuilt from the mempools', async () => {
    for (let b = 0; b < BLOCKS; b++) {
      for (let i = 0; i < 15; i++) await net.nodes[(b + i) % N].chain?.mempool.add(net.makeTx().tx)
      // let the transactions spread (devnet trickles of 100 / 50 ms here)
      await waitFor(() => net.nodes.every(n => (n.chain?.mempool.size() ?? 0) >= 15), 'transactions everywhere', 10_000)
      const miner = net.nodes[(b * 5) % N].devchain as Devchain
      const block = await miner.mineBlock(await miner.createBlockTemplate({ pkh: net.key.pkh })) as Uint8Array
      const r = await miner.submitBlock(block)
      assert.equal(r.status, 'accepted')
      const hash = r.status === 'accepted' ? r.hash : new Uint8Array(0)
      await waitFor(() => net.nodes.every(n => Buffer.compare(n.chain?.tip().hash ?? new Uint8Array(0), hash) === 0), `block ${b} at every node`, 15_000)
    }
    let receptions = 0
    for (const n of net.nodes) {
      const s = compactOf(n).stats()
      receptions += s.reconstructed.zero + s.reconstructed.one
      assert.deepEqual(s.fallbacks, { collision: 0, invalid: 0, error: 0, notfound: 0, malformed: 0 })
      assert.ok(s.highBandwidthPeers.length >= 1 && s.highBandwidthPeers.length <= 3, `${s.highBandwidthPeers.length} high-bandwidth peers`)
      for (const rec of s.recent) assert.ok(rec.compactBytes + rec.blocktxnBytes < rec.fullBytes, 'a compact block costs less than the block')
    }
    // every node but each block's miner rebuilt each block
    assert.equal(receptions, BLOCKS * (N - 1))
    assert.ok(net.nodes.some(n => compactOf(n).stats().recent.some(r => r.highBandwidth)), 'some blocks came pushed in high-bandwidth mode')
  })
})
