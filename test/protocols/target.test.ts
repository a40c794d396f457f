/**
 * The in-memory best header chain of sync: heights, lookups, cuts, rebases,
 * consuming from the front, and the exponential locator.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createTarget } from '../../src/protocols/sync/target.ts'
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
