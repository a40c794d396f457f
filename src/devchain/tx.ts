/**
 * Transactions in the UTXO model.
 *
 * ```
 * tx     = version:u32  nIn:varint  input*  nOut:varint  output*
 * input  = prevTxid:32  vout:u32  unlockLen:varint  unlock
 * output = amount:u64   pkh:20
 * ```
 *
 * A spending input's unlock is the Ed25519 public key (32) followed by a
 * signature (64) over the transaction's sighash; the key must hash to the
 * spent output's `pkh`. A coinbase has exactly one input with the null
 * outpoint (zero txid, vout 0xffffffff) whose unlock starts with the block
 * height (u32 LE, as BIP34) followed by up to 96 free bytes.
 *
 * The txid is the double SHA-256 of the canonical serialisation (signatures
 * included). The sighash is the double SHA-256 of a tag, the genesis hash (a
 * signature is valid on one network only) and the transaction with every
 * unlock emptied; one sighash covers all inputs (Bitcoin's SIGHASH_ALL).
 *
 * @module
 */
import { bytesEqual, concat, reader, toHex, varintSize, writer } from './codec.ts'
import {
  COINBASE_VOUT, HASH_BYTES, MAX_MONEY, MAX_TX_BYTES, MAX_UNLOCK_BYTES, MIN_COINBASE_UNLOCK_BYTES,
  MIN_INPUT_BYTES, OUTPUT_BYTES, PKH_BYTES, PUBKEY_BYTES, SPEND_UNLOCK_BYTES
} from './constants.ts'
import { sha256d, signMessage } from './crypto.ts'
import type { KeyPair } from './crypto.ts'
import { InvalidTxError, MalformedError } from './errors.ts'
import type { Reader } from './codec.ts'

/** One input: the outpoint it spends and the data unlocking it. */
export interface TxInput {
  prevTxid: Uint8Array
  vout: number
  unlock: Uint8Array
}

/** One output: an amount paid to a public-key hash. */
export interface TxOutput {
  amount: bigint
  pkh: Uint8Array
}

/** A decoded transaction. */
export interface Tx {
  version: number
  inputs: TxInput[]
  outputs: TxOutput[]
}

/** A transaction with its canonical bytes and id. */
export interface DecodedTx extends Tx {
  bytes: Uint8Array
  txid: Uint8Array
}

const ZERO_HASH = new Uint8Array(HASH_BYTES)
const SIGHASH_TAG = new TextEncoder().encode('chainwire/devchain/sighash/v1')

/** Serialised size of a transaction. */
export function txSize (tx: Tx): number {
  let n = 4 + varintSize(tx.inputs.length) + varintSize(tx.outputs.length) + tx.outputs.length * OUTPUT_BYTES
  for (const i of tx.inputs) n += HASH_BYTES + 4 + varintSize(i.unlock.length) + i.unlock.length
  return n
}

/** Serialise a transaction. */
export function encodeTx (tx: Tx): Uint8Array {
  const w = writer(txSize(tx))
  w.u32(tx.version)
  w.varint(tx.inputs.length)
  for (const i of tx.inputs) {
    w.bytes(i.prevTxid)
    w.u32(i.vout)
    w.varint(i.unlock.length)
    w.bytes(i.unlock)
  }
  w.varint(tx.outputs.length)
  for (const o of tx.outputs) {
    w.u64(o.amount)
    w.bytes(o.pkh)
  }
  return w.finish()
}

/** Read one transaction from `r` (used for standalone transactions and inside blocks). */
export function readTx (r: Reader): Tx {
  const version = r.u32('tx.version')
  const nIn = r.count(Math.floor(MAX_TX_BYTES / MIN_INPUT_BYTES), 'tx.inputs')
  const inputs: TxInput[] = new Array(nIn)
  for (let i = 0; i < nIn; i++) {
    const prevTxid = r.bytes(HASH_BYTES, 'tx.input.prevTxid')
    const vout = r.u32('tx.input.vout')
    const len = r.count(MAX_UNLOCK_BYTES, 'tx.input.unlock')
    inputs[i] = { prevTxid, vout, unlock: r.bytes(len, 'tx.input.unlock') }
  }
  const nOut = r.count(Math.floor(MAX_TX_BYTES / OUTPUT_BYTES), 'tx.outputs')
  const outputs: TxOutput[] = new Array(nOut)
  for (let i = 0; i < nOut; i++) {
    outputs[i] = { amount: r.u64('tx.output.amount'), pkh: r.bytes(PKH_BYTES, 'tx.output.pkh') }
  }
  return { version, inputs, outputs }
}

/**
 * Decode a standalone transaction. Throws {@link MalformedError} (verdict
 * `fatal`) unless `bytes` is exactly one canonical transaction of at most
 * {@link MAX_TX_BYTES}.
 */
export function decodeTx (bytes: Uint8Array): DecodedTx {
  if (!(bytes instanceof Uint8Array)) throw new MalformedError('bad-length', 'transaction is not a byte array')
  if (bytes.length > MAX_TX_BYTES) throw new MalformedError('too-large', `transaction has ${bytes.length} bytes (max ${MAX_TX_BYTES})`)
  const r = reader(bytes)
  const tx = readTx(r)
  r.end('tx')
  return { ...tx, bytes, txid: sha256d(bytes) }
}

/** Attach bytes and txid to a transaction built locally. */
export function finalizeTx (tx: Tx): DecodedTx {
  const bytes = encodeTx(tx)
  return { ...tx, bytes, txid: sha256d(bytes) }
}

/** The id of a serialised transaction. */
export function txidOf (bytes: Uint8Array): Uint8Array {
  return sha256d(bytes)
}

/** True for a coinbase: one input spending the null outpoint. */
export function isCoinbase (tx: Tx): boolean {
  return tx.inputs.length === 1 && tx.inputs[0].vout === COINBASE_VOUT && bytesEqual(tx.inputs[0].prevTxid, ZERO_HASH)
}

/** The height a coinbase commits to (first 4 bytes of its unlock). */
export function coinbaseHeight (tx: Tx): number | undefined {
  const u = tx.inputs[0]?.unlock
  if (u == null || u.length < MIN_COINBASE_UNLOCK_BYTES) return undefined
  return new DataView(u.buffer, u.byteOffset, u.byteLength).getUint32(0, true)
}

/** The message every input of `tx` signs, bound to one network by its genesis hash. */
export function sighash (tx: Tx, genesisHash: Uint8Array): Uint8Array {
  const stripped = encodeTx({ ...tx, inputs: tx.inputs.map(i => ({ prevTxid: i.prevTxid, vout: i.vout, unlock: new Uint8Array(0) })) })
  return sha256d(concat([SIGHASH_TAG, genesisHash, stripped]))
}

/** Key of an outpoint in maps: txid hex and vout. */
export function outpointKey (txid: Uint8Array, vout: number): string {
  return `${toHex(txid)}:${vout}`
}

/**
 * Context-free checks every transaction must pass (Bitcoin's CheckTransaction):
 * inputs and outputs present, unlock shapes, amounts in range, no input
 * spent twice. Throws {@link InvalidTxError} (verdict `fatal`).
 */
export function checkTxSanity (tx: Tx, size: number): void {
  if (tx.inputs.length === 0) throw new InvalidTxError('no-inputs', 'transaction has no inputs')
  if (tx.outputs.length === 0) throw new InvalidTxError('no-outputs', 'transaction has no outputs')
  if (size > MAX_TX_BYTES) throw new InvalidTxError('too-large', `transaction has ${size} bytes (max ${MAX_TX_BYTES})`)
  let total = 0n
  for (const o of tx.outputs) {
    if (o.amount < 0n || o.amount > MAX_MONEY) throw new InvalidTxError('amount-out-of-range', `output amount ${o.amount} outside 0..${MAX_MONEY}`)
    total += o.amount
    if (total > MAX_MONEY) throw new InvalidTxError('amount-out-of-range', `outputs total ${total} exceeds ${MAX_MONEY}`)
  }
  if (isCoinbase(tx)) {
    const len = tx.inputs[0].unlock.length
    if (len < MIN_COINBASE_UNLOCK_BYTES || len > MAX_UNLOCK_BYTES) {
      throw new InvalidTxError('bad-coinbase', `coinbase unlock has ${len} bytes (${MIN_COINBASE_UNLOCK_BYTES}..${MAX_UNLOCK_BYTES})`)
    }
    return
  }
  const seen = new Set<string>()
  for (let i = 0; i < tx.inputs.length; i++) {
    const input = tx.inputs[i]
    if (input.vout === COINBASE_VOUT && bytesEqual(input.prevTxid, ZERO_HASH)) {
      throw new InvalidTxError('bad-coinbase', `input ${i} spends the null outpoint outside a coinbase`)
    }
    if (input.unlock.length !== SPEND_UNLOCK_BYTES) {
      throw new InvalidTxError('bad-unlock', `input ${i} unlock has ${input.unlock.length} bytes (expected ${SPEND_UNLOCK_BYTES})`)
    }
    const key = outpointKey(input.prevTxid, input.vout)
    if (seen.has(key)) throw new InvalidTxError('duplicate-input', `input ${i} spends ${key} twice`)
    seen.add(key)
  }
}

/** The public key of a spending input. */
export function inputPubkey (input: TxInput): Uint8Array {
  return input.unlock.subarray(0, PUBKEY_BYTES)
}

/** The signature of a spending input. */
export function inputSignature (input: TxInput): Uint8Array {
  return input.unlock.subarray(PUBKEY_BYTES, SPEND_UNLOCK_BYTES)
}

/** Sign every input of `tx` with the key that owns it. `keys[i]` signs input `i`. */
export function signTx (tx: Tx, keys: KeyPair[], genesisHash: Uint8Array): DecodedTx {
  if (keys.length !== tx.inputs.length) throw new RangeError(`need one key per input (${tx.inputs.length}), got ${keys.length}`)
  const msg = sighash(tx, genesisHash)
  const inputs = tx.inputs.map((input, i) => ({
    prevTxid: input.prevTxid,
    vout: input.vout,
    unlock: concat([keys[i].pubkey, signMessage(keys[i], msg)])
  }))
  return finalizeTx({ ...tx, inputs })
}

/** Size a transaction will have once signed (every spending unlock is 96 bytes). */
export function signedTxSize (nInputs: number, nOutputs: number): number {
  return 4 + varintSize(nInputs) + nInputs * (HASH_BYTES + 4 + 1 + SPEND_UNLOCK_BYTES) + varintSize(nOutputs) + nOutputs * OUTPUT_BYTES
}
