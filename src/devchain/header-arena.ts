/**
 * Serialised headers of the header index, packed side by side in shared
 * slabs.
 *
 * Every index entry keeps its header's 84 bytes. Held as one small typed
 * array each, every header would own an ArrayBuffer with its own backing
 * store somewhere in the heap: ~200 bytes of bookkeeping per header, work for
 * the garbage collector, and a cache miss per header whenever a run of them
 * is copied out. Serving a 2000-header `headers` answer spent ~0.8 ms
 * gathering them; packed next to each other it takes ~0.2 ms
 * (bench/results/sync.md). Headers are copied in once, when the index learns
 * them, and handed out as views.
 *
 * The arena only grows, as the index does: entries are never removed from
 * the header index, so no slab space is ever stranded.
 *
 * @module
 */
import { HEADER_BYTES, HEADER_SLAB_HEADERS } from './constants.ts'

/** Where the index keeps header bytes. */
export interface HeaderArena {
  /** A copy of `header` in the arena: a view the caller must not write to. */
  copy (header: Uint8Array): Uint8Array
  /** Slabs allocated so far. */
  readonly slabs: number
}

/**
 * Create an arena of slabs of `slabHeaders` headers each.
 *
 * @example
 * ```ts
 * const arena = createHeaderArena()
 * entry.bytes = arena.copy(block.headerBytes)
 * ```
 */
export function createHeaderArena (slabHeaders = HEADER_SLAB_HEADERS): HeaderArena {
  const slabBytes = Math.max(1, Math.floor(slabHeaders)) * HEADER_BYTES
  let slab: Uint8Array | undefined
  let used = 0
  let slabs = 0
  return {
    copy (header) {
      const n = header.byteLength
      // anything but a header (never expected) gets a copy of its own
      if (n !== HEADER_BYTES) return header.slice()
      if (slab == null || used + n > slab.byteLength) {
        slab = new Uint8Array(slabBytes)
        used = 0
        slabs++
      }
      const view = slab.subarray(used, used + n)
      view.set(header)
      used += n
      return view
    },
    get slabs () {
      return slabs
    }
  }
}
