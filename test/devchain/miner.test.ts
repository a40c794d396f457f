import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildChain, createMiner, encodeAddress } from '../../src/devchain/index.ts'
import type { TemplateOptions } from '../../src/devchain/index.ts'
import { toHex } from '../../src/devchain/codec.ts'
import { tempChain, testKey, waitFor } from './helpers.ts'

const address = encodeAddress('regtest', testKey(1).pkh)

describe('devchain miner', () => {
  it('mines on the tip and keeps the event loop responsive', async () => {
    const t = await tempChain()
    try {
      let ticks = 0
      const timer = setInterval(() => { ticks++ }, 1)
      const miner = createMiner({ chain: t.chain, address, targetIntervalMs: 0 })
      const found: number[] = []
      miner.addEventListener('block', (e) => { found.push(e.detail.height) })
      miner.start()
      try {
        await waitFor(() => t.chain.tip().height >= 20, 10_000, '20 blocks')
      } finally {
        await miner.stop()
        clearInterval(timer)
      }
      assert.ok(ticks > 0, 'timers still fire while mining')
      assert.ok(miner.stats().blocks >= 20)
      assert.ok(miner.stats().hashes >= miner.stats().blocks)
      assert.equal(miner.stats().running, false)
      assert.deepEqual(found.slice(0, 5), [1, 2, 3, 4, 5])
      const height = t.chain.tip().height
      // stopped means stopped
      await new Promise(resolve => setTimeout(resolve, 20))
      assert.equal(t.chain.tip().height, height)
      const audit = await t.chain.audit()
      assert.ok(audit.ok, audit.errors.join('\n'))
    } finally {
      await t.cleanup()
    }
  })

  it('holds a found block for its pacing delay and drops it when another block arrives first', async () => {
    const t = await tempChain()
    try {
      const parents: string[] = []
      const original = t.chain.createBlockTemplate.bind(t.chain)
      t.chain.createBlockTemplate = async (o?: TemplateOptions) => {
        const tpl = await original(o)
        parents.push(toHex(tpl.parentHash))
        return tpl
      }
      // a one-minute pacing: the miner solves the trivial PoW at once and waits
      const miner = createMiner({ chain: t.chain, address, targetIntervalMs: 60_000, random: () => 0.5 })
      miner.start()
      try {
        await waitFor(() => parents.length >= 1, 5000, 'a first template')
        assert.equal(t.chain.tip().height, 0, 'the found block is held back')
        // another node's block arrives: the miner restarts on it
        await buildChain(t.chain, 1, { seed: new Uint8Array(32).fill(5) })
        const tip = toHex(t.chain.tip().hash)
        await waitFor(() => parents.includes(tip), 5000, 'a template on the new tip')
        assert.equal(t.chain.tip().height, 1, 'the stale block was dropped, not submitted')
      } finally {
        await miner.stop()
      }
      assert.equal(miner.stats().blocks, 0)
    } finally {
      await t.cleanup()
    }
  })

  it('paces blocks at the target interval when proof of work is free', async () => {
    const t = await tempChain()
    try {
      // random() = 1 - e^-1 makes every delay exactly the mean
      const miner = createMiner({ chain: t.chain, address, targetIntervalMs: 40, random: () => 1 - Math.exp(-1) })
      const started = performance.now()
      miner.start()
      try {
        await waitFor(() => t.chain.tip().height >= 5, 10_000, 'five blocks')
      } finally {
        await miner.stop()
      }
      const ms = performance.now() - started
      assert.ok(ms >= 5 * 40 - 10, `five paced blocks took only ${ms.toFixed(0)} ms`)
    } finally {
      await t.cleanup()
    }
  })

  it('rejects a bad interval and a foreign address', async () => {
    const t = await tempChain()
    try {
      assert.throws(() => createMiner({ chain: t.chain, address, targetIntervalMs: -1 }), (e: Error) => e.name === 'InvalidArgumentError')
      assert.throws(() => createMiner({ chain: t.chain, address: encodeAddress('devnet', testKey(1).pkh) }), (e: Error) => e.name === 'WalletError')
    } finally {
      await t.cleanup()
    }
  })
})
