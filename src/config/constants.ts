/**
 * Node-wide defaults, each with the reason for its value.
 *
 * Protocol-specific defaults live in `src/protocols/<name>/constants.ts`, and
 * every limit, here or there, is listed in `docs/LIMITS.md`. The CLI imports
 * its defaults from here: it never hard-codes its own.
 *
 * @module
 */

// ---------------------------------------------------------------- process

/**
 * V8 flags every chainwire node process runs with: the `chainwire` command's
 * shebang, devnet nodes and the benchmarks. With a node's live heap of
 * ~16 MB, V8 keeps the old generation's limit just above it, and a node
 * moving 1 MB messages ran a full mark-compact every ~50 ms, 25–40 % of its
 * time (`--trace-gc`). Starting the old generation at 128 MB cut a 1 MB
 * request/response round trip from 12.0 to 7.9 ms and its p90 from 30 to
 * 15 ms (bench/results/reqresp.md), and raised block sync from one peer by
 * ~20 %, for up to ~128 MB of garbage between collections.
 */
export const NODE_V8_FLAGS: readonly string[] = ['--initial-old-space-size=128']

// ---------------------------------------------------------------- identity

/** Default network id. Part of every protocol id and topic, so networks never mix. */
export const DEFAULT_NETWORK = 'devnet'

/** Network ids are path segments of protocol ids: short, lowercase, no slashes. */
export const NETWORK_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/

/** File name of the Ed25519 identity key inside the data dir (mode 0600). */
export const IDENTITY_FILE = 'identity.key'

/** Sub-directory of the data dir holding the LevelDB datastore (peer store, DHT, bans). */
export const DATASTORE_DIR = 'datastore'

/**
 * Peer records cached in memory in front of the datastore. libp2p reads a
 * peer's record on every stream it opens or accepts; the connection limits
 * keep well under this many peers connected, so the records of every live
 * peer stay cached (a record is a few hundred bytes: ~1 MB at most).
 */
export const PEER_RECORD_CACHE_ENTRIES = 2048

/**
 * How long a peer-record write may wait in memory before it reaches LevelDB,
 * ms. libp2p rewrites a peer's record (with a new timestamp) every time a
 * stream opens, and the stream waits for the write; deferring and coalescing
 * takes that write off every request's path. A crash loses at most this much
 * of peer-record history, which identify and the next streams rebuild. Bans
 * and anchors are written through, never deferred.
 */
export const PEER_RECORD_WRITE_BEHIND_MS = 1000

/** Default data dir, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.chainwire'

// ---------------------------------------------------------------- addresses

/** Default TCP listen port. 0 picks a free port, which keeps tests and devnets collision-free. */
export const DEFAULT_TCP_PORT = 0

/**
 * Default listen addresses: loopback only. A node reachable from other hosts
 * is an explicit choice made with `--listen`.
 */
export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']

/** Default control API address. Loopback, so no token is needed. */
export const DEFAULT_API_HOST = '127.0.0.1'
/** Default control API port. 0 picks a free one (the devnet assigns fixed ports). */
export const DEFAULT_API_PORT = 0

// ---------------------------------------------------------------- peers (seed spec)

/** Outbound connections to keep, as Bitcoin Core's 8 full-relay outbound peers (seed spec: max_peers 8). */
export const DEFAULT_OUTBOUND_TARGET = 8

/** Total connections. Bitcoin Core's default `-maxconnections` is 125. */
export const DEFAULT_MAX_CONNECTIONS = 125

/** Inbound connections: what remains of max connections after the outbound target and a margin for feelers/manual dials. */
export const DEFAULT_MAX_INBOUND = DEFAULT_MAX_CONNECTIONS - DEFAULT_OUTBOUND_TARGET - 2

/** Connections still in the handshake. js-libp2p's default `maxIncomingPendingConnections` is 10. */
export const DEFAULT_MAX_PENDING_INBOUND = 10

/**
 * Inbound connections accepted per second from one address (libp2p's
 * `inboundConnectionThreshold`, 5 by default). A devnet of 10+ nodes on one
 * host dials in faster; per-IP and per-subnet caps bound what stays.
 */
export const INBOUND_ACCEPTS_PER_SECOND = 32

/** Connection establishment budget (seed spec: connection_timeout 30 s). */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 30_000

/** Liveness ping interval (seed spec: heartbeat_interval 60 s; Bitcoin Core pings every 2 min). */
export const DEFAULT_HEARTBEAT_MS = 60_000

// ---------------------------------------------------------------- messages (seed spec)

/** Largest single message on any chainwire protocol (seed spec: max_message_size 10 MB). */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024

/** Payloads larger than this are split into chunks (seed spec: max_chunk_size 1 MB). */
export const MAX_CHUNK_BYTES = 1024 * 1024

/** Blocks in one range response (seed spec: max_blocks_per_response 500). */
export const MAX_BLOCKS_PER_RESPONSE = 500

/** Per-peer message rate (seed spec: rate_limit_messages_per_sec 100). */
export const RATE_LIMIT_MESSAGES_PER_SEC = 100

/** Per-peer byte rate (seed spec: rate_limit_bytes_per_sec 1 MB). */
export const RATE_LIMIT_BYTES_PER_SEC = 1024 * 1024

// ---------------------------------------------------------------- direct messages and broadcast

/** Largest direct message payload. One chunk: bigger payloads use chunked transfer. */
export const MAX_DIRECT_MESSAGE_BYTES = MAX_CHUNK_BYTES

/** Largest gossip payload (gossipsub `maxInboundDataLength`). Blocks travel by announcement, not whole. */
export const MAX_GOSSIP_BYTES = MAX_CHUNK_BYTES

/** Longest application protocol or topic name carried in a direct message or broadcast. */
export const MAX_APP_PROTOCOL_LENGTH = 64

/** Application protocol and topic names: safe path segments. */
export const APP_PROTOCOL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** Default budget for `send()` when the caller passes no signal. */
export const DEFAULT_SEND_TIMEOUT_MS = 10_000

/** Default budget for `dial()` when the caller passes no signal (seed spec connection timeout). */
export const DEFAULT_DIAL_TIMEOUT_MS = DEFAULT_CONNECTION_TIMEOUT_MS

/** Received messages kept for `GET /messages`. A ring buffer, so memory stays flat. */
export const MESSAGE_LOG_SIZE = 256

/** Topics one node subscribes to for broadcast. */
export const MAX_SUBSCRIPTIONS = 64

/** Topic every node joins, so `broadcast('general', …)` reaches the whole network. */
export const DEFAULT_TOPICS = ['general']

// ---------------------------------------------------------------- gossipsub

/**
 * Bounds on one decoded gossipsub RPC (advisory GHSA-cwc9-cp4j-mcvv: unbounded
 * decoding let one RPC allocate without limit). IHAVE/IWANT sized to
 * gossipsub's `GossipsubMaxIHaveLength` (5000); subscriptions to our topic cap;
 * peer exchange to `GossipsubPrunePeers` (16).
 */
export const GOSSIP_DECODE_LIMITS = {
  maxSubscriptions: 128,
  maxMessages: 256,
  maxIhaveMessageIDs: 5000,
  maxIwantMessageIDs: 5000,
  maxIdontwantMessageIDs: 512,
  maxControlMessages: 256,
  maxPeerInfos: 16
}

// ---------------------------------------------------------------- DHT and discovery

/** First random DHT lookup after start while short of outbound peers; doubles each round. */
export const DISCOVERY_MIN_INTERVAL_MS = 1_000

/** Longest gap between random lookups while short of outbound peers (Lodestar re-runs discv5 queries on this order). */
export const DISCOVERY_MAX_INTERVAL_MS = 60_000

/** Random lookups once the outbound target is met: keeps the routing table fresh (kad-dht refreshes on a similar scale). */
export const DISCOVERY_IDLE_INTERVAL_MS = 300_000

/** Budget of one random lookup. */
export const DISCOVERY_LOOKUP_TIMEOUT_MS = 10_000

/** Discovery events within this window trigger one maintenance round, not one each. */
export const DISCOVERY_DEBOUNCE_MS = 200

/** k-bucket size. Kademlia's k = 20, libp2p's default. */
export const DHT_K_BUCKET_SIZE = 20

// ---------------------------------------------------------------- lifecycle

/** `stop()` closes streams, connections and the store within this bound. */
export const SHUTDOWN_TIMEOUT_MS = 5_000

// ---------------------------------------------------------------- file descriptors

/** Descriptors kept back for LevelDB, logs, the API server and the runtime. */
export const FD_RESERVE = 128

/**
 * Descriptors per connection: one socket, plus slack for a dial racing
 * several addresses at once.
 */
export const FD_PER_CONNECTION = 2

/** Below this soft limit we warn: Bitcoin Core warns when it cannot get 160 for its defaults. */
export const FD_WARN_BELOW = 1024

// ---------------------------------------------------------------- API

/** Largest request body the control API reads. */
export const API_MAX_BODY_BYTES = 2 * 1024 * 1024

/** Time budget for one API request (reading the body included). */
export const API_REQUEST_TIMEOUT_MS = 30_000

/** Concurrent API connections. The API is an operator's tool, not a public service. */
export const API_MAX_CONNECTIONS = 64

// ---------------------------------------------------------------- devchain mining

/**
 * Miner pacing. 0 means proof of work alone sets the pace: the devnet's
 * difficulty retargets to about one block per second on one CPU core.
 */
export const DEFAULT_MINE_INTERVAL_MS = 0

/** Sub-directory of the data dir holding the devchain's LevelDB store. */
export const CHAIN_DIR = 'chain'
