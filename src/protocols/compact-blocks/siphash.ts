/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012), as BIP152 uses it for short transaction ids.
 *
 * The 64-bit state words are held as pairs of unsigned 32-bit halves in local
 * variables, so a hash allocates nothing and runs on small integers (about
 * 170 ns for a 32-byte txid; BigInt arithmetic is an order of magnitude slower). The code follows
 * the paper's description: c = 2 compression rounds per 8-byte block, d = 4
 * finalisation rounds, the last block carrying the message length in its top
 * byte. `test/protocols/compact-blocks/siphash.test.ts` checks it against the
 * 64 reference vectors of the paper (`vectors_sip64`).
 *
 * @module
 */
import { InvalidArgumentError } from '../../errors.ts'

/** A SipHash key: two 64-bit words k0, k1, each as high and low 32-bit halves. */
export interface SipKey {
  readonly k0hi: number
  readonly k0lo: number
  readonly k1hi: number
  readonly k1lo: number
}

/** Bytes of a SipHash key. */
export const SIP_KEY_BYTES = 16

function u32le (b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
}

/**
 * The key of 16 bytes `key`: k0 is bytes 0..7 and k1 bytes 8..15, each read
 * little-endian, as the reference implementation does.
 */
export function sipKeyFromBytes (key: Uint8Array): SipKey {
  if (!(key instanceof Uint8Array) || key.byteLength < SIP_KEY_BYTES) {
    throw new InvalidArgumentError(`a SipHash key is ${SIP_KEY_BYTES} bytes, got ${key?.byteLength}`)
  }
  return { k0lo: u32le(key, 0), k0hi: u32le(key, 4), k1lo: u32le(key, 8), k1hi: u32le(key, 12) }
}

/** The key from two 64-bit words. */
export function sipKeyFromWords (k0: bigint, k1: bigint): SipKey {
  const M = 0xffff_ffffn
  return { k0hi: Number((k0 >> 32n) & M), k0lo: Number(k0 & M), k1hi: Number((k1 >> 32n) & M), k1lo: Number(k1 & M) }
}

/** The result of the last {@link run}: the high and low halves. */
const result = new Uint32Array(2)

/**
 * Run SipHash-2-4 and leave the result in {@link result}. The state lives in
 * local variables and the rounds are inlined in one loop: V8 keeps them in
 * registers, which makes this ten times faster than a round function over
 * module-level state.
 */
function run (key: SipKey, data: Uint8Array): void {
  // "somepseudorandomlygeneratedbytes"
  let v0h = (key.k0hi ^ 0x736f6d65) >>> 0; let v0l = (key.k0lo ^ 0x70736575) >>> 0
  let v1h = (key.k1hi ^ 0x646f7261) >>> 0; let v1l = (key.k1lo ^ 0x6e646f6d) >>> 0
  let v2h = (key.k0hi ^ 0x6c796765) >>> 0; let v2l = (key.k0lo ^ 0x6e657261) >>> 0
  let v3h = (key.k1hi ^ 0x74656462) >>> 0; let v3l = (key.k1lo ^ 0x79746573) >>> 0
  const len = data.byteLength
  const end = len - (len % 8)
  let o = 0
  for (;;) {
    // one message word m = (mh, ml), then c = 2 rounds; or, after the last word, d = 4 rounds
    let mh = 0
    let ml = 0
    let rounds = 2
    if (o < end) {
      ml = u32le(data, o)
      mh = u32le(data, o + 4)
      o += 8
    } else if (o === end) {
      // the last word: the remaining 0..7 bytes, and the length (mod 256) in the top byte
      mh = ((len & 0xff) << 24) >>> 0
      for (let i = 0; i < len - end; i++) {
        const byte = data[end + i]
        if (i < 4) ml = (ml | (byte << (8 * i))) >>> 0
        else mh = (mh | (byte << (8 * (i - 4)))) >>> 0
      }
      o = end + 8
    } else {
      // finalisation
      rounds = 4
      v2l = (v2l ^ 0xff) >>> 0
    }
    if (rounds === 2) {
      v3h = (v3h ^ mh) >>> 0
      v3l = (v3l ^ ml) >>> 0
    }
    for (let r = 0; r < rounds; r++) {
      let lo: number
      let t: number
      // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
      lo = v0l + v1l
      v0h = (v0h + v1h + (lo > 0xffff_ffff ? 1 : 0)) >>> 0
      v0l = lo >>> 0
      t = v1h
      v1h = ((v1h << 13) | (v1l >>> 19)) >>> 0
      v1l = ((v1l << 13) | (t >>> 19)) >>> 0
      v1h = (v1h ^ v0h) >>> 0
      v1l = (v1l ^ v0l) >>> 0
      t = v0h; v0h = v0l; v0l = t
      // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
      lo = v2l + v3l
      v2h = (v2h + v3h + (lo > 0xffff_ffff ? 1 : 0)) >>> 0
      v2l = lo >>> 0
      t = v3h
      v3h = ((v3h << 16) | (v3l >>> 16)) >>> 0
      v3l = ((v3l << 16) | (t >>> 16)) >>> 0
      v3h = (v3h ^ v2h) >>> 0
      v3l = (v3l ^ v2l) >>> 0
      // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
      lo = v0l + v3l
      v0h = (v0h + v3h + (lo > 0xffff_ffff ? 1 : 0)) >>> 0
      v0l = lo >>> 0
      t = v3h
      v3h = ((v3h << 21) | (v3l >>> 11)) >>> 0
      v3l = ((v3l << 21) | (t >>> 11)) >>> 0
      v3h = (v3h ^ v0h) >>> 0
      v3l = (v3l ^ v0l) >>> 0
      // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
      lo = v2l + v1l
      v2h = (v2h + v1h + (lo > 0xffff_ffff ? 1 : 0)) >>> 0
      v2l = lo >>> 0
      t = v1h
      v1h = ((v1h << 17) | (v1l >>> 15)) >>> 0
      v1l = ((v1l << 17) | (t >>> 15)) >>> 0
      v1h = (v1h ^ v2h) >>> 0
      v1l = (v1l ^ v2l) >>> 0
      t = v2h; v2h = v2l; v2l = t
    }
    if (rounds === 4) break
    v0h = (v0h ^ mh) >>> 0
    v0l = (v0l ^ ml) >>> 0
  }
  result[0] = (v0h ^ v1h ^ v2h ^ v3h) >>> 0
  result[1] = (v0l ^ v1l ^ v2l ^ v3l) >>> 0
}

/**
 * SipHash-2-4 of `data` under `key`, as an unsigned 64-bit integer.
 *
 * @example
 * ```ts
 * const key = sipKeyFromBytes(Uint8Array.from({ length: 16 }, (_, i) => i))
 * sipHash24(key, new Uint8Array(0)) // 0x726fdb47dd0e0e31n
 * ```
 */
export function sipHash24 (key: SipKey, data: Uint8Array): bigint {
  run(key, data)
  return (BigInt(result[0]) << 32n) | BigInt(result[1])
}

/** SipHash-2-4 as the 8 output bytes, least significant first (the reference byte order). */
export function sipHash24Bytes (key: SipKey, data: Uint8Array): Uint8Array {
  run(key, data)
  const out = new Uint8Array(8)
  const dv = new DataView(out.buffer)
  dv.setUint32(0, result[1], true)
  dv.setUint32(4, result[0], true)
  return out
}

/** The low 48 bits of SipHash-2-4, as a number: a BIP152 short id, without allocating. */
export function sipHash24Low48 (key: SipKey, data: Uint8Array): number {
  run(key, data)
  return (result[0] & 0xffff) * 0x1_0000_0000 + result[1]
}
