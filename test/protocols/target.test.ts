/**
 * The in-memory best header chain of sync: heights, lookups, cuts, rebases,
 * consuming from the front, and the exponential locator.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createEntryMaker, createTarget } from '../../src/protocols/sync/target.ts'
import type { Base, Entry } from '../../src/protocols/sync/target.ts'

function hashOf (n: number): Uint8Array {
  const h = new Uint8Array(32)
  new DataView(h.buffer).setUint32(0, n)
  return h
}
const hex = (n: number): string => Buffer.from(hashOf(n)).toString('hex')

function base (height: number): Base {
  return { hash: hashOf(height), hex: hex(height), height, totalWork: BigInt(height * 2), info: { hash: hashOf(height), prevHash: hashOf(height - 1), height, work: 2n, time: height, bytes: new Uint8Array(84) } }
}

/** A branch: the same heights with other hashes. */
function branch (from: number, to: number): Entry[] {
  return entries(from, to).map(e => ({ ...e, hash: hashOf(e.height + 1_000_000), hex: hex(e.height + 1_000_000) }))
}

function entries (from: number, to: number): Entry[] {
  const out: Entry[] = []
  for (let h = from; h <= to; h++) out.push({ hash: hashOf(h), prevHash: hashOf(h - 1), height: h, work: 2n, time: h, bytes: new Uint8Array(84).fill(h & 0xff), hex: hex(h), totalWork: BigInt(h * 2), state: 'pending' })
  return out
}

describe('sync target chain', () => {
  it('appends, finds by height and hash, and reports its end', () => {
    const t = createTarget(base(100))
    assert.equal(t.length, 0)
    assert.equal(t.endHeight, 100)
    assert.equal(t.endHex, hex(100))
    assert.equal(t.endWork, 200n)
    t.append(entries(101, 150))
    assert.equal(t.length, 50)
    assert.equal(t.endHeight, 150)
    assert.equal(t.endWork, 300n)
    assert.equal(t.at(101)?.height, 101)
    assert.equal(t.at(100), undefined)
    assert.equal(t.at(151), undefined)
    assert.equal(t.get(hex(120))?.height, 120)
    assert.equal(t.first()?.height, 101)
    assert.deepEqual(t.range(148, 200).map(e => e.height), [148, 149, 150])
    assert.equal(t.endInfo().hex, hex(150))
  })

  it('consumes from the front: each submitted entry becomes the base, across compactions', () => {
    const t = createTarget(base(0))
    t.append(entries(1, 3000))
    for (let h = 1; h <= 2500; h++) assert.equal(t.shift()?.height, h)
    assert.equal(t.base.height, 2500)
    assert.equal(t.base.hex, hex(2500))
    assert.equal(t.base.totalWork, 5000n)
    assert.equal(t.length, 500)
    assert.equal(t.at(2500), undefined)
    assert.equal(t.at(2501)?.height, 2501)
    assert.equal(t.get(hex(10)), undefined, 'consumed entries are forgotten')
    assert.equal(t.get(hex(2999))?.height, 2999)
  })

  it('cuts above a height and rebases onto another block', () => {
    const t = createTarget(base(10))
    t.append(entries(11, 40))
    const cut = t.truncate(30)
    assert.deepEqual(cut.map(e => e.height), Array.from({ length: 10 }, (_, i) => 31 + i))
    assert.equal(t.endHeight, 30)
    assert.equal(t.get(hex(35)), undefined)
    assert.deepEqual(t.truncate(30), [])
    assert.equal(t.truncate(5).length, 20, 'a cut below the base empties it')
    t.append(entries(11, 20))
    const dropped = t.rebase(base(7))
    assert.equal(dropped.length, 10)
    assert.equal(t.length, 0)
    assert.equal(t.base.height, 7)
    assert.equal(t.get(hex(15)), undefined)
  })

  it('finds entries by hash, with or without their height, across cuts, branches and consumption', () => {
    const t = createTarget(base(100))
    t.append(entries(101, 200))
    // by height: one comparison; a wrong height finds nothing
    assert.equal(t.get(hex(150), 150)?.height, 150)
    assert.equal(t.get(hex(150), 151), undefined)
    assert.equal(t.get(hex(150), 99), undefined)
    assert.equal(t.get(hex(150), 5000), undefined)
    // by hash alone: the index catches up with everything appended
    assert.equal(t.get(hex(200))?.height, 200, 'the end entry')
    assert.equal(t.get(hex(101))?.height, 101)
    t.append(entries(201, 260))
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
    t.append(entries(51, 60))
    assert.equal(t.get(hex(55))?.height, 55)
  })

  it('makes entries that keep the header bytes and derive hash and prevHash from them', () => {
    const decoded: Uint8Array[] = []
    // the chain's decoder: here, the parent hash is bytes 4..36, as in the devchain's layout
    const make = createEntryMaker((bytes) => { decoded.push(bytes); return bytes.subarray(4, 36) })
    const made: Entry[] = []
    // more than one slab of header bytes
    for (let h = 1; h <= 4000; h++) {
      const bytes = new Uint8Array(84).fill(h & 0xff)
      bytes.set(hashOf(h - 1), 4)
      made.push(make({ hash: hashOf(h), prevHash: hashOf(h - 1), height: h, work: 2n, time: h, bytes }, hex(h), BigInt(h * 2)))
    }
    for (const e of [made[0], made[2999], made[3999]]) {
      const h = e.height
      assert.equal(e.state, 'pending')
      assert.equal(e.totalWork, BigInt(h * 2))
      assert.equal(e.time, h)
      assert.deepEqual(e.hash, hashOf(h))
      assert.equal(e.hash, e.hash, 'decoded once')
      assert.equal(e.bytes.byteLength, 84)
      assert.equal(e.bytes[0], h & 0xff)
      assert.deepEqual(e.prevHash, hashOf(h - 1))
    }
    assert.equal(decoded.length, 3, 'prevHash is decoded only when read')
    // the bytes were copied: the caller's buffers can be reused
    const bytes = new Uint8Array(84).fill(7)
    const e = make({ hash: hashOf(9), prevHash: hashOf(8), height: 9, work: 2n, time: 9, bytes }, hex(9), 18n)
    bytes.fill(0)
    assert.equal(e.bytes[0], 7)
    // an entry is the base's header info once consumed
    const t = createTarget(base(0))
    t.append(made.slice(0, 10))
    t.shift()
    assert.equal(t.base.info.height, 1)
    assert.deepEqual(t.base.info.hash, hashOf(1))
    assert.deepEqual(t.base.info.prevHash, hashOf(0))
    for (let i = 0; i < 9; i++) t.shift()
    const end = t.endInfo()
    assert.equal(end.height, 10)
    assert.deepEqual(end.hash, hashOf(10), 'the end of an empty target is the consumed entry, in whole')
    assert.deepEqual(end.prevHash, hashOf(9))
    assert.equal(end.bytes.byteLength, 84)
  })

  it('builds an exponential locator from the end to the base', () => {
    const t = createTarget(base(1000))
    t.append(entries(1001, 3000))
    const loc = t.locator(101).map(h => new DataView(h.buffer).getUint32(0))
    assert.deepEqual(loc.slice(0, 10), [3000, 2999, 2998, 2997, 2996, 2995, 2994, 2993, 2992, 2991])
    assert.deepEqual(loc.slice(10, 14), [2989, 2985, 2977, 2961])
    assert.equal(loc[loc.length - 1], 1000, 'ends with the base')
    for (let i = 1; i < loc.length; i++) assert.ok(loc[i] < loc[i - 1])
    assert.ok(loc.length < 30)
    assert.equal(t.locator(5).length, 5)
    assert.deepEqual(createTarget(base(9)).locator(101).map(h => new DataView(h.buffer).getUint32(0)), [9])
  })
})
