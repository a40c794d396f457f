/**
 * The best header chain we know beyond the blocks we have: a run of
 * validated headers on top of a *base*, a block the chain stores. Blocks are
 * downloaded for these headers and submitted in order; each submitted block
 * becomes the new base. The run is bounded (MAX_HEADERS_AHEAD) and replaced
 * from a fork point when a peer shows a header chain with more work.
 *
 * @module
 */
import { ENTRY_SLAB_BYTES } from './constants.ts'
import type { HeaderInfo } from '../../chain/index.ts'

/** Where a header's block is in the download pipeline. */
export type EntryState = 'pending' | 'inflight' | 'received' | 'submitting'

/** A header of the target chain and the download state of its block. */
export interface Entry extends HeaderInfo {
  /** The hash as lowercase hex. */
  hex: string
  /** Cumulative work up to and including this header. */
  totalWork: bigint
  state: EntryState
  /** The downloaded block while it waits to be submitted. */
  block?: Uint8Array
  /** The peer that served the block. */
  from?: string
  /** The block came from a custom fetch strategy (its faults are the strategy's to report). */
  custom?: boolean
  /** Peers that announced this header (they have its block): candidates for a fetch by hash. */
  announcers?: Set<string>
  /** Peers that failed to deliver this block: others are preferred for it. */
  failed?: Set<string>
  /** Do not request the block before this time (clock ms). */
  notBefore?: number
  /** The request the block is part of while in flight. */
  request?: { abort: (reason: string) => void }
}

/**
 * Makes the entries of validated headers.
 *
 * The target holds thousands of entries (MAX_HEADERS_AHEAD), each alive
 * until its block is submitted, so every young-generation collection of a
 * syncing node copies them. An entry therefore keeps no typed array of its
 * own: its header bytes are copied side by side into slabs of
 * ENTRY_SLAB_BYTES and handed out as views when read; `hash` is decoded from
 * `hex` when first read (locators, fetches by hash and the parent of the
 * next answer read a few per answer); `prevHash` is read from the header
 * bytes by the chain's decoder. Copying the header's info instead kept three
 * views per header (~300 bytes) and the whole answer each header came in.
 *
 * @param prevHashOf - the parent hash in serialised header bytes (the chain's `decodeHeader(bytes).prevHash`)
 */
export function createEntryMaker (prevHashOf: (bytes: Uint8Array) => Uint8Array): (info: HeaderInfo, hex: string, totalWork: bigint) => Entry {
  let slab = new Uint8Array(0)
  let used = 0

  class LeanEntry {
    hex: string
    height: number
    work: bigint
    time: number
    totalWork: bigint
    state: EntryState = 'pending'
    #hash: Uint8Array | undefined = undefined
    readonly #slab: Uint8Array
    readonly #offset: number
    readonly #length: number

    constructor (info: HeaderInfo, hex: string, totalWork: bigint) {
      this.hex = hex
      this.height = info.height
      this.work = info.work
      this.time = info.time
      this.totalWork = totalWork
      const n = info.bytes.byteLength
      if (used + n > slab.byteLength) {
        slab = new Uint8Array(Math.max(ENTRY_SLAB_BYTES, n))
        used = 0
      }
      slab.set(info.bytes, used)
      this.#slab = slab
      this.#offset = used
      this.#length = n
      used += n
    }

    get bytes (): Uint8Array {
      return this.#slab.subarray(this.#offset, this.#offset + this.#length)
    }

    get hash (): Uint8Array {
      if (this.#hash == null) {
        const b = Buffer.from(this.hex, 'hex')
        this.#hash = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
      }
      return this.#hash
    }

    get prevHash (): Uint8Array {
      return prevHashOf(this.bytes)
    }
  }
  return (info, hex, totalWork) => new LeanEntry(info, hex, totalWork)
}

/** The stored block the target chain builds on. */
export interface Base {
  hash: Uint8Array
  hex: string
  height: number
  totalWork: bigint
  /** The header, as `validateHeaders` takes its parent. */
  info: HeaderInfo
}

/** The target chain. Heights are absolute. */
export interface Target {
  readonly base: Base
  /** Headers beyond the base. */
  readonly length: number
  /** Height of the last header (the base's height when empty). */
  readonly endHeight: number
  /** Cumulative work of the last header (the base's when empty). */
  readonly endWork: bigint
  /** Hash (hex) of the last header (the base's when empty). */
  readonly endHex: string
  /** The entry at `height`, if the target holds it. */
  at (height: number): Entry | undefined
  /**
   * The entry with this hash, if the target holds it. With `height` (the
   * header's own, when the caller knows it) the answer is one comparison at
   * that height; without, the hash index answers.
   */
  get (hex: string, height?: number): Entry | undefined
  /** The first entry (the next block to submit). */
  first (): Entry | undefined
  /** The last entry's header, or the base's. */
  endInfo (): HeaderInfo & { totalWork: bigint, hex: string }
  /** Append entries of validated headers that build on the end (kept as they are). */
  append (entries: Entry[]): Entry[]
  /** Drop every entry above `height` (≥ the base's). Returns what was dropped. */
  truncate (height: number): Entry[]
  /** Start over on another stored block. Returns what was dropped. */
  rebase (base: Base): Entry[]
  /** The first entry's block was submitted: it becomes the base. */
  shift (): Entry | undefined
  /** Hashes from the end back to the base, newest first: 10 consecutive, then doubling steps. */
  locator (max: number): Uint8Array[]
  /** Entries from `from` to `to` (inclusive), clipped to what the target holds. */
  range (from: number, to: number): Entry[]
}

/** Compaction threshold for the consumed head of the entry list. */
const COMPACT_AFTER = 1024

/** Create an empty target on `base`. */
export function createTarget (initial: Base): Target {
  let base = initial
  let list: Entry[] = []
  let head = 0
  /**
   * Hash index of the entries up to height `indexedTo`. Entries are indexed
   * when a lookup by hash alone needs them, not as they are appended: a
   * header sync appends 2000 per answer and looks entries up by height (or
   * finds the end entry), so a single-peer sync never pays for the index.
   */
  const byHex = new Map<string, Entry>()
  let indexedTo = initial.height
  const index = (): void => {
    const end = base.height + size()
    for (let h = Math.max(indexedTo, base.height) + 1; h <= end; h++) {
      const e = list[head + h - base.height - 1]
      byHex.set(e.hex, e)
    }
    indexedTo = end
  }

  const size = (): number => list.length - head
  const at = (height: number): Entry | undefined => {
    const i = height - base.height - 1
    if (i < 0 || i >= size()) return undefined
    return list[head + i]
  }

  const t: Target = {
    get base () { return base },
    get length () { return size() },
    get endHeight () { return base.height + size() },
    get endWork () { return size() === 0 ? base.totalWork : list[list.length - 1].totalWork },
    get endHex () { return size() === 0 ? base.hex : list[list.length - 1].hex },
    at,
    get (hex, height) {
      if (height != null) {
        const e = at(height)
        return e != null && e.hex === hex ? e : undefined
      }
      const end = size() === 0 ? undefined : list[list.length - 1]
      if (end != null && end.hex === hex) return end
      const e = byHex.get(hex)
      if (e != null || indexedTo >= base.height + size()) return e
      index()
      return byHex.get(hex)
    },
    first: () => size() === 0 ? undefined : list[head],
    endInfo () {
      if (size() === 0) {
        // base.info may be a consumed entry, whose hash, prevHash and bytes are getters a spread would miss
        const i = base.info
        return { hash: i.hash, prevHash: i.prevHash, height: i.height, work: i.work, time: i.time, bytes: i.bytes, totalWork: base.totalWork, hex: base.hex }
      }
      return list[list.length - 1]
    },
    append (entries) {
      for (const e of entries) list.push(e)
      return entries
    },
    truncate (height) {
      const keep = Math.max(0, height - base.height)
      if (keep >= size()) return []
      const dropped = list.splice(head + keep)
      for (const e of dropped) byHex.delete(e.hex)
      if (indexedTo > height) indexedTo = height
      return dropped
    },
    rebase (next) {
      const dropped = list.slice(head)
      list = []
      head = 0
      byHex.clear()
      base = next
      indexedTo = next.height
      return dropped
    },
    shift () {
      if (size() === 0) return undefined
      const e = list[head]
      list[head] = undefined as unknown as Entry
      head++
      byHex.delete(e.hex)
      // the entry is the base's header info: its prevHash is only decoded if asked for
      base = { hash: e.hash, hex: e.hex, height: e.height, totalWork: e.totalWork, info: e }
      if (head >= COMPACT_AFTER) {
        list = list.slice(head)
        head = 0
      }
      return e
    },
    locator (max) {
      const out: Uint8Array[] = []
      let step = 1
      for (let h = t.endHeight; h > base.height && out.length < max; h -= step) {
        out.push((at(h) as Entry).hash)
        if (out.length >= 10) step *= 2
      }
      if (out.length < max) out.push(base.hash)
      return out
    },
    range (from, to) {
      const out: Entry[] = []
      for (let h = Math.max(from, base.height + 1); h <= Math.min(to, t.endHeight); h++) out.push(at(h) as Entry)
      return out
    }
  }
  return t
}
