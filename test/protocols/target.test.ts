/**
 * The in-memory best header chain of sync: heights, lookups, cuts, rebases,
 * consuming from the front, cumulative work, the entries it hands out, and
 * the exponential locator.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TARGET_PAGE_HEADERS } from '../../src/protocols/sync/constants.ts'
import { createEntryMaker, createTarget } from '../../src/protocols/sync/target.ts'
import type { Base } from '../../src/protocols/sync/target.ts'
import type { HeaderInfo } from '../../src/chain/index.ts'

function hashOf (n: number): Uint8Array {
  const h = new Uint8Array(32)
  new DataView(h.buffer).setUint32(0, n)
  return h
}
const hex = (n: number): string => Buffer.from(hashOf(n)).toString('hex')

/** The devchain's layout, as far as the target cares: the parent hash is bytes 4..36. */
const prevHashOf = (bytes: Uint8Array): Uint8Array => bytes.subarray(4, 36)

function headerBytes (h: number, salt = 0): Uint8Array {
  const bytes = new Uint8Array(84).fill((h + salt) & 0xff)
  bytes.set(hashOf(h - 1 + salt), 4)
  return bytes
}

function base (height: number): Base {
  return { hash: hashOf(height), hex: hex(height), height, totalWork: BigInt(height * 2), info: { hash: hashOf(height), prevHash: hashOf(height - 1), height, work: 2n, time: height, bytes: headerBytes(height) } }
}

/** Validated headers `from`..`to`, each of work `work(h)` (2 by default). */
function infos (from: number, to: number, work: (h: number) => bigint = () => 2n): HeaderInfo[] {
  const out: HeaderInfo[] = []
  for (let h = from; h <= to; h++) out.push({ hash: hashOf(h), prevHash: hashOf(h - 1), height: h, work: work(h), time: h, bytes: headerBytes(h), hex: hex(h) })
  return out
}

/** A branch: the same heights with other hashes. */
function branch (from: number, to: number): HeaderInfo[] {
  return infos(from, to).map(x => ({ ...x, hash: hashOf(x.height + 1_000_000), hex: hex(x.height + 1_000_000), bytes: headerBytes(x.height, 1_000_000) }))
}

describe('sync target chain', () => {
  it('appends, finds by height and hash, and reports its end', () => {
    const t = createTarget(base(100), prevHashOf)
    assert.equal(t.length, 0)
    assert.equal(t.endHeight, 100)
    assert.equal(t.endHex, hex(100))
    assert.equal(t.endWork, 200n)
    assert.equal(t.append(infos(101, 150)), 50)
    assert.equal(t.length, 50)
    assert.equal(t.endHeight, 150)
    assert.equal(t.endWork, 300n)
    assert.equal(t.endHex, hex(150))
    assert.equal(t.at(101)?.height, 101)
    assert.equal(t.at(100), undefined)
    assert.equal(t.at(151), undefined)
    assert.equal(t.get(hex(120))?.height, 120)
    assert.equal(t.first()?.height, 101)
    assert.deepEqual(t.range(148, 200).map(e => e.height), [148, 149, 150])
    assert.equal(t.endInfo().hex, hex(150))
    assert.equal(t.endInfo().totalWork, 300n)
    // a slice of an answer
    const more = infos(151, 170)
    assert.equal(t.append(more, 0, 5), 5)
    assert.equal(t.endHeight, 155)
    assert.equal(t.append(more, 5, 5), 0)
    assert.throws(() => t.append(more, 6, 7), RangeError, 'a header that does not follow the end is refused')
    assert.equal(t.endHeight, 155)
  })

  it('hands out one entry per header, with its hash, bytes and numbers, and keeps copies of them', () => {
    const t = createTarget(base(0), prevHashOf)
    const answer = infos(1, 3000)
    t.append(answer)
    // the caller's buffers can be reused: the target copied what it keeps
    for (const x of answer) { x.bytes.fill(0); x.hash.fill(0) }
    for (const h of [1, 1024, 1025, 2048, 3000]) {
      const e = t.at(h)
      assert.ok(e != null)
      assert.equal(t.at(h), e, 'the same object while the target holds the header')
      assert.equal(e.height, h)
      assert.equal(e.state, 'pending')
      assert.equal(e.time, h)
      assert.equal(e.work, 2n)
      assert.equal(e.totalWork, BigInt(h * 2))
      assert.deepEqual(e.hash, hashOf(h))
      assert.equal(e.hex, hex(h))
      assert.deepEqual(e.bytes, headerBytes(h))
      assert.deepEqual(e.prevHash, hashOf(h - 1))
      assert.equal('state' in e, true, 'told apart from a Base by its state')
    }
    assert.deepEqual(t.bytesAt(2500), headerBytes(2500))
    assert.equal(t.bytesAt(3001), undefined)
    assert.equal(t.has(hex(2500), 2500), true)
    assert.equal(t.has(hex(2500), 2501), false)
    assert.equal(t.has(hex(2500), 0), false)
    // state set on an entry stays with it
    const e = t.at(2000)
    assert.ok(e != null)
    e.state = 'inflight'
    assert.equal(t.get(hex(2000))?.state, 'inflight')
    assert.equal(t.range(1999, 2001)[1], e)
  })

  it('consumes from the front: each submitted entry becomes the base, across pages', () => {
    const t = createTarget(base(0), prevHashOf)
    t.append(infos(1, 3000))
    for (let h = 1; h <= 2500; h++) assert.equal(t.shift()?.height, h)
    assert.equal(t.base.height, 2500)
    assert.equal(t.base.hex, hex(2500))
    assert.equal(t.base.totalWork, 5000n)
    assert.deepEqual(t.base.info.prevHash, hashOf(2499))
    assert.equal(t.length, 500)
    assert.equal(t.at(2500), undefined)
    assert.equal(t.at(2501)?.height, 2501)
    assert.equal(t.at(2501)?.totalWork, 5002n)
    assert.equal(t.get(hex(10)), undefined, 'consumed entries are forgotten')
    assert.equal(t.get(hex(2999))?.height, 2999)
    // appending goes on after the pages at the front were freed
    t.append(infos(3001, 5000))
    for (let h = 2501; h <= 4990; h++) t.shift()
    assert.equal(t.at(4995)?.totalWork, 9990n)
    assert.deepEqual(t.at(4995)?.bytes, headerBytes(4995))
    assert.deepEqual(t.locator(3).map(h => new DataView(h.buffer, h.byteOffset).getUint32(0)), [5000, 4999, 4998])
    // emptied, then refilled
    for (let h = 4991; h <= 5000; h++) t.shift()
    assert.equal(t.length, 0)
    assert.equal(t.endHex, hex(5000))
    assert.equal(t.endWork, 10000n)
    assert.equal(t.first(), undefined)
    t.append(infos(5001, 5002))
    assert.equal(t.first()?.totalWork, 10002n)
  })

  it('keeps cumulative work right when the work per header changes', () => {
    // work changes at every retarget-like boundary, and once inside a page
    const work = (h: number): bigint => h < 700 ? 2n : h < 1500 ? 3n : h === 1800 ? 100n : 5n
    const t = createTarget(base(0), prevHashOf)
    const run = infos(1, 3 * TARGET_PAGE_HEADERS, work)
    t.append(run)
    let total = 0n
    for (const x of run) {
      total += x.work
      if (x.height % 97 === 0 || x.height === 1800 || x.height === run.length) assert.equal(t.at(x.height)?.totalWork, total, `height ${x.height}`)
    }
    assert.equal(t.endWork, total)
    // a cut inside the mixed page, then other work appended on it
    t.truncate(1799)
    let upTo = 0n
    for (const x of run) if (x.height <= 1799) upTo += x.work
    assert.equal(t.endWork, upTo)
    t.append(infos(1800, 1900, () => 7n))
    assert.equal(t.at(1850)?.totalWork, upTo + 51n * 7n)
    assert.equal(t.endWork, upTo + 101n * 7n)
    // consumed past the change: the base carries the sum
    for (let h = 1; h <= 1820; h++) t.shift()
    assert.equal(t.base.totalWork, upTo + 21n * 7n)
  })

  it('cuts above a height and rebases onto another block, handing back the entries it had handed out', () => {
    const t = createTarget(base(10), prevHashOf)
    t.append(infos(11, 40))
    const out = [t.at(35), t.at(31), t.at(20)]
    const cut = t.truncate(30)
    assert.deepEqual(cut.map(e => e.height), [31, 35], 'the dropped entries that were handed out, in height order')
    assert.equal(t.endHeight, 30)
    assert.equal(t.endHex, hex(30))
    assert.equal(t.endWork, 60n)
    assert.equal(t.get(hex(35)), undefined)
    assert.equal(t.at(31), undefined)
    assert.deepEqual(t.truncate(30), [])
    assert.equal(t.at(20), out[2], 'entries below the cut stay')
    assert.deepEqual(t.truncate(5).map(e => e.height), [20], 'a cut below the base empties it')
    assert.equal(t.length, 0)
    assert.equal(t.endHex, hex(10))
    t.append(infos(11, 20))
    t.at(12)
    const dropped = t.rebase(base(7))
    assert.deepEqual(dropped.map(e => e.height), [12])
    assert.equal(t.length, 0)
    assert.equal(t.base.height, 7)
    assert.equal(t.endWork, 14n)
    assert.equal(t.get(hex(15)), undefined)
    t.append(infos(8, 9))
    assert.equal(t.at(9)?.totalWork, 18n)
  })

  it('never overwrites header bytes an entry handed out still reads', () => {
    const t = createTarget(base(0), prevHashOf)
    t.append(infos(1, 100))
    const old = t.at(60)
    assert.ok(old != null)
    const oldBytes = old.bytes
    t.truncate(50)
    // another branch at the same heights, in the same page, more than once
    for (let round = 0; round < 40; round++) {
      t.append(branch(51, 100))
      t.truncate(50)
    }
    t.append(branch(51, 100))
    assert.deepEqual(old.bytes, headerBytes(60))
    assert.deepEqual(oldBytes, headerBytes(60))
    assert.deepEqual(old.hash, hashOf(60))
    const now = t.at(60)
    assert.notEqual(now, old, 'a new header at that height gets a new entry')
    assert.deepEqual(now?.bytes, headerBytes(60, 1_000_000))
    assert.equal(now?.hex, hex(60 + 1_000_000))
  })

  it('finds entries by hash, with or without their height, across cuts, branches and consumption', () => {
    const t = createTarget(base(100), prevHashOf)
    t.append(infos(101, 200))
    // by height: one comparison; a wrong height finds nothing
    assert.equal(t.get(hex(150), 150)?.height, 150)
    assert.equal(t.get(hex(150), 151), undefined)
    assert.equal(t.get(hex(150), 99), undefined)
    assert.equal(t.get(hex(150), 5000), undefined)
    assert.equal(t.get('zz', 150), undefined)
    // by hash alone: the index catches up with everything appended
    assert.equal(t.get(hex(200))?.height, 200, 'the end entry')
    assert.equal(t.get(hex(101))?.height, 101)
    t.append(infos(201, 260))
    assert.equal(t.get(hex(230))?.height, 230, 'appended after the index was built')
    assert.equal(t.get(hex(261)), undefined)
    // a cut and another branch at the same heights: no stale answer from the index
    t.truncate(180)
    assert.equal(t.get(hex(190)), undefined)
    assert.equal(t.get(hex(230)), undefined)
    t.append(branch(181, 220))
    assert.equal(t.get(hex(190)), undefined, 'the cut entry stays gone')
    assert.equal(t.get(hex(190 + 1_000_000))?.height, 190)
    assert.equal(t.get(hex(190 + 1_000_000), 190)?.height, 190)
    assert.equal(t.get(hex(170))?.height, 170)
    // consumed entries are forgotten, whether they were indexed or not
    for (let h = 101; h <= 185; h++) t.shift()
    assert.equal(t.get(hex(150)), undefined)
    assert.equal(t.get(hex(150), 150), undefined)
    assert.equal(t.get(hex(184 + 1_000_000)), undefined)
    assert.equal(t.get(hex(186 + 1_000_000))?.height, 186)
    t.rebase(base(50))
    assert.equal(t.get(hex(200 + 1_000_000)), undefined)
    t.append(infos(51, 60))
    assert.equal(t.get(hex(55))?.height, 55)
  })

  it('makes stand-alone entries (branch tips) that copy the header and derive prevHash from it', () => {
    const decoded: Uint8Array[] = []
    const make = createEntryMaker((bytes) => { decoded.push(bytes); return prevHashOf(bytes) })
    const bytes = headerBytes(9)
    const hash = hashOf(9)
    const e = make({ hash, prevHash: hashOf(8), height: 9, work: 2n, time: 9, bytes }, hex(9), 18n)
    bytes.fill(0)
    hash.fill(0)
    assert.equal(e.state, 'pending')
    assert.equal(e.totalWork, 18n)
    assert.equal(e.hex, hex(9))
    assert.deepEqual(e.hash, hashOf(9))
    assert.equal(e.hash, e.hash, 'viewed once')
    assert.deepEqual(e.bytes, headerBytes(9))
    assert.equal(decoded.length, 0, 'prevHash is decoded only when read')
    assert.deepEqual(e.prevHash, hashOf(8))
    assert.equal(decoded.length, 1)
  })

  it('makes a consumed entry the base header info, in whole', () => {
    const t = createTarget(base(0), prevHashOf)
    t.append(infos(1, 10))
    t.shift()
    assert.equal(t.base.info.height, 1)
    assert.deepEqual(t.base.info.hash, hashOf(1))
    assert.deepEqual(t.base.info.prevHash, hashOf(0))
    for (let i = 0; i < 9; i++) t.shift()
    const end = t.endInfo()
    assert.equal(end.height, 10)
    assert.deepEqual(end.hash, hashOf(10), 'the end of an empty target is the consumed entry, in whole')
    assert.deepEqual(end.prevHash, hashOf(9))
    assert.deepEqual(end.bytes, headerBytes(10))
    assert.equal(end.totalWork, 20n)
    assert.equal(end.hex, hex(10))
  })

  it('builds an exponential locator from the end to the base', () => {
    const t = createTarget(base(1000), prevHashOf)
    t.append(infos(1001, 3000))
    const loc = t.locator(101).map(h => new DataView(h.buffer, h.byteOffset).getUint32(0))
    assert.deepEqual(loc.slice(0, 10), [3000, 2999, 2998, 2997, 2996, 2995, 2994, 2993, 2992, 2991])
    assert.deepEqual(loc.slice(10, 14), [2989, 2985, 2977, 2961])
    assert.equal(loc[loc.length - 1], 1000, 'ends with the base')
    for (let i = 1; i < loc.length; i++) assert.ok(loc[i] < loc[i - 1])
    assert.ok(loc.length < 30)
    assert.equal(t.locator(5).length, 5)
    assert.ok(t.locator(101).every(h => h.byteLength === 32))
    assert.deepEqual(createTarget(base(9), prevHashOf).locator(101).map(h => new DataView(h.buffer, h.byteOffset).getUint32(0)), [9])
  })
})
