/**
 * Defaults of block sync, each with its reason. Every value is listed in
 * `docs/LIMITS.md` (section "Sync").
 *
 * @module
 */
import { MAX_ANNOUNCE_HEADERS, MAX_BLOCKS_PER_RESPONSE, MAX_HEADERS_PER_MESSAGE } from '../../wire/constants.ts'

/** Logger and metric component name. */
export const SYNC_COMPONENT = 'chainwire:sync'

/** The gossipsub topic name of block announcements: `/chainwire/<network>/blocks/1`. */
export const BLOCKS_TOPIC = 'blocks'

// ---------------------------------------------------------------- headers

/** Headers asked for in one get_headers: Bitcoin Core's MAX_HEADERS_RESULTS (2000). A full answer means "there is more". */
export const HEADERS_PER_REQUEST = MAX_HEADERS_PER_MESSAGE

/**
 * get_headers requests in flight to one peer: the next batch is asked for
 * (from the last header of a full answer) while the previous one is
 * validated, so the round trip hides behind validation. The protocol table
 * allows 2 get_headers streams per connection.
 */
export const MAX_HEADER_REQUESTS_PER_PEER = 2

/**
 * Header answers of one peer received and waiting for (or in) validation.
 * With one answer being validated and one queued, the next request still
 * leaves as soon as an answer arrives, so the peer is never left idle while
 * we validate; answers are merged in order. Bounds memory to this many
 * answers (2000 headers each) per peer.
 */
export const MAX_HEADER_ANSWERS_QUEUED = 2

/**
 * Headers handed to `ChainAdapter.validateHeaders` in one call: a whole
 * answer. The pipelined request is on the wire before validation starts (sync
 * yields once first), so a synchronous adapter blocks the event loop for one
 * answer's checks (~8 ms at 4 µs a header, as Bitcoin Core handles a whole
 * headers message) and sees no chunk boundary, where a parent it does not
 * store could cost it the median-time context. An adapter that works off the
 * main thread gets the whole answer to spread: the devchain hashes it on a
 * worker in parts and checks each part as it comes back (in runs of the sync
 * benchmark's header phase, whole answers synced 2–15 % faster than chunks
 * of 500).
 */
export const VALIDATE_CHUNK = MAX_HEADERS_PER_MESSAGE

/**
 * Validated headers kept in memory beyond the last block we submitted. The
 * chain adapter stores no header without its block, so headers are fetched in
 * batches ahead of the download window and never further: 8 full headers
 * messages (16,000 headers, about 2 MB packed) is 15 times
 * Bitcoin Core's 1024-block download window, so the window never waits for
 * headers.
 */
export const MAX_HEADERS_AHEAD = 8 * MAX_HEADERS_PER_MESSAGE

/**
 * Headers per page of the target's packed storage (target.ts): their hashes
 * and header bytes side by side in one buffer (~116 KiB for 84-byte
 * headers), their times in a typed array, outside the JavaScript heap. A
 * page is freed once the blocks of all its headers are submitted; an answer
 * of 2000 headers fills about two.
 */
export const TARGET_PAGE_HEADERS = 1024

/**
 * A peer whose header chain grows this long without ever having more work
 * than our own best block is spamming low-work headers and is banned
 * (Bitcoin Core's p2p_dos_header_tree scenario, where a cheap fork from deep
 * in the past costs the victim memory). Equal to {@link MAX_HEADERS_AHEAD}:
 * a fork longer than what we can hold cannot be followed anyway.
 */
export const MAX_LOW_WORK_HEADERS = MAX_HEADERS_AHEAD

/**
 * Announcements whose headers do not connect to anything we know, tolerated
 * from one peer until one of its headers responses connects. Bitcoin Core's
 * MAX_NUM_UNCONNECTING_HEADERS_MSGS (10); each one triggers a get_headers, whose
 * connecting answer resets the count, so an honest peer never gets close.
 */
export const MAX_UNCONNECTING_ANNOUNCEMENTS = 10

/** A peer whose headers were future-dated (verdict `ignore`) is not asked again for this long. */
export const HEADERS_RETRY_MS = 30_000

// ---------------------------------------------------------------- block download

/** Blocks ahead of the next block to connect that may be requested or held: Bitcoin Core's BLOCK_DOWNLOAD_WINDOW (1024). */
export const DOWNLOAD_WINDOW = 1024

/**
 * The window widens up to this many blocks when blocks are small, so every
 * peer can have its two ranges in flight at full size (4 peers × 2 × 500).
 * Bitcoin Core's window bounds blocks stored out of order; here memory is
 * bounded by MAX_BUFFERED_BYTES whatever the window, and fewer, larger
 * requests cost both sides less per block.
 */
export const MAX_DOWNLOAD_WINDOW = 4096

/**
 * Range requests in flight to one peer. The protocol table lets a responder
 * serve 2 get_blocks_by_range streams per connection at a time; a third would
 * be reset by libp2p.
 */
export const MAX_RANGES_PER_PEER = 2

/**
 * Blocks in flight per peer before we know how big blocks are: Bitcoin Core's
 * MAX_BLOCKS_IN_TRANSIT_PER_PEER (16). The first range to a peer has this many
 * blocks; later ranges are sized from the measured block size.
 */
export const INITIAL_RANGE_BLOCKS = 16

/**
 * Most blocks in one range request: the protocol's MAX_BLOCKS_PER_RESPONSE
 * (500). A range is also cut to RANGE_TARGET_BYTES of blocks of the measured
 * size, and to a fair share of the window among the peers that can serve it
 * (window / (MAX_RANGES_PER_PEER × peers)), so every peer gets work.
 */
export const MAX_RANGE_BLOCKS = MAX_BLOCKS_PER_RESPONSE

/**
 * Bytes one range aims for. Bitcoin Core's 16 blocks in flight per peer is a
 * byte budget in disguise (16 full 1 MB blocks); ranges of tiny blocks would be
 * absurd at 16, ranges of big ones must finish well inside the 10 s response
 * timeout. 2 MiB per range, two ranges per peer, keeps 4 MiB in flight per
 * peer: a 10 s response timeout then needs only 0.4 MB/s.
 */
export const RANGE_TARGET_BYTES = 2 * 1024 * 1024

/**
 * Downloaded blocks held in memory, waiting for the blocks before them to
 * connect. The chain keeps no out-of-order blocks on disk (its orphan pool is
 * small), so this bounds memory when one slow range holds up the window.
 */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024

/** Smallest stall timeout of a peer: Bitcoin Core's BLOCK_STALLING_TIMEOUT_DEFAULT (2 s). */
export const STALL_TIMEOUT_MIN_MS = 2_000

/** Largest stall timeout of a peer: Bitcoin Core's BLOCK_STALLING_TIMEOUT_MAX (64 s). */
export const STALL_TIMEOUT_MAX_MS = 64_000

/** A peer's stall timeout is multiplied by this after each range it completes (Bitcoin Core decays by 0.85 per block connected). */
export const STALL_TIMEOUT_DECAY = 0.85

/** Stalls within this time count as repeated: the first is a `high` fault, repeats are `mid`. */
export const STALL_MEMORY_MS = 10 * 60_000

/** A peer that answered RATE_LIMITED (our own quota estimate was off) gets no request for this long. */
export const RATE_LIMITED_BACKOFF_MS = 1_000

/** The chain was busy (verdict `ignore`): the next block is submitted again after this delay. */
export const CHAIN_BUSY_RETRY_MS = 100

/**
 * A block whose submission failed without a fault of the peer (verdict
 * `ignore`, e.g. dated too far in the future) is fetched again after this long.
 */
export const IGNORED_BLOCK_RETRY_MS = 10_000

/**
 * Outbound requests use the remote's per-peer quota from the protocol table
 * scaled by this, so clock differences never push us over it (going over is
 * a `mid` fault at the remote).
 */
export const OUTBOUND_QUOTA_FRACTION = 0.9

// ---------------------------------------------------------------- announcements

/**
 * Blocks within this many of the end of the best header chain are fetched by
 * hash from a peer that announced them (through the block fetchers, so compact
 * blocks can take over), not by range. Bitcoin Core announces at most 8
 * headers (MAX_BLOCKS_TO_ANNOUNCE) and fetches announced blocks directly.
 */
export const TIP_FETCH_DEPTH = MAX_ANNOUNCE_HEADERS

/**
 * A node more than this many blocks behind its best peer is syncing, not
 * following the tip: its state is `headers` or `blocks`, and it does not
 * announce the blocks it connects.
 */
export const SYNCED_SLACK_BLOCKS = MAX_ANNOUNCE_HEADERS

/** Headers in one announcement: Bitcoin Core's MAX_BLOCKS_TO_ANNOUNCE (8). */
export const ANNOUNCE_HEADERS = MAX_ANNOUNCE_HEADERS

/** Origin times of recent blocks kept for relaying onwards and measuring propagation. */
export const MAX_ORIGINS = 1024

/** Announced-block fetches in flight (by hash), across peers. */
export const MAX_TIP_FETCHES = 16

/** Budget of one announced-block fetch through the fetcher chain. */
export const TIP_FETCH_TIMEOUT_MS = 10_000

// ---------------------------------------------------------------- reporting

/**
 * A delay above this (from the origin's acceptance time to ours) is not
 * recorded as propagation: it is clock skew, a peer lying about the time, or
 * blocks caught up after a partition. Ten minutes is a Bitcoin block interval.
 */
export const MAX_PROPAGATION_DELAY_MS = 10 * 60_000

/** Propagation delays kept for `GET /sync` percentiles. */
export const PROPAGATION_WINDOW = 256

/** Progress events are emitted at most this often. */
export const PROGRESS_INTERVAL_MS = 250

/** Rates (blocks/s, headers/s, bytes/s) are averaged over this sliding window. */
export const RATE_WINDOW_MS = 5_000

/** How often the CLI logs sync progress when stdout is not a terminal (a terminal gets a live bar). */
export const PROGRESS_LOG_INTERVAL_MS = 10_000
