import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decodeHeader, encodeHeader } from '../../src/devchain/header.ts'
import { decodeTx, encodeTx, finalizeTx } from '../../src/devchain/tx.ts'
import { assembleBlockBytes, decodeBlock, splitBlockBytes } from '../../src/devchain/block.ts'
import { reader } from '../../src/devchain/codec.ts'
import { HEADER_BYTES } from '../../src/devchain/constants.ts'
import { MalformedError } from '../../src/devchain/errors.ts'

/** The only acceptable failure of a decoder: a fatal MalformedError. */
function typedOnly (fn: () => unknown): { ok: boolean } {
  try {
    fn()
    return { ok: true }
  } catch (err) {
    assert.ok(err instanceof Error, 'threw a non-error')
    assert.equal(err.name, MalformedError.name, `unexpected ${err.name}: ${err.message}`)
    assert.equal((err as MalformedError).verdict, 'fatal')
    assert.equal(typeof (err as MalformedError).rule, 'string')
    return { ok: false }
  }
}

const arbHash = fc.uint8Array({ minLength: 32, maxLength: 32 })
const arbInput = fc.record({
  prevTxid: arbHash,
  vout: fc.nat({ max: 0xffffffff }),
  unlock: fc.uint8Array({ maxLength: 100 })
})
const arbOutput = fc.record({ amount: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), pkh: fc.uint8Array({ minLength: 20, maxLength: 20 }) })
const arbTx = fc.record({ version: fc.nat({ max: 0xffffffff }), inputs: fc.array(arbInput, { maxLength: 4 }), outputs: fc.array(arbOutput, { maxLength: 4 }) })
const arbHeader = fc.record({
  version: fc.nat({ max: 0xffffffff }),
  prevHash: arbHash,
  merkleRoot: arbHash,
  time: fc.nat({ max: 0xffffffff }),
  bits: fc.nat({ max: 0xffffffff }),
  nonce: fc.nat({ max: 0xffffffff }),
  height: fc.nat({ max: 0xffffffff })
})

describe('devchain codecs', () => {
  it('random bytes into the header, tx and block decoders: success that round-trips, or a fatal MalformedError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      if (typedOnly(() => decodeHeader(bytes)).ok) assert.deepEqual(encodeHeader(decodeHeader(bytes)), bytes)
      if (typedOnly(() => decodeTx(bytes)).ok) assert.deepEqual(encodeTx(decodeTx(bytes)), bytes)
      if (typedOnly(() => decodeBlock(bytes)).ok) {
        const parts = splitBlockBytes(bytes)
        assert.deepEqual(assembleBlockBytes(parts.header, parts.txs), bytes)
      }
    }), { numRuns: 3000 })
  })

  it('random bytes after a valid header prefix into the block decoder: only typed errors', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: HEADER_BYTES, maxLength: HEADER_BYTES }), fc.uint8Array({ maxLength: 600 }), (h, rest) => {
      const bytes = new Uint8Array(h.length + rest.length)
      bytes.set(h)
      bytes.set(rest, h.length)
      typedOnly(() => decodeBlock(bytes))
    }), { numRuns: 2000 })
  })

  it('structured transactions round-trip; any truncation or appended byte is a typed error', () => {
    fc.assert(fc.property(arbTx, fc.nat(), (tx, cut) => {
      const bytes = encodeTx(tx)
      const back = decodeTx(bytes)
      assert.deepEqual(encodeTx(back), bytes)
      assert.deepEqual(back.txid, finalizeTx(tx).txid)
      const n = cut % bytes.length
      assert.equal(typedOnly(() => decodeTx(bytes.subarray(0, n))).ok, false)
      const longer = new Uint8Array(bytes.length + 1)
      longer.set(bytes)
      assert.equal(typedOnly(() => decodeTx(longer)).ok, false)
    }), { numRuns: 500 })
  })

  it('structured blocks round-trip; flipped bytes decode to another block or fail typed', () => {
    fc.assert(fc.property(arbHeader, fc.array(arbTx, { maxLength: 4 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (h, txs, at, x) => {
      const bytes = assembleBlockBytes(encodeHeader(h), txs.map(encodeTx))
      const b = decodeBlock(bytes)
      assert.equal(b.txs.length, txs.length)
      assert.deepEqual(b.header, { ...h, prevHash: b.header.prevHash, merkleRoot: b.header.merkleRoot })
      const mutated = new Uint8Array(bytes)
      mutated[at % bytes.length] ^= x
      typedOnly(() => decodeBlock(mutated))
    }), { numRuns: 500 })
  })

  it('rejects non-canonical varints and counts above their limit before allocating', () => {
    assert.throws(() => reader(new Uint8Array([0x80, 0x00])).varint('x'), (e: MalformedError) => e.rule === 'non-canonical-varint')
    assert.throws(() => reader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x7f])).varint('x'), (e: MalformedError) => e.rule === 'varint-overflow')
    assert.throws(() => reader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).varint('x'), (e: MalformedError) => e.rule === 'varint-overflow')
    // a transaction claiming 2^28 inputs
    const tx = new Uint8Array([1, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x01])
    assert.throws(() => decodeTx(tx), (e: MalformedError) => e.name === MalformedError.name && e.rule === 'too-many-items')
    assert.throws(() => decodeTx(new Uint8Array(100_001)), (e: MalformedError) => e.rule === 'too-large')
  })
})
