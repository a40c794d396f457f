/** A valid sample of every wire message, keyed like `protobufCodecs`. */
import type {
  Block, BlockAnnounce, BlockTxn, Chunk, CmpctBlock, DirectMessage, DirectReply, FeeFilter, GetBlocksByHash, GetBlocksByRange,
  GetBlockTxn, GetData, GetDataResponse, GetHeaders, Goodbye, Headers, Inv, MasternodeEntry, MasternodeListDiff,
  MasternodeListRequest, MasternodeListResponse, MasternodeListSync, MasternodeUpdate, NotFound, PoseChallenge,
  PoseResponse, SendCmpct, Status, Tx
} from '../../src/wire/index.ts'

const h = (b: number): Uint8Array => new Uint8Array(32).fill(b)

const entry: MasternodeEntry = {
  id: h(7),
  address: '/ip4/127.0.0.1/tcp/9000',
  operatorKey: new Uint8Array(48).fill(3),
  status: 'enabled',
  registeredHeight: 100,
  poseScore: 0,
  lastSeenMs: 1_700_000_000_000,
  signature: new Uint8Array(96).fill(4)
}

export const samples: {
  Status: Status
  Goodbye: Goodbye
  GetHeaders: GetHeaders
  Headers: Headers
  GetBlocksByRange: GetBlocksByRange
  GetBlocksByHash: GetBlocksByHash
  Block: Block
  BlockAnnounce: BlockAnnounce
  Inv: Inv
  GetData: GetData
  NotFound: NotFound
  GetDataResponse: GetDataResponse
  Tx: Tx
  FeeFilter: FeeFilter
  SendCmpct: SendCmpct
  CmpctBlock: CmpctBlock
  GetBlockTxn: GetBlockTxn
  BlockTxn: BlockTxn
  MasternodeListRequest: MasternodeListRequest
  MasternodeListResponse: MasternodeListResponse
  MasternodeUpdate: MasternodeUpdate
  MasternodeListSync: MasternodeListSync
  MasternodeListDiff: MasternodeListDiff
  PoseChallenge: PoseChallenge
  PoseResponse: PoseResponse
  Chunk: Chunk
  DirectMessage: DirectMessage
  DirectReply: DirectReply
} = {
  Status: {
    network: 'devnet',
    genesisHash: h(1),
    bestHeight: 1234,
    bestHash: h(2),
    bestWork: (1n << 200n) + 12345n,
    protocols: [{ name: 'status', majors: [1] }, { name: 'get_headers', majors: [2, 1] }],
    capabilities: { sendHeaders: true, txRelay: true, archive: false, masternode: true },
    compactBlockVersions: [2, 1],
    userAgent: 'chainwire/0.1.0',
    timeMs: 1_700_000_000_123
  },
  Goodbye: { reason: 129, message: 'too many peers' },
  GetHeaders: { locator: [h(3), h(2), h(1)], stopHash: h(9), maxHeaders: 2000 },
  Headers: { headers: [new Uint8Array(80).fill(1), new Uint8Array(80).fill(2)] },
  GetBlocksByRange: { startHeight: 10, count: 500 },
  GetBlocksByHash: { hashes: [h(4), h(5)] },
  Block: { block: new Uint8Array(300).fill(6) },
  BlockAnnounce: { headers: [new Uint8Array(80).fill(8)], acceptedAtMs: 1_700_000_000_999, hops: 2 },
  Inv: { items: [{ type: 'tx', hash: h(10) }, { type: 'block', hash: h(11) }, { type: 'cmpct_block', hash: h(12) }] },
  GetData: { items: [{ type: 'tx', hash: h(10) }] },
  NotFound: { items: [{ type: 'tx', hash: h(13) }] },
  GetDataResponse: { type: 'tx', tx: new Uint8Array(120).fill(14) },
  Tx: { tx: new Uint8Array(250).fill(15) },
  FeeFilter: { feeRate: 1000n },
  SendCmpct: { announce: true, version: 2 },
  CmpctBlock: {
    header: new Uint8Array(80).fill(16),
    nonce: 0xdead_beef_cafe_f00dn,
    shortIds: [0, 1, 2 ** 48 - 1, 123_456_789_012],
    prefilled: [{ index: 0, tx: new Uint8Array(60).fill(17) }, { index: 5, tx: new Uint8Array(70).fill(18) }],
    acceptedAtMs: 1_700_000_000_123,
    hops: 3
  },
  GetBlockTxn: { blockHash: h(19), indexes: [1, 2, 7, 99_999] },
  BlockTxn: { blockHash: h(19), txs: [new Uint8Array(10).fill(20), new Uint8Array(11).fill(21)] },
  MasternodeListRequest: { height: 0 },
  MasternodeListResponse: { height: 100, blockHash: h(22), entries: [entry, { ...entry, id: h(23), status: 'pose_banned', poseScore: 7 }] },
  MasternodeUpdate: { entry, height: 101 },
  MasternodeListSync: { fromHeight: 90, fromBlockHash: h(24) },
  MasternodeListDiff: { fromHeight: 90, toHeight: 100, toBlockHash: h(22), upserts: [entry], removed: [h(25)] },
  PoseChallenge: { nonce: h(26), masternodeId: h(7), height: 100, blockHash: h(22), issuedAtMs: 1_700_000_000_000 },
  PoseResponse: { nonce: h(26), masternodeId: h(7), blockHash: h(22), signature: new Uint8Array(96).fill(27) },
  Chunk: { transferId: 42, index: 1, count: 3, totalSize: 2_500_000, data: new Uint8Array(1000).fill(28) },
  DirectMessage: { protocol: 'chat.v1', data: new Uint8Array([1, 2, 3]) },
  DirectReply: { data: new Uint8Array([4, 5, 6]) }
}
