/**
 * Defaults of the peer manager, each with the reason for its value.
 *
 * Every value here is listed in `docs/LIMITS.md` (section "Peers and
 * connections"). Node-wide connection numbers (max connections, outbound
 * target, pending inbound) live in `src/config/constants.ts` and are
 * re-exported here so the peer manager has one place to read them from.
 *
 * @module
 */
import {
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_INBOUND,
  DEFAULT_MAX_PENDING_INBOUND,
  DEFAULT_OUTBOUND_TARGET
} from '../config/constants.ts'
import type { Verdict } from '../errors.ts'
import type { GoodbyeReason } from './types.ts'

export { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_INBOUND, DEFAULT_MAX_PENDING_INBOUND, DEFAULT_OUTBOUND_TARGET }

/** Logger and metric component name of the peer manager. */
export const PEERS_COMPONENT = 'chainwire:peers'
/** Logger component name of the connection gater. */
export const GATER_COMPONENT = `${PEERS_COMPONENT}:gater`

// ---------------------------------------------------------------- score

/** Highest score. Lodestar's `MAX_SCORE`: scores live in [-100, 100]. */
export const MAX_SCORE = 100

/** Lowest score. Lodestar's `MIN_SCORE`. */
export const MIN_SCORE = -100

/**
 * Time for a score to decay halfway back to 0. Lodestar's
 * `SCORE_HALFLIFE_MS` (10 min): a peer that made one low-tolerance mistake
 * (-10) is back above -1 after ~35 min, while a steady trickle of faults
 * still accumulates towards the thresholds.
 */
export const DEFAULT_SCORE_HALF_LIFE_MS = 10 * 60_000

/**
 * At or below this score a peer is sent `score-too-low` and disconnected,
 * and we do not dial it until its score decays back. Lodestar's
 * `MIN_SCORE_BEFORE_DISCONNECT`: two low-tolerance faults in quick succession.
 */
export const DEFAULT_DISCONNECT_THRESHOLD = -20

/**
 * At or below this score a peer is banned for {@link DEFAULT_SCORE_BAN_MS}.
 * Lodestar's `MIN_SCORE_BEFORE_BAN`: ~5 low, ~10 mid or ~50 high-tolerance
 * faults within a half-life.
 */
export const DEFAULT_BAN_THRESHOLD = -50

/**
 * Inbound peers at or below this score are preferred for eviction, as
 * Bitcoin Core prefers to evict discouraged peers (`m_prefer_evict`): one
 * low-tolerance fault, or two mid-tolerance ones, within a half-life.
 */
export const DEFAULT_PREFER_EVICT_SCORE = -10

/**
 * The score change of each verdict: the one table that turns a fault into a
 * consequence. Values are Lodestar's `PeerAction` scores:
 *
 * - `fatal` (-200, i.e. straight to {@link MIN_SCORE}): an unambiguous
 *   protocol violation; the peer is banned at once, as Bitcoin Core has
 *   discouraged on the first violation since v28
 * - `low` (-10): must not be tolerated; ~5 in a half-life reach the ban threshold
 * - `mid` (-5): tolerated sometimes; ~10 reach the ban threshold
 * - `high` (-1): tolerated often (a timeout, a slow peer); ~50 reach it
 * - `ignore` (0): no fault of the peer (our own overload, a low fee, a NOTFOUND)
 */
export const VERDICT_PENALTIES: Readonly<Record<Verdict, number>> = Object.freeze({
  ignore: 0,
  high: -1,
  mid: -5,
  low: -10,
  fatal: MIN_SCORE - MAX_SCORE
})

/**
 * Scores kept in memory, connected or not. Lodestar keeps the scores of
 * disconnected peers so that reconnecting does not reset them; we bound them
 * to a few times the connection limit and forget the mildest first.
 */
export const MAX_TRACKED_SCORES = 4096

/** A score whose magnitude decayed below this is forgotten (it is effectively 0). */
export const SCORE_FORGET_BELOW = 0.5

// ---------------------------------------------------------------- bans

/**
 * Ban after a `fatal` verdict. Bitcoin Core's `DEFAULT_MISBEHAVING_BANTIME`
 * (24 h), which was its automatic ban before discouragement replaced it.
 */
export const DEFAULT_FATAL_BAN_MS = 24 * 60 * 60_000

/**
 * Ban after the score falls to {@link DEFAULT_BAN_THRESHOLD} through graded
 * faults. Lodestar's `BANNED_BEFORE_DECAY_MS` (30 min): long enough that the
 * score has decayed from -50 to about -6 when the ban ends, so the peer comes
 * back healthy rather than one fault away from another ban.
 */
export const DEFAULT_SCORE_BAN_MS = 30 * 60_000

/** Default duration of an operator's ban. Bitcoin Core's `setban` default (24 h). */
export const DEFAULT_MANUAL_BAN_MS = 24 * 60 * 60_000

/** Longest ban accepted: one year. A longer ban is a firewall rule's job. */
export const MAX_BAN_DURATION_MS = 365 * 24 * 60 * 60_000

/**
 * Bans held (and persisted). Automatic bans are made per peer id, which an
 * attacker can mint for free, so the list must be bounded: when full, the
 * automatic ban expiring soonest is dropped; operator bans are never dropped.
 * At ~200 bytes a record the list stays under 2 MB.
 */
export const MAX_BANS = 10_000

/** Longest ban reason kept, in characters. */
export const MAX_BAN_REASON_LENGTH = 256

/** Datastore key prefix of ban records: `/chainwire/bans/<kind>/<target>`. */
export const BANS_KEY_PREFIX = '/chainwire/bans'

/**
 * How long an address stays discouraged after its peer was banned.
 * Bitcoin Core discourages the address of a misbehaving peer (a rolling
 * filter, not persisted) instead of banning it: the address may still
 * connect while there is room, is evicted first, and is refused when
 * inbound is full. We do the same for a day.
 */
export const DEFAULT_DISCOURAGE_MS = 24 * 60 * 60_000

/** Addresses discouraged at once. Bitcoin Core's `m_discouraged` rolling filter holds 50 000. */
export const MAX_DISCOURAGED = 50_000

// ---------------------------------------------------------------- connection limits

/**
 * Connections to one peer. One, as Bitcoin Core: a second connection gives
 * a peer nothing but a second slot. Relayed (limited) connections do not
 * count, so DCUtR can replace a relayed connection with a direct one.
 */
export const DEFAULT_MAX_PER_PEER = 1

/**
 * Inbound connections from one IPv4 address or one IPv6 /64 (one host).
 * go-libp2p's connection limiter allows 8 per IPv4 /32 and 8 per IPv6 /56;
 * we allow twice that so a host behind one NAT, and a devnet of up to 17
 * nodes on 127.0.0.1 (16 inbound each), still meshes fully. We do not exempt
 * loopback as go-libp2p does, so tests exercise the real rule.
 */
export const DEFAULT_MAX_INBOUND_PER_IP = 16

/**
 * Inbound connections from one IPv4 /24: a cheap block to rent (one cloud
 * subnet). Twice the per-IP cap: a quarter of the default inbound slots.
 */
export const DEFAULT_MAX_INBOUND_PER_IPV4_24 = 32

/**
 * Inbound connections from one IPv4 /16, Bitcoin Core's netgroup (the unit of
 * its outbound diversity and eviction protection). About half the default
 * inbound slots: eviction, which evicts from the largest netgroup, does the rest.
 */
export const DEFAULT_MAX_INBOUND_PER_IPV4_16 = 64

/**
 * Inbound connections from one IPv6 /48, a typical site allocation.
 * go-libp2p's default for an IPv6 /48 is 8 × 8 = 64.
 */
export const DEFAULT_MAX_INBOUND_PER_IPV6_48 = 64

/** Prefix of an IPv6 "host" for the per-IP cap: hosts are routinely given a whole /64. */
export const IPV6_HOST_PREFIX = 64

/**
 * A pending inbound reservation that never saw its connection open or close
 * is dropped after this. libp2p's inbound upgrade timeout (10 s) plus margin.
 */
export const PENDING_INBOUND_TTL_MS = 15_000

/** A connection we started to close stops counting against limits; the mark is dropped after this. */
export const CLOSING_MARK_TTL_MS = 10_000

// ---------------------------------------------------------------- eviction (Bitcoin Core SelectNodeToEvict)

/** Inbound peers protected for netgroup diversity (keyed hash of the netgroup, so unpredictable). Bitcoin Core: 4. */
export const EVICTION_PROTECT_NETGROUP = 4
/** Inbound peers protected for the lowest latency. Bitcoin Core: 8 (an attacker cannot move closer cheaply). */
export const EVICTION_PROTECT_LATENCY = 8
/** Inbound peers protected for most recently relaying a novel transaction. Bitcoin Core: 4. */
export const EVICTION_PROTECT_TX = 4
/** Inbound peers protected for most recently relaying a novel block. Bitcoin Core: 4. */
export const EVICTION_PROTECT_BLOCK = 4
/** Share of the remaining candidates protected for the longest uptime. Bitcoin Core: half. */
export const EVICTION_PROTECT_UPTIME_RATIO = 0.5

// ---------------------------------------------------------------- outbound maintenance

/**
 * Interval of the maintenance round (dial when below the outbound target,
 * prune expired bans and decayed scores). Bitcoin Core's open-connections
 * loop wakes every 500 ms, Lodestar's heartbeat every 30 s; 5 s refills a lost
 * outbound slot quickly without busy dialing. A lost outbound connection also
 * triggers a round at once.
 */
export const DEFAULT_MAINTENANCE_INTERVAL_MS = 5_000

/**
 * Outbound dials in flight at once. Bitcoin Core opens outbound connections
 * one at a time; 4 fills the 8 outbound slots in two rounds while bounding
 * sockets and handshakes in progress.
 */
export const DEFAULT_MAX_PARALLEL_DIALS = 4

/** Budget of one outbound maintenance dial. libp2p's own `dialTimeout` (10 s). */
export const DEFAULT_OUTBOUND_DIAL_TIMEOUT_MS = 10_000

/** Back-off after the first failed dial to a peer; doubles with each failure. One maintenance interval. */
export const DEFAULT_DIAL_BACKOFF_BASE_MS = 5_000

/** Longest back-off between dials to a failing peer (reached after 7 failures). */
export const DEFAULT_DIAL_BACKOFF_MAX_MS = 10 * 60_000

/** Peers with a back-off record. When full, the record that expires first is forgotten. */
export const MAX_BACKOFF_ENTRIES = 4096

/** Peer store entries examined per maintenance round when looking for dial candidates. */
export const MAX_CANDIDATES_SCANNED = 1000

// ---------------------------------------------------------------- anchors

/** Outbound peers saved at shutdown and dialed first at start. Bitcoin Core's `MAX_BLOCK_RELAY_ONLY_ANCHORS` (2). */
export const MAX_ANCHORS = 2

/** Addresses kept per anchor. */
export const MAX_ANCHOR_ADDRS = 8

/** Datastore key of the anchors record. Deleted once read, as Bitcoin Core deletes anchors.dat. */
export const ANCHORS_KEY = '/chainwire/anchors'

// ---------------------------------------------------------------- goodbye

/**
 * Budget of the goodbye message before we close anyway. Goodbye is a
 * courtesy: a peer that does not read it must not hold the slot.
 */
export const GOODBYE_TIMEOUT_MS = 1_000

/** Budget of closing a peer's connections gracefully before they are aborted. libp2p's close timeout (1 s) × 2. */
export const CLOSE_TIMEOUT_MS = 2_000

/**
 * Numeric wire codes of goodbye reasons. The Ethereum consensus spec's
 * `Goodbye` codes (1 shutdown, 2 irrelevant network, 3 fault) and the codes
 * Lighthouse and Lodestar added (129 too many peers, 250 score too low,
 * 251 banned), so a reader of either recognises them.
 */
export const GOODBYE_CODES: Readonly<Record<GoodbyeReason, number>> = Object.freeze({
  shutdown: 1,
  'irrelevant-network': 2,
  fault: 3,
  'too-many-peers': 129,
  'score-too-low': 250,
  banned: 251
})

// ---------------------------------------------------------------- metrics and input

/** Distinct penalty reasons given their own metric label; later ones are counted as `other`. */
export const MAX_PENALTY_REASON_LABELS = 64

/** Longest penalty reason kept (in a label or an event), in characters. */
export const MAX_REASON_LENGTH = 64

/** Entries of the allow-list (peer ids and subnets). */
export const MAX_ALLOW_LIST = 1024
