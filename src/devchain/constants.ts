/**
 * Constants of the reference chain, each with the reason for its value.
 *
 * Consensus values that differ per network live in `params.ts` (they are part
 * of the network identity and hashed into the genesis block). Everything here
 * is either a format bound shared by all networks or a local policy.
 * Every limit is listed in `docs/LIMITS.md` under "Chain (devchain)".
 *
 * @module
 */

// ---------------------------------------------------------------- logging

/** Logger component name of the chain; sub-modules append `:<name>`. */
export const LOG_COMPONENT = 'chainwire:devchain'

// ---------------------------------------------------------------- format

/** Size of a serialised header: version 4, prev 32, merkle 32, time 4, bits 4, nonce 4, height 4. */
export const HEADER_BYTES = 84

/** Byte offset of the nonce inside a serialised header (the miner rewrites it in place). */
export const HEADER_NONCE_OFFSET = 76

/** Hashes and txids are 32-byte double SHA-256 digests. */
export const HASH_BYTES = 32

/** Public-key hash in an output: the first 20 bytes of SHA-256(pubkey), as Bitcoin's 160-bit P2PKH. */
export const PKH_BYTES = 20

/** Ed25519 public key. */
export const PUBKEY_BYTES = 32

/** Ed25519 signature. */
export const SIGNATURE_BYTES = 64

/** A spending input's unlock data: the public key followed by the signature. */
export const SPEND_UNLOCK_BYTES = PUBKEY_BYTES + SIGNATURE_BYTES

/**
 * Largest unlock field of any input. A coinbase carries the height (4 bytes)
 * plus free data here; 100 bytes is Bitcoin's coinbase scriptSig maximum.
 */
export const MAX_UNLOCK_BYTES = 100

/** Smallest coinbase unlock: the 4-byte height (as BIP34 puts the height in the coinbase). */
export const MIN_COINBASE_UNLOCK_BYTES = 4

/** Serialised size of one output: amount 8 + pkh 20. */
export const OUTPUT_BYTES = 8 + PKH_BYTES

/** Smallest serialised input: outpoint 36 + 1-byte length + the 4-byte coinbase height. */
export const MIN_INPUT_BYTES = 36 + 1 + MIN_COINBASE_UNLOCK_BYTES

/** Smallest serialised transaction: version 4, one input, one output, two 1-byte counts. */
export const MIN_TX_BYTES = 4 + 1 + MIN_INPUT_BYTES + 1 + OUTPUT_BYTES

/** The vout of a coinbase's null outpoint. */
export const COINBASE_VOUT = 0xffffffff

/** Base units per coin (as Bitcoin's satoshis per bitcoin). */
export const COIN = 100_000_000n

/** No amount or sum of amounts may exceed this: 21 million coins, as Bitcoin's MAX_MONEY. */
export const MAX_MONEY = 21_000_000n * COIN

// ---------------------------------------------------------------- consensus bounds shared by all networks

/**
 * Largest block in bytes (Bitcoin's pre-segwit 1,000,000). It stays below the
 * 1 MiB chunk and gossip limits of the network layer, so one block is one chunk.
 */
export const MAX_BLOCK_BYTES = 1_000_000

/**
 * Largest transaction in bytes, in a block or in the mempool. Bitcoin's
 * standardness limit (400k weight = 100 kB) made consensus here, which bounds
 * the signature hashing work of one transaction.
 */
export const MAX_TX_BYTES = 100_000

/**
 * Signature checks per block (one per spending input). Bounds block validation
 * time: at the measured ~5,500 Ed25519 verifications/s with distinct keys on
 * one core (bench/results/devchain.md) a full block costs at most ~0.45 s,
 * under half the devnet block interval. Without it a 1 MB block could hold
 * ~7,500 inputs (~1.4 s of verification).
 */
export const MAX_BLOCK_SIGOPS = 2_500

/**
 * Headers per slab of the header index's arena (344 KB each): large enough
 * that a 2000-header answer spans at most two, small enough that a fresh
 * chain does not reserve much.
 */
export const HEADER_SLAB_HEADERS = 4_096

/** Headers one {@link validateHeaders} call accepts, as Bitcoin's MAX_HEADERS_RESULTS (2000). */
export const MAX_HEADERS_PER_CALL = 2_000

/**
 * Worker threads that hash header runs for `validateHeaders` (0: hash on the
 * main thread). One is enough: hashing 2000 headers takes ~5 ms, and the main
 * thread needs the other core for the network during sync. Started at the
 * first long run, so a chain that never syncs headers runs no thread.
 */
export const HASH_WORKERS = 1

/**
 * Runs shorter than this are hashed on the main thread: below it, packing
 * and the round trip to the worker (~0.1–0.3 ms) cost more than they free.
 */
export const HASH_OFFLOAD_MIN_HEADERS = 128

/**
 * Headers per hash job. A 2000-header run goes to the worker as 8 jobs at
 * once: the main thread checks each part as soon as it is hashed (~0.6 ms),
 * while the worker hashes the next, and the event loop runs in between.
 */
export const HASH_JOB_HEADERS = 250

/**
 * A worker boots in ~40 ms; runs are hashed inline until it reports that it
 * is running, or until this long after it was started (a caller busy enough
 * not to turn the event loop never hears the report, and a booted worker
 * takes queued jobs at once).
 */
export const HASH_WORKER_BOOT_MS = 100

/** Hash jobs in flight at most (four 2000-header runs); more are hashed on the calling thread. */
export const MAX_HASH_JOBS = 32

/**
 * Median-time contexts (the last 11 times) kept for the ends of recently
 * validated header runs that are not yet stored, so a run validated in chunks
 * applies the median-time rule to every header, not only from the 11th of each
 * chunk on.
 */
export const MAX_HEADER_CONTEXTS = 64

/** Blocks whose times form the median-time-past, as Bitcoin (11). */
export const MEDIAN_TIME_SPAN = 11

/** A header may be at most this far ahead of our clock, as Bitcoin's MAX_FUTURE_BLOCK_TIME (2 h). */
export const MAX_FUTURE_BLOCK_TIME_SEC = 2 * 60 * 60

/** A retarget may change the target by at most this factor either way, as Bitcoin (4). */
export const MAX_RETARGET_FACTOR = 4n

// ---------------------------------------------------------------- chain state policy

/** Entries in a locator, as Bitcoin's MAX_LOCATOR_SZ (101). Longer locators are cut. */
export const MAX_LOCATOR_ENTRIES = 101

/** Headers one {@link getHeaders} call returns at most, as Bitcoin's MAX_HEADERS_RESULTS. */
export const MAX_HEADERS_RESULTS = 2_000

/**
 * Orphan blocks (parent unknown) kept while their parent is fetched. Headers-first
 * sync submits blocks in order; the pool only absorbs small reorderings and
 * a new block announced before its parent arrives.
 */
export const MAX_ORPHAN_BLOCKS = 64

/** Total bytes of orphan blocks kept: 16 full blocks. */
export const MAX_ORPHAN_BLOCK_BYTES = 16 * MAX_BLOCK_BYTES

/** An orphan block whose parent has not arrived within this time is dropped. */
export const ORPHAN_BLOCK_EXPIRY_MS = 10 * 60 * 1000

/**
 * Chain operations (block submissions, mempool additions) waiting for the
 * chain lock. Callers are the network's bounded handlers; past this we are
 * overloaded and reject with ChainBusyError (verdict `ignore`: our overload
 * penalises nobody).
 */
export const MAX_PENDING_CHAIN_OPS = 1_000

/** Bytes of blocks waiting for the chain lock: 64 full blocks. */
export const MAX_PENDING_BLOCK_BYTES = 64 * MAX_BLOCK_BYTES

/** Decoded blocks kept to skip re-reading and re-decoding during connects and reorgs. */
export const BLOCK_CACHE_SIZE = 32

/** Ed25519 public keys kept as parsed KeyObjects: parsing costs ~30 µs, a quarter of a verification. */
export const PUBKEY_CACHE_SIZE = 4_096

/** Distinct `bits` values whose decoded target is cached (few distinct values exist per chain). */
export const TARGET_CACHE_SIZE = 1_024

// ---------------------------------------------------------------- mempool policy

/**
 * Minimum relay fee rate, base units per 1000 bytes: Bitcoin's long-standing
 * DEFAULT_MIN_RELAY_TX_FEE (1000 sat/kvB). A 200-byte payment pays 200 units.
 */
export const MIN_RELAY_FEE_RATE = 1_000

/**
 * When the pool is full a newcomer must beat the lowest entry by this much,
 * as Bitcoin's DEFAULT_INCREMENTAL_RELAY_FEE, so eviction churn costs fees.
 */
export const INCREMENTAL_RELAY_FEE_RATE = 1_000

/**
 * Pool size cap in serialised bytes: 32 full blocks of backlog, enough for a
 * devnet; Bitcoin's 300 MB is sized for mainnet demand.
 */
export const DEFAULT_MEMPOOL_MAX_BYTES = 32 * MAX_BLOCK_BYTES

/** Pool size cap in transactions, bounding per-entry overhead when transactions are small. */
export const DEFAULT_MEMPOOL_MAX_COUNT = 100_000

/**
 * An entry not mined within this time is dropped. Bitcoin keeps 14 days at
 * 10-minute blocks (2016 blocks); 6 hours is 21,600 devnet blocks.
 */
export const DEFAULT_MEMPOOL_EXPIRY_MS = 6 * 60 * 60 * 1000

/** How often (by the injected clock) a full expiry sweep may run on add. */
export const MEMPOOL_EXPIRY_SWEEP_MS = 10_000

/** Orphan transactions kept in total, as Bitcoin's DEFAULT_MAX_ORPHAN_TRANSACTIONS (100). */
export const DEFAULT_MAX_ORPHAN_TXS = 100

/** Orphan transactions kept per peer, so one peer cannot flush everyone else's orphans. */
export const DEFAULT_MAX_ORPHAN_TXS_PER_PEER = 25

/** Largest orphan transaction kept: orphans are unvalidated, so keep them small (Bitcoin: standard size). */
export const MAX_ORPHAN_TX_BYTES = MAX_TX_BYTES

/** An orphan whose parents did not arrive within this time is dropped, as Bitcoin's ORPHAN_TX_EXPIRE_TIME (20 min). */
export const DEFAULT_ORPHAN_TX_EXPIRY_MS = 20 * 60 * 1000

/** Orphans re-processed after one parent arrives, bounding the work one transaction can trigger. */
export const MAX_ORPHANS_RESOLVED_PER_TX = 100

/**
 * The pool counts as full (for {@link Mempool.minFeeRate}) above this
 * fraction of its byte cap: a newcomer may then need to evict.
 */
export const MEMPOOL_FULL_FRACTION = 0.95

// ---------------------------------------------------------------- miner

/**
 * Hashing time between yields to the event loop. 10 ms keeps networking
 * latency low while the per-yield overhead (~5 µs) stays negligible.
 */
export const MINER_BATCH_MS = 10

/** Nonces hashed between clock checks inside one batch. */
export const MINER_CHECK_EVERY = 256

/** A template older than this is rebuilt when the mempool changed, to pick up new fees (Bitcoin miners refresh every ~30 s; devnet blocks are 600× faster). */
export const MINER_TEMPLATE_REFRESH_MS = 2_000

/** Bytes of the coinbase unlock after the height: a random per-template tag, so two miners' templates never collide. */
export const COINBASE_TAG_BYTES = 8

// ---------------------------------------------------------------- wallet

/** Wallet key file inside the data dir (mode 0600). */
export const WALLET_FILE = 'wallet.key'

/** Sub-directory of the data dir holding the chain's LevelDB store. */
export const CHAIN_DIR = 'chain'
