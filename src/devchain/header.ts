/**
 * Block headers: a fixed 84-byte record.
 *
 * | field       | bytes | meaning                                        |
 * |-------------|-------|------------------------------------------------|
 * | version     | 4     | u32 LE, currently 1                            |
 * | prevHash    | 32    | hash of the parent header                      |
 * | merkleRoot  | 32    | root of the transaction tree (see `block.ts`)  |
 * | time        | 4     | u32 LE, seconds since the epoch                |
 * | bits        | 4     | u32 LE, compact target (see `pow.ts`)          |
 * | nonce       | 4     | u32 LE                                         |
 * | height      | 4     | u32 LE, genesis is 0                           |
 *
 * The block hash is the double SHA-256 of these 84 bytes.
 *
 * @module
 */
import { readU32LE, writer } from './codec.ts'
import { HASH_BYTES, HEADER_BYTES } from './constants.ts'
import { sha256d } from './crypto.ts'
import { MalformedError } from './errors.ts'

/** A decoded block header. */
export interface BlockHeader {
  version: number
  prevHash: Uint8Array
  merkleRoot: Uint8Array
  time: number
  bits: number
  nonce: number
  height: number
}

/** Serialise a header. */
export function encodeHeader (h: BlockHeader): Uint8Array {
  const w = writer(HEADER_BYTES)
  w.u32(h.version)
  w.bytes(h.prevHash)
  w.bytes(h.merkleRoot)
  w.u32(h.time)
  w.u32(h.bits)
  w.u32(h.nonce)
  w.u32(h.height)
  return w.finish()
}

/** Offset of `time`; `bits`, `nonce` and `height` follow it, 4 bytes each. */
const TIME_AT = 4 + 2 * HASH_BYTES

/** Decode exactly one header. Throws {@link MalformedError} on any other length. */
export function decodeHeader (bytes: Uint8Array): BlockHeader {
  if (!(bytes instanceof Uint8Array)) throw new MalformedError('bad-length', 'header is not a byte array')
  if (bytes.length !== HEADER_BYTES) {
    throw new MalformedError(bytes.length < HEADER_BYTES ? 'truncated' : 'trailing-bytes', `header has ${bytes.length} bytes (expected ${HEADER_BYTES})`)
  }
  // fixed offsets, read in place: a header sync decodes every header it validates
  return {
    version: readU32LE(bytes, 0),
    prevHash: bytes.subarray(4, 4 + HASH_BYTES),
    merkleRoot: bytes.subarray(4 + HASH_BYTES, 4 + 2 * HASH_BYTES),
    time: readU32LE(bytes, TIME_AT),
    bits: readU32LE(bytes, TIME_AT + 4),
    nonce: readU32LE(bytes, TIME_AT + 8),
    height: readU32LE(bytes, TIME_AT + 12)
  }
}

/** The hash of a serialised header. */
export function headerHash (bytes: Uint8Array): Uint8Array {
  return sha256d(bytes)
}
