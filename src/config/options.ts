/**
 * The node's configuration: its shape, its defaults and the one table that
 * describes every field for validation, the environment, the CLI and the docs.
 *
 * @module
 */
import * as C from './constants.ts'
import { DEFAULT_INBOUND_TRICKLE_MS, DEFAULT_OUTBOUND_TRICKLE_MS } from '../protocols/tx-relay/constants.ts'

/** Log levels, from quietest to noisiest. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace'
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug', 'trace']

/** How the node relays transactions (see the transaction relay protocol). */
export type TxRelayMode = 'inv' | 'gossip'

/** How the node relays new blocks: BIP152 compact blocks, or whole blocks. */
export type BlockRelayMode = 'compact' | 'full'

/**
 * Everything that configures a node. Plain data: `structuredClone` copies it.
 * Functions (a chain, a clock) go into {@link NodeComponents}-style inputs, not here.
 */
export interface NodeConfig {
  /** Network id; part of every protocol id and topic. */
  network: string
  /** Directory holding the identity key, the datastore and chain data. */
  dataDir: string
  /** Multiaddrs to listen on. */
  listen: string[]
  /** Multiaddrs to announce instead of the listen addresses (empty: announce what we listen on). */
  announce: string[]
  /** Bootstrap peers: full multiaddrs ending in `/p2p/<id>`. */
  bootstrap: string[]
  /** Multicast DNS discovery, for LANs. Off by default. */
  mdns: boolean
  /** Kademlia DHT under `/chainwire/<network>/kad/1.0.0`. */
  dht: boolean
  /** Keep private and loopback addresses in DHT records ('auto': only if we listen on no public address). */
  dhtPrivateAddrs: 'auto' | 'yes' | 'no'
  /** Source address for outbound TCP dials, or '' to let the OS pick. */
  dialFrom: string
  /** Control API `HOST:PORT`, or '' to disable the API. */
  api: string
  /** Bearer token; required when the API is bound to anything but loopback. */
  apiToken: string
  /** Log level. */
  logLevel: LogLevel
  /** Broadcast topics to subscribe to at start. */
  topics: string[]
  /** Total connections. */
  maxConnections: number
  /** Inbound connections. */
  maxInbound: number
  /** Outbound connections to maintain. */
  outboundTarget: number
  /** Inbound connections still in the handshake. */
  maxPendingInbound: number
  /** Connection establishment budget, ms. */
  connectionTimeoutMs: number
  /** Liveness ping interval, ms. */
  heartbeatMs: number
  /** Peer ids and CIDRs that bypass connection caps and are never evicted. */
  allowList: string[]
  /** The chain behind the node: the built-in reference chain, or none (a pure networking node). */
  chain: 'devchain' | 'none'
  /** Mine blocks on this node (devchain). */
  mine: boolean
  /** Mean pacing between mined blocks, ms; 0 = pure proof of work, where the retarget sets the pace. */
  mineIntervalMs: number
  /** Transaction relay mode. */
  txRelay: TxRelayMode
  /** Mean of the Poisson delay between transaction announcements to inbound peers, ms (inv mode). */
  txTrickleInboundMs: number
  /** Mean of the Poisson delay between transaction announcements to each outbound peer, ms (inv mode). */
  txTrickleOutboundMs: number
  /** Block relay: compact blocks (BIP152) with the full block as fallback, or full blocks only. */
  blockRelay: BlockRelayMode
}

/** The kind of a config field, which decides parsing and validation. */
export type FieldKind =
  | { type: 'string', pattern?: RegExp, patternText?: string, allowEmpty?: boolean }
  | { type: 'int', min: number, max?: number }
  | { type: 'bool' }
  | { type: 'list', item?: RegExp, itemText?: string, max?: number }
  | { type: 'enum', values: readonly string[] }
  | { type: 'hostport', allowEmpty: boolean }

/** One row of the config table. */
export interface FieldSpec {
  /** Key in {@link NodeConfig} and in the JSON config file. */
  key: keyof NodeConfig
  /** CLI flag, without dashes. */
  flag: string
  /** Environment variable. */
  env: string
  kind: FieldKind
  /** One line for `--help` and the README. */
  help: string
}

const MULTIADDR = /^\/(ip4|ip6|dns|dns4|dns6|dnsaddr|unix|memory)\/.+/
const MULTIADDR_TEXT = 'a multiaddr starting with /ip4, /ip6, /dns, /dns4, /dns6 or /dnsaddr'
const P2P_ADDR = /^\/(ip4|ip6|dns|dns4|dns6|dnsaddr)\/.+\/p2p\/[1-9A-HJ-NP-Za-km-z]{40,60}$/
const P2P_ADDR_TEXT = 'a multiaddr ending in /p2p/<peer id>'

/** The config table: the single source for validation, env vars, CLI flags and docs. */
export const FIELDS: readonly FieldSpec[] = [
  { key: 'network', flag: 'network', env: 'CHAINWIRE_NETWORK', kind: { type: 'string', pattern: C.NETWORK_ID_PATTERN, patternText: 'lowercase letters, digits and dashes, at most 32' }, help: 'network id; part of every protocol id and topic' },
  { key: 'dataDir', flag: 'data-dir', env: 'CHAINWIRE_DATA_DIR', kind: { type: 'string' }, help: 'directory for the identity key, peer store and chain data' },
  { key: 'listen', flag: 'listen', env: 'CHAINWIRE_LISTEN', kind: { type: 'list', item: MULTIADDR, itemText: MULTIADDR_TEXT, max: 16 }, help: 'multiaddrs to listen on (repeat the flag or comma-separate)' },
  { key: 'announce', flag: 'announce', env: 'CHAINWIRE_ANNOUNCE', kind: { type: 'list', item: MULTIADDR, itemText: MULTIADDR_TEXT, max: 16 }, help: 'multiaddrs to announce instead of the listen addresses' },
  { key: 'bootstrap', flag: 'bootstrap', env: 'CHAINWIRE_BOOTSTRAP', kind: { type: 'list', item: P2P_ADDR, itemText: P2P_ADDR_TEXT, max: 64 }, help: 'bootstrap peers (full multiaddrs with /p2p/<id>)' },
  { key: 'mdns', flag: 'mdns', env: 'CHAINWIRE_MDNS', kind: { type: 'bool' }, help: 'discover peers on the LAN with multicast DNS' },
  { key: 'dht', flag: 'dht', env: 'CHAINWIRE_DHT', kind: { type: 'bool' }, help: 'run the Kademlia DHT for peer discovery' },
  { key: 'dhtPrivateAddrs', flag: 'dht-private-addrs', env: 'CHAINWIRE_DHT_PRIVATE_ADDRS', kind: { type: 'enum', values: ['auto', 'yes', 'no'] }, help: 'keep private/loopback addresses in DHT records (auto: when not listening publicly)' },
  { key: 'dialFrom', flag: 'dial-from', env: 'CHAINWIRE_DIAL_FROM', kind: { type: 'string', allowEmpty: true, pattern: /^[0-9a-fA-F.:]*$/, patternText: 'an IP address' }, help: 'source IP address for outbound TCP dials' },
  { key: 'api', flag: 'api', env: 'CHAINWIRE_API', kind: { type: 'hostport', allowEmpty: true }, help: 'control API address HOST:PORT ("" disables it)' },
  { key: 'apiToken', flag: 'api-token', env: 'CHAINWIRE_API_TOKEN', kind: { type: 'string', allowEmpty: true, pattern: /^[\x21-\x7e]{0,256}$/, patternText: 'printable ASCII without spaces, at most 256 characters' }, help: 'bearer token for the API (required off loopback)' },
  { key: 'logLevel', flag: 'log-level', env: 'CHAINWIRE_LOG_LEVEL', kind: { type: 'enum', values: LOG_LEVELS }, help: 'log level' },
  { key: 'topics', flag: 'topic', env: 'CHAINWIRE_TOPICS', kind: { type: 'list', item: C.APP_PROTOCOL_PATTERN, itemText: 'a topic name of letters, digits, ".", "_" or "-"', max: C.MAX_SUBSCRIPTIONS }, help: 'broadcast topics to subscribe to' },
  { key: 'maxConnections', flag: 'max-connections', env: 'CHAINWIRE_MAX_CONNECTIONS', kind: { type: 'int', min: 1, max: 100_000 }, help: 'total connections' },
  { key: 'maxInbound', flag: 'max-inbound', env: 'CHAINWIRE_MAX_INBOUND', kind: { type: 'int', min: 0, max: 100_000 }, help: 'inbound connections' },
  { key: 'outboundTarget', flag: 'outbound', env: 'CHAINWIRE_OUTBOUND', kind: { type: 'int', min: 0, max: 1000 }, help: 'outbound connections to maintain' },
  { key: 'maxPendingInbound', flag: 'max-pending-inbound', env: 'CHAINWIRE_MAX_PENDING_INBOUND', kind: { type: 'int', min: 1, max: 10_000 }, help: 'inbound connections still in the handshake' },
  { key: 'connectionTimeoutMs', flag: 'connection-timeout', env: 'CHAINWIRE_CONNECTION_TIMEOUT', kind: { type: 'int', min: 100, max: 600_000 }, help: 'connection establishment budget, ms' },
  { key: 'heartbeatMs', flag: 'heartbeat', env: 'CHAINWIRE_HEARTBEAT', kind: { type: 'int', min: 100, max: 3_600_000 }, help: 'liveness ping interval, ms' },
  { key: 'allowList', flag: 'allow', env: 'CHAINWIRE_ALLOW', kind: { type: 'list', max: 256 }, help: 'peer ids or CIDRs that bypass connection caps' },
  { key: 'chain', flag: 'chain', env: 'CHAINWIRE_CHAIN', kind: { type: 'enum', values: ['devchain', 'none'] }, help: 'chain behind the node: the devchain reference chain, or none' },
  { key: 'mine', flag: 'mine', env: 'CHAINWIRE_MINE', kind: { type: 'bool' }, help: 'mine blocks (devchain)' },
  { key: 'mineIntervalMs', flag: 'mine-interval', env: 'CHAINWIRE_MINE_INTERVAL', kind: { type: 'int', min: 0, max: 3_600_000 }, help: 'mean pacing between mined blocks, ms (0: proof of work alone; devnet retargets to ~1 s)' },
  { key: 'txRelay', flag: 'tx-relay', env: 'CHAINWIRE_TX_RELAY', kind: { type: 'enum', values: ['inv', 'gossip'] }, help: 'transaction relay mode: inv (announce, then fetch) or gossip (gossipsub topic)' },
  { key: 'txTrickleInboundMs', flag: 'tx-trickle-inbound', env: 'CHAINWIRE_TX_TRICKLE_INBOUND', kind: { type: 'int', min: 1, max: 600_000 }, help: 'mean delay between transaction announcements to inbound peers, ms (Bitcoin Core: 5000)' },
  { key: 'txTrickleOutboundMs', flag: 'tx-trickle-outbound', env: 'CHAINWIRE_TX_TRICKLE_OUTBOUND', kind: { type: 'int', min: 1, max: 600_000 }, help: 'mean delay between transaction announcements to each outbound peer, ms (Bitcoin Core: 2000)' },
  { key: 'blockRelay', flag: 'block-relay', env: 'CHAINWIRE_BLOCK_RELAY', kind: { type: 'enum', values: ['compact', 'full'] }, help: 'block relay: compact blocks (BIP152, full block as fallback) or full blocks' }
]

/** The defaults every source starts from. */
export function defaultConfig (): NodeConfig {
  return {
    network: C.DEFAULT_NETWORK,
    dataDir: C.DEFAULT_DATA_DIR,
    listen: [...C.DEFAULT_LISTEN],
    announce: [],
    bootstrap: [],
    mdns: false,
    dht: true,
    dhtPrivateAddrs: 'auto',
    dialFrom: '',
    api: `${C.DEFAULT_API_HOST}:${C.DEFAULT_API_PORT}`,
    apiToken: '',
    logLevel: 'info',
    topics: [...C.DEFAULT_TOPICS],
    maxConnections: C.DEFAULT_MAX_CONNECTIONS,
    maxInbound: C.DEFAULT_MAX_INBOUND,
    outboundTarget: C.DEFAULT_OUTBOUND_TARGET,
    maxPendingInbound: C.DEFAULT_MAX_PENDING_INBOUND,
    connectionTimeoutMs: C.DEFAULT_CONNECTION_TIMEOUT_MS,
    heartbeatMs: C.DEFAULT_HEARTBEAT_MS,
    allowList: [],
    chain: 'devchain',
    mine: false,
    mineIntervalMs: C.DEFAULT_MINE_INTERVAL_MS,
    txRelay: 'inv',
    txTrickleInboundMs: DEFAULT_INBOUND_TRICKLE_MS,
    txTrickleOutboundMs: DEFAULT_OUTBOUND_TRICKLE_MS,
    blockRelay: 'compact'
  }
}
