/**
 * Consensus parameters per network, and the genesis block they imply.
 *
 * Every consensus parameter is serialised into the genesis coinbase, so two
 * networks that differ in any rule have different genesis hashes and never
 * mistake each other's peers for their own.
 *
 * @module
 */
import { NETWORK_ID_PATTERN } from '../config/constants.ts'
import { InvalidConfigError } from '../errors.ts'
import { concat, writer } from './codec.ts'
import { COIN, COINBASE_VOUT, HASH_BYTES, MAX_UNLOCK_BYTES, PKH_BYTES } from './constants.ts'
import { sha256 } from './crypto.ts'
import { makeBlock, merkleRoot } from './block.ts'
import type { DecodedBlock } from './block.ts'
import { bitsToTarget } from './pow.ts'
import type { PowParams } from './pow.ts'
import { finalizeTx } from './tx.ts'

/** The rules of one network. Plain data: `structuredClone` copies it. */
export interface ConsensusParams extends PowParams {
  /** Network id: part of every protocol id, and of the genesis block. */
  networkId: string
  /** Blocks before a coinbase output may be spent. */
  coinbaseMaturity: number
  /** Block reward at height 0, base units. */
  initialSubsidy: bigint
  /** Blocks between halvings of the reward. */
  halvingInterval: number
  /** Genesis block time, seconds since the epoch. */
  genesisTime: number
  /** Free text in the genesis coinbase (at most 32 bytes UTF-8). */
  genesisMessage: string
}

/**
 * Devnet: real proof of work for a CPU.
 *
 * - `genesisBits` 0x1e400000 = target 2^238: 2^18 ≈ 262k expected hashes,
 *   0.6–1 s at the 300–420k double-SHA-256/s one core does
 *   (bench/results/devchain.md); the retarget settles it at 1 s.
 * - `powLimitBits` 0x1f400000 = target 2^246: 1,024 expected hashes, so the
 *   retarget can follow a much slower machine (or a browser) down.
 * - Retarget every 30 blocks (~30 s) towards 1 s blocks, at most 4× per
 *   window: converges within a few windows of a hash-rate change.
 * - Coinbase maturity 20 blocks (~20 s): long enough that depth-10 reorgs in
 *   tests do not orphan spends of coinbases, short enough for demos
 *   (Bitcoin's 100 is sized for 10-minute blocks).
 * - 50-coin reward halving every 210,000 blocks, as Bitcoin.
 */
export const DEVNET: ConsensusParams = {
  networkId: 'devnet',
  powLimitBits: 0x1f400000,
  genesisBits: 0x1e400000,
  targetSpacing: 1,
  retargetInterval: 30,
  coinbaseMaturity: 20,
  initialSubsidy: 50n * COIN,
  halvingInterval: 210_000,
  genesisTime: 1_735_689_600, // 2025-01-01T00:00:00Z
  genesisMessage: 'chainwire devnet'
}

/**
 * Regtest: trivial proof of work for tests. `bits` 0x207fffff (target ~2^255,
 * two expected hashes, as Bitcoin's regtest), no retargeting, maturity 10 so
 * tests reach spendable coins in a few milliseconds. Unlike Bitcoin's regtest
 * the reward halves every 210,000 blocks, so long test chains keep paying.
 */
export const REGTEST: ConsensusParams = {
  networkId: 'regtest',
  powLimitBits: 0x207fffff,
  genesisBits: 0x207fffff,
  targetSpacing: 1,
  retargetInterval: 0,
  coinbaseMaturity: 10,
  initialSubsidy: 50n * COIN,
  halvingInterval: 210_000,
  genesisTime: 1_735_689_600,
  genesisMessage: 'chainwire regtest'
}

/** Named presets. Any other network id starts from devnet's rules. */
export const NETWORKS: Readonly<Record<string, ConsensusParams>> = { devnet: DEVNET, regtest: REGTEST }

/** Default miner pacing per network (policy, not consensus): 0 on devnet (pure PoW), 1 s on regtest where PoW is free. */
export const DEFAULT_MINER_INTERVAL_MS: Readonly<Record<string, number>> = { devnet: 0, regtest: 1_000 }

/** Resolve and check the params of a network: the preset (or devnet's) with `overrides` applied. */
export function resolveParams (network: string, overrides: Partial<ConsensusParams> = {}): ConsensusParams {
  const base = NETWORKS[network] ?? DEVNET
  const p: ConsensusParams = { ...base, ...overrides, networkId: network }
  if (overrides.networkId != null && overrides.networkId !== network) {
    throw new InvalidConfigError('params.networkId', `params.networkId ${overrides.networkId} differs from network ${network}`)
  }
  if (!NETWORK_ID_PATTERN.test(p.networkId)) throw new InvalidConfigError('network', `network id must match ${NETWORK_ID_PATTERN}`)
  const limit = bitsToTarget(p.powLimitBits)
  const genesis = bitsToTarget(p.genesisBits)
  if (limit === undefined) throw new InvalidConfigError('params.powLimitBits', 'powLimitBits is not a valid target')
  if (genesis === undefined || genesis > limit) throw new InvalidConfigError('params.genesisBits', 'genesisBits must be a valid target no easier than powLimitBits')
  for (const k of ['targetSpacing', 'coinbaseMaturity', 'halvingInterval', 'genesisTime'] as const) {
    if (!Number.isSafeInteger(p[k]) || p[k] < (k === 'coinbaseMaturity' ? 0 : 1)) throw new InvalidConfigError(`params.${k}`, `${k} must be a positive integer`)
  }
  if (!Number.isSafeInteger(p.retargetInterval) || p.retargetInterval < 0) throw new InvalidConfigError('params.retargetInterval', 'retargetInterval must be a non-negative integer')
  if (p.genesisTime > 0xffffffff) throw new InvalidConfigError('params.genesisTime', 'genesisTime must fit in 32 bits')
  if (typeof p.initialSubsidy !== 'bigint' || p.initialSubsidy < 0n) throw new InvalidConfigError('params.initialSubsidy', 'initialSubsidy must be a non-negative bigint')
  if (new TextEncoder().encode(p.genesisMessage).length > 32) throw new InvalidConfigError('params.genesisMessage', 'genesisMessage must be at most 32 bytes')
  return p
}

/** A digest of every consensus parameter, in a fixed order. */
export function paramsDigest (p: ConsensusParams): Uint8Array {
  const id = new TextEncoder().encode(p.networkId)
  const w = writer(1 + id.length + 4 * 5 + 4 + 8 + 4 + 4)
  w.u8(id.length)
  w.bytes(id)
  w.u32(p.powLimitBits)
  w.u32(p.genesisBits)
  w.u32(p.targetSpacing)
  w.u32(p.retargetInterval)
  w.u32(p.coinbaseMaturity)
  w.u32(p.halvingInterval)
  w.u64(p.initialSubsidy)
  w.u32(p.genesisTime)
  w.u32(1) // format version of this digest
  return sha256(w.finish())
}

/** The reward of a block at `height`, before fees. */
export function blockSubsidy (height: number, p: ConsensusParams): bigint {
  const halvings = Math.floor(height / p.halvingInterval)
  if (halvings >= 64) return 0n
  return p.initialSubsidy >> BigInt(halvings)
}

/**
 * The genesis block. Its coinbase commits to the params digest and message
 * and pays nothing (its output is never added to the UTXO set, as Bitcoin's).
 * Genesis is the trust root: it is not checked against its own PoW.
 */
export function genesisBlock (p: ConsensusParams): DecodedBlock {
  const message = new TextEncoder().encode(p.genesisMessage)
  const unlock = concat([new Uint8Array(4), paramsDigest(p), message])
  if (unlock.length > MAX_UNLOCK_BYTES) throw new InvalidConfigError('params.genesisMessage', 'genesis coinbase too large')
  const coinbase = finalizeTx({
    version: 1,
    inputs: [{ prevTxid: new Uint8Array(HASH_BYTES), vout: COINBASE_VOUT, unlock }],
    outputs: [{ amount: 0n, pkh: new Uint8Array(PKH_BYTES) }]
  })
  return makeBlock({
    version: 1,
    prevHash: new Uint8Array(HASH_BYTES),
    merkleRoot: merkleRoot([coinbase.txid]),
    time: p.genesisTime,
    bits: p.genesisBits,
    nonce: 0,
    height: 0
  }, [coinbase])
}
