import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import {
  FrameCode, createFrameParser, decodeFrames, encodeFrame, encodeFrameHeader, encodeVarint, readVarint, varintLength,
  FrameTooLargeError, InvalidFrameError, TrailingBytesError, TruncatedFrameError, VarintTooLongError, MAX_VARINT_BYTES, ASSEMBLE_MIN_FRAME_BYTES
} from '../../src/wire/index.ts'

const byName = (name: string) => (err: Error) => err.name === name

const limits = (max: number) => ({ maxPayload: (code: number) => code === FrameCode.MESSAGE ? max : undefined, label: 'test' })

describe('varint', () => {
  it('round-trips values up to 2^53', () => {
    for (const v of [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      const bytes = encodeVarint(v)
      assert.equal(bytes.byteLength, varintLength(v))
      assert.deepEqual(readVarint(bytes, 0, 10), { value: v, bytes: bytes.byteLength })
    }
  })

  it('returns undefined for a varint cut short', () => {
    assert.equal(readVarint(new Uint8Array([0x80, 0x80]), 0), undefined)
  })

  it('rejects a varint longer than 8 bytes with VarintTooLongError', () => {
    const nine = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])
    assert.throws(() => readVarint(nine), byName(VarintTooLongError.name))
    assert.equal(MAX_VARINT_BYTES, 8)
  })
})

describe('frame parser', () => {
  it('parses a frame into a zero-copy view of the received bytes', () => {
    const payload = new Uint8Array([1, 2, 3, 4])
    const p = createFrameParser(limits(16))
    const wire = encodeFrame(FrameCode.MESSAGE, payload).subarray()
    p.push(wire.subarray(0, 3))
    assert.equal(p.next(), undefined)
    p.push(wire.subarray(3))
    const f = p.next()
    assert.equal(f?.code, FrameCode.MESSAGE)
    assert.deepEqual(f?.payload.subarray(), payload)
    assert.equal(p.buffered, 0)
    p.end()
  })

  it('rejects a length prefix of 2^31 before the payload arrives', () => {
    const p = createFrameParser(limits(1024))
    p.push(encodeFrameHeader(FrameCode.MESSAGE, 2 ** 31))
    assert.throws(() => p.next(), (err: any) => err.name === FrameTooLargeError.name && err.length === 2 ** 31 && err.verdict === 'fatal')
    // nothing but the header was ever buffered
    assert.ok(p.buffered <= 1 + MAX_VARINT_BYTES)
  })

  it('rejects the per-protocol max + 1 and accepts the max', () => {
    const max = 4096
    const over = createFrameParser(limits(max))
    over.push(encodeFrameHeader(FrameCode.MESSAGE, max + 1))
    assert.throws(() => over.next(), (err: any) => err.name === FrameTooLargeError.name && err.max === max)
    const at = createFrameParser(limits(max))
    at.push(encodeFrame(FrameCode.MESSAGE, new Uint8Array(max)))
    assert.equal(at.next()?.payload.byteLength, max)
  })

  it('rejects a 9-byte length prefix', () => {
    const p = createFrameParser(limits(1024))
    p.push(new Uint8Array([FrameCode.MESSAGE, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]))
    assert.throws(() => p.next(), byName(VarintTooLongError.name))
  })

  it('rejects a code that is not allowed', () => {
    const p = createFrameParser(limits(1024))
    p.push(encodeFrame(FrameCode.RATE_LIMITED, new Uint8Array(1)))
    assert.throws(() => p.next(), byName(InvalidFrameError.name))
  })

  it('reports a truncated payload at the end of the stream', () => {
    const p = createFrameParser(limits(1024))
    p.push(encodeFrame(FrameCode.MESSAGE, new Uint8Array(100)).subarray().subarray(0, 50))
    assert.equal(p.next(), undefined)
    assert.throws(() => { p.end() }, byName(TruncatedFrameError.name))
  })

  it('reports a truncated header at the end of the stream', () => {
    const p = createFrameParser(limits(1024))
    p.push(new Uint8Array([FrameCode.MESSAGE, 0x80]))
    assert.equal(p.next(), undefined)
    assert.throws(() => { p.end() }, byName(TruncatedFrameError.name))
  })

  it('reports trailing bytes after the last allowed frame', () => {
    const bytes = new Uint8ArrayList(encodeFrame(FrameCode.MESSAGE, new Uint8Array(3)), new Uint8Array([9]))
    assert.throws(() => decodeFrames(bytes, limits(16), 1), byName(TrailingBytesError.name))
    assert.equal(decodeFrames(encodeFrame(FrameCode.MESSAGE, new Uint8Array(3)), limits(16), 1).length, 1)
  })

  it('parses many frames and empty payloads', () => {
    const list = new Uint8ArrayList()
    for (let i = 0; i < 5; i++) list.append(encodeFrame(FrameCode.MESSAGE, new Uint8Array(i)))
    const frames = decodeFrames(list, limits(16))
    assert.deepEqual(frames.map(f => f.payload.byteLength), [0, 1, 2, 3, 4])
  })
})

describe('large frames', () => {
  const big = ASSEMBLE_MIN_FRAME_BYTES * 4
  const pattern = (n: number, seed = 7): Uint8Array => {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff
    return out
  }
  /** `bytes` cut into pieces of `size`, as a transport delivers them. */
  const pieces = (bytes: Uint8Array, size: number): Uint8Array[] => {
    const out: Uint8Array[] = []
    for (let i = 0; i < bytes.byteLength; i += size) out.push(bytes.subarray(i, i + size))
    return out
  }
  const contiguous = (payload: Uint8ArrayList): boolean => [...payload].length === 1

  it('gathers a large frame arriving in pieces into one buffer, so decoding it needs no copy', () => {
    const payload = pattern(big)
    const p = createFrameParser(limits(big))
    const wire = encodeFrame(FrameCode.MESSAGE, payload).subarray()
    let frame
    for (const piece of pieces(wire, 16 * 1024)) {
      assert.equal(frame, undefined)
      p.push(piece)
      p.prepare()
      frame = p.next()
    }
    assert.ok(frame != null)
    assert.ok(contiguous(frame.payload), 'the payload is one buffer')
    assert.deepEqual(frame.payload.subarray(), payload)
    assert.equal(p.buffered, 0)
    p.end()
  })

  it('keeps the bytes that follow a gathered frame for the next frame', () => {
    const a = pattern(big, 1)
    const b = pattern(10, 2)
    const c = pattern(ASSEMBLE_MIN_FRAME_BYTES, 3)
    const wire = new Uint8ArrayList(encodeFrame(FrameCode.MESSAGE, a), encodeFrame(FrameCode.MESSAGE, b), encodeFrame(FrameCode.MESSAGE, c)).subarray()
    const p = createFrameParser(limits(big))
    const got: Uint8Array[] = []
    // the last piece of the first frame carries the next frames' first bytes
    for (const piece of pieces(wire, 50_000)) {
      p.push(new Uint8ArrayList(piece.subarray(0, 7), piece.subarray(7)))
      for (let f = p.next(); f != null; f = p.next()) got.push(f.payload.subarray())
    }
    p.end()
    assert.deepEqual(got, [a, b, c])
  })

  it('gathers nothing until half of the frame is here, and pauses on excess as before', () => {
    const payload = pattern(big)
    const wire = encodeFrame(FrameCode.MESSAGE, payload).subarray()
    const p = createFrameParser(limits(big))
    const almostHalf = wire.subarray(0, wire.byteLength / 2 - 100)
    p.push(almostHalf)
    p.prepare()
    assert.equal(p.buffered, almostHalf.byteLength)
    assert.equal(p.pending, wire.byteLength - almostHalf.byteLength)
    assert.equal(p.excess, 0)
    p.push(wire.subarray(almostHalf.byteLength, wire.byteLength - 1))
    assert.equal(p.buffered, wire.byteLength - 1)
    assert.equal(p.pending, 1)
    assert.equal(p.excess, 0)
    assert.equal(p.next(), undefined)
    p.push(new Uint8Array([...wire.subarray(wire.byteLength - 1), FrameCode.MESSAGE, 5, 1]))
    assert.equal(p.excess, 3)
    assert.deepEqual(p.next()?.payload.subarray(), payload)
    assert.equal(p.next(), undefined)
    assert.throws(() => { p.end() }, (err: Error) => err.name === TruncatedFrameError.name && /stream ended 4 bytes before the end of a 5-byte frame/.test(err.message))
  })

  it('reports a gathered frame cut short, and forgets it when cleared', () => {
    const wire = encodeFrame(FrameCode.MESSAGE, pattern(big)).subarray()
    const p = createFrameParser(limits(big))
    p.push(wire.subarray(0, wire.byteLength - 1000))
    p.prepare()
    assert.equal(p.next(), undefined)
    assert.throws(() => { p.end() }, (err: Error) => err.name === TruncatedFrameError.name && /1000 bytes before the end/.test(err.message))
    assert.throws(() => { p.assertEmpty('request') }, byName(TrailingBytesError.name))
    p.clear()
    assert.equal(p.buffered, 0)
    assert.equal(p.pending, 0)
    p.push(encodeFrame(FrameCode.MESSAGE, new Uint8Array([4, 2])).subarray())
    assert.deepEqual(p.next()?.payload.subarray(), new Uint8Array([4, 2]))
  })

  it('returns every frame intact however the stream is cut (property)', () => {
    const sizes = fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: ASSEMBLE_MIN_FRAME_BYTES - 2, max: ASSEMBLE_MIN_FRAME_BYTES * 3 })), { minLength: 1, maxLength: 5 })
    fc.assert(fc.property(sizes, fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 20 }), fc.boolean(), (lens, cuts, prepare) => {
      const frames = lens.map((n, i) => pattern(n, i))
      const wire = new Uint8ArrayList(...frames.map(f => encodeFrame(FrameCode.MESSAGE, f))).subarray()
      const p = createFrameParser(limits(ASSEMBLE_MIN_FRAME_BYTES * 3))
      const got: Uint8Array[] = []
      let at = 0
      for (let i = 0; at < wire.byteLength; i++) {
        const to = Math.min(wire.byteLength, at + cuts[i % cuts.length])
        p.push(wire.subarray(at, to))
        at = to
        if (prepare) p.prepare()
        for (let f = p.next(); f != null; f = p.next()) got.push(f.payload.subarray())
        assert.equal(p.buffered + got.reduce((n, g, k) => n + g.byteLength + encodeFrameHeader(FrameCode.MESSAGE, frames[k].byteLength).byteLength, 0), at)
      }
      p.end()
      assert.deepEqual(got, frames)
    }), { seed: 42, numRuns: 200 })
  })
})
