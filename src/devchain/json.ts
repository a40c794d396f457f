/**
 * JSON views of chain objects for the control API and the CLI. Hashes are
 * lowercase hex, amounts and work are decimal strings (they exceed 2^53).
 *
 * @module
 */
import { toHex } from './codec.ts'
import { encodeAddress } from './address.ts'
import type { DecodedBlock } from './block.ts'
import { inputPubkey, inputSignature, isCoinbase } from './tx.ts'
import type { DecodedTx } from './tx.ts'

/** `GET /tip`. */
export interface TipJson {
  height: number
  hash: string
  /** Cumulative work of the best chain, decimal. */
  work: string
}

/** One input of {@link TxJson}. */
export interface TxInputJson {
  prevTxid: string
  vout: number
  /** Spending inputs: the public key and signature. */
  pubkey?: string
  signature?: string
  /** Coinbase input: the raw unlock (height and tag). */
  coinbase?: string
}

/** One output of {@link TxJson}. */
export interface TxOutputJson {
  /** Base units, decimal. */
  amount: string
  pkh: string
  address: string
}

/** A transaction as JSON. */
export interface TxJson {
  txid: string
  size: number
  version: number
  coinbase: boolean
  inputs: TxInputJson[]
  outputs: TxOutputJson[]
}

/** `GET /tx/:id`. */
export interface TxLookup {
  txid: string
  status: 'mempool' | 'confirmed'
  /** Present when confirmed. */
  blockHash?: string
  height?: number
  confirmations?: number
  /** Present for mempool entries (base units, decimal). */
  fee?: string
  /** Base units per 1000 bytes, for mempool entries. */
  feeRate?: number
  tx: TxJson
  /** The serialised transaction. */
  hex: string
}

/** `GET /blocks/:hashOrHeight`. */
export interface BlockJson {
  hash: string
  height: number
  version: number
  prevHash: string
  merkleRoot: string
  time: number
  /** Compact target, 8 hex digits. */
  bits: string
  nonce: number
  /** This block's work, decimal. */
  work: string
  /** Cumulative work up to this block, decimal. */
  totalWork: string
  size: number
  inBestChain: boolean
  /** 1 for the tip; 0 when not on the best chain. */
  confirmations: number
  nextHash?: string
  txs: TxJson[]
}

/** JSON view of a transaction; addresses are for `network`. */
export function txJson (tx: DecodedTx, network: string): TxJson {
  const cb = isCoinbase(tx)
  return {
    txid: toHex(tx.txid),
    size: tx.bytes.length,
    version: tx.version,
    coinbase: cb,
    inputs: tx.inputs.map(i => cb
      ? { prevTxid: toHex(i.prevTxid), vout: i.vout, coinbase: toHex(i.unlock) }
      : { prevTxid: toHex(i.prevTxid), vout: i.vout, pubkey: toHex(inputPubkey(i)), signature: toHex(inputSignature(i)) }),
    outputs: tx.outputs.map(o => ({ amount: o.amount.toString(), pkh: toHex(o.pkh), address: encodeAddress(network, o.pkh) }))
  }
}

/** JSON view of a block with its index facts. */
export function blockJson (block: DecodedBlock, network: string, extra: { work: bigint, totalWork: bigint, inBestChain: boolean, tipHeight: number, nextHash?: Uint8Array }): BlockJson {
  const h = block.header
  const json: BlockJson = {
    hash: toHex(block.hash),
    height: h.height,
    version: h.version,
    prevHash: toHex(h.prevHash),
    merkleRoot: toHex(h.merkleRoot),
    time: h.time,
    bits: h.bits.toString(16).padStart(8, '0'),
    nonce: h.nonce,
    work: extra.work.toString(),
    totalWork: extra.totalWork.toString(),
    size: block.bytes.length,
    inBestChain: extra.inBestChain,
    confirmations: extra.inBestChain ? extra.tipHeight - h.height + 1 : 0,
    txs: block.txs.map(t => txJson(t, network))
  }
  if (extra.nextHash !== undefined) json.nextHash = toHex(extra.nextHash)
  return json
}
