/**
 * Proof of work: compact targets, work, the retarget rule and its cheap
 * plausibility check.
 *
 * A hash meets the target when, read as a 256-bit big-endian number, it is at
 * most the target. `bits` is Bitcoin's compact encoding: one exponent byte and
 * a 23-bit mantissa, `target = mantissa * 256^(exponent - 3)`.
 *
 * Retarget rule (the "documented window"): on networks with
 * `retargetInterval > 0`, the target changes only at heights that are a
 * multiple of the interval. There the new target is the old one times the
 * time the last window took over the time it should have taken
 * (`intervals * targetSpacing`), the ratio clamped to [1/4, 4] and the result
 * capped at the network's easiest target (`powLimit`). At other heights the
 * target stays the parent's. Unlike Bitcoin's, the measured span covers every
 * interval of the window (no off-by-one). It is a proportional controller
 * over a fixed window, so the block interval converges to `targetSpacing`
 * within a few windows for a constant hash rate.
 *
 * @module
 */
import { MAX_RETARGET_FACTOR, TARGET_CACHE_SIZE } from './constants.ts'
import { InvalidHeaderError } from './errors.ts'

const TWO_256 = 1n << 256n

/** Decode compact `bits` into a target, or undefined if negative, zero or over 256 bits. */
export function bitsToTarget (bits: number): bigint | undefined {
  const exponent = bits >>> 24
  const mantissa = bits & 0x007fffff
  if ((bits & 0x00800000) !== 0) return undefined // negative
  if (mantissa === 0) return undefined
  let target: bigint
  if (exponent <= 3) target = BigInt(mantissa >>> (8 * (3 - exponent)))
  else target = BigInt(mantissa) << BigInt(8 * (exponent - 3))
  if (target === 0n || target >= TWO_256) return undefined
  return target
}

/** Encode a target as compact `bits` (rounding down, as Bitcoin's GetCompact). */
export function targetToBits (target: bigint): number {
  if (target <= 0n) throw new RangeError('target must be positive')
  let size = 0
  for (let t = target; t > 0n; t >>= 8n) size++
  let mantissa: number
  if (size <= 3) mantissa = Number(target << BigInt(8 * (3 - size)))
  else mantissa = Number(target >> BigInt(8 * (size - 3)))
  if ((mantissa & 0x00800000) !== 0) {
    mantissa >>>= 8
    size++
  }
  return ((size << 24) | mantissa) >>> 0
}

/** Expected number of hashes to meet `target`: 2^256 / (target + 1), as Bitcoin's GetBlockProof. */
export function workForTarget (target: bigint): bigint {
  return TWO_256 / (target + 1n)
}

/** A decoded target with what the hot paths need. */
export interface TargetInfo {
  target: bigint
  /** The target as 32 big-endian bytes, for a byte-wise comparison with a hash. */
  bytes: Uint8Array
  work: bigint
}

const targetCache = new Map<number, TargetInfo | null>()

/** Decode `bits` once and cache the result; undefined when the encoding is invalid. */
export function targetInfo (bits: number): TargetInfo | undefined {
  let info = targetCache.get(bits)
  if (info === undefined) {
    const target = bitsToTarget(bits)
    if (target === undefined) {
      info = null
    } else {
      const bytes = new Uint8Array(32)
      let t = target
      for (let i = 31; i >= 0; i--) {
        bytes[i] = Number(t & 0xffn)
        t >>= 8n
      }
      info = { target, bytes, work: workForTarget(target) }
    }
    if (targetCache.size >= TARGET_CACHE_SIZE) targetCache.clear()
    targetCache.set(bits, info)
  }
  return info ?? undefined
}

/** True when `hash` (big-endian) is at most the target. */
export function hashMeetsTarget (hash: Uint8Array, targetBytes: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) {
    if (hash[i] !== targetBytes[i]) return hash[i] < targetBytes[i]
  }
  return true
}

/** What the PoW rules need to know about a network. */
export interface PowParams {
  powLimitBits: number
  genesisBits: number
  /** Seconds between blocks the retarget aims for. */
  targetSpacing: number
  /** Blocks per retarget window; 0 disables retargeting (the target stays the genesis one). */
  retargetInterval: number
}

/**
 * Check a header's own proof of work: `bits` is a valid encoding, no easier
 * than the network's `powLimit`, and `hash` meets it. Returns the block's work.
 */
export function checkProofOfWork (hash: Uint8Array, bits: number, params: PowParams, index?: number): bigint {
  const info = targetInfo(bits)
  if (info === undefined) throw new InvalidHeaderError('bad-bits', `bits 0x${bits.toString(16)} is not a valid target encoding`, 'fatal', index)
  const limit = targetInfo(params.powLimitBits)
  if (limit === undefined || info.target > limit.target) {
    throw new InvalidHeaderError('bits-below-minimum', `bits 0x${bits.toString(16)} is easier than the network minimum 0x${params.powLimitBits.toString(16)}`, 'fatal', index)
  }
  if (!hashMeetsTarget(hash, info.bytes)) {
    throw new InvalidHeaderError('bad-pow', `block hash does not meet its target (bits 0x${bits.toString(16)})`, 'fatal', index)
  }
  return info.work
}

/** True when the target may change at `height`. */
export function isRetargetHeight (height: number, params: PowParams): boolean {
  return params.retargetInterval > 0 && height % params.retargetInterval === 0
}

/**
 * The exact `bits` a block at `parentHeight + 1` must carry.
 *
 * @param ancestorTime - the time of the best-chain ancestor of the parent at a height
 */
export function nextBits (parent: { height: number, bits: number, time: number }, ancestorTime: (height: number) => number, params: PowParams): number {
  const height = parent.height + 1
  if (!isRetargetHeight(height, params)) return parent.bits
  const firstHeight = Math.max(0, height - params.retargetInterval - 1)
  const intervals = parent.height - firstHeight
  const expected = BigInt(Math.max(1, intervals * params.targetSpacing))
  const actual = BigInt(parent.time - ancestorTime(firstHeight))
  const old = bitsToTarget(parent.bits)
  const limit = bitsToTarget(params.powLimitBits)
  if (old === undefined || limit === undefined) throw new RangeError('invalid bits in a stored header')
  // Clamp the target itself, not the timespan: `expected / 4` in integers
  // rounds down (a 30 s window allows 7 s, i.e. 4.29×), and the result would
  // break the 4× bound that permittedTransition enforces on every header.
  let target: bigint
  if (actual * MAX_RETARGET_FACTOR <= expected) target = old / MAX_RETARGET_FACTOR
  else if (actual >= expected * MAX_RETARGET_FACTOR) target = old * MAX_RETARGET_FACTOR
  else target = old * actual / expected
  if (target > limit) target = limit
  if (target < 1n) target = 1n
  return targetToBits(target)
}

/**
 * Can `bits` follow `parentBits` at `height` at all? The cheap check headers
 * sync runs without ancestors, as Bitcoin's PermittedDifficultyTransition:
 * outside retarget heights the bits must not change; at a retarget height the
 * target may move by at most the retarget factor either way.
 */
export function permittedTransition (height: number, parentBits: number, bits: number, params: PowParams): boolean {
  if (!isRetargetHeight(height, params)) return bits === parentBits
  const old = bitsToTarget(parentBits)
  const next = bitsToTarget(bits)
  const limit = bitsToTarget(params.powLimitBits)
  if (old === undefined || next === undefined || limit === undefined) return false
  let largest = old * MAX_RETARGET_FACTOR
  if (largest > limit) largest = limit
  const largestRounded = bitsToTarget(targetToBits(largest)) ?? largest
  const smallestRounded = bitsToTarget(targetToBits(old / MAX_RETARGET_FACTOR > 0n ? old / MAX_RETARGET_FACTOR : 1n)) ?? 1n
  return next <= largestRounded && next >= smallestRounded
}

/** Scratch space of {@link medianTime}: it runs for every header validated, so it sorts in place here. */
let medianScratch = new Float64Array(16)

/**
 * Median of up to {@link MEDIAN_TIME_SPAN} times (the upper one of an even
 * count, as Bitcoin's GetMedianTimePast). An insertion sort into a reused
 * buffer: copying and sorting an array per header was most of what
 * validating a header allocated.
 */
export function medianTime (times: number[]): number {
  const n = times.length
  if (n === 0) return Number.NaN
  if (n > medianScratch.length) medianScratch = new Float64Array(n)
  const s = medianScratch
  for (let i = 0; i < n; i++) {
    const v = times[i]
    let j = i - 1
    while (j >= 0 && s[j] > v) {
      s[j + 1] = s[j]
      j--
    }
    s[j + 1] = v
  }
  return s[Math.floor(n / 2)]
}
