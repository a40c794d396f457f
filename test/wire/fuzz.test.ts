/**
 * Property tests: random and mutated bytes into every decoder. The only
 * acceptable failure is a typed error with verdict `fatal` (decoders) or one
 * of the framing/chunking errors; whatever a decoder accepts must encode
 * again. `npm test` runs FUZZ_RUNS (default 10,000) seeded runs per decoder;
 * `npm run fuzz` runs many more.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  protobufCodecs, createFrameParser, createChunkAssembler, FrameCode,
  DecodeError, VarintTooLongError, FrameTooLargeError, InvalidFrameError, TruncatedFrameError,
  ChunkLimitError, ChunkSequenceError, ChunkTimeoutError, MAX_CHUNK_BYTES
} from '../../src/wire/index.ts'
import { samples } from '../helpers/samples.ts'
import type { Chunk, Codec } from '../../src/wire/index.ts'

export const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000)
export const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed)

/** Random bytes, or a valid encoding with a few bytes flipped, inserted or cut. */
function bytesFor (valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const mutated = fc.tuple(
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    fc.nat(),
    fc.boolean()
  ).map(([flips, cut, shorten]) => {
    const b = new Uint8Array(valid)
    for (const [pos, val] of flips) if (b.length > 0) b[pos % b.length] = val
    return shorten && b.length > 0 ? b.subarray(0, cut % b.length) : b
  })
  return fc.oneof(fc.uint8Array({ maxLength: 512 }), mutated)
}

describe('decoders under random input', () => {
  for (const [name, codec] of Object.entries(protobufCodecs) as Array<[keyof typeof samples, Codec<any>]>) {
    it(`${name}: only DecodeError (fatal), and what decodes re-encodes (${RUNS} runs)`, () => {
      const valid = codec.encode(samples[name])
      fc.assert(fc.property(bytesFor(valid), (bytes) => {
        let value
        try {
          value = codec.decode(bytes)
        } catch (err: any) {
          assert.equal(err.name, DecodeError.name, err.stack)
          assert.equal(err.verdict, 'fatal')
          return
        }
        codec.encode(value)
      }), { numRuns: RUNS, seed: SEED })
    })
  }

  const frameErrors = new Set([VarintTooLongError.name, FrameTooLargeError.name, InvalidFrameError.name, TruncatedFrameError.name])

  it(`frame parser: only typed framing errors, however the bytes are split (${RUNS} runs)`, () => {
    const maxPayload = (code: number): number | undefined => code === FrameCode.MESSAGE ? 300 : code === FrameCode.RATE_LIMITED ? 20 : undefined
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1024 }), fc.array(fc.nat({ max: 1024 }), { maxLength: 8 }), (bytes, cuts) => {
      const p = createFrameParser({ maxPayload })
      const points = [...new Set(cuts.map(c => c % (bytes.length + 1)))].sort((a, b) => a - b)
      let prev = 0
      try {
        for (const c of [...points, bytes.length]) {
          p.push(bytes.subarray(prev, c))
          prev = c
          for (let f = p.next(); f != null; f = p.next()) {
            assert.ok(f.payload.byteLength <= (maxPayload(f.code) ?? -1))
          }
        }
        p.end()
      } catch (err: any) {
        assert.ok(frameErrors.has(err.name), err.stack)
        assert.equal(err.verdict, 'fatal')
      }
    }), { numRuns: RUNS, seed: SEED })
  })

  const chunkErrors = new Set([ChunkLimitError.name, ChunkSequenceError.name, ChunkTimeoutError.name])

  it(`chunk assembler: only typed chunk errors, never more than the cap buffered (${RUNS} runs)`, () => {
    const maxTotal = 4096
    const chunk = fc.record({
      transferId: fc.integer({ min: 0, max: 3 }),
      index: fc.integer({ min: 0, max: 20 }),
      count: fc.integer({ min: 0, max: 20 }),
      totalSize: fc.integer({ min: 0, max: 8192 }),
      data: fc.uint8Array({ minLength: 0, maxLength: 1500 })
    })
    fc.assert(fc.property(fc.array(fc.tuple(chunk, fc.integer({ min: 0, max: 2000 })), { maxLength: 24 }), (seq) => {
      const asm = createChunkAssembler({ maxTotalBytes: maxTotal, maxChunkBytes: 1024, maxChunks: 8, timeoutMs: 1000 })
      let now = 0
      for (const [c, dt] of seq) {
        now += dt
        try {
          const out = asm.push(c as Chunk, now)
          if (out != null) assert.ok(out.byteLength <= maxTotal)
        } catch (err: any) {
          assert.ok(chunkErrors.has(err.name), err.stack)
          assert.equal(asm.bytes, 0)
        }
        assert.ok(asm.bytes <= maxTotal)
      }
    }), { numRuns: RUNS, seed: SEED })
  })

  it('a well-formed chunk sequence always reassembles', () => {
    fc.assert(fc.property(fc.integer({ min: MAX_CHUNK_BYTES / 64 + 1, max: MAX_CHUNK_BYTES / 4 }), fc.integer({ min: 2, max: 16 }), (chunkSize, count) => {
      const total = chunkSize * (count - 1) + 1
      const asm = createChunkAssembler({ maxChunkBytes: chunkSize })
      let out
      for (let i = 0; i < count; i++) {
        out = asm.push({ transferId: 9, index: i, count, totalSize: total, data: new Uint8Array(i === count - 1 ? 1 : chunkSize) }, 0)
      }
      assert.equal(out?.byteLength, total)
    }), { numRuns: 50, seed: SEED })
  })
})
