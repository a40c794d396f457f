/**
 * The messages of every chainwire request/response protocol, as protocol code
 * sees them: plain data, independent of the wire format. Bytes are
 * `Uint8Array`, heights, counts and times are `number`, work and amounts are
 * `bigint`. Headers, blocks and transactions are opaque bytes in the chain's
 * own serialisation (see `src/chain/index.ts`).
 *
 * The limits each field is held to are in `constants.ts` and `docs/PROTOCOL.md`;
 * the codecs enforce them on decode.
 *
 * @module
 */

/** A 32-byte block or transaction hash. */
export type Hash = Uint8Array

// ---------------------------------------------------------------- status and goodbye

/** What a node offers beyond the base protocols. Carried as bit flags. */
export interface Capabilities {
  /** Announce new blocks with headers (block_announce) rather than inv (BIP130). */
  sendHeaders: boolean
  /** Relay loose transactions to this node (BIP37 fRelay); false = blocks-only. */
  txRelay: boolean
  /** Serves every historical block; false = only recent ones (NODE_NETWORK_LIMITED). */
  archive: boolean
  /** Runs a masternode and answers proof-of-service challenges. */
  masternode: boolean
}

/** The bit of each capability in `Status.capabilities`. */
export const CAPABILITY_BITS: Readonly<Record<keyof Capabilities, number>> = {
  sendHeaders: 1 << 0,
  txRelay: 1 << 1,
  archive: 1 << 2,
  masternode: 1 << 3
}

/** The majors of one protocol a node speaks. */
export interface ProtocolVersions {
  /** The protocol's name segment, e.g. `get_headers`. */
  name: string
  majors: number[]
}

/** Exchanged in both directions when a connection opens. */
export interface Status {
  network: string
  genesisHash: Hash
  bestHeight: number
  bestHash: Hash
  /** Cumulative work of the best chain. */
  bestWork: bigint
  protocols: ProtocolVersions[]
  capabilities: Capabilities
  /** BIP152 versions this node can receive, most preferred first. */
  compactBlockVersions: number[]
  userAgent: string
  /** The sender's clock, ms since the epoch. */
  timeMs: number
}

/** Reason codes of a goodbye (Lodestar's values where they overlap). */
export const GoodbyeReason = {
  CLIENT_SHUTDOWN: 1,
  IRRELEVANT_NETWORK: 2,
  FAULT: 3,
  UNABLE_TO_VERIFY_NETWORK: 128,
  TOO_MANY_PEERS: 129,
  SCORE_TOO_LOW: 250,
  BANNED: 251
} as const

/** Sent once before a deliberate disconnect. */
export interface Goodbye {
  /** One of {@link GoodbyeReason}; unknown codes are passed through. */
  reason: number
  message: string
}

// ---------------------------------------------------------------- headers and blocks

export interface GetHeaders {
  /** Hashes of our best chain, newest first, exponentially spaced. */
  locator: Hash[]
  /** Stop after this header, if present. */
  stopHash?: Hash
  /** At most this many headers (1..MAX_HEADERS_PER_MESSAGE). */
  maxHeaders: number
}

export interface Headers {
  /** Consecutive serialised headers. */
  headers: Uint8Array[]
}

export interface GetBlocksByRange {
  startHeight: number
  /** 1..MAX_BLOCKS_PER_RESPONSE; the response streams at most this many blocks. */
  count: number
}

export interface GetBlocksByHash {
  hashes: Hash[]
}

/** One item of a get_blocks_* response stream. */
export interface Block {
  /** The serialised block. */
  block: Uint8Array
}

/** Unsolicited announcement of new blocks, with what propagation measurement needs. */
export interface BlockAnnounce {
  /** 1..MAX_ANNOUNCE_HEADERS headers, oldest first, each building on the previous. */
  headers: Uint8Array[]
  /** When the origin node accepted the newest block, ms since the epoch. */
  acceptedAtMs: number
  /** Relays since the origin (0 when sent by the origin). */
  hops: number
}

// ---------------------------------------------------------------- transaction relay

/** The kind of an inventory vector. */
export type InvType = 'tx' | 'block' | 'cmpct_block'

/** The wire code of each inventory kind (Bitcoin's MSG_TX, MSG_BLOCK, MSG_CMPCT_BLOCK). */
export const INV_TYPE_CODES: Readonly<Record<InvType, number>> = {
  tx: 1,
  block: 2,
  cmpct_block: 4
}

export interface InvItem {
  type: InvType
  hash: Hash
}

export interface Inv {
  items: InvItem[]
}

export interface GetData {
  items: InvItem[]
}

export interface NotFound {
  items: InvItem[]
}

/** One item of a getdata response stream: a transaction, or the list of what was not found. */
export type GetDataResponse =
  | { type: 'tx', tx: Uint8Array }
  | { type: 'notfound', items: InvItem[] }

export interface Tx {
  tx: Uint8Array
}

export interface FeeFilter {
  /** Base units per 1000 bytes. */
  feeRate: bigint
}

export interface SendCmpct {
  /** High-bandwidth mode: send cmpctblock before validating. */
  announce: boolean
  version: number
}

export interface PrefilledTx {
  /** Absolute index of the transaction in the block. */
  index: number
  tx: Uint8Array
}

export interface CmpctBlock {
  header: Uint8Array
  /** Salt of the short ids. */
  nonce: bigint
  /** 48-bit short transaction ids. */
  shortIds: number[]
  /** Indexes strictly increasing. */
  prefilled: PrefilledTx[]
  /**
   * When the origin node accepted the block, ms since the epoch (0 or absent:
   * unknown). With `hops`, what a `block_announce` carries for propagation
   * measurement: a high-bandwidth compact block replaces that announcement.
   */
  acceptedAtMs?: number
  /** Relays since the origin (0 when sent by the origin). */
  hops?: number
}

export interface GetBlockTxn {
  blockHash: Hash
  /** Absolute indexes, strictly increasing. */
  indexes: number[]
}

export interface BlockTxn {
  blockHash: Hash
  txs: Uint8Array[]
}

// ---------------------------------------------------------------- masternodes

export type MasternodeStatus = 'enabled' | 'pose_banned'

/** The wire code of each masternode status. */
export const MASTERNODE_STATUS_CODES: Readonly<Record<MasternodeStatus, number>> = {
  enabled: 1,
  pose_banned: 2
}

export interface MasternodeEntry {
  /** The registration hash identifying the masternode. */
  id: Hash
  /** Where to reach it, a multiaddr string. */
  address: string
  operatorKey: Uint8Array
  status: MasternodeStatus
  registeredHeight: number
  poseScore: number
  lastSeenMs: number
  /** The operator's signature over the entry. */
  signature: Uint8Array
}

export interface MasternodeListRequest {
  /** 0 = the responder's tip. */
  height: number
}

export interface MasternodeListResponse {
  height: number
  blockHash: Hash
  entries: MasternodeEntry[]
}

export interface MasternodeUpdate {
  entry: MasternodeEntry
  height: number
}

export interface MasternodeListSync {
  fromHeight: number
  fromBlockHash: Hash
}

export interface MasternodeListDiff {
  fromHeight: number
  toHeight: number
  toBlockHash: Hash
  /** Entries added or changed. */
  upserts: MasternodeEntry[]
  /** Ids of entries removed. */
  removed: Hash[]
}

export interface PoseChallenge {
  nonce: Uint8Array
  masternodeId: Hash
  height: number
  blockHash: Hash
  issuedAtMs: number
}

export interface PoseResponse {
  nonce: Uint8Array
  masternodeId: Hash
  blockHash: Hash
  signature: Uint8Array
}

// ---------------------------------------------------------------- transfer and direct messages

/** One piece of a payload larger than the max chunk size. */
export interface Chunk {
  /** The same for every chunk of one payload. */
  transferId: number
  /** 0-based, consecutive. */
  index: number
  /** Chunks in the transfer. */
  count: number
  /** Bytes of the whole payload. */
  totalSize: number
  data: Uint8Array
}

/** An application message, sent with the node's `send()`. */
export interface DirectMessage {
  /** The application protocol, e.g. `chat`. */
  protocol: string
  data: Uint8Array
}

export interface DirectReply {
  data: Uint8Array
}

// ---------------------------------------------------------------- methods

/**
 * Every request/response method. Each is its own libp2p protocol,
 * `/chainwire/<network>/<method>/<major>`.
 */
export type Method =
  | 'status'
  | 'goodbye'
  | 'get_headers'
  | 'get_blocks_by_range'
  | 'get_blocks_by_hash'
  | 'block_announce'
  | 'inv'
  | 'getdata'
  | 'tx'
  | 'feefilter'
  | 'sendcmpct'
  | 'cmpctblock'
  | 'getblocktxn'
  | 'masternode_list_request'
  | 'masternode_update'
  | 'masternode_list_sync'
  | 'pose_challenge'
  | 'direct'

/** Every method, in a stable order. */
export const METHODS: readonly Method[] = [
  'status', 'goodbye', 'get_headers', 'get_blocks_by_range', 'get_blocks_by_hash',
  'block_announce', 'inv', 'getdata', 'tx', 'feefilter', 'sendcmpct', 'cmpctblock',
  'getblocktxn', 'masternode_list_request', 'masternode_update', 'masternode_list_sync',
  'pose_challenge', 'direct'
]

/**
 * The request and response type of each method. One-way methods have the
 * response type `never`: their responses carry no items.
 */
export interface MethodTypes {
  status: { request: Status, response: Status }
  goodbye: { request: Goodbye, response: never }
  get_headers: { request: GetHeaders, response: Headers }
  get_blocks_by_range: { request: GetBlocksByRange, response: Block }
  get_blocks_by_hash: { request: GetBlocksByHash, response: Block }
  block_announce: { request: BlockAnnounce, response: never }
  inv: { request: Inv, response: never }
  getdata: { request: GetData, response: GetDataResponse }
  tx: { request: Tx, response: never }
  feefilter: { request: FeeFilter, response: never }
  sendcmpct: { request: SendCmpct, response: never }
  cmpctblock: { request: CmpctBlock, response: never }
  getblocktxn: { request: GetBlockTxn, response: BlockTxn }
  masternode_list_request: { request: MasternodeListRequest, response: MasternodeListResponse }
  masternode_update: { request: MasternodeUpdate, response: never }
  masternode_list_sync: { request: MasternodeListSync, response: MasternodeListDiff }
  pose_challenge: { request: PoseChallenge, response: PoseResponse }
  direct: { request: DirectMessage, response: DirectReply }
}

/** The request type of method `M`. */
export type RequestOf<M extends Method> = MethodTypes[M]['request']
/** The response item type of method `M` (`never` for one-way methods). */
export type ResponseOf<M extends Method> = MethodTypes[M]['response']

/** Methods whose responses carry no items. */
export type OneWayMethod = { [M in Method]: [ResponseOf<M>] extends [never] ? M : never }[Method]
/** Methods that answer with one or more items. */
export type RequestMethod = Exclude<Method, OneWayMethod>
