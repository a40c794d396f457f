/**
 * Cheap validation of untrusted header chains (headers-first sync), without
 * storing anything: each header's own proof of work, the network minimum,
 * the permitted difficulty transition, linkage, heights and timestamps.
 *
 * @module
 */
import { bytesEqual, toHex } from './codec.ts'
import { HASH_BYTES, MAX_FUTURE_BLOCK_TIME_SEC, MAX_HEADERS_PER_CALL, MEDIAN_TIME_SPAN } from './constants.ts'
import { InvalidHeaderError, MalformedError } from './errors.ts'
import { decodeHeader, headerHash } from './header.ts'
import type { ConsensusParams } from './params.ts'
import { checkProofOfWork, medianTime, permittedTransition } from './pow.ts'
import { STATUS } from './store.ts'
import type { IndexEntry } from './chainstate.ts'
import type { HeaderInfo } from '../chain/index.ts'

/** What header validation needs from the chain: rules, clock, and our stored headers. */
export interface HeaderCheckContext {
  params: ConsensusParams
  /** Milliseconds since the epoch. */
  clock: () => number
  /** A header we store, by hex hash. */
  lookup: (hex: string) => IndexEntry | undefined
  /** A header we hold as invalid, by hash: asked for every header checked, so it must be cheap for the others. */
  failed: (hash: Uint8Array) => IndexEntry | undefined
  /** Median-time contexts of the ends of runs validated before (not stored yet), by hex hash. */
  contexts?: HeaderContexts
}

/** The last {@link MEDIAN_TIME_SPAN} times up to a header, and whether they are all there are. */
export interface TimeContext { times: number[], complete: boolean }

/** A bounded cache of {@link TimeContext}s, so a run validated in chunks keeps its median-time rule. */
export interface HeaderContexts {
  get (hex: string): TimeContext | undefined
  set (hex: string, context: TimeContext): void
}

/** Create a {@link HeaderContexts} cache of at most `max` entries (the oldest go first). */
export function createHeaderContexts (max: number): HeaderContexts {
  const map = new Map<string, TimeContext>()
  return {
    get: (hex) => map.get(hex),
    set (hex, context) {
      map.delete(hex)
      map.set(hex, context)
      while (map.size > max) map.delete(map.keys().next().value as string)
    }
  }
}

interface Prev { hash: Uint8Array, height: number, bits: number }

function storedTimes (e: IndexEntry): number[] {
  const times: number[] = []
  for (let cur: IndexEntry | undefined = e; cur !== undefined && times.length < MEDIAN_TIME_SPAN; cur = cur.parent) times.unshift(cur.header.time)
  return times
}

function decodeAt (bytes: Uint8Array, i: number): ReturnType<typeof decodeHeader> {
  try {
    return decodeHeader(bytes)
  } catch (err) {
    if (err instanceof MalformedError) throw new MalformedError(err.rule, `header ${i}: ${err.message}`)
    throw err
  }
}

/** Checks the headers of one run in order: see {@link validateHeaderChain}. */
interface RunChecker {
  /** Check header `i` (after every header before it); `hash` is its hash if computed already. */
  check (i: number, hash?: Uint8Array): void
  /** The infos of every header checked, once all are. */
  finish (): HeaderInfo[]
}

function runChecker (headers: Uint8Array[], parent: HeaderInfo | undefined, ctx: HeaderCheckContext): RunChecker {
  const { params } = ctx
  const maxTime = Math.floor(ctx.clock() / 1000) + MAX_FUTURE_BLOCK_TIME_SEC

  let prev: Prev | undefined
  let times: number[] = []
  let complete = false
  const fromStore = (e: IndexEntry): void => {
    if ((e.status & STATUS.failed) !== 0) throw new InvalidHeaderError('known-invalid', `headers build on invalid block ${e.hex}`, 'fatal', 0)
    prev = { hash: e.hash, height: e.height, bits: e.header.bits }
    times = storedTimes(e)
    complete = true
  }
  if (parent !== undefined) {
    const stored = ctx.lookup(toHex(parent.hash))
    if (stored !== undefined) {
      fromStore(stored)
    } else {
      const p = decodeHeader(parent.bytes)
      prev = { hash: parent.hash, height: parent.height, bits: p.bits }
      const cached = ctx.contexts?.get(toHex(parent.hash))
      times = cached != null ? [...cached.times] : [p.time]
      complete = cached?.complete ?? parent.height === 0
    }
  } else {
    const first = decodeAt(headers[0], 0)
    const stored = ctx.lookup(toHex(first.prevHash))
    if (stored !== undefined) fromStore(stored)
  }

  const out: HeaderInfo[] = new Array(headers.length)
  return {
    check (i, precomputed) {
      const bytes = headers[i]
      const h = decodeAt(bytes, i)
      const hash = precomputed ?? headerHash(bytes)
      const failed = ctx.failed(hash)
      if (failed !== undefined) {
        throw new InvalidHeaderError('known-invalid', `header ${i} is the known-invalid block ${failed.hex}`, 'fatal', i)
      }
      if (h.height === 0) throw new InvalidHeaderError('bad-height', `header ${i} claims height 0 (only genesis has it)`, 'fatal', i)
      const work = checkProofOfWork(hash, h.bits, params, i)
      if (prev !== undefined) {
        if (!bytesEqual(h.prevHash, prev.hash)) {
          throw new InvalidHeaderError('bad-prev', `header ${i} does not build on the previous header (prev ${toHex(h.prevHash)}, expected ${toHex(prev.hash)})`, 'fatal', i)
        }
        if (h.height !== prev.height + 1) {
          throw new InvalidHeaderError('bad-height', `header ${i} has height ${h.height}, expected ${prev.height + 1}`, 'fatal', i)
        }
        if (!permittedTransition(h.height, prev.bits, h.bits, params)) {
          throw new InvalidHeaderError('bad-bits-transition', `header ${i} bits 0x${h.bits.toString(16)} cannot follow 0x${prev.bits.toString(16)} at height ${h.height}`, 'fatal', i)
        }
      }
      if (complete || times.length >= MEDIAN_TIME_SPAN) {
        const mtp = medianTime(times)
        if (h.time <= mtp) throw new InvalidHeaderError('time-too-old', `header ${i} time ${h.time} is not after the median time past ${mtp}`, 'fatal', i)
      }
      if (h.time > maxTime) {
        throw new InvalidHeaderError('time-too-new', `header ${i} time ${h.time} is more than ${MAX_FUTURE_BLOCK_TIME_SEC} s ahead of our clock`, 'ignore', i)
      }
      times.push(h.time)
      if (times.length > MEDIAN_TIME_SPAN) times.shift()
      if (times.length >= MEDIAN_TIME_SPAN) complete = true
      prev = { hash, height: h.height, bits: h.bits }
      // no hex: a sync keeps most headers packed and never needs theirs
      out[i] = { hash, prevHash: h.prevHash, height: h.height, work, time: h.time, bytes }
    },
    finish () {
      if (out.length > 0) {
        const last = out[out.length - 1]
        last.hex = toHex(last.hash)
        ctx.contexts?.set(last.hex, { times, complete })
      }
      return out
    }
  }
}

function checkRunShape (headers: Uint8Array[]): void {
  if (!Array.isArray(headers)) throw new MalformedError('bad-length', 'headers must be an array')
  if (headers.length > MAX_HEADERS_PER_CALL) {
    throw new InvalidHeaderError('too-many-headers', `headers message has ${headers.length} entries (max ${MAX_HEADERS_PER_CALL})`)
  }
}

/**
 * Validate a run of headers. See {@link ChainAdapter.validateHeaders}.
 *
 * The median-time-past rule is applied wherever the 11 previous times are
 * known: from our index when the run builds on a stored header, from
 * `ctx.contexts` when it continues a run validated before, else once the run
 * itself supplies them (a partial window could reject a valid header).
 */
export function validateHeaderChain (headers: Uint8Array[], parent: HeaderInfo | undefined, ctx: HeaderCheckContext): HeaderInfo[] {
  checkRunShape(headers)
  if (headers.length === 0) return []
  const run = runChecker(headers, parent, ctx)
  for (let i = 0; i < headers.length; i++) run.check(i)
  return run.finish()
}

/** The hashes of `headers[from]` to `headers[to - 1]`, 32 bytes each, or `undefined` to hash them inline. */
export interface HashedPart { from: number, to: number, hashes: Promise<Uint8Array | undefined> }

/**
 * {@link validateHeaderChain} with the hashes computed elsewhere (on a
 * worker), in parts: each part is checked as soon as its hashes arrive, while
 * later parts are still being hashed, and the event loop runs in between.
 * A part whose hashes are `undefined` is hashed inline. The parts must cover
 * the run in order.
 */
export async function validateHashedHeaderChain (headers: Uint8Array[], parent: HeaderInfo | undefined, ctx: HeaderCheckContext, parts: HashedPart[]): Promise<HeaderInfo[]> {
  checkRunShape(headers)
  if (headers.length === 0) return []
  const run = runChecker(headers, parent, ctx)
  let next = 0
  for (const part of parts) {
    if (part.from !== next) throw new RangeError(`hashed parts must cover the run in order: part at ${part.from}, expected ${next}`)
    const hashes = await part.hashes
    for (let i = part.from; i < part.to; i++) run.check(i, hashes?.subarray((i - part.from) * HASH_BYTES, (i - part.from + 1) * HASH_BYTES))
    next = part.to
  }
  for (let i = next; i < headers.length; i++) run.check(i)
  return run.finish()
}
