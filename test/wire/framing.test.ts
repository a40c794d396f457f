import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Uint8ArrayList } from 'uint8arraylist'
import {
  FrameCode, createFrameParser, decodeFrames, encodeFrame, encodeFrameHeader, encodeVarint, readVarint, varintLength,
  FrameTooLargeError, InvalidFrameError, TrailingBytesError, TruncatedFrameError, VarintTooLongError, MAX_VARINT_BYTES
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
