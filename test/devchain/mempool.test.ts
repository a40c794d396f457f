import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildChain, InvalidTxError, MalformedError } from '../../src/devchain/index.ts'
import type { Devchain, DevchainInit, KeyPair, Utxo } from '../../src/devchain/index.ts'
import { toHex } from '../../src/devchain/codec.ts'
import { DEFAULT_MEMPOOL_EXPIRY_MS, DEFAULT_ORPHAN_TX_EXPIRY_MS, INCREMENTAL_RELAY_FEE_RATE, MIN_RELAY_FEE_RATE } from '../../src/devchain/constants.ts'
import { finalizeTx } from '../../src/devchain/tx.ts'
import type { DecodedTx } from '../../src/devchain/tx.ts'
import { assertMempoolConsistent, feeAt, matureCoins, mineTemplate, pay, tempChain, testKey } from './helpers.ts'
import type { TempChain } from './helpers.ts'

const other = testKey(9)

interface Setup { t: TempChain, chain: Devchain, key: KeyPair, coins: Utxo[], clock: { now: number }, removed: Array<{ txid: string, reason: string }>, added: Array<{ txid: string, from?: string }> }

async function setup (init: Partial<DevchainInit> = {}, blocks = 40): Promise<Setup> {
  const clock = { now: Date.now() }
  const t = await tempChain({ ...init, clock: () => clock.now })
  const { key } = await buildChain(t.chain, blocks)
  const removed: Setup['removed'] = []
  const added: Setup['added'] = []
  t.chain.addEventListener('tx:removed', (e) => { removed.push({ txid: toHex(e.detail.txid), reason: e.detail.reason }) })
  t.chain.addEventListener('tx:added', (e) => { added.push({ txid: toHex(e.detail.txid), from: e.detail.from }) })
  return { t, chain: t.chain, key, coins: await matureCoins(t.chain, key), clock, removed, added }
}

/** A child spending output 1 (the change) of `parent`. */
function childOf (s: Setup, parent: DecodedTx, fee: bigint): DecodedTx {
  return pay(s.chain, s.key, { txid: parent.txid, vout: 1, amount: parent.outputs[1].amount }, other.pkh, 1_000n, fee)
}

describe('devchain mempool', () => {
  it('at its cap evicts the lowest fee rate (with descendants) and turns away a newcomer that does not beat it', async () => {
    const s = await setup({ mempool: { maxCount: 5 } })
    try {
      const rates = [3000, 2000, 5000, 4000, 6000]
      const txs = rates.map((r, i) => pay(s.chain, s.key, s.coins[i], other.pkh, 10_000n, feeAt(r)))
      for (const tx of txs) assert.equal((await s.chain.mempool.add(tx.bytes)).status, 'accepted')
      assert.equal(s.chain.mempool.size(), 5)
      const lowest = Math.min(...txs.map(tx => s.chain.mempool.feeRateOf(tx.txid) as number))
      assert.equal(s.chain.mempool.minFeeRate(), lowest + INCREMENTAL_RELAY_FEE_RATE)

      // not enough to evict the 2000 entry
      const weak = pay(s.chain, s.key, s.coins[5], other.pkh, 10_000n, feeAt(2500))
      const r1 = await s.chain.mempool.add(weak.bytes)
      assert.equal(r1.status, 'fee-too-low')
      assert.equal(s.chain.mempool.size(), 5)

      // a better one evicts exactly the lowest
      const strong = pay(s.chain, s.key, s.coins[6], other.pkh, 10_000n, feeAt(8000))
      assert.equal((await s.chain.mempool.add(strong.bytes)).status, 'accepted')
      assert.equal(s.chain.mempool.size(), 5)
      assert.equal(s.chain.mempool.has(txs[1].txid), false)
      assert.deepEqual(s.removed, [{ txid: toHex(txs[1].txid), reason: 'evicted' }])

      // a child of the lowest entry cannot evict its own parent: the lowest other entry goes instead
      s.removed.length = 0
      const kid = childOf(s, txs[0], feeAt(9000))
      assert.equal((await s.chain.mempool.add(kid.bytes)).status, 'accepted')
      assert.equal(s.chain.mempool.has(txs[0].txid), true)
      assert.deepEqual(s.removed, [{ txid: toHex(txs[3].txid), reason: 'evicted' }])
      await assertMempoolConsistent(s.chain)
    } finally {
      await s.t.cleanup()
    }
  })

  it('evicts a low-fee parent together with its children when a newcomer needs the room', async () => {
    const s = await setup({ mempool: { maxCount: 4 } })
    try {
      const parent = pay(s.chain, s.key, s.coins[0], other.pkh, 10_000n, feeAt(2000))
      const a = pay(s.chain, s.key, s.coins[1], other.pkh, 10_000n, feeAt(5000))
      const b = pay(s.chain, s.key, s.coins[2], other.pkh, 10_000n, feeAt(6000))
      for (const tx of [parent, a, b]) assert.equal((await s.chain.mempool.add(tx.bytes)).status, 'accepted')
      const child = childOf(s, parent, feeAt(7000, 1, 2))
      assert.equal((await s.chain.mempool.add(child.bytes)).status, 'accepted')
      assert.equal(s.chain.mempool.size(), 4)
      const newcomer = pay(s.chain, s.key, s.coins[3], other.pkh, 10_000n, feeAt(4000))
      assert.equal((await s.chain.mempool.add(newcomer.bytes)).status, 'accepted')
      assert.equal(s.chain.mempool.has(parent.txid), false)
      assert.equal(s.chain.mempool.has(child.txid), false, 'the child leaves with its parent')
      assert.deepEqual(s.removed.map(r => r.reason), ['evicted', 'evicted'])
      assert.deepEqual(new Set(s.removed.map(r => r.txid)), new Set([toHex(parent.txid), toHex(child.txid)]))
      assert.equal(s.chain.mempool.size(), 3)
      await assertMempoolConsistent(s.chain)
    } finally {
      await s.t.cleanup()
    }
  })

  it('enforces the byte cap and the minimum relay fee', async () => {
    const s = await setup({ mempool: { maxBytes: 3 * 250 } })
    try {
      const cheap = pay(s.chain, s.key, s.coins[0], other.pkh, 10_000n, feeAt(MIN_RELAY_FEE_RATE - 100))
      const r = await s.chain.mempool.add(cheap.bytes)
      assert.equal(r.status, 'fee-too-low')
      const txs = [2000, 3000, 4000, 5000].map((rate, i) => pay(s.chain, s.key, s.coins[i + 1], other.pkh, 10_000n, feeAt(rate)))
      for (const tx of txs) assert.equal((await s.chain.mempool.add(tx.bytes)).status, 'accepted')
      assert.ok(s.chain.mempool.bytes() <= 750)
      assert.equal(s.chain.mempool.has(txs[0].txid), false)
      assert.equal(s.removed[0].reason, 'evicted')
    } finally {
      await s.t.cleanup()
    }
  })

  it('rejects a conflict and keeps the first spender', async () => {
    const s = await setup()
    try {
      const first = pay(s.chain, s.key, s.coins[0], other.pkh, 10_000n, feeAt(2000))
      const second = pay(s.chain, s.key, s.coins[0], other.pkh, 20_000n, feeAt(50_000))
      assert.equal((await s.chain.mempool.add(first.bytes)).status, 'accepted')
      const r = await s.chain.mempool.add(second.bytes)
      assert.equal(r.status, 'conflict')
      assert.match(r.status === 'conflict' ? r.reason : '', /already spent/)
      assert.equal(s.chain.mempool.has(first.txid), true)
      assert.equal(s.chain.mempool.has(second.txid), false)
      assert.equal((await s.chain.mempool.add(first.bytes)).status, 'duplicate')
    } finally {
      await s.t.cleanup()
    }
  })

  it('resolves an orphan when its parent arrives, crediting the peer that sent it', async () => {
    const s = await setup()
    try {
      const parent = pay(s.chain, s.key, s.coins[0], other.pkh, 10_000n, feeAt(2000))
      const child = childOf(s, parent, feeAt(3000))
      const r = await s.chain.mempool.add(child.bytes, { peer: 'peer-a' })
      assert.equal(r.status, 'orphan')
      assert.deepEqual(r.status === 'orphan' ? r.missing : [], [parent.txid])
      assert.equal(s.chain.mempool.orphanCount(), 1)
      assert.equal((await s.chain.mempool.add(child.bytes, { peer: 'peer-b' })).status, 'duplicate')
      assert.equal((await s.chain.mempool.add(parent.bytes, { peer: 'peer-b' })).status, 'accepted')
      assert.equal(s.chain.mempool.has(child.txid), true)
      assert.equal(s.chain.mempool.orphanCount(), 0)
      assert.deepEqual(s.added, [{ txid: toHex(parent.txid), from: 'peer-b' }, { txid: toHex(child.txid), from: 'peer-a' }])
    } finally {
      await s.t.cleanup()
    }
  })

  it('expires an orphan, bounds orphans per peer, and forgets a peer\'s orphans', async () => {
    const s = await setup({ mempool: { maxOrphansPerPeer: 2 } })
    try {
      const parent = pay(s.chain, s.key, s.coins[0], other.pkh, 10_000n, feeAt(2000))
      const child = childOf(s, parent, feeAt(3000))
      assert.equal((await s.chain.mempool.add(child.bytes, { peer: 'p' })).status, 'orphan')
      s.clock.now += DEFAULT_ORPHAN_TX_EXPIRY_MS + 1
      await s.chain.mempool.expire()
      assert.equal(s.chain.mempool.orphanCount(), 0)
      assert.equal(s.chain.mempool.hasOrphan(child.txid), false)
      assert.equal((await s.chain.mempool.add(parent.bytes)).status, 'accepted')
      assert.equal(s.chain.mempool.has(child.txid), false, 'the expired orphan is not resurrected')

      // per-peer bound: the oldest orphan of the peer makes room
      const parents = [1, 2, 3].map(i => pay(s.chain, s.key, s.coins[i], other.pkh, 10_000n, feeAt(2000)))
      const kids = parents.map(p => childOf(s, p, feeAt(3000)))
      for (const k of kids) assert.equal((await s.chain.mempool.add(k.bytes, { peer: 'q' })).status, 'orphan')
      assert.equal(s.chain.mempool.orphanCount(), 2)
      assert.equal(s.chain.mempool.hasOrphan(kids[0].txid), false)
      assert.equal((await s.chain.mempool.add(kids[0].bytes, { peer: 'r' })).status, 'orphan')
      assert.equal(s.chain.mempool.orphanCount(), 3)
      s.chain.mempool.forgetPeer('q')
      assert.equal(s.chain.mempool.orphanCount(), 1)
    } finally {
      await s.t.cleanup()
    }
  })

  it('expires entries and their descendants', async () => {
    const s = await setup()
    try {
      const parent = pay(s.chain, s.key, s.coins[0], other.pkh, 10_000n, feeAt(2000))
      assert.equal((await s.chain.mempool.add(parent.bytes)).status, 'accepted')
      s.clock.now += DEFAULT_MEMPOOL_EXPIRY_MS / 2
      const child = childOf(s, parent, feeAt(3000))
      assert.equal((await s.chain.mempool.add(child.bytes)).status, 'accepted')
      s.clock.now += DEFAULT_MEMPOOL_EXPIRY_MS / 2
      await s.chain.mempool.expire()
      assert.equal(s.chain.mempool.size(), 0)
      assert.deepEqual(s.removed.map(r => r.reason), ['expired', 'expired'])
    } finally {
      await s.t.cleanup()
    }
  })

  it('gives invalid transactions typed errors with the right verdicts', async () => {
    const s = await setup()
    try {
      const good = pay(s.chain, s.key, s.coins[0], other.pkh, 10_000n, feeAt(2000))
      const unlock = new Uint8Array(good.inputs[0].unlock)
      unlock[50] ^= 4
      const forged = finalizeTx({ ...good, inputs: [{ ...good.inputs[0], unlock }] })
      const cases: Array<[Uint8Array, string, string, string]> = [
        [forged.bytes, InvalidTxError.name, 'bad-signature', 'fatal'],
        [pay(s.chain, other, s.coins[0], other.pkh, 10_000n, feeAt(2000)).bytes, InvalidTxError.name, 'pubkey-mismatch', 'fatal'],
        [pay(s.chain, s.key, { ...s.coins[1], amount: s.coins[1].amount + 1_000_000n }, other.pkh, 10_000n, 0n).bytes, InvalidTxError.name, 'overspend', 'fatal'],
        [new Uint8Array([1, 2, 3]), MalformedError.name, 'truncated', 'fatal']
      ]
      const young = (await s.chain.listUnspent(s.key.pkh)).filter(c => c.coinbase).sort((a, b) => b.height - a.height)[0]
      cases.push([pay(s.chain, s.key, young, other.pkh, 10_000n, feeAt(2000)).bytes, InvalidTxError.name, 'immature-coinbase-spend', 'ignore'])
      // spending an output already spent on the chain: the peer may just be behind
      const spent = pay(s.chain, s.key, s.coins[2], other.pkh, 10_000n, feeAt(2000))
      assert.equal((await s.chain.submitBlock(await mineTemplate(await s.chain.createBlockTemplate({ pkh: s.key.pkh, txs: [spent] })))).status, 'accepted')
      cases.push([pay(s.chain, s.key, s.coins[2], other.pkh, 20_000n, feeAt(2000)).bytes, InvalidTxError.name, 'input-spent', 'ignore'])
      const tpl = await s.chain.createBlockTemplate({ pkh: s.key.pkh })
      cases.push([tpl.txs[0].bytes, InvalidTxError.name, 'unexpected-coinbase', 'fatal'])
      for (const [bytes, name, rule, verdict] of cases) {
        const r = await s.chain.mempool.add(bytes)
        assert.equal(r.status, 'invalid', `${rule}: got ${r.status}`)
        if (r.status !== 'invalid') continue
        assert.equal(r.error.name, name, r.error.message)
        assert.equal((r.error as InvalidTxError).rule, rule, r.error.message)
        assert.equal(r.error.verdict, verdict, rule)
      }
      assert.equal((await s.chain.mempool.add(spent.bytes)).status, 'duplicate', 'a confirmed transaction is a duplicate')
      assert.equal(s.chain.mempool.size(), 0)
    } finally {
      await s.t.cleanup()
    }
  })

  it('drops transactions a block confirms or conflicts with, and the template orders by fee rate', async () => {
    const s = await setup()
    try {
      const txs = [2000, 9000, 5000].map((r, i) => pay(s.chain, s.key, s.coins[i], other.pkh, 10_000n, feeAt(r)))
      for (const tx of txs) assert.equal((await s.chain.mempool.add(tx.bytes)).status, 'accepted')
      // with room for two (each costs its size plus a 2-byte length prefix), the two best fee rates are picked
      const hex = (x: DecodedTx): string => toHex(x.txid)
      assert.deepEqual(new Set(s.chain.mempool.select(2 * (txs[0].bytes.length + 2), 100).map(hex)), new Set([txs[1], txs[2]].map(hex)))
      const tpl = await s.chain.createBlockTemplate({ pkh: s.key.pkh })
      assert.deepEqual(tpl.txs.slice(1).map(hex), txs.map(hex))
      assert.equal(tpl.fees, txs.reduce((sum, x) => sum + (s.chain.mempool.entry(x.txid)?.fee ?? 0n), 0n))
      const conflict = pay(s.chain, s.key, s.coins[2], s.key.pkh, 1n, feeAt(2000))
      const block = await mineTemplate(await s.chain.createBlockTemplate({ pkh: s.key.pkh, txs: [txs[1], conflict] }))
      assert.equal((await s.chain.submitBlock(block)).status, 'accepted')
      assert.deepEqual(s.chain.mempool.size(), 1)
      assert.equal(s.chain.mempool.has(txs[0].txid), true)
      assert.deepEqual(s.removed, [{ txid: toHex(txs[1].txid), reason: 'block' }, { txid: toHex(txs[2].txid), reason: 'conflict' }])
      await assertMempoolConsistent(s.chain)
    } finally {
      await s.t.cleanup()
    }
  })
})
