/**
 * Defaults of the service layers, each with its reason. Listed in `docs/LIMITS.md`.
 *
 * @module
 */
import { RATE_LIMIT_BYTES_PER_SEC, RATE_LIMIT_MESSAGES_PER_SEC, MAX_MESSAGE_BYTES } from '../config/constants.ts'

/**
 * Peers whose rate-limit state is kept. Eight times the default connection
 * limit (125), so churn cannot evict a connected peer's state; the least
 * recently seen peer is dropped beyond it. About 2 KiB per peer, 2 MiB in all.
 */
export const DEFAULT_MAX_TRACKED_PEERS = 1024

/** How often idle rate-limit state is swept (lazily, on the next request after it). */
export const RATE_LIMIT_PRUNE_INTERVAL_MS = 10_000

/** Per-peer message rate across all methods (seed spec rate_limit_messages_per_sec). */
export const PEER_MESSAGES_PER_SEC = RATE_LIMIT_MESSAGES_PER_SEC

/** Per-peer inbound byte rate across all methods (seed spec rate_limit_bytes_per_sec). */
export const PEER_BYTES_PER_SEC = RATE_LIMIT_BYTES_PER_SEC

/**
 * Burst of the per-peer byte bucket: one largest message. With a burst of
 * only one second's worth (1 MiB), a legal 10 MiB message could never pass.
 */
export const PEER_BYTES_BURST = MAX_MESSAGE_BYTES
