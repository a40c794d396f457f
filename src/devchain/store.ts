/**
 * The chain's LevelDB layout. One key space, one prefix byte per record kind:
 *
 * | prefix | key                          | value                                  |
 * |--------|------------------------------|----------------------------------------|
 * | `M`    | —                            | genesis hash 32, format version u32    |
 * | `b`    | block hash                   | serialised block                       |
 * | `h`    | block hash                   | header 84, total work 32 (BE), status 1|
 * | `H`    | height u32 BE                | hash of the best-chain block           |
 * | `u`    | txid, vout u32 BE            | coin (see below)                       |
 * | `a`    | pkh 20, txid, vout u32 BE    | coin (address index of `u`)            |
 * | `r`    | block hash                   | undo: the coins the block spent, in order |
 * | `x`    | txid                         | hash of the best-chain block holding it |
 * | `t`    | —                            | tip hash                               |
 *
 * A coin is `amount u64 LE, pkh 20, height u32 LE, flags u8` (bit 0: coinbase).
 *
 * Writes: storing a block (`b` + `h`) is one batch; connecting or
 * disconnecting a block (`u`, `a`, `r`, `x`, `H`, `h`, `t`) is one batch. So a
 * process killed at any moment leaves the store at a block boundary, and the
 * tip record always names a connected block whose undo data exists.
 *
 * @module
 */
import { ClassicLevel } from 'classic-level'
import { concat } from './codec.ts'
import { HASH_BYTES, HEADER_BYTES, PKH_BYTES } from './constants.ts'

/** The database type used by the chain: binary keys and values. */
export type ChainDb = ClassicLevel<Uint8Array, Uint8Array>

/** Layout version, stored in the meta record. */
export const STORE_FORMAT_VERSION = 1

const P = {
  meta: 0x4d, // M
  block: 0x62, // b
  header: 0x68, // h
  height: 0x48, // H
  utxo: 0x75, // u
  addr: 0x61, // a
  undo: 0x72, // r
  txIndex: 0x78, // x
  tip: 0x74 // t
} as const

/** Open (creating if needed) the database at `location`. */
export async function openDb (location: string): Promise<ChainDb> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open()
  return db
}

function prefixed (prefix: number, ...parts: Uint8Array[]): Uint8Array {
  return concat([new Uint8Array([prefix]), ...parts])
}

function u32be (n: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n, false)
  return b
}

/** Key builders, one per record kind (see the table above). */
export const keys = {
  meta: (): Uint8Array => new Uint8Array([P.meta]),
  tip: (): Uint8Array => new Uint8Array([P.tip]),
  block: (hash: Uint8Array): Uint8Array => prefixed(P.block, hash),
  header: (hash: Uint8Array): Uint8Array => prefixed(P.header, hash),
  height: (h: number): Uint8Array => prefixed(P.height, u32be(h)),
  utxo: (txid: Uint8Array, vout: number): Uint8Array => prefixed(P.utxo, txid, u32be(vout)),
  addr: (pkh: Uint8Array, txid: Uint8Array, vout: number): Uint8Array => prefixed(P.addr, pkh, txid, u32be(vout)),
  undo: (hash: Uint8Array): Uint8Array => prefixed(P.undo, hash),
  txIndex: (txid: Uint8Array): Uint8Array => prefixed(P.txIndex, txid),
  /** Range bounds covering every key of a prefix (optionally narrowed by `sub`). */
  range: (kind: keyof typeof P, sub: Uint8Array = new Uint8Array(0)): { gte: Uint8Array, lt: Uint8Array } => {
    const gte = prefixed(P[kind], sub)
    const lt = new Uint8Array(gte)
    // increment the key as a big-endian number to get the exclusive upper bound
    let i = lt.length - 1
    while (i >= 0 && lt[i] === 0xff) lt[i--] = 0
    if (i >= 0) lt[i]++
    return { gte, lt }
  }
}

/** Parse `txid, vout` back out of a `u` key or the tail of an `a` key. */
export function outpointFromKey (key: Uint8Array, offset: number): { txid: Uint8Array, vout: number } {
  const txid = key.slice(offset, offset + HASH_BYTES)
  const vout = new DataView(key.buffer, key.byteOffset, key.byteLength).getUint32(offset + HASH_BYTES, false)
  return { txid, vout }
}

/** Offset of the outpoint in a `u` key. */
export const UTXO_KEY_OUTPOINT = 1
/** Offset of the outpoint in an `a` key (after the prefix and the pkh). */
export const ADDR_KEY_OUTPOINT = 1 + PKH_BYTES

/** An unspent output with what validation needs. */
export interface Coin {
  amount: bigint
  pkh: Uint8Array
  /** Height of the block that created it. */
  height: number
  coinbase: boolean
}

/** Serialised size of a coin. */
export const COIN_BYTES = 8 + PKH_BYTES + 4 + 1

/** Serialise a coin. */
export function encodeCoin (c: Coin): Uint8Array {
  const b = new Uint8Array(COIN_BYTES)
  const v = new DataView(b.buffer)
  v.setBigUint64(0, c.amount, true)
  b.set(c.pkh, 8)
  v.setUint32(8 + PKH_BYTES, c.height, true)
  b[COIN_BYTES - 1] = c.coinbase ? 1 : 0
  return b
}

/** Read a coin at `offset` (stored data: trusted). */
export function decodeCoin (b: Uint8Array, offset = 0): Coin {
  const v = new DataView(b.buffer, b.byteOffset + offset, COIN_BYTES)
  return {
    amount: v.getBigUint64(0, true),
    pkh: b.slice(offset + 8, offset + 8 + PKH_BYTES),
    height: v.getUint32(8 + PKH_BYTES, true),
    coinbase: b[offset + COIN_BYTES - 1] === 1
  }
}

/** Status bits of a header record. */
export const STATUS = {
  /** The full block is stored. */
  hasBlock: 1,
  /** The block was fully validated (connected at least once). */
  valid: 2,
  /** The block broke a rule. */
  failed: 4
} as const

/** A header index record. */
export interface HeaderRecord {
  header: Uint8Array
  totalWork: bigint
  status: number
}

/** Size of a header index record. */
export const HEADER_RECORD_BYTES = HEADER_BYTES + 32 + 1

/** Serialise a header index record. */
export function encodeHeaderRecord (r: HeaderRecord): Uint8Array {
  const b = new Uint8Array(HEADER_RECORD_BYTES)
  b.set(r.header, 0)
  let w = r.totalWork
  for (let i = HEADER_BYTES + 31; i >= HEADER_BYTES; i--) {
    b[i] = Number(w & 0xffn)
    w >>= 8n
  }
  b[HEADER_RECORD_BYTES - 1] = r.status
  return b
}

/** Read a header index record. */
export function decodeHeaderRecord (b: Uint8Array): HeaderRecord {
  if (b.length !== HEADER_RECORD_BYTES) throw new RangeError(`header record has ${b.length} bytes`)
  let w = 0n
  for (let i = HEADER_BYTES; i < HEADER_BYTES + 32; i++) w = (w << 8n) | BigInt(b[i])
  // a view into the record: the index copies it into its header arena
  return { header: b.subarray(0, HEADER_BYTES), totalWork: w, status: b[HEADER_RECORD_BYTES - 1] }
}

/** Serialise the meta record: which chain this store holds, in which layout. */
export function encodeMeta (genesisHash: Uint8Array): Uint8Array {
  return concat([genesisHash, u32be(STORE_FORMAT_VERSION)])
}

/** Read the meta record, or undefined if it is not one. */
export function decodeMeta (b: Uint8Array): { genesisHash: Uint8Array, version: number } | undefined {
  if (b.length !== HASH_BYTES + 4) return undefined
  return { genesisHash: b.slice(0, HASH_BYTES), version: new DataView(b.buffer, b.byteOffset).getUint32(HASH_BYTES, false) }
}
