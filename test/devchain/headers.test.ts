import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { InvalidHeaderError, MalformedError } from '../../src/devchain/index.ts'
import { encodeHeader, headerHash } from '../../src/devchain/header.ts'
import type { BlockHeader } from '../../src/devchain/header.ts'
import { hashMeetsTarget, targetInfo } from '../../src/devchain/pow.ts'
import { MAX_HEADERS_PER_CALL } from '../../src/devchain/constants.ts'
import { tempChain } from './helpers.ts'
import type { TempChain } from './helpers.ts'
import type { HeaderInfo } from '../../src/chain/index.ts'

const BITS = 0x207fffff

/** Solve a header's PoW (or, with `fail`, find a nonce that does NOT meet the target). */
function solve (h: BlockHeader, fail = false): Uint8Array {
  const target = targetInfo(h.bits)
  assert.ok(target)
  for (let nonce = 0; ; nonce++) {
    const bytes = encodeHeader({ ...h, nonce })
    if (hashMeetsTarget(headerHash(bytes), target.bytes) !== fail) return bytes
  }
}

/** `n` solved headers on top of `parent`, one second apart, with optional per-index tampering. */
function headerChain (parent: { hash: Uint8Array, height: number, time: number }, n: number, tamper: (i: number, h: BlockHeader) => { header: BlockHeader, fail?: boolean, raw?: boolean } | undefined = () => undefined): Uint8Array[] {
  const out: Uint8Array[] = []
  let prev = parent
  for (let i = 0; i < n; i++) {
    let header: BlockHeader = {
      version: 1, prevHash: prev.hash, merkleRoot: new Uint8Array(32).fill(i & 0xff), time: prev.time + 1, bits: BITS, nonce: 0, height: prev.height + 1
    }
    const t = tamper(i, header)
    if (t !== undefined) header = t.header
    const bytes = t?.raw === true ? encodeHeader(header) : solve(header, t?.fail === true)
    out.push(bytes)
    prev = { hash: headerHash(bytes), height: header.height, time: header.time }
  }
  return out
}

function assertHeaderError (err: unknown, rule: string, index: number, verdict = 'fatal'): true {
  assert.ok(err instanceof Error)
  assert.equal(err.name, InvalidHeaderError.name, err.message)
  assert.equal((err as InvalidHeaderError).rule, rule, err.message)
  assert.equal((err as InvalidHeaderError).index, index, err.message)
  assert.equal((err as InvalidHeaderError).verdict, verdict)
  return true
}

describe('devchain validateHeaders', () => {
  let t: TempChain
  let genesis: HeaderInfo
  let good: Uint8Array[]
  const base = Math.floor(Date.now() / 1000) - 10_000

  before(async () => {
    t = await tempChain()
    const g = await t.chain.getHeaderInfo(t.chain.genesisHash)
    assert.ok(g)
    genesis = g
    good = headerChain({ hash: g.hash, height: 0, time: base }, MAX_HEADERS_PER_CALL)
  })
  after(async () => { await t.cleanup() })

  it('accepts a valid chain of 2000 headers, without storing anything', async () => {
    const infos = await t.chain.validateHeaders(good, genesis)
    assert.equal(infos.length, 2000)
    assert.equal(infos[1999].height, 2000)
    assert.equal(infos[0].work, 2n)
    assert.deepEqual(infos[5].prevHash, infos[4].hash)
    // the parent can also be found in our index
    assert.equal((await t.chain.validateHeaders(good)).length, 2000)
    assert.equal(await t.chain.getHeaderInfo(infos[0].hash), undefined)
    assert.equal(t.chain.tip().height, 0)
  })

  it('rejects a 2000-header chain broken at the end or the middle, quickly', async () => {
    for (const at of [1999, 1000]) {
      const broken = [...good]
      broken[at] = solve({ version: 1, prevHash: new Uint8Array(32).fill(1), merkleRoot: new Uint8Array(32), time: base + at + 1, bits: BITS, nonce: 0, height: at + 1 })
      const started = performance.now()
      await assert.rejects(t.chain.validateHeaders(broken, genesis), (err) => assertHeaderError(err, 'bad-prev', at))
      const ms = performance.now() - started
      assert.ok(ms < 500, `validation of a broken 2000-header chain took ${ms.toFixed(1)} ms`)
    }
  })

  it('rejects a header whose hash misses its target', async () => {
    const hs = headerChain({ hash: genesis.hash, height: 0, time: base }, 20, (i, h) => i === 7 ? { header: h, fail: true } : undefined)
    await assert.rejects(t.chain.validateHeaders(hs, genesis), (err) => assertHeaderError(err, 'bad-pow', 7))
  })

  it('rejects height jumps, difficulty changes outside a retarget and targets below the minimum', async () => {
    const jump = headerChain({ hash: genesis.hash, height: 0, time: base }, 10, (i, h) => i === 3 ? { header: { ...h, height: h.height + 1 } } : undefined)
    await assert.rejects(t.chain.validateHeaders(jump, genesis), (err) => assertHeaderError(err, 'bad-height', 3))
    const harder = headerChain({ hash: genesis.hash, height: 0, time: base }, 10, (i, h) => i === 4 ? { header: { ...h, bits: 0x2000ffff } } : undefined)
    await assert.rejects(t.chain.validateHeaders(harder, genesis), (err) => assertHeaderError(err, 'bad-bits-transition', 4))
    const easier = headerChain({ hash: genesis.hash, height: 0, time: base }, 10, (i, h) => i === 2 ? { header: { ...h, bits: 0x21008000 } } : undefined)
    await assert.rejects(t.chain.validateHeaders(easier, genesis), (err) => assertHeaderError(err, 'bits-below-minimum', 2))
    const junk = headerChain({ hash: genesis.hash, height: 0, time: base }, 3, (i, h) => i === 1 ? { header: { ...h, bits: 0x20800000 }, raw: true } : undefined)
    await assert.rejects(t.chain.validateHeaders(junk, genesis), (err) => assertHeaderError(err, 'bad-bits', 1))
  })

  it('applies the median-time-past rule and the two-hour future limit', async () => {
    // time goes back to the median of the previous 11: invalid
    const old = headerChain({ hash: genesis.hash, height: 0, time: base }, 30, (i, h) => i === 20 ? { header: { ...h, time: base + 15 } } : undefined)
    await assert.rejects(t.chain.validateHeaders(old, genesis), (err) => assertHeaderError(err, 'time-too-old', 20))
    // going back a little, above the median, is fine
    const back = headerChain({ hash: genesis.hash, height: 0, time: base }, 30, (i, h) => i === 20 ? { header: { ...h, time: base + 17 } } : undefined)
    assert.equal((await t.chain.validateHeaders(back, genesis)).length, 30)
    const future = headerChain({ hash: genesis.hash, height: 0, time: base }, 5, (i, h) => i === 4 ? { header: { ...h, time: Math.floor(Date.now() / 1000) + 3 * 3600 } } : undefined)
    await assert.rejects(t.chain.validateHeaders(future, genesis), (err) => assertHeaderError(err, 'time-too-new', 4, 'ignore'))
  })

  it('does not apply the median rule on a partial window from an unknown parent', async () => {
    const unknown = { hash: new Uint8Array(32).fill(5), height: 100, time: base + 1000 }
    // header 1 goes back in time: fine without the previous 11 times
    const hs = headerChain(unknown, 5, (i, h) => i === 1 ? { header: { ...h, time: base + 500 } } : undefined)
    assert.equal((await t.chain.validateHeaders(hs)).length, 5)
  })

  it('rejects more than 2000 headers and malformed bytes as fatal', async () => {
    await assert.rejects(t.chain.validateHeaders([...good, good[0]], genesis), (err) => assertHeaderError(err, 'too-many-headers', undefined as unknown as number))
    await assert.rejects(t.chain.validateHeaders([good[0], good[1].subarray(0, 83)], genesis), (err: Error) => {
      assert.equal(err.name, MalformedError.name)
      assert.equal((err as MalformedError).verdict, 'fatal')
      assert.match(err.message, /header 1/)
      return true
    })
  })

  it('keeps the median rule across the chunks of one run', async () => {
    // header 33 goes back to the median of the previous 11, which lie in the first chunk
    const hs = headerChain({ hash: genesis.hash, height: 0, time: base }, 60, (i, h) => i === 33 ? { header: { ...h, time: base + 28 } } : undefined)
    const first = await t.chain.validateHeaders(hs.slice(0, 30), genesis)
    await assert.rejects(t.chain.validateHeaders(hs.slice(30), first[first.length - 1]), (err) => assertHeaderError(err, 'time-too-old', 3))
    // the same run in one piece fails at the same header
    await assert.rejects(t.chain.validateHeaders(hs, genesis), (err) => assertHeaderError(err, 'time-too-old', 33))
  })

  it('gives the last validated header the hex of its hash (a run validated next is keyed by it), and no other a wrong one', async () => {
    const infos = await t.chain.validateHeaders(good, genesis)
    assert.equal(infos.length, good.length)
    assert.equal(infos[infos.length - 1].hex, Buffer.from(infos[infos.length - 1].hash).toString('hex'))
    for (const info of infos) if (info.hex !== undefined) assert.equal(info.hex, Buffer.from(info.hash).toString('hex'))
  })

  it('hashes long runs on a worker thread with the same results as on the main thread', async () => {
    const inline = await tempChain({ hashWorkers: 0 })
    try {
      assert.deepEqual(await t.chain.validateHeaders(good, genesis), await inline.chain.validateHeaders(good, genesis))
      // a bad header deep in a long run is found from the worker's hashes too
      const bad = headerChain({ hash: genesis.hash, height: 0, time: base }, 300, (i, h) => i === 250 ? { header: h, fail: true } : undefined)
      for (const c of [t.chain, inline.chain]) await assert.rejects(c.validateHeaders(bad, genesis), (err) => assertHeaderError(err, 'bad-pow', 250))
    } finally {
      await inline.cleanup()
    }
  })
})
