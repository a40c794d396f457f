/**
 * BIP152 short transaction ids.
 *
 * The SipHash key of a compact block is the first 16 bytes of
 * `SHA256(header ‖ nonce)`, the nonce serialised as 8 bytes little-endian
 * (k0 = bytes 0..7, k1 = bytes 8..15, each little-endian). A short id is
 * `SipHash-2-4(k0, k1, txid)` truncated to its low 48 bits (6 bytes, sent
 * little-endian). The txid is hashed as the 32 bytes the chain uses for it.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { sipHash24Low48, sipKeyFromBytes } from './siphash.ts'
import type { SipKey } from './siphash.ts'

export type { SipKey } from './siphash.ts'

/** Bytes of a serialised short-id nonce. */
const NONCE_BYTES = 8

/**
 * The SipHash key of the short ids of the compact block with `header` and `nonce`.
 *
 * @example
 * ```ts
 * const key = shortIdKey(header, 0x0123456789abcdefn)
 * const id = shortId(key, txid) // a 48-bit number
 * ```
 */
export function shortIdKey (header: Uint8Array, nonce: bigint): SipKey {
  const n = new Uint8Array(NONCE_BYTES)
  new DataView(n.buffer).setBigUint64(0, BigInt.asUintN(64, nonce), true)
  const digest = createHash('sha256').update(header).update(n).digest()
  return sipKeyFromBytes(digest.subarray(0, 16))
}

/** The 48-bit short id of `txid` under `key`. */
export function shortId (key: SipKey, txid: Uint8Array): number {
  return sipHash24Low48(key, txid)
}
