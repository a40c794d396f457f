/**
 * The best header chain we know beyond the blocks we have: a run of
 * validated headers on top of a *base*, a block the chain stores. Blocks are
 * downloaded for these headers and submitted in order; each submitted block
 * becomes the new base. The run is bounded (MAX_HEADERS_AHEAD) and replaced
 * from a fork point when a peer shows a header chain with more work.
 *
 * @module
 */
import { TARGET_PAGE_HEADERS } from './constants.ts'
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

/** The parent hash in serialised header bytes (the chain's `decodeHeader(bytes).prevHash`). */
export type PrevHashOf = (bytes: Uint8Array) => Uint8Array

/** Lowercase hex of `b` (hashes are keyed by it throughout sync). */
export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

/** Whether lowercase `hex` spells `data[at, at + len)`, without building a string. */
function hexEquals (hex: string, data: Uint8Array, at: number, len: number): boolean {
  if (hex.length !== len * 2) return false
  for (let i = 0; i < len; i++) {
    const b = data[at + i]
    if (hex.charCodeAt(2 * i) !== HEX_CODES[b >> 4] || hex.charCodeAt(2 * i + 1) !== HEX_CODES[b & 15]) return false
  }
  return true
}
const HEX_CODES = Array.from('0123456789abcdef', c => c.charCodeAt(0))

/**
 * The class of entries handed out: numbers as fields; the hash and the header
 * bytes as views of one buffer, made when read; `hex` built from the hash and
 * `prevHash` decoded from the bytes when read.
 */
function entryClass (prevHashOf: PrevHashOf): new (data: Uint8Array, at: number, hashLen: number, bytesLen: number, height: number, work: bigint, time: number, totalWork: bigint, hex?: string) => Entry {
  return class LeanEntry {
    height: number
    work: bigint
    time: number
    totalWork: bigint
    state: EntryState = 'pending'
    readonly #data: Uint8Array
    readonly #at: number
    readonly #hashLen: number
    readonly #bytesLen: number
    #hex: string | undefined
    #hash: Uint8Array | undefined = undefined

    constructor (data: Uint8Array, at: number, hashLen: number, bytesLen: number, height: number, work: bigint, time: number, totalWork: bigint, hex?: string) {
      this.#data = data
      this.#at = at
      this.#hashLen = hashLen
      this.#bytesLen = bytesLen
      this.height = height
      this.work = work
      this.time = time
      this.totalWork = totalWork
      this.#hex = hex
    }

    get hex (): string {
      this.#hex ??= toHex(this.hash)
      return this.#hex
    }

    get hash (): Uint8Array {
      this.#hash ??= this.#data.subarray(this.#at, this.#at + this.#hashLen)
      return this.#hash
    }

    get bytes (): Uint8Array {
      const from = this.#at + this.#hashLen
      return this.#data.subarray(from, from + this.#bytesLen)
    }

    get prevHash (): Uint8Array {
      return prevHashOf(this.bytes)
    }
  }
}

/**
 * Makes entries that stand alone (the tip of a peer's branch that is not the
 * target): the hash and header bytes are copied into one buffer of their
 * own, so the entry holds no view of the answer it came in.
 */
export function createEntryMaker (prevHashOf: PrevHashOf): (info: HeaderInfo, hex: string, totalWork: bigint) => Entry {
  const LeanEntry = entryClass(prevHashOf)
  return (info, hex, totalWork) => {
    const data = new Uint8Array(info.hash.byteLength + info.bytes.byteLength)
    data.set(info.hash, 0)
    data.set(info.bytes, info.hash.byteLength)
    return new LeanEntry(data, 0, info.hash.byteLength, info.bytes.byteLength, info.height, info.work, info.time, totalWork, hex)
  }
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
  /**
   * The entry at `height`, if the target holds it. The same object for as
   * long as the target holds that header.
   */
  at (height: number): Entry | undefined
  /**
   * The entry with this hash, if the target holds it. With `height` (the
   * header's own, when the caller knows it) the answer is one comparison at
   * that height; without, the hash index answers.
   */
  get (hex: string, height?: number): Entry | undefined
  /** Whether the header at `height` has this hash (an entry is not handed out for it). */
  has (hex: string, height: number): boolean
  /** The serialised header at `height`, if the target holds it (an entry is not handed out for it). */
  bytesAt (height: number): Uint8Array | undefined
  /** The first entry (the next block to submit). */
  first (): Entry | undefined
  /** The last entry's header, or the base's. */
  endInfo (): HeaderInfo & { totalWork: bigint, hex: string }
  /**
   * Append validated headers `infos[from]` to `infos[to - 1]`: the first
   * builds on the end, each on the one before (heights are checked). Their
   * hash, bytes, time and work are copied. Returns how many were appended.
   */
  append (infos: readonly HeaderInfo[], from?: number, to?: number): number
  /** Drop every header above `height` (≥ the base's). Returns the dropped entries that were handed out. */
  truncate (height: number): Entry[]
  /** Start over on another stored block. Returns the dropped entries that were handed out. */
  rebase (base: Base): Entry[]
  /** The first entry's block was submitted: it becomes the base. */
  shift (): Entry | undefined
  /** Hashes from the end back to the base, newest first: 10 consecutive, then doubling steps. */
  locator (max: number): Uint8Array[]
  /** Entries from `from` to `to` (inclusive), clipped to what the target holds. */
  range (from: number, to: number): Entry[]
}

/**
 * TARGET_PAGE_HEADERS consecutive headers, packed: hash and header bytes
 * side by side in `data` (written once, never overwritten, so views handed
 * out stay valid), the numbers in typed arrays.
 */
interface Page {
  data: Uint8Array
  used: number
  /** Headers in the page. */
  n: number
  starts: Uint32Array
  hashLens: Uint8Array
  bytesLens: Uint32Array
  times: Float64Array
  /** Work of each header (equal values share one bigint). */
  works: bigint[]
  /** Cumulative work of the header before the page's first. */
  before: bigint
  /** Every header of the page has the work of the first (cumulative work is then a product). */
  uniform: boolean
  /** Cumulative work of each header, summed once when first asked for in a page that is not uniform. */
  totals?: bigint[]
}

/**
 * Create an empty target on `initial`.
 *
 * The target holds up to MAX_HEADERS_AHEAD headers, each until its block is
 * submitted, so every young-generation collection of a syncing node would
 * copy and promote them: as objects (~290 bytes and five objects per
 * header), collector pauses took 10–15 % of a header sync. It keeps them
 * packed instead, in pages of TARGET_PAGE_HEADERS, outside the JavaScript
 * heap (~145 bytes per header of 84 bytes, ~12 of them on the heap), and
 * hands out an entry object only for a header someone asks
 * for by height or hash: the download window, the end, a fork point. An
 * entry handed out is the same object for as long as the target holds its
 * header, so the block download can keep its state on it.
 *
 * @param prevHashOf - the parent hash in serialised header bytes, for `prevHash` of the entries handed out
 */
export function createTarget (initial: Base, prevHashOf: PrevHashOf): Target {
  const LeanEntry = entryClass(prevHashOf)
  const PAGE = TARGET_PAGE_HEADERS
  let base = initial
  /** Pages in height order; the first header of `pages[0]` is at `origin`. */
  let pages: Page[] = []
  let origin = initial.height + 1
  let end = initial.height
  let endWork = initial.totalWork
  let endHex = initial.hex
  /** Entries handed out, by height. */
  const live = new Map<number, Entry>()
  /**
   * Hash index (hex → height) of the headers up to `indexedTo`, filled when a
   * lookup by hash alone needs it, not as headers are appended: a header
   * sync appends 2000 per answer and looks headers up by height (or finds
   * the end), so a single-peer sync never pays for the index.
   */
  const byHex = new Map<string, number>()
  let indexedTo = initial.height

  const size = (): number => end - base.height
  const holds = (height: number): boolean => height > base.height && height <= end

  function locate (height: number): [Page, number] {
    const p = height - origin
    return [pages[Math.floor(p / PAGE)], p % PAGE]
  }

  function workAt (page: Page, i: number): bigint {
    if (page.uniform) return page.before + page.works[0] * BigInt(i + 1)
    if (page.totals == null) {
      const totals: bigint[] = []
      let w = page.before
      for (let k = 0; k < page.n; k++) totals.push(w += page.works[k])
      page.totals = totals
    }
    return page.totals[i]
  }

  function hexAt (height: number): string {
    const [page, i] = locate(height)
    return toHex(page.data.subarray(page.starts[i], page.starts[i] + page.hashLens[i]))
  }

  function matches (hex: string, height: number): boolean {
    if (!holds(height)) return false
    const [page, i] = locate(height)
    return hexEquals(hex, page.data, page.starts[i], page.hashLens[i])
  }

  function at (height: number): Entry | undefined {
    if (!holds(height)) return undefined
    let e = live.get(height)
    if (e == null) {
      const [page, i] = locate(height)
      e = new LeanEntry(page.data, page.starts[i], page.hashLens[i], page.bytesLens[i], height, page.works[i], page.times[i], workAt(page, i), height === end ? endHex : undefined)
      live.set(height, e)
    }
    return e
  }

  function newPage (hashLen: number, bytesLen: number): Page {
    return {
      data: new Uint8Array(PAGE * (hashLen + bytesLen)),
      used: 0,
      n: 0,
      starts: new Uint32Array(PAGE),
      hashLens: new Uint8Array(PAGE),
      bytesLens: new Uint32Array(PAGE),
      times: new Float64Array(PAGE),
      works: [],
      before: endWork,
      uniform: true
    }
  }

  function write (info: HeaderInfo): void {
    const hashLen = info.hash.byteLength
    const bytesLen = info.bytes.byteLength
    if (hashLen > 255) throw new RangeError(`header hash of ${hashLen} bytes`)
    const p = end + 1 - origin
    const pi = Math.floor(p / PAGE)
    let page = pages[pi]
    if (page == null) {
      page = newPage(hashLen, bytesLen)
      pages.push(page)
    }
    const i = p % PAGE
    const need = hashLen + bytesLen
    if (page.used + need > page.data.byteLength) {
      // views handed out keep the old buffer
      const grown = new Uint8Array(Math.max(page.data.byteLength * 2, page.used + need))
      grown.set(page.data.subarray(0, page.used))
      page.data = grown
    }
    page.starts[i] = page.used
    page.hashLens[i] = hashLen
    page.bytesLens[i] = bytesLen
    page.data.set(info.hash, page.used)
    page.data.set(info.bytes, page.used + hashLen)
    page.used += need
    page.times[i] = info.time
    const prev = i > 0 ? page.works[i - 1] : undefined
    const work = prev !== undefined && prev === info.work ? prev : info.work
    page.works[i] = work
    if (i > 0 && work !== page.works[0]) page.uniform = false
    if (page.totals != null) page.totals[i] = endWork + work
    page.n = i + 1
    end++
    endWork += work
  }

  /** Forget everything above `height` (≥ the base's): pages, entries handed out, the index. */
  function cut (height: number): Entry[] {
    const dropped: Entry[] = []
    for (const [h, e] of live) {
      if (h > height) {
        dropped.push(e)
        live.delete(h)
      }
    }
    dropped.sort((a, b) => a.height - b.height)
    for (let h = height + 1; h <= Math.min(indexedTo, end); h++) byHex.delete(hexAt(h))
    if (indexedTo > height) indexedTo = height
    const keep = height - origin + 1
    if (keep <= 0) {
      pages = []
    } else {
      const pi = Math.floor((keep - 1) / PAGE)
      pages.length = pi + 1
      // the page's bytes stay written: views handed out may still read them
      const page = pages[pi]
      page.n = (keep - 1) % PAGE + 1
      page.works.length = page.n
      if (page.totals != null) page.totals.length = page.n
    }
    end = height
    if (height === base.height) {
      endWork = base.totalWork
      endHex = base.hex
    } else {
      const [page, i] = locate(height)
      endWork = workAt(page, i)
      endHex = hexAt(height)
    }
    return dropped
  }

  const t: Target = {
    get base () { return base },
    get length () { return size() },
    get endHeight () { return end },
    get endWork () { return endWork },
    get endHex () { return endHex },
    at,
    get (hex, height) {
      if (height != null) return matches(hex, height) ? at(height) : undefined
      if (size() > 0 && hex === endHex) return at(end)
      if (indexedTo < end) {
        for (let h = Math.max(indexedTo, base.height) + 1; h <= end; h++) byHex.set(hexAt(h), h)
        indexedTo = end
      }
      const h = byHex.get(hex)
      return h != null && matches(hex, h) ? at(h) : undefined
    },
    has: matches,
    bytesAt (height) {
      if (!holds(height)) return undefined
      const [page, i] = locate(height)
      const from = page.starts[i] + page.hashLens[i]
      return page.data.subarray(from, from + page.bytesLens[i])
    },
    first: () => at(base.height + 1),
    endInfo () {
      if (size() === 0) {
        // base.info may be a consumed entry, whose hash, prevHash and bytes are getters a spread would miss
        const i = base.info
        return { hash: i.hash, prevHash: i.prevHash, height: i.height, work: i.work, time: i.time, bytes: i.bytes, totalWork: base.totalWork, hex: base.hex }
      }
      return at(end) as Entry
    },
    append (infos, from = 0, to = infos.length) {
      for (let k = from; k < to; k++) {
        const info = infos[k]
        if (info.height !== end + 1) throw new RangeError(`header at height ${info.height} appended to a target ending at ${end}`)
        write(info)
      }
      if (to > from) endHex = infos[to - 1].hex ?? toHex(infos[to - 1].hash)
      return Math.max(0, to - from)
    },
    truncate (height) {
      if (height >= end) return []
      return cut(Math.max(height, base.height))
    },
    rebase (next) {
      const dropped = [...live.values()].sort((a, b) => a.height - b.height)
      live.clear()
      byHex.clear()
      pages = []
      base = next
      origin = next.height + 1
      end = next.height
      endWork = next.totalWork
      endHex = next.hex
      indexedTo = next.height
      return dropped
    },
    shift () {
      if (size() === 0) return undefined
      const h = base.height + 1
      const e = at(h) as Entry
      live.delete(h)
      if (h <= indexedTo) byHex.delete(e.hex)
      // the entry is the base's header info: its prevHash is only decoded if asked for
      base = { hash: e.hash, hex: e.hex, height: h, totalWork: e.totalWork, info: e }
      // a page whose headers were all submitted is freed
      if (h - origin + 1 >= PAGE) {
        pages.shift()
        origin += PAGE
      }
      return e
    },
    locator (max) {
      const out: Uint8Array[] = []
      let step = 1
      for (let h = end; h > base.height && out.length < max; h -= step) {
        const [page, i] = locate(h)
        out.push(page.data.subarray(page.starts[i], page.starts[i] + page.hashLens[i]))
        if (out.length >= 10) step *= 2
      }
      if (out.length < max) out.push(base.hash)
      return out
    },
    range (from, to) {
      const out: Entry[] = []
      for (let h = Math.max(from, base.height + 1); h <= Math.min(to, end); h++) out.push(at(h) as Entry)
      return out
    }
  }
  return t
}
