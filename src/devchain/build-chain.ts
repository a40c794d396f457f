/**
 * Build a chain of N blocks quickly, for tests and benchmarks (regtest PoW
 * is two hashes per block). Blocks go through the normal `submitBlock` path,
 * so everything built is fully validated.
 *
 * @module
 */
import { bytesEqual } from './codec.ts'
import { keyPairFromSeed } from './crypto.ts'
import type { KeyPair } from './crypto.ts'
import { COINBASE_TAG_BYTES } from './constants.ts'
import { signTx, signedTxSize } from './tx.ts'
import type { DecodedTx } from './tx.ts'
import type { Devchain } from './devchain.ts'
import type { ChainTip } from '../chain/index.ts'
import { AbortError, InvalidArgumentError } from '../errors.ts'

/** Options of {@link buildChain}. */
export interface BuildChainOptions {
  /** Transactions per block once the builder has mature coins (each spends one coin into two). @default 0 */
  txsPerBlock?: number
  /** Seed of the builder key that receives coinbases and sends the transactions. @default a fixed test seed */
  seed?: Uint8Array
  /** Block time (seconds) for a height. @default max(clock, median time past + 1) */
  time?: (height: number) => number
  /** Build on this block instead of the tip (it becomes the tip only if the branch gets more work). */
  parentHash?: Uint8Array
  /** Distinguishes the coinbases of competing branches built from one parent. @default 0 */
  branch?: number
  signal?: AbortSignal
}

/** What {@link buildChain} built. */
export interface BuiltChain {
  /** The chain's tip afterwards. */
  tip: ChainTip
  /** Hashes of the built blocks, in order. */
  hashes: Uint8Array[]
  /** Transactions included, coinbases excluded. */
  txs: number
  /** The builder key. */
  key: KeyPair
}

/** The default builder seed: 32 bytes of 0x42. */
export const BUILDER_SEED = new Uint8Array(32).fill(0x42)

interface Spendable { txid: Uint8Array, vout: number, amount: bigint, height: number, coinbase: boolean }

/**
 * Mine `n` blocks on the tip (or `parentHash`). With `txsPerBlock`, each block
 * carries up to that many signed transactions spending the builder's mature
 * coins, paying 1 base unit per byte in fees. Deterministic for a given
 * chain state, seed and `time`: two fresh stores build byte-identical chains.
 *
 * @example
 * ```ts
 * const chain = await createDevchain({ dataDir, network: 'regtest' })
 * await buildChain(chain, 5000)
 * ```
 */
export async function buildChain (chain: Devchain, n: number, options: BuildChainOptions = {}): Promise<BuiltChain> {
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`block count must be a non-negative integer, got ${n}`)
  const txsPerBlock = options.txsPerBlock ?? 0
  const key = keyPairFromSeed(options.seed ?? BUILDER_SEED)
  const maturity = chain.params.coinbaseMaturity
  const tag = new Uint8Array(COINBASE_TAG_BYTES)
  new DataView(tag.buffer).setUint32(0, options.branch ?? 0, true)

  let parentHash = options.parentHash ?? chain.tip().hash
  const pool: Spendable[] = []
  if (txsPerBlock > 0) {
    const onBest = options.parentHash === undefined || bytesEqual(options.parentHash, chain.tip().hash)
    if (onBest) {
      for (const u of await chain.listUnspent(key.pkh)) {
        if (chain.mempool.spender(u.txid, u.vout) === undefined) pool.push({ txid: u.txid, vout: u.vout, amount: u.amount, height: u.height, coinbase: u.coinbase })
      }
      pool.sort((a, b) => a.height - b.height)
    }
  }

  const hashes: Uint8Array[] = []
  let txCount = 0
  for (let b = 0; b < n; b++) {
    if (options.signal?.aborted === true) throw new AbortError('buildChain aborted')
    const parent = await chain.getHeaderInfo(parentHash)
    if (parent === undefined) throw new InvalidArgumentError('buildChain parent is not stored')
    const height = parent.height + 1
    const txs: DecodedTx[] = []
    const spent = new Set<Spendable>()
    let scanned = 0
    if (txsPerBlock > 0) {
      for (; scanned < pool.length; scanned++) {
        const coin = pool[scanned]
        if (txs.length >= txsPerBlock) break
        if (coin.coinbase && height - coin.height < maturity) continue
        const fee = BigInt(signedTxSize(1, 2))
        if (coin.amount <= fee) continue
        const rest = coin.amount - fee
        const outputs = rest >= 2n ? [{ amount: rest / 2n, pkh: key.pkh }, { amount: rest - rest / 2n, pkh: key.pkh }] : [{ amount: rest, pkh: key.pkh }]
        txs.push(signTx({ version: 1, inputs: [{ prevTxid: coin.txid, vout: coin.vout, unlock: new Uint8Array(0) }], outputs }, [key], chain.genesisHash))
        spent.add(coin)
      }
    }
    const template = await chain.createBlockTemplate({
      pkh: key.pkh,
      parentHash,
      txs,
      coinbaseTag: tag,
      time: options.time?.(height)
    })
    const block = await chain.mineBlock(template, { signal: options.signal })
    if (block === undefined) throw new AbortError('buildChain aborted')
    const res = await chain.submitBlock(block)
    if (res.status !== 'accepted') {
      throw new InvalidArgumentError(`buildChain: block ${height} was ${res.status}${res.status === 'invalid' ? `: ${res.error.message}` : ''}`)
    }
    hashes.push(res.hash)
    parentHash = res.hash
    txCount += txs.length
    if (txsPerBlock > 0) {
      // picks come from the front of the pool (oldest coins): only that prefix needs filtering
      const kept = pool.slice(0, scanned).filter(c => !spent.has(c))
      pool.splice(0, scanned, ...kept)
      const [coinbase, ...rest] = template.txs
      pool.push({ txid: coinbase.txid, vout: 0, amount: coinbase.outputs[0].amount, height, coinbase: true })
      for (const tx of rest) tx.outputs.forEach((o, vout) => pool.push({ txid: tx.txid, vout, amount: o.amount, height, coinbase: false }))
    }
  }
  return { tip: chain.tip(), hashes, txs: txCount, key }
}
