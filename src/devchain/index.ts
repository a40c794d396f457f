/**
 * The reference chain: a small UTXO proof-of-work chain behind the
 * {@link ChainAdapter} seam, with its LevelDB store, mempool, miner and wallet.
 *
 * Only `node/`, `cli/`, `api/` and tests import this module; the network layer
 * sees a chain only through `src/chain/`.
 *
 * @module
 */
export { createDevchain, DEFAULT_LIST_UNSPENT_LIMIT } from './devchain.ts'
export type { AuditReport, BlockTemplate, Devchain, DevchainInit, TemplateOptions, Utxo } from './devchain.ts'
export { createMiner, mineHeader } from './miner.ts'
export type { Miner, MinerEvents, MinerInit, MinerStats, MineOptions } from './miner.ts'
export {
  balanceJson, createWalletKey, loadOrCreateWalletKey, loadWalletKey, openWallet, walletAddress, walletFromKey
} from './wallet.ts'
export type { BuiltSend, SendRequest, Wallet, WalletBalance } from './wallet.ts'
export { buildChain, BUILDER_SEED } from './build-chain.ts'
export type { BuildChainOptions, BuiltChain } from './build-chain.ts'
export { DEVNET, REGTEST, NETWORKS, DEFAULT_MINER_INTERVAL_MS, blockSubsidy, genesisBlock, resolveParams } from './params.ts'
export type { ConsensusParams } from './params.ts'
export { decodeAddress, encodeAddress } from './address.ts'
export { keyPairFromSeed } from './crypto.ts'
export type { KeyPair } from './crypto.ts'
export type { DevMempool, DevMempoolEntry, MempoolInit } from './mempool.ts'
export type { BlockJson, TipJson, TxJson, TxLookup } from './json.ts'
export * from './errors.ts'
export { COIN, MAX_MONEY, MIN_RELAY_FEE_RATE } from './constants.ts'
