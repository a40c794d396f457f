import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHeaderArena } from '../../src/devchain/header-arena.ts'
import { HEADER_BYTES } from '../../src/devchain/constants.ts'

const header = (seed: number): Uint8Array => Uint8Array.from({ length: HEADER_BYTES }, (_, i) => (seed * 7 + i) & 0xff)

describe('header arena', () => {
  it('copies headers side by side into shared slabs', () => {
    const arena = createHeaderArena(3)
    const src = [1, 2, 3, 4].map(header)
    const copies = src.map(h => arena.copy(h))
    copies.forEach((c, i) => { assert.deepEqual(c, src[i]) })
    assert.equal(arena.slabs, 2, 'three per slab')
    assert.equal(copies[0].buffer, copies[2].buffer, 'one slab holds the first three')
    assert.equal(copies[1].byteOffset, copies[0].byteOffset + HEADER_BYTES, 'next to each other')
    assert.notEqual(copies[3].buffer, copies[0].buffer)
    src[0].fill(0)
    assert.deepEqual(copies[0], header(1), 'a copy, not a view of the source')
  })

  it('gives anything but a header a copy of its own', () => {
    const arena = createHeaderArena(3)
    const odd = Uint8Array.from([1, 2, 3])
    const c = arena.copy(odd)
    assert.deepEqual(c, odd)
    assert.notEqual(c.buffer, odd.buffer)
    assert.equal(arena.slabs, 0)
  })
})
