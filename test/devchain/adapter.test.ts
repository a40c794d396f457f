import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { buildChain, ChainBusyError, ChainStoreError, InvalidHeaderError, MalformedError } from '../../src/devchain/index.ts'
import { toHex } from '../../src/devchain/codec.ts'
import { MAX_BLOCKS_PER_RESPONSE } from '../../src/config/constants.ts'
import { mineTemplate, tempChain, testKey } from './helpers.ts'
import type { TempChain } from './helpers.ts'
import type { TipEvent } from '../../src/chain/index.ts'

describe('devchain as a ChainAdapter', () => {
  let t: TempChain
  let hashes: Uint8Array[]

  before(async () => {
    t = await tempChain()
    hashes = [t.chain.genesisHash, ...(await buildChain(t.chain, 600)).hashes]
  })
  after(async () => { await t.cleanup() })

  it('reports identity and tip', async () => {
    const c = t.chain
    assert.equal(c.networkId, 'regtest')
    assert.equal(c.tip().height, 600)
    assert.deepEqual(c.tip().hash, hashes[600])
    assert.equal(c.tip().work, 601n * 2n)
    assert.deepEqual(c.tipJson(), { height: 600, hash: toHex(hashes[600]), work: '1202' })
    const info = await c.getHeaderInfo(hashes[10])
    assert.ok(info)
    assert.equal(info.height, 10)
    assert.equal(info.totalWork, 22n)
    assert.equal(info.hasBlock, true)
    assert.deepEqual(info.prevHash, hashes[9])
    assert.equal(await c.getHeaderInfo(new Uint8Array(32)), undefined)
  })

  it('builds a locator: ten steps of one, then doubling, ending at genesis', async () => {
    const loc = await t.chain.getLocator()
    const heights = await Promise.all(loc.map(async h => (await t.chain.getHeaderInfo(h))?.height))
    assert.deepEqual(heights.slice(0, 11), [600, 599, 598, 597, 596, 595, 594, 593, 592, 591, 589])
    assert.equal(heights.at(-1), 0)
    assert.ok(loc.length < 25)
  })

  it('serves headers after the first locator hash on the best chain, up to the stop hash or max', async () => {
    const c = t.chain
    const after50 = await c.getHeaders([new Uint8Array(32).fill(7), hashes[50], hashes[10]], undefined, 2000)
    assert.equal(after50.length, 550)
    assert.equal(c.decodeHeader(after50[0]).height, 51)
    assert.deepEqual(c.decodeHeader(after50[0]).hash, hashes[51])
    assert.equal((await c.getHeaders([hashes[50]], hashes[60], 2000)).length, 10)
    assert.equal((await c.getHeaders([hashes[50]], undefined, 5)).length, 5)
    const fromGenesis = await c.getHeaders([new Uint8Array(32).fill(9)], undefined, 3)
    assert.equal(c.decodeHeader(fromGenesis[0]).height, 1)
    assert.equal((await c.getHeaders([hashes[600]], undefined, 10)).length, 0)
    // the headers validate as a chain on top of their parent
    const parent = await c.getHeaderInfo(hashes[50])
    assert.equal((await c.validateHeaders(after50, parent)).length, 550)
  })

  it('serves blocks by range (bounded) and by hash (undefined where unknown)', async () => {
    const c = t.chain
    const range = await c.getBlocksByRange(595, 20)
    assert.equal(range.length, 6)
    assert.deepEqual(c.decodeHeader(c.splitBlock(range[0]).header).hash, hashes[595])
    assert.equal((await c.getBlocksByRange(0, 10_000)).length, MAX_BLOCKS_PER_RESPONSE)
    assert.deepEqual(await c.getBlocksByRange(601, 1), [])
    assert.deepEqual(await c.getBlocksByRange(-1, 1), [])
    const byHash = await c.getBlocksByHash([hashes[3], new Uint8Array(32), hashes[4]])
    assert.equal(byHash[1], undefined)
    assert.deepEqual(byHash[0], (await c.getBlocksByRange(3, 1))[0])
    assert.deepEqual(byHash[2], (await c.getBlocksByRange(4, 1))[0])
  })

  it('splits and assembles blocks, and computes txids', async () => {
    const c = t.chain
    const [block] = await c.getBlocksByRange(7, 1)
    const parts = c.splitBlock(block)
    assert.equal(parts.txs.length, 1)
    assert.deepEqual(c.assembleBlock(parts), block)
    const txid = c.txId(parts.txs[0])
    const tx = await c.getTx(txid)
    assert.equal(tx?.status, 'confirmed')
    assert.equal(tx?.height, 7)
    assert.equal(tx?.tx.coinbase, true)
    const json = await c.getBlock(7)
    assert.equal(json?.hash, toHex(hashes[7]))
    assert.equal(json?.nextHash, toHex(hashes[8]))
    assert.equal(json?.confirmations, 594)
    assert.deepEqual(await c.getBlock(toHex(hashes[7])), json)
    assert.equal(await c.getBlock('nope'), undefined)
    assert.equal(await c.getBlock(10_000), undefined)
  })

  it('answers random bytes in its decoders with fatal typed errors only', () => {
    const c = t.chain
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      for (const fn of [() => c.decodeHeader(bytes), () => c.splitBlock(bytes), () => c.txId(bytes)]) {
        try {
          fn()
        } catch (err) {
          assert.ok(err instanceof Error)
          assert.ok([MalformedError.name, InvalidHeaderError.name].includes(err.name), err.name)
          assert.equal((err as MalformedError).verdict, 'fatal')
        }
      }
    }), { numRuns: 1000 })
  })

  it('emits a tip event per new best block', async () => {
    const c = t.chain
    const seen: TipEvent[] = []
    const listener = (e: CustomEvent<TipEvent>): void => { seen.push(e.detail) }
    c.addEventListener('tip', listener)
    try {
      const before = c.tip()
      const block = await mineTemplate(await c.createBlockTemplate({ pkh: testKey(2).pkh }))
      assert.equal((await c.submitBlock(block)).status, 'accepted')
      assert.equal(seen.length, 1)
      assert.equal(seen[0].height, before.height + 1)
      assert.deepEqual(seen[0].previous.hash, before.hash)
      assert.deepEqual(seen[0].header, block.subarray(0, 84))
    } finally {
      c.removeEventListener('tip', listener)
    }
  })

  it('turns away work beyond its queue bound with ChainBusyError instead of queueing without limit', async () => {
    const c = t.chain
    const block = await mineTemplate(await c.createBlockTemplate({ pkh: testKey(2).pkh }))
    const results = await Promise.allSettled(Array.from({ length: 1100 }, async () => await c.submitBlock(block)))
    const busy = results.filter(r => r.status === 'rejected')
    assert.ok(busy.length >= 100)
    for (const r of busy) assert.equal((r as PromiseRejectedResult).reason.name, ChainBusyError.name)
    const ok = results.filter(r => r.status === 'fulfilled').map(r => (r as PromiseFulfilledResult<any>).value.status)
    assert.equal(ok.filter(s => s === 'accepted').length, 1)
    assert.ok(ok.every(s => s === 'accepted' || s === 'duplicate'))
  })
})

describe('devchain lifecycle', () => {
  it('rejects calls after close', async () => {
    const t = await tempChain()
    await t.chain.close()
    await assert.rejects(t.chain.submitBlock(new Uint8Array(10)), (e: Error) => e.name === ChainStoreError.name)
    await assert.rejects(t.chain.mempool.add(new Uint8Array(10)), (e: Error) => e.name === ChainStoreError.name)
    await t.cleanup()
  })
})

describe('devchain cancellation', () => {
  it('skips queued work whose caller aborted', async () => {
    const t = await tempChain()
    try {
      const block = await mineTemplate(await t.chain.createBlockTemplate({ pkh: testKey(2).pkh }))
      const ac = new AbortController()
      ac.abort()
      await assert.rejects(t.chain.submitBlock(block, { signal: ac.signal }), (e: Error) => e.name === 'AbortError')
      await assert.rejects(t.chain.mempool.add(new Uint8Array(5), { signal: ac.signal }), (e: Error) => e.name === 'AbortError')
      assert.equal(t.chain.tip().height, 0)
      assert.equal((await t.chain.submitBlock(block)).status, 'accepted')
    } finally {
      await t.cleanup()
    }
  })
})
