/**
 * The best header chain we know beyond the blocks we have: a run of
 * validated headers on top of a *base*, a block the chain stores. Blocks are
 * downloaded for these headers and submitted in order; each submitted block
 * becomes the new base. The run is bounded (MAX_HEADERS_AHEAD) and replaced
 * from a fork point when a peer shows a header chain with more work.
 *
 * @module
 */
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
  /** The entry with this hash, if the target holds it. */
  get (hex: string): Entry | undefined
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
  const byHex = new Map<string, Entry>()

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
    get: (hex) => byHex.get(hex),
    first: () => size() === 0 ? undefined : list[head],
    endInfo () {
      if (size() === 0) return { ...base.info, totalWork: base.totalWork, hex: base.hex }
      return list[list.length - 1]
    },
    append (entries) {
      for (const e of entries) {
        list.push(e)
        byHex.set(e.hex, e)
      }
      return entries
    },
    truncate (height) {
      const keep = Math.max(0, height - base.height)
      if (keep >= size()) return []
      const dropped = list.splice(head + keep)
      for (const e of dropped) byHex.delete(e.hex)
      return dropped
    },
    rebase (next) {
      const dropped = list.slice(head)
      list = []
      head = 0
      byHex.clear()
      base = next
      return dropped
    },
    shift () {
      if (size() === 0) return undefined
      const e = list[head]
      list[head] = undefined as unknown as Entry
      head++
      byHex.delete(e.hex)
      base = { hash: e.hash, hex: e.hex, height: e.height, totalWork: e.totalWork, info: { hash: e.hash, prevHash: e.prevHash, height: e.height, work: e.work, time: e.time, bytes: e.bytes } }
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
