/**
 * Chunked transfer: a payload larger than the max chunk size travels as a
 * run of CHUNK frames, each carrying a {@link Chunk}, and is reassembled on
 * the other side.
 *
 * The assembler is a pure state machine (time comes in as an argument) so it
 * can be tested and fuzzed without timers. It enforces:
 * - a total cap, checked on the first chunk before anything is buffered,
 * - a chunk-count cap and a per-chunk size cap,
 * - ordering: one transfer at a time, consecutive indexes from 0, the same
 *   transfer id, count and total size in every chunk, data adding up exactly,
 * - a deadline from the first chunk.
 * Any error clears the buffered chunks, so a failed transfer leaves nothing behind.
 *
 * @module
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { CHUNK_TRANSFER_TIMEOUT_MS, MAX_CHUNK_BYTES, MAX_CHUNKS_PER_TRANSFER, MAX_TRANSFER_BYTES } from './constants.ts'
import { ChunkLimitError, ChunkSequenceError, ChunkTimeoutError } from './errors.ts'
import type { Chunk } from './messages.ts'

/**
 * Split `payload` into chunks of at most `maxChunkBytes`. The chunk data are
 * views of `payload`, not copies. For a list, chunk boundaries follow its
 * buffers where that keeps the chunk count within `maxChunks`, so a large
 * buffer inside the list (a block, a 1 MiB payload) is never copied; small
 * neighbouring buffers are merged.
 */
export function splitChunks (payload: Uint8Array | Uint8ArrayList, transferId: number, maxChunkBytes = MAX_CHUNK_BYTES, maxChunks = MAX_CHUNKS_PER_TRANSFER): Chunk[] {
  const totalSize = payload.byteLength
  let parts: Uint8Array[] | undefined
  if (!(payload instanceof Uint8Array)) {
    parts = alignedParts(payload, maxChunkBytes)
    if (parts.length > maxChunks) parts = undefined
  }
  if (parts == null) {
    const flat = payload instanceof Uint8Array ? payload : payload.subarray()
    parts = []
    for (let o = 0; o < flat.byteLength; o += maxChunkBytes) parts.push(flat.subarray(o, Math.min(flat.byteLength, o + maxChunkBytes)))
  }
  const count = parts.length
  return parts.map((data, index) => ({ transferId, index, count, totalSize, data }))
}

/** Chunk payloads that follow the list's buffers: large buffers as views, small neighbours merged. */
function alignedParts (list: Uint8ArrayList, max: number): Uint8Array[] {
  const out: Uint8Array[] = []
  let group: Uint8Array[] = []
  let size = 0
  const flush = (): void => {
    if (group.length === 0) return
    out.push(group.length === 1 ? group[0] : new Uint8ArrayList(...group).subarray())
    group = []
    size = 0
  }
  for (const buf of list) {
    for (let o = 0; o < buf.byteLength; o += max) {
      const piece = buf.subarray(o, Math.min(buf.byteLength, o + max))
      if (size + piece.byteLength > max) flush()
      group.push(piece)
      size += piece.byteLength
    }
  }
  flush()
  return out
}

export interface ChunkAssemblerInit {
  /** Largest payload to reassemble. @default MAX_TRANSFER_BYTES (10 MiB) */
  maxTotalBytes?: number
  /** Most chunks in one transfer. @default MAX_CHUNKS_PER_TRANSFER */
  maxChunks?: number
  /** Largest chunk. @default MAX_CHUNK_BYTES (1 MiB) */
  maxChunkBytes?: number
  /** A transfer must complete this long after its first chunk. @default CHUNK_TRANSFER_TIMEOUT_MS */
  timeoutMs?: number
  /** Names the stream in error messages. */
  label?: string
}

/** Reassembles one chunked transfer at a time. */
export interface ChunkAssembler {
  /** True while a transfer is in progress. */
  readonly active: boolean
  /** Bytes buffered for the transfer in progress. */
  readonly bytes: number
  /** Total size declared by the transfer in progress (0 when idle). */
  readonly declaredBytes: number
  /** When the transfer in progress times out (ms, same clock as `now`), if one is. */
  readonly deadline: number | undefined
  /**
   * Add a chunk received at time `now`. Returns the whole payload once the
   * last chunk arrives, otherwise `undefined`. Throws a typed error (and
   * clears the transfer) when the chunk breaks a rule.
   */
  push (chunk: Chunk, now: number): Uint8ArrayList | undefined
  /** Throws {@link ChunkTimeoutError} (and clears) when the transfer in progress is past its deadline. */
  checkTimeout (now: number): void
  /** Drop the transfer in progress. */
  clear (): void
}

/**
 * Create a chunk assembler.
 *
 * @example
 * ```ts
 * const asm = createChunkAssembler({ maxTotalBytes: 4 * 1024 * 1024 })
 * for (const c of chunks) {
 *   const payload = asm.push(c, Date.now())
 *   if (payload != null) handle(payload)
 * }
 * ```
 */
export function createChunkAssembler (init: ChunkAssemblerInit = {}): ChunkAssembler {
  const maxTotal = init.maxTotalBytes ?? MAX_TRANSFER_BYTES
  const maxChunks = init.maxChunks ?? MAX_CHUNKS_PER_TRANSFER
  const maxChunkBytes = init.maxChunkBytes ?? MAX_CHUNK_BYTES
  const timeoutMs = init.timeoutMs ?? CHUNK_TRANSFER_TIMEOUT_MS
  const label = init.label ?? 'chunked transfer'

  let current: { transferId: number, count: number, totalSize: number, next: number, deadline: number, data: Uint8ArrayList } | undefined

  function fail (err: Error): never {
    current = undefined
    throw err
  }

  return {
    get active () { return current != null },
    get bytes () { return current?.data.byteLength ?? 0 },
    get declaredBytes () { return current?.totalSize ?? 0 },
    get deadline () { return current?.deadline },

    push (chunk, now) {
      if (current != null && now > current.deadline) {
        fail(new ChunkTimeoutError(`${label}: transfer ${current.transferId} did not complete within ${timeoutMs} ms`))
      }
      if (chunk.data.byteLength > maxChunkBytes) {
        fail(new ChunkLimitError(`${label}: chunk of ${chunk.data.byteLength} bytes (max ${maxChunkBytes})`))
      }
      if (chunk.data.byteLength === 0) fail(new ChunkLimitError(`${label}: empty chunk`))
      if (current == null) {
        if (chunk.index !== 0) fail(new ChunkSequenceError(`${label}: transfer ${chunk.transferId} starts at chunk ${chunk.index}, not 0`))
        if (chunk.count > maxChunks) fail(new ChunkLimitError(`${label}: transfer declares ${chunk.count} chunks (max ${maxChunks})`))
        if (chunk.count < 2) fail(new ChunkSequenceError(`${label}: transfer declares ${chunk.count} chunks (min 2)`))
        if (chunk.totalSize > maxTotal) fail(new ChunkLimitError(`${label}: transfer declares ${chunk.totalSize} bytes (max ${maxTotal})`))
        if (chunk.totalSize > chunk.count * maxChunkBytes) {
          fail(new ChunkLimitError(`${label}: ${chunk.totalSize} bytes cannot fit ${chunk.count} chunks of ${maxChunkBytes} bytes`))
        }
        current = { transferId: chunk.transferId, count: chunk.count, totalSize: chunk.totalSize, next: 0, deadline: now + timeoutMs, data: new Uint8ArrayList() }
      } else {
        if (chunk.transferId !== current.transferId) {
          fail(new ChunkSequenceError(`${label}: chunk of transfer ${chunk.transferId} while transfer ${current.transferId} is in progress`))
        }
        if (chunk.index !== current.next) fail(new ChunkSequenceError(`${label}: chunk ${chunk.index} where ${current.next} was expected`))
        if (chunk.count !== current.count || chunk.totalSize !== current.totalSize) {
          fail(new ChunkSequenceError(`${label}: chunk ${chunk.index} changes the transfer's count or total size`))
        }
      }
      const t = current
      if (t.data.byteLength + chunk.data.byteLength > t.totalSize) {
        fail(new ChunkLimitError(`${label}: chunks exceed the declared ${t.totalSize} bytes`))
      }
      t.data.append(chunk.data)
      t.next++
      if (t.next < t.count) return undefined
      current = undefined
      if (t.data.byteLength !== t.totalSize) {
        throw new ChunkLimitError(`${label}: chunks add up to ${t.data.byteLength} bytes, not the declared ${t.totalSize}`)
      }
      return t.data
    },

    checkTimeout (now) {
      if (current != null && now > current.deadline) {
        fail(new ChunkTimeoutError(`${label}: transfer ${current.transferId} did not complete within ${timeoutMs} ms`))
      }
    },

    clear () {
      current = undefined
    }
  }
}
