/**
 * Two miners on a partitioned network: each half mines its own branch with
 * its own transactions. When the halves are joined every node converges on
 * the branch with the most work, and the nodes that abandoned the other branch
 * hold its transactions that are still valid in their mempools (the one that
 * double-spends a coin the winning branch spent is gone).
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { signTx, signedTxSize } from '../../src/devchain/tx.ts'
import { buildChainDir, chainOf, hexOf, seedChain, startChainNode, waitForTip } from './helpers.ts'
import { waitFor } from '../helpers/wait.ts'
import type { ChainDir } from './helpers.ts'
import type { ChainwireNode } from '../../src/node/index.ts'
import type { Devchain, Utxo } from '../../src/devchain/index.ts'

const BASE = 30

describe('block sync: partition and heal', () => {
  const nodes: ChainwireNode[] = []
  let root: string
  let base: ChainDir

  after(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await rm(root, { recursive: true, force: true })
    await base?.cleanup()
  })

  it('converges on the most-work branch; the losing branch\'s still-valid transactions return to the mempool', async () => {
    root = await mkdtemp(join(tmpdir(), 'cw-partition-'))
    // a common history whose coinbases (paid to the builder key) are mature
    base = await buildChainDir(BASE)
    const key = base.built.key
    const start = async (name: string, mine: boolean): Promise<ChainwireNode> => {
      const dir = join(root, name)
      await seedChain(dir, base)
      const node = await startChainNode(dir, mine ? { mine: true, mineIntervalMs: 150 } : {}, {}, name)
      nodes.push(node)
      return node
    }
    // two halves that know nothing of each other
    const a1 = await start('a1', true)
    const a2 = await start('a2', false)
    const b1 = await start('b1', true)
    const b2 = await start('b2', false)
    await a2.dial(a1.status().addrs[0])
    await b2.dial(b1.status().addrs[0])

    const coins: Utxo[] = (await chainOf(a1).listUnspent(key.pkh)).filter(u => u.height <= 10).sort((x, y) => x.height - y.height)
    assert.ok(coins.length >= 7)
    const spend = (chain: Devchain, coin: Utxo, tag: number): Uint8Array => {
      const fee = BigInt(signedTxSize(1, 1)) * 2n
      const pkh = new Uint8Array(20).fill(tag)
      return signTx({ version: 1, inputs: [{ prevTxid: coin.txid, vout: coin.vout, unlock: new Uint8Array(0) }], outputs: [{ amount: coin.amount - fee, pkh }] }, [key], chain.genesisHash).bytes
    }
    const add = async (node: ChainwireNode, tx: Uint8Array): Promise<string> => {
      const r = await chainOf(node).mempool.add(tx)
      assert.equal(r.status, 'accepted', JSON.stringify(r))
      return hexOf(chainOf(node).txId(tx))
    }
    // half A spends coins 0-2; half B spends coins 3-5, and coin 0 again (a double spend across the halves)
    const txA = await Promise.all([0, 1, 2].map(async i => await add(a1, spend(chainOf(a1), coins[i], 0xa0 + i))))
    const txB = await Promise.all([3, 4, 5].map(async i => await add(b1, spend(chainOf(b1), coins[i], 0xb0 + i))))
    const conflict = await add(b1, spend(chainOf(b1), coins[0], 0xbf))

    const confirmed = async (node: ChainwireNode, txid: string): Promise<boolean> => (await chainOf(node).getTx(txid, { mempool: false }))?.status === 'confirmed'
    // each half mines its transactions, and its second node follows
    await waitFor(async () => (await Promise.all(txA.map(async t => await confirmed(a1, t)))).every(Boolean), 'half A mined its transactions', 20_000)
    await waitFor(async () => (await Promise.all([...txB, conflict].map(async t => await confirmed(b1, t)))).every(Boolean), 'half B mined its transactions', 20_000)
    await b1.miner?.stop()
    // half A ends with more work (regtest blocks all have the same work: more blocks)
    await waitFor(() => chainOf(a1).tip().height >= chainOf(b1).tip().height + 3, 'half A ahead by three blocks', 20_000)
    await a1.miner?.stop()
    await waitForTip(a2, hexOf(chainOf(a1).tip().hash), 10_000)
    await waitForTip(b2, hexOf(chainOf(b1).tip().hash), 10_000)
    const losing = hexOf(chainOf(b1).tip().hash)
    const forkHeight = BASE
    assert.ok(chainOf(b1).tip().height > forkHeight)
    assert.equal(chainOf(b2).mempool.size(), 0)

    // heal the partition
    await b1.dial(a1.status().addrs[0])
    const winner = hexOf(chainOf(a1).tip().hash)
    for (const n of [a1, a2, b1, b2]) await waitForTip(n, winner, 20_000)
    assert.notEqual(winner, losing)

    for (const n of [b1, b2]) {
      const chain = chainOf(n)
      // the abandoned branch's transactions that spend coins still unspent are back in the pool
      for (const t of txB) {
        const got = await chain.getTx(t)
        assert.equal(got?.status, 'mempool', `${t} in the mempool of ${n.peerId.toString().slice(-6)}`)
      }
      // the double spend of a coin the winning branch spent is not
      assert.equal(await chain.getTx(conflict), undefined)
      for (const t of txA) assert.equal(await confirmed(n, t), true)
      const audit = await chain.audit()
      assert.deepEqual(audit.errors, [])
    }
  })
})
