/**
 * Compact block relay (BIP152): sendcmpct negotiation with high- and
 * low-bandwidth modes, SipHash-2-4 short ids, prefill prediction,
 * reconstruction from the mempool and an extra pool, getblocktxn/blocktxn,
 * and the full-block fallback.
 *
 * @module
 */
export { compactBlocks, blockTxnBytes } from './compact-blocks.ts'
export type {
  CompactBlocks, CompactBlocksInit, CompactPeerInfo, CompactBlocksComponents, CompactBlocksStats, CompactBlockRecord, TxKnowledge
} from './compact-blocks.ts'
export { buildCompactBlock, reconstruct } from './compact.ts'
export type { BlockTxs, BuildOptions, CandidateTx, PartialBlock, Reconstruction } from './compact.ts'
export { shortId, shortIdKey } from './short-ids.ts'
export { sipHash24, sipHash24Bytes, sipHash24Low48, sipKeyFromBytes, sipKeyFromWords, SIP_KEY_BYTES } from './siphash.ts'
export type { SipKey } from './siphash.ts'
export { createExtraPool } from './extra-pool.ts'
export type { ExtraPool } from './extra-pool.ts'
export { createHighBandwidthPeers } from './hb-peers.ts'
export type { HighBandwidthPeers, HbChange } from './hb-peers.ts'
export { createCompactMetrics, RATIO_BUCKETS } from './metrics.ts'
export type { CompactMetrics, FallbackReason } from './metrics.ts'
export * from './errors.ts'
export * from './constants.ts'
