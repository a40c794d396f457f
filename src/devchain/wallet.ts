/**
 * A minimal wallet: one Ed25519 key in `<dataDir>/wallet.key` (mode 0600),
 * balances from the UTXO set's address index, and sends built and signed
 * locally (largest coins first, change back to the same key).
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fromHex, toHex } from './codec.ts'
import { MAX_MONEY, MAX_TX_BYTES, WALLET_FILE } from './constants.ts'
import { keyPairFromSeed } from './crypto.ts'
import type { KeyPair } from './crypto.ts'
import { encodeAddress } from './address.ts'
import { WalletError } from './errors.ts'
import { signTx, signedTxSize } from './tx.ts'
import type { TxOutput } from './tx.ts'
import type { Devchain, Utxo } from './devchain.ts'
import type { MempoolAddResult } from '../chain/index.ts'

/** Balances of a wallet, base units. */
export interface WalletBalance {
  /** Confirmed, mature and not spent by a mempool transaction: what a send can use. */
  spendable: bigint
  /** Coinbase outputs that are not mature yet. */
  immature: bigint
  /** Everything confirmed (spendable, immature, and coins a pending send spends). */
  confirmed: bigint
  /** Outputs paying us in mempool transactions. */
  pendingIn: bigint
  /** Confirmed coins spent by mempool transactions. */
  pendingOut: bigint
  /** Confirmed coins. */
  utxos: number
}

/** A send request. Amounts in base units. */
export interface SendRequest {
  /** Recipient address. */
  to: string
  amount: bigint
  /** Absolute fee. @default the mempool's current minimum fee rate times the size */
  fee?: bigint
}

/** A signed, not yet broadcast transaction. */
export interface BuiltSend {
  tx: Uint8Array
  txid: string
  fee: bigint
  change: bigint
  inputs: number
}

/** A wallet bound to a chain. */
export interface Wallet {
  readonly address: string
  readonly pkh: Uint8Array
  readonly pubkey: Uint8Array
  balance (): Promise<WalletBalance>
  /** Build and sign a send. Throws {@link WalletError} (`bad-address`, `bad-amount`, `insufficient-funds`, `too-many-inputs`). */
  createSend (req: SendRequest): Promise<BuiltSend>
  /** Build, sign and add a send to the mempool. */
  send (req: SendRequest): Promise<BuiltSend & { result: MempoolAddResult }>
}

interface KeyFile { type: 'ed25519', seed: string }

function keyPath (dataDir: string): string {
  return join(dataDir, WALLET_FILE)
}

/** Create a new key in `<dataDir>/wallet.key`. Throws {@link WalletError} `key-exists` rather than overwrite one. */
export async function createWalletKey (dataDir: string): Promise<KeyPair> {
  await mkdir(dataDir, { recursive: true })
  const seed = randomBytes(32)
  const file: KeyFile = { type: 'ed25519', seed: seed.toString('hex') }
  try {
    await writeFile(keyPath(dataDir), JSON.stringify(file) + '\n', { mode: 0o600, flag: 'wx' })
  } catch (err: any) {
    if (err?.code === 'EEXIST') throw new WalletError('key-exists', `${keyPath(dataDir)} already exists`)
    throw err
  }
  return keyPairFromSeed(seed)
}

/** Load `<dataDir>/wallet.key`. Throws {@link WalletError} `no-key` or `bad-key-file`. */
export async function loadWalletKey (dataDir: string): Promise<KeyPair> {
  let text: string
  try {
    text = await readFile(keyPath(dataDir), 'utf8')
  } catch (err: any) {
    if (err?.code === 'ENOENT') throw new WalletError('no-key', `no wallet key at ${keyPath(dataDir)} (create one with \`wallet new\`)`)
    throw err
  }
  let seed: Uint8Array | undefined
  try {
    const parsed = JSON.parse(text) as Partial<KeyFile>
    if (parsed.type === 'ed25519' && typeof parsed.seed === 'string') seed = fromHex(parsed.seed)
  } catch (err) {
    throw new WalletError('bad-key-file', `${keyPath(dataDir)} is not a wallet key file`, { cause: err })
  }
  if (seed?.length !== 32) throw new WalletError('bad-key-file', `${keyPath(dataDir)} does not hold a 32-byte ed25519 seed`)
  return keyPairFromSeed(seed)
}

/** Load the wallet key, creating it first if there is none. */
export async function loadOrCreateWalletKey (dataDir: string): Promise<KeyPair> {
  try {
    return await loadWalletKey(dataDir)
  } catch (err) {
    if (err instanceof WalletError && err.rule === 'no-key') {
      try {
        return await createWalletKey(dataDir)
      } catch (e) {
        if (e instanceof WalletError && e.rule === 'key-exists') return await loadWalletKey(dataDir)
        throw e
      }
    }
    throw err
  }
}

/** The address of the wallet key in `dataDir` on `network`. */
export async function walletAddress (dataDir: string, network: string): Promise<string> {
  return encodeAddress(network, (await loadWalletKey(dataDir)).pkh)
}

/** A wallet for `key` on `chain`. */
export function walletFromKey (chain: Devchain, key: KeyPair): Wallet {
  const address = encodeAddress(chain.networkId, key.pkh)

  const coins = async (): Promise<Utxo[]> => await chain.listUnspent(key.pkh)
  const isMature = (c: Utxo): boolean => !c.coinbase || chain.tip().height + 1 - c.height >= chain.params.coinbaseMaturity

  const balance = async (): Promise<WalletBalance> => {
    const all = await coins()
    const b: WalletBalance = { spendable: 0n, immature: 0n, confirmed: 0n, pendingIn: 0n, pendingOut: 0n, utxos: all.length }
    for (const c of all) {
      b.confirmed += c.amount
      if (chain.mempool.spender(c.txid, c.vout) !== undefined) b.pendingOut += c.amount
      else if (!isMature(c)) b.immature += c.amount
      else b.spendable += c.amount
    }
    for (const e of chain.mempool.entries()) {
      const entry = chain.mempool.entry(e.txid)
      if (entry === undefined) continue
      for (const o of entry.decoded.outputs) if (Buffer.compare(o.pkh, key.pkh) === 0) b.pendingIn += o.amount
    }
    return b
  }

  const createSend = async (req: SendRequest): Promise<BuiltSend> => {
    const to = chain.addressToPkh(req.to)
    if (typeof req.amount !== 'bigint' || req.amount <= 0n || req.amount > MAX_MONEY) {
      throw new WalletError('bad-amount', `amount must be a positive bigint up to ${MAX_MONEY}`)
    }
    if (req.fee !== undefined && (typeof req.fee !== 'bigint' || req.fee < 0n || req.fee > MAX_MONEY)) {
      throw new WalletError('bad-amount', `fee must be a non-negative bigint up to ${MAX_MONEY}`)
    }
    const spendable = (await coins())
      .filter(c => isMature(c) && chain.mempool.spender(c.txid, c.vout) === undefined)
      .sort((a, b) => a.amount > b.amount ? -1 : a.amount < b.amount ? 1 : 0)
    const feeFor = (nIn: number, nOut: number): bigint => req.fee ?? BigInt(Math.ceil(chain.mempool.minFeeRate() * signedTxSize(nIn, nOut) / 1000))
    const picked: Utxo[] = []
    let sum = 0n
    for (const c of spendable) {
      picked.push(c)
      sum += c.amount
      if (sum >= req.amount + feeFor(picked.length, 2)) break
    }
    const fee = feeFor(picked.length, 2)
    if (sum < req.amount + fee) {
      throw new WalletError('insufficient-funds', `spendable ${sum} is less than amount ${req.amount} plus fee ${fee}`)
    }
    if (signedTxSize(picked.length, 2) > MAX_TX_BYTES) {
      throw new WalletError('too-many-inputs', `the send needs ${picked.length} inputs, over the ${MAX_TX_BYTES}-byte transaction limit`)
    }
    const change = sum - req.amount - fee
    const outputs: TxOutput[] = [{ amount: req.amount, pkh: to }]
    if (change > 0n) outputs.push({ amount: change, pkh: key.pkh })
    const tx = signTx({
      version: 1,
      inputs: picked.map(c => ({ prevTxid: c.txid, vout: c.vout, unlock: new Uint8Array(0) })),
      outputs
    }, picked.map(() => key), chain.genesisHash)
    return { tx: tx.bytes, txid: toHex(tx.txid), fee, change, inputs: picked.length }
  }

  return {
    address,
    pkh: key.pkh,
    pubkey: key.pubkey,
    balance,
    createSend,
    async send (req) {
      const built = await createSend(req)
      const result = await chain.mempool.add(built.tx)
      return { ...built, result }
    }
  }
}

/** Open the wallet in `dataDir` for `chain`; with `create`, make a key if there is none. */
export async function openWallet (options: { dataDir: string, chain: Devchain, create?: boolean }): Promise<Wallet> {
  const key = options.create === true ? await loadOrCreateWalletKey(options.dataDir) : await loadWalletKey(options.dataDir)
  return walletFromKey(options.chain, key)
}

/** JSON view of a balance (decimal strings). */
export function balanceJson (b: WalletBalance): Record<keyof WalletBalance, string | number> {
  return {
    spendable: b.spendable.toString(),
    immature: b.immature.toString(),
    confirmed: b.confirmed.toString(),
    pendingIn: b.pendingIn.toString(),
    pendingOut: b.pendingOut.toString(),
    utxos: b.utxos
  }
}
