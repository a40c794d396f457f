/**
 * Limits of the wire format: frame sizes, chunking and the caps every decoder
 * enforces. Each value has its reason next to it; all of them are listed in
 * `docs/LIMITS.md` and `docs/PROTOCOL.md`.
 *
 * @module
 */
import { MAX_BLOCKS_PER_RESPONSE, MAX_CHUNK_BYTES, MAX_DIRECT_MESSAGE_BYTES, MAX_MESSAGE_BYTES, MAX_APP_PROTOCOL_LENGTH } from '../config/constants.ts'

export { MAX_BLOCKS_PER_RESPONSE, MAX_CHUNK_BYTES, MAX_DIRECT_MESSAGE_BYTES, MAX_MESSAGE_BYTES, MAX_APP_PROTOCOL_LENGTH }

// ---------------------------------------------------------------- framing

/**
 * Longest accepted unsigned-varint length prefix. 8 bytes encode 56 bits,
 * far beyond any length we accept, so a longer prefix is padding or garbage
 * (multiformats' unsigned-varint spec caps practical varints at 9 bytes; we
 * are stricter because our largest legal value, 10 MiB, needs 4).
 */
export const MAX_VARINT_BYTES = 8

/**
 * A frame payload this large or larger is gathered into one buffer while it
 * arrives, once half of it is here, so a decoder gets contiguous bytes
 * without a copy after the last byte (on a 1 MB message the copy otherwise
 * sits on the round trip's critical path). Starting at half bounds what a
 * peer can make us allocate to twice what it actually sent; below 64 KiB a
 * message fits in one or two transport reads and the copy is negligible.
 */
export const ASSEMBLE_MIN_FRAME_BYTES = 64 * 1024

/**
 * Overhead of a chunk frame on top of its data: the Chunk message's four
 * uint32 fields (at most 6 bytes each with their tags) and the data field's
 * tag and length (at most 6 bytes). A chunk frame is therefore never larger
 * than MAX_CHUNK_BYTES + CHUNK_OVERHEAD_BYTES.
 */
export const CHUNK_OVERHEAD_BYTES = 32

/**
 * Most chunks in one transfer. MAX_MESSAGE_BYTES / MAX_CHUNK_BYTES = 10 full
 * chunks; 16 leaves room for senders that cut smaller chunks while still
 * bounding per-frame overhead and the work of one reassembly.
 */
export const MAX_CHUNKS_PER_TRANSFER = 16

/**
 * Largest payload one chunked transfer may reassemble (seed spec
 * max_message_size). Each method may set a lower cap.
 */
export const MAX_TRANSFER_BYTES = MAX_MESSAGE_BYTES

/**
 * A transfer must complete within this time from its first chunk, or it is
 * dropped and the sender penalised. 10 MiB in 10 s needs 1 MiB/s, the seed
 * spec's per-peer byte rate.
 */
export const CHUNK_TRANSFER_TIMEOUT_MS = 10_000

/** Longest UTF-8 message carried by an error response. Lodestar caps its error messages at 256 bytes. */
export const MAX_ERROR_MESSAGE_BYTES = 256

// ---------------------------------------------------------------- sizes of fields

/** Block and transaction hashes are 32 bytes (SHA-256d, as in Bitcoin). */
export const HASH_BYTES = 32

/** Cumulative chain work is a 256-bit unsigned integer, sent big-endian without leading zeros. */
export const MAX_WORK_BYTES = 32

/** Network ids are path segments of protocol ids (config NETWORK_ID_PATTERN allows 32 characters). */
export const MAX_NETWORK_ID_LENGTH = 32

/** Bitcoin Core's MAX_SUBVERSION_LENGTH is 256. */
export const MAX_USER_AGENT_BYTES = 256

/** Protocols a status may list. Each chainwire protocol appears once; 64 leaves ample room. */
export const MAX_STATUS_PROTOCOLS = 64

/** Longest protocol name in a status (the same bound as application protocol names). */
export const MAX_PROTOCOL_NAME_LENGTH = MAX_APP_PROTOCOL_LENGTH

/** Majors of one protocol a node may speak at the same time. */
export const MAX_PROTOCOL_MAJORS = 8

/** Compact-block versions one status may list (BIP152 defines 1 and 2). */
export const MAX_COMPACT_VERSIONS = 8

/** Longest goodbye message. */
export const MAX_GOODBYE_MESSAGE_BYTES = 256

/**
 * Largest serialised header. Bitcoin's is 80 bytes; chains with larger
 * headers (extra commitments, signatures) fit comfortably.
 */
export const MAX_HEADER_BYTES = 1024

/** Hashes in a block locator. Bitcoin Core's MAX_LOCATOR_SZ is 101. */
export const MAX_LOCATOR_HASHES = 101

/** Headers in one headers message. Bitcoin Core's MAX_HEADERS_RESULTS is 2000. */
export const MAX_HEADERS_PER_MESSAGE = 2000

/**
 * Hashes in one get_blocks_by_hash request. Ethereum's consensus specs cap
 * blocks-by-root at 128 (MAX_REQUEST_BLOCKS_DENEB); larger downloads use ranges.
 */
export const MAX_BLOCKS_BY_HASH = 128

/**
 * Largest serialised block. The Block message wraps it in a field tag and
 * length, and the whole message must fit the seed spec's max_message_size,
 * so 64 bytes are left for that.
 */
export const MAX_BLOCK_BYTES = MAX_MESSAGE_BYTES - 64

/** Headers in one block announcement. Bitcoin Core's MAX_BLOCKS_TO_ANNOUNCE is 8. */
export const MAX_ANNOUNCE_HEADERS = 8

/** Relays an announcement may have passed through; like an IP TTL, bounds a loop. */
export const MAX_ANNOUNCE_HOPS = 255

/** Items in one inv message. Bitcoin Core's MAX_INV_SZ is 50,000; more is a protocol violation. */
export const MAX_INV_ITEMS = 50_000

/** Items in one getdata request and in one notfound. Bitcoin Core's MAX_GETDATA_SZ is 1000. */
export const MAX_GETDATA_ITEMS = 1000

/**
 * Largest serialised transaction. 1,000,000 bytes was Bitcoin's block size
 * limit, so no legacy transaction is larger, and a tx message always fits in
 * one frame of MAX_CHUNK_BYTES.
 */
export const MAX_TX_BYTES = 1_000_000

/**
 * Transactions in one block, and so short ids, prefilled transactions and
 * indexes in one compact-block message. A 10 MiB block of 100-byte
 * transactions has about 100,000.
 */
export const MAX_BLOCK_TXS = 100_000

/** BIP152 short transaction ids are 6 bytes. */
export const SHORT_ID_BYTES = 6

/** Masternodes in one list or diff. Dash's deterministic list is under 5,000; double it and round up. */
export const MAX_MASTERNODES = 10_000

/** Longest masternode address (a multiaddr string). */
export const MAX_MASTERNODE_ADDRESS_BYTES = 256

/** Largest operator public key (BLS12-381 G2 is 96 bytes, G1 48, Ed25519 32). */
export const MAX_PUBLIC_KEY_BYTES = 128

/** Largest signature (BLS12-381 G2 is 96 bytes, ECDSA DER at most 72). */
export const MAX_SIGNATURE_BYTES = 128

/** Proof-of-service nonces are 32 random bytes. */
export const POSE_NONCE_BYTES = 32
