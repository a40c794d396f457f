/**
 * Defaults of compact block relay (BIP152), each with its reason; listed in
 * `docs/LIMITS.md` under "Transaction relay and compact blocks".
 *
 * @module
 */
import { TIP_FETCH_TIMEOUT_MS } from '../sync/constants.ts'

/** Logger component of the module. */
export const COMPACT_BLOCKS_COMPONENT = 'chainwire:compact-blocks'

/** Name of the protocol in `node.protocols`. */
export const COMPACT_BLOCKS_PROTOCOL = 'compact-blocks'

/**
 * The compact block version we speak. BIP152 version 1 hashes txids; version
 * 2 hashes wtxids, which only matters for segwit. The devchain, like any
 * chain behind the seam, has one transaction id.
 */
export const COMPACT_BLOCK_VERSION = 1

/** Peers asked for high-bandwidth mode at once: BIP152's 3. */
export const MAX_HIGH_BANDWIDTH_PEERS = 3

/**
 * Bytes of predicted-missing transactions prefilled beyond the coinbase.
 * BIP152 suggests a sender limit prefilling to about 10 KB; more makes the
 * compact block larger than the round trip it saves.
 */
export const DEFAULT_MAX_PREFILL_BYTES = 10_000

/**
 * A transaction that entered our mempool less than this long ago, and that
 * the peer has not announced to us, is prefilled: it probably has not reached
 * the peer yet. Two inbound trickle means of Bitcoin Core (2 × 5 s); the node
 * sets it to two of its configured inbound means.
 */
export const DEFAULT_PREFILL_RECENT_MS = 10_000

/** Arrival times of recent mempool transactions kept for the rule above (the oldest are forgotten first). */
export const MAX_RECENT_TX_TIMES = 10_000

/**
 * A compact block is served for blocks at most this deep below our tip;
 * deeper ones are not worth it: Core's MAX_CMPCTBLOCK_DEPTH (5).
 */
export const MAX_CMPCTBLOCK_DEPTH = 5

/** getblocktxn is served for blocks at most this deep: Core's MAX_BLOCKTXN_DEPTH (10). */
export const MAX_BLOCKTXN_DEPTH = 10

/**
 * Recent blocks kept taken apart (header, transactions, txids) for building
 * compact blocks and answering getblocktxn without re-reading and
 * re-decoding them: one more than MAX_BLOCKTXN_DEPTH.
 */
export const RECENT_BLOCKS_CACHED = MAX_BLOCKTXN_DEPTH + 1

/**
 * Extra transactions kept for reconstruction beyond the mempool (orphans,
 * rejected for fee or conflict): Core's DEFAULT_BLOCK_RECONSTRUCTION_EXTRA_TXN (100).
 */
export const DEFAULT_EXTRA_POOL_TXS = 100

/** Bytes of the extra pool: 100 transactions of 40 KB; large ones push old ones out sooner. */
export const DEFAULT_EXTRA_POOL_BYTES = 4 * 1024 * 1024

/** Blocks being reconstructed at once; more compact blocks are left to the full-block path. */
export const MAX_PARTIAL_BLOCKS = 8

/**
 * Compact blocks asked for with getdata (low-bandwidth mode) and not yet
 * received. Beyond it announcements are left to the full-block path; a slot
 * is freed when the compact block arrives, the peer says not found, or the
 * reconstruction timeout passes.
 */
export const MAX_REQUESTED_COMPACT_BLOCKS = MAX_PARTIAL_BLOCKS

/** Blocks being reconstructed from one peer at once. */
export const MAX_PARTIAL_BLOCKS_PER_PEER = 2

/**
 * Budget of the compact path for one block: asking for the compact block
 * (low-bandwidth mode), waiting for it, and the getblocktxn round trip. Half
 * of sync's TIP_FETCH_TIMEOUT_MS (10 s), which covers every fetch strategy
 * of an announced block: when the compact path gives up, the full-block
 * fallback still has the other half. A block this late has lost its
 * propagation race anyway.
 */
export const DEFAULT_RECONSTRUCTION_TIMEOUT_MS = TIP_FETCH_TIMEOUT_MS / 2

/** Records of received blocks kept for `stats().recent` (benchmarks, the API). */
export const MAX_BLOCK_RECORDS = 256

/**
 * Compact blocks kept until sync asks for their block: pushed ones whose
 * header sync is validating and scheduling, and requested ones on their way
 * to the fetcher. As many as blocks can be rebuilt at once; the oldest goes
 * first, and its block then comes by the full-block path.
 */
export const MAX_PENDING_COMPACT_BLOCKS = MAX_PARTIAL_BLOCKS

/**
 * Blocks remembered as rebuilt (to promote the peer when one becomes our
 * tip), as rejected by the chain once rebuilt (the next attempt takes the
 * full block), and the origin we announced them with: the recent blocks.
 */
export const MAX_BLOCK_OUTCOMES = RECENT_BLOCKS_CACHED

/** Block hashes remembered per peer as known to it (it sent or announced them), so we do not push them back. */
export const MAX_KNOWN_BLOCKS_PER_PEER = 64

/**
 * sendcmpct messages we send one peer per {@link SENDCMPCT_WINDOW_MS}. The
 * method allows 4 per 10 s per peer (`src/reqresp/protocols.ts`); keeping to
 * 3 in any 10 s window (one spare for clock skew between the two buckets)
 * means churn in the high-bandwidth choice (a burst of blocks, each first
 * delivered by another peer) never costs us a penalty. Past that, only the
 * latest wish is sent, when the window allows.
 */
export const MAX_SENDCMPCT_PER_WINDOW = 3

/** The window of {@link MAX_SENDCMPCT_PER_WINDOW}: the sendcmpct quota's period. */
export const SENDCMPCT_WINDOW_MS = 10_000
