import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildChain, createDevchain } from '../../src/devchain/index.ts'
import type { Devchain } from '../../src/devchain/index.ts'
import { toHex } from '../../src/devchain/codec.ts'
import { headerHash } from '../../src/devchain/header.ts'
import type { DecodedTx } from '../../src/devchain/tx.ts'
import { assertMempoolConsistent, feeAt, matureCoins, mineTemplate, pay, tempChain, testKey } from './helpers.ts'

interface Recorded { type: string, detail: any }

function record (chain: Devchain): Recorded[] {
  const events: Recorded[] = []
  for (const type of ['tip', 'reorg', 'tx:added', 'tx:removed'] as const) {
    chain.addEventListener(type, (e: CustomEvent) => { events.push({ type, detail: e.detail }) })
  }
  return events
}

async function mineOn (chain: Devchain, parentHash: Uint8Array, txs: DecodedTx[], payTo: Uint8Array): Promise<Uint8Array> {
  const block = await mineTemplate(await chain.createBlockTemplate({ pkh: payTo, parentHash, txs }))
  const res = await chain.submitBlock(block)
  assert.equal(res.status, 'accepted', res.status === 'invalid' ? res.error.message : res.status)
  return headerHash(block.subarray(0, 84))
}

function ids (events: Recorded[], type: string, reason?: string): string[] {
  return events.filter(e => e.type === type && (reason === undefined || e.detail.reason === reason)).map(e => toHex(e.detail.txid)).sort()
}

describe('devchain reorgs', () => {
  it('reorg of depth 1: disconnected transactions return, conflicts leave, the store stays consistent', async () => {
    const t = await tempChain()
    try {
      const chain = t.chain
      const other = testKey(9)
      const { key } = await buildChain(chain, 30)
      const [c1, c2, c3] = await matureCoins(chain, key)
      const t1 = pay(chain, key, c1, other.pkh, 10_000n, feeAt(2000))
      const t2 = pay(chain, key, c2, other.pkh, 10_000n, feeAt(2000))
      const t3 = pay(chain, key, { txid: t1.txid, vout: 1, amount: t1.outputs[1].amount }, other.pkh, 5_000n, feeAt(3000))
      for (const tx of [t1, t2, t3]) assert.equal((await chain.mempool.add(tx.bytes)).status, 'accepted')
      const fork = chain.tip()

      // the old branch confirms t1
      await mineOn(chain, fork.hash, [t1], key.pkh)
      assert.equal(chain.mempool.has(t1.txid), false)
      assert.equal(chain.mempool.has(t3.txid), true)
      await assertMempoolConsistent(chain)

      // the new branch spends c2 elsewhere (conflicting with t2) and confirms an unrelated t4
      const t2x = pay(chain, key, c2, key.pkh, 20_000n, feeAt(2000))
      const t4 = pay(chain, key, c3, other.pkh, 1_234n, feeAt(2000))
      const events = record(chain)
      const n1 = await mineOn(chain, fork.hash, [t2x, t4], other.pkh)
      assert.equal(chain.tip().height, fork.height + 1, 'equal work does not reorg: first seen wins')
      assert.equal(events.length, 0)
      const n2 = await mineOn(chain, n1, [], other.pkh)

      assert.deepEqual(chain.tip().hash, n2)
      const reorgs = events.filter(e => e.type === 'reorg')
      assert.equal(reorgs.length, 1)
      assert.equal(reorgs[0].detail.depth, 1)
      assert.deepEqual(reorgs[0].detail.fork.hash, fork.hash)
      assert.deepEqual(reorgs[0].detail.newTip.hash, n2)
      assert.ok(events.findIndex(e => e.type === 'reorg') < events.findIndex(e => e.type === 'tip'), 'reorg is emitted before the new tip')

      assert.equal(chain.mempool.has(t1.txid), true, 't1 returned from the disconnected block')
      assert.equal(chain.mempool.has(t3.txid), true, 't3 still valid on top of t1')
      assert.equal(chain.mempool.has(t2.txid), false, 't2 conflicts with t2x in the new chain')
      assert.equal(chain.mempool.size(), 2)
      assert.deepEqual(ids(events, 'tx:removed', 'conflict'), [toHex(t2.txid)])
      assert.deepEqual(ids(events, 'tx:added'), [toHex(t1.txid)])
      await assertMempoolConsistent(chain)
      assert.equal((await chain.getTx(t4.txid))?.status, 'confirmed')
      const audit = await chain.audit()
      assert.ok(audit.ok, audit.errors.join('\n'))
    } finally {
      await t.cleanup()
    }
  })

  it('reorg of depth 10: nine transactions return, a conflict and a newly confirmed one leave', async () => {
    const t = await tempChain()
    try {
      const chain = t.chain
      const other = testKey(9)
      const { key } = await buildChain(chain, 45)
      const coins = await matureCoins(chain, key)
      const txs = coins.slice(0, 10).map(c => pay(chain, key, c, other.pkh, 50_000n, feeAt(2000)))
      for (const tx of txs) assert.equal((await chain.mempool.add(tx.bytes)).status, 'accepted')
      const child = pay(chain, key, { txid: txs[0].txid, vout: 1, amount: txs[0].outputs[1].amount }, other.pkh, 7_000n, feeAt(2500))
      assert.equal((await chain.mempool.add(child.bytes)).status, 'accepted')
      const fork = chain.tip()

      // old branch: ten blocks, one of the mempool transactions each
      let tip = fork.hash
      for (const tx of txs) tip = await mineOn(chain, tip, [tx], key.pkh)
      assert.equal(chain.mempool.size(), 1, 'only the child is left')
      const m = pay(chain, key, coins[11], other.pkh, 9_000n, feeAt(2000))
      assert.equal((await chain.mempool.add(m.bytes)).status, 'accepted')
      await assertMempoolConsistent(chain)

      // new branch: eleven blocks; the first spends txs[5]'s coin elsewhere and confirms m
      const t5x = pay(chain, key, coins[5], key.pkh, 60_000n, feeAt(2000))
      const events = record(chain)
      let side = await mineOn(chain, fork.hash, [t5x, m], other.pkh)
      for (let i = 1; i < 11; i++) side = await mineOn(chain, side, [], other.pkh)

      assert.deepEqual(chain.tip().hash, side)
      assert.equal(chain.tip().height, fork.height + 11)
      const reorgs = events.filter(e => e.type === 'reorg')
      assert.equal(reorgs.length, 1)
      assert.equal(reorgs[0].detail.depth, 10)
      assert.equal(reorgs[0].detail.fork.height, fork.height)

      const back = txs.filter((_, i) => i !== 5)
      for (const tx of back) assert.equal(chain.mempool.has(tx.txid), true, `tx ${toHex(tx.txid)} returned`)
      assert.equal(chain.mempool.has(txs[5].txid), false, 'txs[5] conflicts with t5x')
      assert.equal(chain.mempool.has(child.txid), true)
      assert.equal(chain.mempool.has(m.txid), false, 'm is confirmed on the new branch')
      assert.equal(chain.mempool.size(), 10)
      assert.deepEqual(ids(events, 'tx:removed'), [toHex(m.txid)])
      assert.deepEqual(ids(events, 'tx:removed', 'block'), [toHex(m.txid)])
      assert.deepEqual(ids(events, 'tx:added'), back.map(x => toHex(x.txid)).sort())
      assert.equal((await chain.getTx(m.txid))?.height, fork.height + 1)
      assert.equal((await chain.getTx(txs[0].txid))?.status, 'mempool')
      await assertMempoolConsistent(chain)
      const audit = await chain.audit()
      assert.ok(audit.ok, audit.errors.join('\n'))

      // a template on the new tip picks the returned transactions, parents before children
      const tpl = await chain.createBlockTemplate({ pkh: key.pkh })
      assert.equal(tpl.txs.length, 11)
      const pos = (id: Uint8Array): number => tpl.txs.findIndex(x => toHex(x.txid) === toHex(id))
      assert.ok(pos(txs[0].txid) < pos(child.txid))
      assert.equal((await chain.submitBlock(await mineTemplate(tpl))).status, 'accepted')
      assert.equal(chain.mempool.size(), 0)
    } finally {
      await t.cleanup()
    }
  })

  it('switches back when the old branch overtakes again, and survives reopening', async () => {
    const t = await tempChain()
    try {
      let chain = t.chain
      const { key } = await buildChain(chain, 12)
      const fork = chain.tip()
      const a = await buildChain(chain, 3, { branch: 1 })
      const b = await buildChain(chain, 4, { parentHash: fork.hash, branch: 2 })
      assert.deepEqual(chain.tip().hash, b.hashes[3])
      await buildChain(chain, 2, { parentHash: a.hashes[2], branch: 1 })
      assert.equal(chain.tip().height, fork.height + 5)
      assert.ok((await chain.audit()).ok)
      await chain.close()
      chain = await createDevchain({ dataDir: t.dir, network: 'regtest' })
      t.chain = chain
      assert.equal(chain.tip().height, fork.height + 5)
      assert.ok((await chain.audit()).ok)
      assert.ok(key)
    } finally {
      await t.cleanup()
    }
  })
})
