/**
 * Hashing and signatures of the reference chain.
 *
 * Primitive choice (measured side by side in `bench/devchain.bench.ts`, see
 * `bench/results/devchain.md`): Node's `crypto` (OpenSSL) beats
 * `@noble/hashes` / `@noble/curves` on every operation we use (ranges over
 * runs on a shared two-core machine): one-shot `crypto.hash` double SHA-256
 * of an 84-byte header is 1.3–1.6× noble (and 1.5–1.8× `createHash`, whose
 * object set-up dominates small inputs), 1.5–2× on a 200-byte transaction;
 * Ed25519 verification is 7–11× (fresh key) to 13–18× (cached key) faster
 * and signing 16–21×. OpenSSL's Ed25519 also rejects a
 * non-canonical `S`, so a signature cannot be mutated into another valid
 * one (txids commit to signatures).
 *
 * @module
 */
import { createPrivateKey, createPublicKey, hash, sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { PKH_BYTES, PUBKEY_BYTES, PUBKEY_CACHE_SIZE, SIGNATURE_BYTES } from './constants.ts'

function plain (b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}

/** SHA-256 of `data` (a plain Uint8Array, not a Buffer, so results compare equal everywhere). */
export function sha256 (data: Uint8Array): Uint8Array {
  return plain(hash('sha256', data, 'buffer'))
}

/** Double SHA-256 of `data`: block hashes, txids, merkle nodes, sighashes. */
export function sha256d (data: Uint8Array): Uint8Array {
  return plain(hash('sha256', hash('sha256', data, 'buffer'), 'buffer'))
}

/** The public-key hash outputs pay to: the first 20 bytes of SHA-256(pubkey). */
export function pubkeyHash (pubkey: Uint8Array): Uint8Array {
  return sha256(pubkey).subarray(0, PKH_BYTES)
}

// DER prefixes that turn a raw 32-byte Ed25519 key into SPKI / PKCS#8 (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/** A parsed Ed25519 key pair. */
export interface KeyPair {
  /** The 32-byte seed (the private key). */
  seed: Uint8Array
  /** The 32-byte public key. */
  pubkey: Uint8Array
  /** Hash the outputs of this key pay to. */
  pkh: Uint8Array
  /** @internal the OpenSSL key */
  privateKey: KeyObject
}

/** The key pair of a 32-byte seed. */
export function keyPairFromSeed (seed: Uint8Array): KeyPair {
  if (seed.length !== 32) throw new RangeError(`seed must be 32 bytes, got ${seed.length}`)
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' })
  const pubkey = new Uint8Array(spki.subarray(spki.length - PUBKEY_BYTES))
  return { seed: new Uint8Array(seed), pubkey, pkh: pubkeyHash(pubkey), privateKey }
}

/** Sign `msg` (a 32-byte sighash) with Ed25519. */
export function signMessage (key: KeyPair, msg: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, msg, key.privateKey))
}

const keyCache = new Map<string, KeyObject | null>()

function publicKeyObject (pubkey: Uint8Array): KeyObject | null {
  const id = Buffer.from(pubkey.buffer, pubkey.byteOffset, pubkey.byteLength).toString('latin1')
  let key = keyCache.get(id)
  if (key !== undefined) return key
  try {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pubkey]), format: 'der', type: 'spki' })
  } catch {
    key = null // not a point on the curve: every signature fails
  }
  if (keyCache.size >= PUBKEY_CACHE_SIZE) {
    // evict the oldest entry (Map iterates in insertion order)
    keyCache.delete(keyCache.keys().next().value as string)
  }
  keyCache.set(id, key)
  return key
}

/** Verify an Ed25519 signature. Never throws: malformed keys or signatures verify as false. */
export function verifySignature (pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (pubkey.length !== PUBKEY_BYTES || sig.length !== SIGNATURE_BYTES) return false
  const key = publicKeyObject(pubkey)
  if (key == null) return false
  try {
    return verify(null, msg, key, sig)
  } catch {
    return false
  }
}
