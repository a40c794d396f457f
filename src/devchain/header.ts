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
import { reader, writer } from './codec.ts'
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

/** Decode exactly one header. Throws {@link MalformedError} on any other length. */
export function decodeHeader (bytes: Uint8Array): BlockHeader {
  if (!(bytes instanceof Uint8Array)) throw new MalformedError('bad-length', 'header is not a byte array')
  if (bytes.length !== HEADER_BYTES) {
    throw new MalformedError(bytes.length < HEADER_BYTES ? 'truncated' : 'trailing-bytes', `header has ${bytes.length} bytes (expected ${HEADER_BYTES})`)
  }
  const r = reader(bytes)
  const h: BlockHeader = {
    version: r.u32('header.version'),
    prevHash: r.bytes(HASH_BYTES, 'header.prevHash'),
    merkleRoot: r.bytes(HASH_BYTES, 'header.merkleRoot'),
    time: r.u32('header.time'),
    bits: r.u32('header.bits'),
    nonce: r.u32('header.nonce'),
    height: r.u32('header.height')
  }
  r.end('header')
  return h
}

/** The hash of a serialised header. */
export function headerHash (bytes: Uint8Array): Uint8Array {
  return sha256d(bytes)
}
