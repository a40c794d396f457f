/**
 * A rolling bloom filter: Bitcoin Core's `CRollingBloomFilter`, which
 * remembers about the last `n` inserted keys (between n and 1.5 n) with a
 * false-positive rate near `fpRate`, in constant memory.
 *
 * Why a rolling bloom filter and not a bounded LRU set for the per-peer
 * known inventory: a peer's known set must hold tens of thousands of txids
 * (Bitcoin Core: 50,000) for every connected peer. A JS Map of 50,000 hex
 * strings costs about 8 MB per peer and a pointer-chasing insert; this
 * filter costs about 540 KB at 1e-6, allocates nothing after construction,
 * and each insert or lookup is `k` MurmurHash3 passes over 32 bytes (about
 * 1 µs). A false positive only means one announcement to one peer is skipped
 * (the peer still learns the transaction from its other peers), so exactness
 * buys nothing here.
 *
 * How it rolls: each cell of the filter holds a 2-bit generation (0 = empty,
 * 1..3). Keys are inserted with the current generation; after n/2 inserts the
 * generation advances (1 → 2 → 3 → 1) and every cell of the generation being
 * reused is wiped, so the filter holds the last two to three half-generations.
 * The cells of one bit position live in two 64-bit words (the low and high
 * bit of the generation); here each 64-bit word is a pair of 32-bit halves.
 *
 * Hashes are MurmurHash3 (x86, 32-bit) seeded with `i · 0xFBA4C795 + tweak`
 * for the i-th hash function, as in Bitcoin Core; the tweak is random per
 * filter, so no one can craft keys that collide in every node's filter.
 *
 * @module
 */
import { InvalidArgumentError } from '../../errors.ts'

/** MurmurHash3 x86_32 of `data` with `seed`. */
export function murmur3 (seed: number, data: Uint8Array): number {
  let h = seed >>> 0
  const c1 = 0xcc9e2d51
  const c2 = 0x1b873593
  const len = data.byteLength
  const blocks = len - (len & 3)
  for (let i = 0; i < blocks; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
    k = Math.imul(k, c1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, c2)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  const tail = len & 3
  if (tail > 0) {
    let k = data[blocks]
    if (tail > 1) k ^= data[blocks + 1] << 8
    if (tail > 2) k ^= data[blocks + 2] << 16
    k = Math.imul(k, c1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, c2)
    h ^= k
  }
  h ^= len
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** `floor(h * n / 2^32)` exactly, for 32-bit `h` and `n` (Bitcoin Core's FastRange32). */
function fastRange32 (h: number, n: number): number {
  const hi = (h >>> 16) * n
  const lo = (h & 0xffff) * n
  return Math.floor((hi + Math.floor(lo / 0x10000)) / 0x10000)
}

/** A rolling bloom filter over byte keys. */
export interface RollingBloomFilter {
  insert (key: Uint8Array): void
  contains (key: Uint8Array): boolean
  /** Forget everything and pick a new tweak. */
  reset (): void
  /** Bytes of the filter's storage. */
  readonly bytes: number
}

/** Most elements a filter may be sized for; keeps the cell index exact and memory bounded (~11 MB at 1e-6). */
export const MAX_ROLLING_BLOOM_ELEMENTS = 1_000_000

/**
 * Create a filter that remembers about the last `elements` keys with a false
 * positive rate of about `fpRate`.
 *
 * @param random - random 32-bit tweaks; @default crypto-strong
 * @example
 * ```ts
 * const known = rollingBloomFilter(50_000, 0.000001)
 * known.insert(txid)
 * known.contains(txid) // true
 * ```
 */
export function rollingBloomFilter (elements: number, fpRate: number, random: () => number = randomU32): RollingBloomFilter {
  if (!Number.isSafeInteger(elements) || elements < 1 || elements > MAX_ROLLING_BLOOM_ELEMENTS) {
    throw new InvalidArgumentError(`rolling bloom filter elements must be 1..${MAX_ROLLING_BLOOM_ELEMENTS}, got ${elements}`)
  }
  if (!(fpRate > 0 && fpRate < 1)) throw new InvalidArgumentError(`rolling bloom filter fpRate must be in (0, 1), got ${fpRate}`)
  const logFp = Math.log(fpRate)
  const hashFuncs = Math.max(1, Math.min(Math.round(logFp / Math.log(0.5)), 50))
  const perGeneration = Math.floor((elements + 1) / 2)
  const maxElements = perGeneration * 3
  const filterBits = Math.ceil(-1 * hashFuncs * maxElements / Math.log(1 - Math.exp(logFp / hashFuncs)))
  // 64-bit words, in pairs (the generation's low bit, then its high bit)
  const words = Math.floor((filterBits + 63) / 64) * 2
  const lo = new Uint32Array(words)
  const hi = new Uint32Array(words)
  let tweak = 0
  let generation = 1
  let inGeneration = 0

  const seedOf = (n: number): number => (Math.imul(n, 0xfba4c795) + tweak) >>> 0

  function reset (): void {
    tweak = random() >>> 0
    generation = 1
    inGeneration = 0
    lo.fill(0)
    hi.fill(0)
  }

  /** Set bit `bit` of word `w` to `value` (0 or 1). */
  function setBit (w: number, bit: number, value: number): void {
    if (bit < 32) {
      const m = (1 << bit) >>> 0
      lo[w] = value !== 0 ? (lo[w] | m) >>> 0 : (lo[w] & ~m) >>> 0
    } else {
      const m = (1 << (bit - 32)) >>> 0
      hi[w] = value !== 0 ? (hi[w] | m) >>> 0 : (hi[w] & ~m) >>> 0
    }
  }

  function isSet (w: number, bit: number): boolean {
    return bit < 32 ? ((lo[w] >>> bit) & 1) !== 0 : ((hi[w] >>> (bit - 32)) & 1) !== 0
  }

  reset()
  return {
    insert (key) {
      if (inGeneration === perGeneration) {
        inGeneration = 0
        generation++
        if (generation === 4) generation = 1
        // wipe the cells holding the generation we are about to reuse
        const m1 = (generation & 1) !== 0 ? 0xffff_ffff : 0
        const m2 = (generation >> 1) !== 0 ? 0xffff_ffff : 0
        for (let p = 0; p < words; p += 2) {
          const mLo = ((lo[p] ^ m1) | (lo[p + 1] ^ m2)) >>> 0
          lo[p] = (lo[p] & mLo) >>> 0
          lo[p + 1] = (lo[p + 1] & mLo) >>> 0
          const mHi = ((hi[p] ^ m1) | (hi[p + 1] ^ m2)) >>> 0
          hi[p] = (hi[p] & mHi) >>> 0
          hi[p + 1] = (hi[p + 1] & mHi) >>> 0
        }
      }
      inGeneration++
      for (let n = 0; n < hashFuncs; n++) {
        const h = murmur3(seedOf(n), key)
        const bit = h & 0x3f
        const pos = fastRange32(h, words)
        setBit(pos & ~1, bit, generation & 1)
        setBit(pos | 1, bit, generation >> 1)
      }
    },
    contains (key) {
      for (let n = 0; n < hashFuncs; n++) {
        const h = murmur3(seedOf(n), key)
        const bit = h & 0x3f
        const pos = fastRange32(h, words)
        if (!isSet(pos & ~1, bit) && !isSet(pos | 1, bit)) return false
      }
      return true
    },
    reset,
    bytes: words * 8
  }
}

function randomU32 (): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]
}
