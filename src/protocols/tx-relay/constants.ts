/**
 * Defaults of transaction relay, each with its reason. Most are Bitcoin
 * Core's (net_processing.cpp, txrequest.h); every one is listed in
 * `docs/LIMITS.md` under "Transaction relay and compact blocks".
 *
 * @module
 */

/** Logger component of the module. */
export const TX_RELAY_COMPONENT = 'chainwire:tx-relay'

/** Name of the protocol in `node.protocols`. */
export const TX_RELAY_PROTOCOL = 'tx-relay'

/** The gossip topic name, `/chainwire/<network>/tx/1` (gossip mode). */
export const TX_TOPIC_NAME = 'tx'

// ---------------------------------------------------------------- announcing (trickle)

/**
 * Mean of the Poisson delay between announcements to inbound peers:
 * Bitcoin Core's INBOUND_INVENTORY_BROADCAST_INTERVAL (5 s). All inbound
 * peers share one timer, so an attacker with many inbound connections learns
 * nothing from which of them hears first.
 */
export const DEFAULT_INBOUND_TRICKLE_MS = 5_000

/** Mean of the per-peer Poisson delay for outbound peers: Core's OUTBOUND_INVENTORY_BROADCAST_INTERVAL (2 s). */
export const DEFAULT_OUTBOUND_TRICKLE_MS = 2_000

/**
 * Trickle means of the local devnet (`chainwire devnet`). Its blocks come
 * every ~1 s rather than every 600 s, so Bitcoin's 5 s / 2 s would leave
 * transactions out of several blocks; a tenth of them keeps batching (a
 * trickle still collects every transaction of its interval) while a
 * transaction crosses the devnet well within a block interval.
 */
export const DEVNET_INBOUND_TRICKLE_MS = 500
export const DEVNET_OUTBOUND_TRICKLE_MS = 200

/**
 * Announcements per trickle at a normal rate: Core's INVENTORY_BROADCAST_TARGET
 * (INVENTORY_BROADCAST_PER_SECOND 7 × 5 s = 35). A longer queue raises the
 * batch by 5 per 1000 queued (Core's formula), up to the maximum below.
 */
export const DEFAULT_INV_BROADCAST_TARGET = 35

/** Most announcements in one trickle: Core's INVENTORY_BROADCAST_MAX (1000). */
export const DEFAULT_INV_BROADCAST_MAX = 1_000

/**
 * Transactions queued for announcement to one peer. Core's queue is bounded
 * only by its mempool; ours is bounded outright. At the maximum batch per
 * 2 s trickle a full queue drains in under two minutes; past it the oldest
 * entries are dropped (the peer still hears of them from its other peers).
 */
export const DEFAULT_MAX_ANNOUNCE_QUEUE = 50_000

// ---------------------------------------------------------------- known inventory

/** Keys the per-peer known-inventory filter remembers: Core's m_tx_inventory_known_filter (50,000). */
export const DEFAULT_KNOWN_INVENTORY_SIZE = 50_000

/** False-positive rate of the known-inventory filter: Core's 0.000001 (about 540 KB per peer). */
export const DEFAULT_KNOWN_INVENTORY_FP_RATE = 0.000001

/**
 * Transactions remembered as announced to a peer, which it may then fetch:
 * Core's INVENTORY_MAX_RECENT_RELAY (3500) in m_recently_announced_invs.
 */
export const DEFAULT_RECENTLY_ANNOUNCED_SIZE = 3_500

/**
 * Transactions remembered as announced or sent to us by a peer: proof it has
 * them, which compact-block prefill prediction uses (the known-inventory
 * filter cannot tell: it also holds what we announced to the peer, which it
 * may still be fetching). As many as recently announced ones.
 */
export const DEFAULT_HEARD_FROM_PEER_SIZE = DEFAULT_RECENTLY_ANNOUNCED_SIZE

/**
 * Recently rejected txids (invalid, fee too low, conflicting), not fetched
 * again: Core's m_lazy_recent_rejects (120,000 at 1e-6). Reset on every new
 * tip, as Core does, since a block can make a rejected transaction valid.
 */
export const DEFAULT_RECENT_REJECTS_SIZE = 120_000

/** Txids confirmed in recent blocks, not fetched again: Core's m_recent_confirmed_transactions (48,000). */
export const DEFAULT_RECENT_CONFIRMED_SIZE = 48_000

// ---------------------------------------------------------------- fetching (txrequest)

/** Announcements tracked per peer, beyond which its announcements are ignored: Core's MAX_PEER_TX_ANNOUNCEMENTS (5000). */
export const DEFAULT_MAX_PEER_ANNOUNCEMENTS = 5_000

/** Transactions requested from one peer and not yet received: Core's MAX_PEER_TX_REQUEST_IN_FLIGHT (100). */
export const DEFAULT_MAX_IN_FLIGHT_PER_PEER = 100

/**
 * A request not answered within this time is abandoned and the transaction
 * is requested from another announcer: Core's GETDATA_TX_INTERVAL (60 s).
 * (The request/response engine's TTFB timeout usually fires first.)
 */
export const DEFAULT_GETDATA_TIMEOUT_MS = 60_000

/**
 * Delay before an announcement from a non-preferred (inbound) peer may be
 * requested, so an outbound announcer, harder for an attacker to be, gets
 * the first chance: Core's NONPREF_PEER_TX_DELAY (2 s). Core's value equals
 * its outbound trickle mean, so when a trickle mean is configured (the
 * devnet's are shorter) the delay follows it.
 */
export const DEFAULT_NONPREFERRED_DELAY_MS = 2_000

/** Extra delay for announcements from a peer at its in-flight cap: Core's OVERLOADED_PEER_TX_DELAY (2 s); follows a configured outbound trickle mean too. */
export const DEFAULT_OVERLOADED_DELAY_MS = 2_000

/**
 * getdata requests open to one peer at once. The method allows 4 outbound
 * streams per connection (`PROTOCOLS.getdata`); 2 leaves room for a request
 * the peer's own requests race with, and the in-flight cap bounds the work anyway.
 */
export const MAX_GETDATA_STREAMS_PER_PEER = 2

/**
 * Transactions one getdata asks for. The in-flight cap bounds it first;
 * MAX_GETDATA_ITEMS (1000) is the wire's limit.
 */
export const MAX_GETDATA_BATCH = 1_000

// ---------------------------------------------------------------- fee filter

/** Mean interval between fee filter updates to a peer: Core's AVG_FEEFILTER_BROADCAST_INTERVAL (10 min). */
export const DEFAULT_FEEFILTER_INTERVAL_MS = 10 * 60 * 1000

/** A significant change of our minimum fee rate is announced within this time: Core's MAX_FEEFILTER_CHANGE_DELAY (5 min). */
export const DEFAULT_FEEFILTER_MAX_CHANGE_DELAY_MS = 5 * 60 * 1000

/**
 * How often our minimum fee rate is compared with what we last sent. A
 * change by more than a quarter either way (Core's 3/4 and 4/3 thresholds)
 * brings the next update forward.
 */
export const FEEFILTER_CHECK_INTERVAL_MS = 30_000

/**
 * How often per-peer state is compared with the connected peers. State made
 * for a message that raced a disconnect (or came from a peer the network
 * guard then refused, which raises no disconnect event) is dropped here.
 */
export const PEER_SWEEP_INTERVAL_MS = 30_000

// ---------------------------------------------------------------- gossip mode

/** Transactions being validated from gossip at once; beyond it gossip messages are ignored (not rejected). */
export const DEFAULT_MAX_GOSSIP_VALIDATIONS = 256
