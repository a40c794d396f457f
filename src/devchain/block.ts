/**
 * Blocks: a header and length-prefixed transactions, coinbase first.
 *
 * ```
 * block = header:84  nTx:varint  (txLen:varint tx)*
 * ```
 *
 * Length prefixes let the network split a block into header and transactions
 * (compact blocks) without decoding it. The merkle tree pairs nodes with
 * `sha256d(0x01 || left || right)`; an odd node is carried up unchanged (not
 * duplicated), which rules out Bitcoin's CVE-2012-2459 mutation, and the
 * 0x01 prefix separates inner nodes from txids (no 64-byte-transaction
 * ambiguity).
 *
 * @module
 */
import { bytesEqual, concat, reader, toHex, varintSize, writer } from './codec.ts'
import { HEADER_BYTES, MAX_BLOCK_BYTES, MAX_BLOCK_SIGOPS, MAX_TX_BYTES, MIN_TX_BYTES } from './constants.ts'
import { sha256d } from './crypto.ts'
import { InvalidBlockError, InvalidTxError, MalformedError } from './errors.ts'
import { decodeHeader, encodeHeader, headerHash } from './header.ts'
import type { BlockHeader } from './header.ts'
import { checkTxSanity, coinbaseHeight, decodeTx, isCoinbase } from './tx.ts'
import type { DecodedTx } from './tx.ts'

/** A decoded block with its hash and bytes. */
export interface DecodedBlock {
  header: BlockHeader
  headerBytes: Uint8Array
  hash: Uint8Array
  txs: DecodedTx[]
  bytes: Uint8Array
}

const MAX_TXS = Math.floor((MAX_BLOCK_BYTES - HEADER_BYTES) / (MIN_TX_BYTES + 1))

/** Split a serialised block into its header and transaction bytes (views). Throws {@link MalformedError}. */
export function splitBlockBytes (bytes: Uint8Array): { header: Uint8Array, txs: Uint8Array[] } {
  if (!(bytes instanceof Uint8Array)) throw new MalformedError('bad-length', 'block is not a byte array')
  if (bytes.length > MAX_BLOCK_BYTES) throw new MalformedError('too-large', `block has ${bytes.length} bytes (max ${MAX_BLOCK_BYTES})`)
  const r = reader(bytes)
  const header = r.bytes(HEADER_BYTES, 'block.header')
  const n = r.count(MAX_TXS, 'block.txs')
  const txs: Uint8Array[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const len = r.varint('block.tx.length')
    if (len > MAX_TX_BYTES) throw new MalformedError('too-large', `block tx ${i} has ${len} bytes (max ${MAX_TX_BYTES})`)
    txs[i] = r.bytes(len, 'block.tx')
  }
  r.end('block')
  return { header, txs }
}

/** Serialise a block from header and transaction bytes. */
export function assembleBlockBytes (header: Uint8Array, txs: Uint8Array[]): Uint8Array {
  let size = header.length + varintSize(txs.length)
  for (const t of txs) size += varintSize(t.length) + t.length
  const w = writer(size)
  w.bytes(header)
  w.varint(txs.length)
  for (const t of txs) {
    w.varint(t.length)
    w.bytes(t)
  }
  return w.finish()
}

/** Decode a block completely. Throws {@link MalformedError} (verdict `fatal`). */
export function decodeBlock (bytes: Uint8Array): DecodedBlock {
  const parts = splitBlockBytes(bytes)
  const header = decodeHeader(parts.header)
  const txs = parts.txs.map(decodeTx)
  return { header, headerBytes: parts.header, hash: headerHash(parts.header), txs, bytes }
}

/** Build a decoded block from a header and decoded transactions. */
export function makeBlock (header: BlockHeader, txs: DecodedTx[]): DecodedBlock {
  const headerBytes = encodeHeader(header)
  const bytes = assembleBlockBytes(headerBytes, txs.map(t => t.bytes))
  return { header, headerBytes, hash: headerHash(headerBytes), txs, bytes }
}

const NODE_PREFIX = new Uint8Array([1])

/** The merkle root of a list of txids. */
export function merkleRoot (txids: Uint8Array[]): Uint8Array {
  if (txids.length === 0) return new Uint8Array(32)
  let level = txids
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 === level.length) next.push(level[i])
      else next.push(sha256d(concat([NODE_PREFIX, level[i], level[i + 1]])))
    }
    level = next
  }
  return level[0]
}

/** Signature checks a transaction needs: one per spending input. */
export function txSigops (tx: DecodedTx): number {
  return isCoinbase(tx) ? 0 : tx.inputs.length
}

/**
 * Context-free block checks (Bitcoin's CheckBlock, minus PoW which the caller
 * checks first): size, coinbase placement and height, merkle root, duplicate
 * transactions, each transaction's sanity, the sigop limit. Throws
 * {@link InvalidBlockError} (verdict `fatal`).
 */
export function checkBlockSanity (block: DecodedBlock): void {
  const { txs, header } = block
  if (block.bytes.length > MAX_BLOCK_BYTES) throw new InvalidBlockError('too-large', `block has ${block.bytes.length} bytes (max ${MAX_BLOCK_BYTES})`)
  if (txs.length === 0 || !isCoinbase(txs[0])) throw new InvalidBlockError('no-coinbase', 'first transaction is not a coinbase')
  const root = merkleRoot(txs.map(t => t.txid))
  if (!bytesEqual(root, header.merkleRoot)) {
    throw new InvalidBlockError('bad-merkle-root', `merkle root ${toHex(header.merkleRoot)} does not match the transactions (${toHex(root)})`)
  }
  const seen = new Set<string>()
  let sigops = 0
  for (let i = 0; i < txs.length; i++) {
    const tx = txs[i]
    if (i > 0 && isCoinbase(tx)) throw new InvalidBlockError('extra-coinbase', `transaction ${i} is a second coinbase`, 'fatal', i)
    const id = toHex(tx.txid)
    if (seen.has(id)) throw new InvalidBlockError('duplicate-tx', `transaction ${i} (${id}) appears twice`, 'fatal', i)
    seen.add(id)
    try {
      checkTxSanity(tx, tx.bytes.length)
    } catch (err) {
      if (err instanceof InvalidTxError) throw new InvalidBlockError(err.rule, `transaction ${i}: ${err.message}`, 'fatal', i, { cause: err })
      throw err
    }
    sigops += txSigops(tx)
  }
  if (sigops > MAX_BLOCK_SIGOPS) throw new InvalidBlockError('too-many-sigops', `block needs ${sigops} signature checks (max ${MAX_BLOCK_SIGOPS})`)
  const h = coinbaseHeight(txs[0])
  if (h !== header.height) throw new InvalidBlockError('bad-coinbase-height', `coinbase commits to height ${h}, header says ${header.height}`, 'fatal', 0)
}
