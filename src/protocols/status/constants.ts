/**
 * Defaults of the status handshake, each with its reason. Listed in
 * `docs/LIMITS.md` (section "Sync").
 *
 * @module
 */
import type { Capabilities } from '../../wire/messages.ts'

/** Logger and metric component name. */
export const STATUS_COMPONENT = 'chainwire:status'

/**
 * A connected peer must complete the status exchange within this time or it
 * is dropped. Lodestar's `STATUS_INBOUND_GRACE_PERIOD` (15 s); it covers the
 * request's own TTFB (5 s) and response (10 s) budgets and one retry.
 */
export const STATUS_TIMEOUT_MS = 15_000

/**
 * A status request that failed without a verdict (the peer had not
 * registered the protocol yet, the stream was reset) is retried this often
 * before the timeout decides.
 */
export const STATUS_RETRY_DELAY_MS = 1_000

/** Status requests tried per connection before the timeout decides (the status quota is 5 per 15 s). */
export const STATUS_MAX_ATTEMPTS = 3

/**
 * A peer on another network or with another genesis is banned this long
 * after the goodbye. A genesis mismatch is not malice (a misconfigured node,
 * an old devnet), so the ban is short: long enough that discovery does not
 * redial it in a loop, short enough that a fixed node gets back in (the
 * issue's range is 15 min to 1 h).
 */
export const STATUS_MISMATCH_BAN_MS = 30 * 60_000

/**
 * What a node offers unless told otherwise: it announces blocks with headers
 * (BIP130 sendheaders), relays loose transactions, serves every block it
 * stores, and runs no masternode. Other modules change these with
 * `PeerStatusBook.advertise` before the node starts.
 */
export const DEFAULT_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  sendHeaders: true,
  txRelay: true,
  archive: true,
  masternode: false
})
