import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  createChunkAssembler, splitChunks, protobufCodecs,
  ChunkLimitError, ChunkSequenceError, ChunkTimeoutError, MAX_CHUNK_BYTES, MAX_TRANSFER_BYTES
} from '../../src/wire/index.ts'
import type { Chunk } from '../../src/wire/index.ts'

const byName = (name: string, verdict?: string) => (err: any) => err.name === name && (verdict == null || err.verdict === verdict)

function payload (n: number): Uint8Array {
  const p = new Uint8Array(n)
  for (let i = 0; i < n; i++) p[i] = i % 251
  return p
}

describe('chunked transfer', () => {
  it('splits without copying and reassembles exactly', () => {
    const p = payload(2.5 * MAX_CHUNK_BYTES)
    const chunks = splitChunks(p, 7)
    assert.deepEqual(chunks.map(c => c.data.byteLength), [MAX_CHUNK_BYTES, MAX_CHUNK_BYTES, MAX_CHUNK_BYTES / 2])
    assert.equal(chunks[1].data.buffer, p.buffer)
    const asm = createChunkAssembler()
    let out
    for (const c of chunks) out = asm.push(protobufCodecs.Chunk.decode(protobufCodecs.Chunk.encode(c)), 0)
    assert.deepEqual(out?.subarray(), p)
    assert.equal(asm.active, false)
    assert.equal(asm.bytes, 0)
  })

  it('refuses a declared total over the cap on the first chunk, before buffering', () => {
    const asm = createChunkAssembler({ maxTotalBytes: 4096, maxChunkBytes: 1024 })
    const first: Chunk = { transferId: 1, index: 0, count: 5, totalSize: 5000, data: new Uint8Array(1024) }
    assert.throws(() => asm.push(first, 0), byName(ChunkLimitError.name, 'fatal'))
    assert.equal(asm.bytes, 0)
    assert.equal(asm.active, false)
  })

  it('refuses more chunks than the cap, and chunks over the chunk size', () => {
    const asm = createChunkAssembler({ maxChunks: 4, maxChunkBytes: 10 })
    assert.throws(() => asm.push({ transferId: 1, index: 0, count: 5, totalSize: 50, data: new Uint8Array(10) }, 0), byName(ChunkLimitError.name))
    assert.throws(() => asm.push({ transferId: 1, index: 0, count: 2, totalSize: 20, data: new Uint8Array(11) }, 0), byName(ChunkLimitError.name))
    assert.throws(() => asm.push({ transferId: 1, index: 0, count: 2, totalSize: 21, data: new Uint8Array(10) }, 0), byName(ChunkLimitError.name))
  })

  it('checks ordering: start at 0, consecutive, same transfer and totals', () => {
    const base = { transferId: 3, count: 3, totalSize: 30 }
    const cases: Array<[Chunk, Chunk | undefined]> = [
      [{ ...base, index: 1, data: new Uint8Array(10) }, undefined],
      [{ ...base, index: 0, data: new Uint8Array(10) }, { ...base, index: 2, data: new Uint8Array(10) }],
      [{ ...base, index: 0, data: new Uint8Array(10) }, { ...base, transferId: 4, index: 1, data: new Uint8Array(10) }],
      [{ ...base, index: 0, data: new Uint8Array(10) }, { ...base, count: 4, index: 1, data: new Uint8Array(10) }],
      [{ ...base, index: 0, data: new Uint8Array(10) }, { ...base, totalSize: 31, index: 1, data: new Uint8Array(10) }]
    ]
    for (const [a, b] of cases) {
      const asm = createChunkAssembler({ maxChunkBytes: 10 })
      if (b == null) {
        assert.throws(() => asm.push(a, 0), byName(ChunkSequenceError.name, 'fatal'))
      } else {
        asm.push(a, 0)
        assert.throws(() => asm.push(b, 0), byName(ChunkSequenceError.name, 'fatal'))
      }
      assert.equal(asm.active, false, 'a failed transfer leaves nothing behind')
      assert.equal(asm.bytes, 0)
    }
  })

  it('rejects chunks adding up to more or less than declared', () => {
    const asm = createChunkAssembler({ maxChunkBytes: 10 })
    asm.push({ transferId: 1, index: 0, count: 2, totalSize: 15, data: new Uint8Array(10) }, 0)
    assert.throws(() => asm.push({ transferId: 1, index: 1, count: 2, totalSize: 15, data: new Uint8Array(6) }, 0), byName(ChunkLimitError.name))
    asm.push({ transferId: 2, index: 0, count: 2, totalSize: 15, data: new Uint8Array(5) }, 0)
    assert.throws(() => asm.push({ transferId: 2, index: 1, count: 2, totalSize: 15, data: new Uint8Array(5) }, 0), byName(ChunkLimitError.name))
    assert.equal(asm.bytes, 0)
  })

  it('times out a transfer that never completes and drops its bytes', () => {
    const asm = createChunkAssembler({ maxChunkBytes: 10, timeoutMs: 1000 })
    asm.push({ transferId: 1, index: 0, count: 3, totalSize: 30, data: new Uint8Array(10) }, 5000)
    assert.equal(asm.deadline, 6000)
    assert.equal(asm.bytes, 10)
    asm.checkTimeout(6000)
    assert.throws(() => { asm.checkTimeout(6001) }, byName(ChunkTimeoutError.name, 'mid'))
    assert.equal(asm.bytes, 0)
    assert.equal(asm.active, false)
    // and a late chunk is refused too
    asm.push({ transferId: 2, index: 0, count: 2, totalSize: 20, data: new Uint8Array(10) }, 0)
    assert.throws(() => asm.push({ transferId: 2, index: 1, count: 2, totalSize: 20, data: new Uint8Array(10) }, 1001), byName(ChunkTimeoutError.name))
  })

  it('defaults to a 10 MiB total cap', () => {
    assert.equal(MAX_TRANSFER_BYTES, 10 * 1024 * 1024)
    const asm = createChunkAssembler()
    assert.throws(() => asm.push({ transferId: 1, index: 0, count: 11, totalSize: MAX_TRANSFER_BYTES + 1, data: new Uint8Array(1) }, 0), byName(ChunkLimitError.name))
  })
})

describe('chunking a list', () => {
  it('keeps large buffers as views and merges small neighbours', async () => {
    const { Uint8ArrayList } = await import('uint8arraylist')
    const head = new Uint8Array([1, 2, 3])
    const body = new Uint8Array(2 * MAX_CHUNK_BYTES + 10).fill(7)
    const chunks = splitChunks(new Uint8ArrayList(head, new Uint8Array([4]), body), 1)
    assert.deepEqual(chunks.map(c => c.data.byteLength), [4, MAX_CHUNK_BYTES, MAX_CHUNK_BYTES, 10])
    assert.equal(chunks[1].data.buffer, body.buffer, 'the large buffer is not copied')
    const asm = createChunkAssembler()
    let out
    for (const c of chunks) out = asm.push(c, 0)
    assert.deepEqual(out?.subarray(), new Uint8ArrayList(head, new Uint8Array([4]), body).subarray())
  })

  it('falls back to even chunks when following the buffers would need too many', async () => {
    const { Uint8ArrayList } = await import('uint8arraylist')
    const list = new Uint8ArrayList()
    for (let i = 0; i < 20; i++) list.append(new Uint8Array(600))
    const chunks = splitChunks(list, 1, 1000, 8)
    assert.equal(chunks.length, 12)
    assert.ok(chunks.every(c => c.count === 12 && c.totalSize === 12_000))
  })
})
