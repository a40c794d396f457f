/**
 * The default wire format: protobuf, through the code protons generates from
 * `pb/*.proto`. This file (with `pb/`) is the only place that knows about
 * protobuf; everything else sees the plain types of `messages.ts` through
 * {@link Codec}.
 *
 * Every decoder
 * - passes protons-runtime decode `limits` so repeated fields stop growing at
 *   their cap during decoding, not after,
 * - checks what protobuf cannot express (hash lengths, byte-field sizes,
 *   string lengths, value ranges, orderings), and
 * - throws nothing but {@link DecodeError} (verdict `fatal`).
 *
 * Encoders run the same checks and throw {@link InvalidArgumentError}, so a
 * node never sends a message its peers would reject.
 *
 * @module
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { InvalidArgumentError } from '../errors.ts'
import {
  CHUNK_OVERHEAD_BYTES, HASH_BYTES, MAX_BLOCKS_PER_RESPONSE, MAX_ANNOUNCE_HEADERS, MAX_ANNOUNCE_HOPS, MAX_BLOCK_BYTES, MAX_BLOCK_TXS,
  MAX_BLOCKS_BY_HASH, MAX_CHUNK_BYTES, MAX_CHUNKS_PER_TRANSFER, MAX_COMPACT_VERSIONS, MAX_DIRECT_MESSAGE_BYTES,
  MAX_GETDATA_ITEMS, MAX_GOODBYE_MESSAGE_BYTES, MAX_HEADER_BYTES, MAX_HEADERS_PER_MESSAGE, MAX_INV_ITEMS,
  MAX_LOCATOR_HASHES, MAX_MASTERNODE_ADDRESS_BYTES, MAX_MASTERNODES, MAX_NETWORK_ID_LENGTH, MAX_PROTOCOL_MAJORS,
  MAX_PROTOCOL_NAME_LENGTH, MAX_PUBLIC_KEY_BYTES, MAX_SIGNATURE_BYTES, MAX_STATUS_PROTOCOLS, MAX_TRANSFER_BYTES,
  MAX_TX_BYTES, MAX_USER_AGENT_BYTES, MAX_WORK_BYTES, POSE_NONCE_BYTES, SHORT_ID_BYTES, MAX_APP_PROTOCOL_LENGTH
} from './constants.ts'
import { DecodeError } from './errors.ts'
import { varintLength, writeVarint } from './framing.ts'
import { CAPABILITY_BITS, INV_TYPE_CODES, MASTERNODE_STATUS_CODES } from './messages.ts'
import * as pbMasternode from './pb/gen/masternode.js'
import * as pbRelay from './pb/gen/relay.js'
import * as pbStatus from './pb/gen/status.js'
import * as pbSync from './pb/gen/sync.js'
import * as pbTransfer from './pb/gen/transfer.js'
import type { Codec, MethodCodec, MethodCodecs, WireFormat } from './codec.ts'
import type {
  Block, BlockAnnounce, BlockTxn, Capabilities, Chunk, CmpctBlock, DirectMessage, DirectReply, FeeFilter, GetBlocksByHash,
  GetBlocksByRange, GetBlockTxn, GetData, GetDataResponse, GetHeaders, Goodbye, Headers, Inv, InvItem, InvType,
  MasternodeEntry, MasternodeListDiff, MasternodeListRequest, MasternodeListResponse, MasternodeListSync,
  MasternodeStatus, MasternodeUpdate, NotFound, PoseChallenge, PoseResponse, SendCmpct, Status, Tx
} from './messages.ts'

// ---------------------------------------------------------------- helpers

/** Reports a broken rule. Decoders throw DecodeError, encoders InvalidArgumentError. */
type Fail = (message: string) => never

interface PbType<P> {
  encode (obj: Partial<P>): Uint8Array
  decode (buf: Uint8Array | Uint8ArrayList, opts?: { limits?: any }): P
}

interface CodecSpec<T, P> {
  /** The message name used in error messages. */
  type: string
  pb: PbType<P>
  /** protons-runtime decode limits for repeated fields. */
  limits?: Record<string, unknown>
  toPb (value: T, fail: Fail): Partial<P>
  fromPb (value: P, fail: Fail): T
  /** Checks shared by encode and decode. */
  check (value: T, fail: Fail): void
  /**
   * A bytes field that is the highest-numbered field set, which
   * `encodeList` appends by reference instead of copying. `toPb` must
   * still include it; `without` returns the value with it emptied.
   */
  trailing?: { field: number, get (value: T): Uint8Array | undefined, without (value: T): T }
  /**
   * An encoder that writes the same bytes as `pb.encode(toPb(value))`,
   * faster, for hot messages (after `check`).
   */
  encode? (value: T): Uint8Array
}

function defineCodec<T, P> (spec: CodecSpec<T, P>): Codec<T> {
  const failDecode: Fail = (message) => { throw new DecodeError(spec.type, message) }
  const failEncode: Fail = (message) => { throw new InvalidArgumentError(`cannot encode ${spec.type}: ${message}`) }
  const opts = spec.limits == null ? undefined : { limits: spec.limits }
  const trailing = spec.trailing
  return {
    encode (value: T): Uint8Array {
      spec.check(value, failEncode)
      return spec.encode?.(value) ?? spec.pb.encode(spec.toPb(value, failEncode))
    },
    ...(trailing == null
      ? {}
      : {
          encodeList (value: T): Uint8ArrayList {
            spec.check(value, failEncode)
            const big = trailing.get(value)
            // a small field costs less to copy than to reference
            if (big == null || big.byteLength < ZERO_COPY_MIN_BYTES) return new Uint8ArrayList(spec.pb.encode(spec.toPb(value, failEncode)))
            // protobuf writes fields in field-number order and skips empty
            // bytes, so the head is every field but the trailing one
            const head = spec.pb.encode(spec.toPb(trailing.without(value), failEncode))
            return new Uint8ArrayList(head, encodeFieldHeader(trailing.field, big.byteLength), big)
          }
        }),
    decode (bytes: Uint8Array | Uint8ArrayList): T {
      try {
        const value = spec.fromPb(spec.pb.decode(bytes, opts), failDecode)
        spec.check(value, failDecode)
        return value
      } catch (err: any) {
        if (err instanceof DecodeError) throw err
        throw new DecodeError(spec.type, `undecodable: ${String(err?.message ?? err)}`, { cause: err })
      }
    }
  }
}

/** The tag and length of a length-delimited field. */
function encodeFieldHeader (field: number, length: number): Uint8Array {
  const tag = (field << 3) | 2
  const out = new Uint8Array(varintLength(tag) + varintLength(length))
  const n = writeVarint(tag, out)
  writeVarint(length, out, n)
  return out
}

/** The generated types type bytes fields as `Uint8Array<ArrayBuffer>`; ours accept any backing buffer. */
function ab (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>
}

function checkHash (fail: Fail, field: string, value: Uint8Array): void {
  if (!(value instanceof Uint8Array) || value.byteLength !== HASH_BYTES) {
    fail(`${field} must be ${HASH_BYTES} bytes, got ${value?.byteLength}`)
  }
}

function checkBytes (fail: Fail, field: string, value: Uint8Array, max: number, min = 0): void {
  if (!(value instanceof Uint8Array)) fail(`${field} must be bytes`)
  if (value.byteLength > max) fail(`${field} is ${value.byteLength} bytes (max ${max})`)
  if (value.byteLength < min) fail(`${field} is ${value.byteLength} bytes (min ${min})`)
}

function checkCount (fail: Fail, field: string, value: unknown[], max: number, min = 0): void {
  if (!Array.isArray(value)) fail(`${field} must be a list`)
  if (value.length > max) fail(`${field} has ${value.length} entries (max ${max})`)
  if (value.length < min) fail(`${field} has ${value.length} entries (min ${min})`)
}

function checkUint (fail: Fail, field: string, value: number, max = Number.MAX_SAFE_INTEGER, min = 0): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    fail(`${field} must be an integer in ${min}..${max}, got ${value}`)
  }
}

const utf8 = new TextEncoder()

function checkString (fail: Fail, field: string, value: string, maxBytes: number): void {
  if (typeof value !== 'string') fail(`${field} must be a string`)
  // a UTF-16 code unit encodes to at most 3 UTF-8 bytes: skip the exact count when it cannot matter
  if (value.length * 3 > maxBytes) {
    const bytes = utf8.encode(value).byteLength
    if (bytes > maxBytes) fail(`${field} is ${bytes} bytes (max ${maxBytes})`)
  }
}

/** Stands for an entry's name (`field[i]`) in messages, so the name is only built when a check fails. */
const ENTRY = '\u0000entry\u0000'

function checkEach<T> (fail: Fail, field: string, values: T[], check: (fail: Fail, field: string, v: T) => void): void {
  let i = 0
  // thousands of entries per message (headers, inventory): no string per entry on the good path
  const failAt: Fail = (message) => fail(message.replaceAll(ENTRY, `${field}[${i}]`))
  for (; i < values.length; i++) check(failAt, ENTRY, values[i])
}

/** {@link checkEach} of {@link checkBytes}, without a call per entry: lists of thousands of headers or transactions. */
function checkEachBytes (fail: Fail, field: string, values: Uint8Array[], max: number, min = 0): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!(v instanceof Uint8Array) || v.byteLength > max || v.byteLength < min) checkBytes(fail, `${field}[${i}]`, v, max, min)
  }
}

/**
 * A message whose only field set is `repeated bytes` field `field`, in one
 * buffer and one pass: the bytes protobuf writes (tag, length, value per
 * entry). For 2000 headers it takes a quarter of protons' generic writer in
 * isolation (0.04 vs 0.17 ms); in a serving node, where the headers lie
 * scattered in memory, checking and encoding an answer went from ~1.6 to
 * ~0.9 ms, on every get_headers served.
 */
function encodeRepeatedBytes (field: number, items: Uint8Array[]): Uint8Array {
  const tag = (field << 3) | 2
  const tagBytes = varintLength(tag)
  let total = 0
  for (const it of items) total += tagBytes + varintLength(it.byteLength) + it.byteLength
  const out = new Uint8Array(total)
  let p = 0
  for (const it of items) {
    p += writeVarint(tag, out, p)
    p += writeVarint(it.byteLength, out, p)
    out.set(it, p)
    p += it.byteLength
  }
  return out
}

function checkIncreasing (fail: Fail, field: string, values: number[]): void {
  for (let i = 1; i < values.length; i++) {
    if (values[i] <= values[i - 1]) fail(`${field} must be strictly increasing (index ${i})`)
  }
}

/** A non-negative bigint as minimal big-endian bytes. */
function bigintToBytes (value: bigint, fail: Fail, field: string): Uint8Array {
  if (typeof value !== 'bigint' || value < 0n) fail(`${field} must be a non-negative bigint`)
  if (value === 0n) return new Uint8Array(0)
  let hex = value.toString(16)
  if (hex.length % 2 === 1) hex = '0' + hex
  if (hex.length / 2 > MAX_WORK_BYTES) fail(`${field} needs ${hex.length / 2} bytes (max ${MAX_WORK_BYTES})`)
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

function bytesToBigint (bytes: Uint8Array, fail: Fail, field: string): bigint {
  if (bytes.byteLength > MAX_WORK_BYTES) fail(`${field} is ${bytes.byteLength} bytes (max ${MAX_WORK_BYTES})`)
  if (bytes.byteLength > 0 && bytes[0] === 0) fail(`${field} has a leading zero byte`)
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return v
}

const U64_MAX = (1n << 64n) - 1n

function checkU64 (fail: Fail, field: string, value: bigint): void {
  if (typeof value !== 'bigint' || value < 0n || value > U64_MAX) fail(`${field} must be a uint64`)
}

function invert<K extends string> (codes: Readonly<Record<K, number>>): Map<number, K> {
  return new Map(Object.entries(codes).map(([k, v]) => [v as number, k as K]))
}

const INV_TYPES = invert<InvType>(INV_TYPE_CODES)
const MN_STATUSES = invert<MasternodeStatus>(MASTERNODE_STATUS_CODES)

const EMPTY = new Uint8Array(0)

/** Trailing bytes fields at least this large are referenced by encodeList instead of copied. */
const ZERO_COPY_MIN_BYTES = 16 * 1024

// ---------------------------------------------------------------- status and goodbye

function capabilitiesToBits (c: Capabilities): number {
  let bits = 0
  for (const [k, bit] of Object.entries(CAPABILITY_BITS) as Array<[keyof Capabilities, number]>) {
    if (c[k]) bits |= bit
  }
  return bits >>> 0
}

function bitsToCapabilities (bits: number): Capabilities {
  // unknown bits are ignored: a newer node may advertise capabilities we do not know
  return {
    sendHeaders: (bits & CAPABILITY_BITS.sendHeaders) !== 0,
    txRelay: (bits & CAPABILITY_BITS.txRelay) !== 0,
    archive: (bits & CAPABILITY_BITS.archive) !== 0,
    masternode: (bits & CAPABILITY_BITS.masternode) !== 0
  }
}

export const statusCodec: Codec<Status> = defineCodec<Status, pbStatus.Status>({
  type: 'Status',
  pb: pbStatus.Status,
  limits: { protocols: MAX_STATUS_PROTOCOLS, protocols$: { majors: MAX_PROTOCOL_MAJORS }, compactBlockVersions: MAX_COMPACT_VERSIONS },
  toPb: (v, fail) => ({
    network: v.network,
    genesisHash: ab(v.genesisHash),
    bestHeight: v.bestHeight,
    bestHash: ab(v.bestHash),
    bestWork: ab(bigintToBytes(v.bestWork, fail, 'bestWork')),
    protocols: v.protocols.map(p => ({ name: p.name, majors: p.majors })),
    capabilities: capabilitiesToBits(v.capabilities),
    compactBlockVersions: v.compactBlockVersions,
    userAgent: v.userAgent,
    timeMs: v.timeMs
  }),
  fromPb: (p, fail) => ({
    network: p.network,
    genesisHash: p.genesisHash,
    bestHeight: p.bestHeight,
    bestHash: p.bestHash,
    bestWork: bytesToBigint(p.bestWork, fail, 'bestWork'),
    protocols: p.protocols.map(x => ({ name: x.name, majors: x.majors })),
    capabilities: bitsToCapabilities(p.capabilities),
    compactBlockVersions: p.compactBlockVersions,
    userAgent: p.userAgent,
    timeMs: p.timeMs
  }),
  check: (v, fail) => {
    checkString(fail, 'network', v.network, MAX_NETWORK_ID_LENGTH)
    checkHash(fail, 'genesisHash', v.genesisHash)
    checkUint(fail, 'bestHeight', v.bestHeight)
    checkHash(fail, 'bestHash', v.bestHash)
    checkCount(fail, 'protocols', v.protocols, MAX_STATUS_PROTOCOLS)
    for (let i = 0; i < v.protocols.length; i++) {
      checkString(fail, `protocols[${i}].name`, v.protocols[i].name, MAX_PROTOCOL_NAME_LENGTH)
      checkCount(fail, `protocols[${i}].majors`, v.protocols[i].majors, MAX_PROTOCOL_MAJORS)
    }
    checkCount(fail, 'compactBlockVersions', v.compactBlockVersions, MAX_COMPACT_VERSIONS)
    checkString(fail, 'userAgent', v.userAgent, MAX_USER_AGENT_BYTES)
    checkUint(fail, 'timeMs', v.timeMs)
  }
})

export const goodbyeCodec: Codec<Goodbye> = defineCodec<Goodbye, pbStatus.Goodbye>({
  type: 'Goodbye',
  pb: pbStatus.Goodbye,
  toPb: (v) => ({ reason: v.reason, message: v.message }),
  fromPb: (p) => ({ reason: p.reason, message: p.message }),
  check: (v, fail) => {
    checkUint(fail, 'reason', v.reason, 0xffff_ffff)
    checkString(fail, 'message', v.message, MAX_GOODBYE_MESSAGE_BYTES)
  }
})

// ---------------------------------------------------------------- headers and blocks

export const getHeadersCodec: Codec<GetHeaders> = defineCodec<GetHeaders, pbSync.GetHeaders>({
  type: 'GetHeaders',
  pb: pbSync.GetHeaders,
  limits: { locator: MAX_LOCATOR_HASHES },
  toPb: (v) => ({ locator: v.locator.map(ab), stopHash: v.stopHash == null ? undefined : ab(v.stopHash), maxHeaders: v.maxHeaders }),
  fromPb: (p) => p.stopHash == null
    ? { locator: p.locator, maxHeaders: p.maxHeaders }
    : { locator: p.locator, stopHash: p.stopHash, maxHeaders: p.maxHeaders },
  check: (v, fail) => {
    checkCount(fail, 'locator', v.locator, MAX_LOCATOR_HASHES, 1)
    checkEach(fail, 'locator', v.locator, checkHash)
    if (v.stopHash != null) checkHash(fail, 'stopHash', v.stopHash)
    checkUint(fail, 'maxHeaders', v.maxHeaders, MAX_HEADERS_PER_MESSAGE, 1)
  }
})

export const headersCodec: Codec<Headers> = defineCodec<Headers, pbSync.Headers>({
  type: 'Headers',
  pb: pbSync.Headers,
  limits: { headers: MAX_HEADERS_PER_MESSAGE },
  toPb: (v) => ({ headers: v.headers.map(ab) }),
  fromPb: (p) => ({ headers: p.headers }),
  check: (v, fail) => {
    checkCount(fail, 'headers', v.headers, MAX_HEADERS_PER_MESSAGE)
    checkEachBytes(fail, 'headers', v.headers, MAX_HEADER_BYTES, 1)
  },
  encode: (v) => encodeRepeatedBytes(1, v.headers)
})

export const getBlocksByRangeCodec: Codec<GetBlocksByRange> = defineCodec<GetBlocksByRange, pbSync.GetBlocksByRange>({
  type: 'GetBlocksByRange',
  pb: pbSync.GetBlocksByRange,
  toPb: (v) => ({ startHeight: v.startHeight, count: v.count }),
  fromPb: (p) => ({ startHeight: p.startHeight, count: p.count }),
  check: (v, fail) => {
    checkUint(fail, 'startHeight', v.startHeight)
    checkUint(fail, 'count', v.count, MAX_BLOCKS_PER_RESPONSE, 1)
  }
})

export const getBlocksByHashCodec: Codec<GetBlocksByHash> = defineCodec<GetBlocksByHash, pbSync.GetBlocksByHash>({
  type: 'GetBlocksByHash',
  pb: pbSync.GetBlocksByHash,
  limits: { hashes: MAX_BLOCKS_BY_HASH },
  toPb: (v) => ({ hashes: v.hashes.map(ab) }),
  fromPb: (p) => ({ hashes: p.hashes }),
  check: (v, fail) => {
    checkCount(fail, 'hashes', v.hashes, MAX_BLOCKS_BY_HASH, 1)
    checkEach(fail, 'hashes', v.hashes, checkHash)
  }
})

export const blockCodec: Codec<Block> = defineCodec<Block, pbSync.Block>({
  type: 'Block',
  pb: pbSync.Block,
  toPb: (v) => ({ block: ab(v.block) }),
  fromPb: (p) => ({ block: p.block }),
  check: (v, fail) => { checkBytes(fail, 'block', v.block, MAX_BLOCK_BYTES, 1) },
  trailing: { field: 1, get: (v) => v.block, without: () => ({ block: EMPTY }) }
})

export const blockAnnounceCodec: Codec<BlockAnnounce> = defineCodec<BlockAnnounce, pbSync.BlockAnnounce>({
  type: 'BlockAnnounce',
  pb: pbSync.BlockAnnounce,
  limits: { headers: MAX_ANNOUNCE_HEADERS },
  toPb: (v) => ({ headers: v.headers.map(ab), acceptedAtMs: v.acceptedAtMs, hops: v.hops }),
  fromPb: (p) => ({ headers: p.headers, acceptedAtMs: p.acceptedAtMs, hops: p.hops }),
  check: (v, fail) => {
    checkCount(fail, 'headers', v.headers, MAX_ANNOUNCE_HEADERS, 1)
    checkEachBytes(fail, 'headers', v.headers, MAX_HEADER_BYTES, 1)
    checkUint(fail, 'acceptedAtMs', v.acceptedAtMs)
    checkUint(fail, 'hops', v.hops, MAX_ANNOUNCE_HOPS)
  }
})

// ---------------------------------------------------------------- transaction relay

function invItemToPb (item: InvItem, fail: Fail): pbRelay.InvItem {
  const type = INV_TYPE_CODES[item.type]
  if (type == null) fail(`unknown inventory type ${String(item.type)}`)
  return { type, hash: ab(item.hash) }
}

function invItemFromPb (item: pbRelay.InvItem, fail: Fail): InvItem {
  const type = INV_TYPES.get(item.type)
  if (type == null) fail(`unknown inventory type code ${item.type}`)
  return { type, hash: item.hash }
}

function checkInvItems (fail: Fail, field: string, items: InvItem[], max: number): void {
  checkCount(fail, field, items, max, 1)
  for (let i = 0; i < items.length; i++) {
    if (INV_TYPE_CODES[items[i].type] == null) fail(`${field}[${i}].type is unknown`)
    checkHash(fail, `${field}[${i}].hash`, items[i].hash)
  }
}

function invListCodec (type: string, pb: PbType<{ items: pbRelay.InvItem[] }>, max: number): Codec<{ items: InvItem[] }> {
  return defineCodec<{ items: InvItem[] }, { items: pbRelay.InvItem[] }>({
    type,
    pb,
    limits: { items: max },
    toPb: (v, fail) => ({ items: v.items.map(i => invItemToPb(i, fail)) }),
    fromPb: (p, fail) => ({ items: p.items.map(i => invItemFromPb(i, fail)) }),
    check: (v, fail) => { checkInvItems(fail, 'items', v.items, max) }
  })
}

export const invCodec: Codec<Inv> = invListCodec('Inv', pbRelay.Inv, MAX_INV_ITEMS)
export const getDataCodec: Codec<GetData> = invListCodec('GetData', pbRelay.GetData, MAX_GETDATA_ITEMS)
export const notFoundCodec: Codec<NotFound> = invListCodec('NotFound', pbRelay.NotFound, MAX_GETDATA_ITEMS)

export const getDataResponseCodec: Codec<GetDataResponse> = defineCodec<GetDataResponse, pbRelay.GetDataResponse>({
  type: 'GetDataResponse',
  pb: pbRelay.GetDataResponse,
  limits: { notfound: { items: MAX_GETDATA_ITEMS } },
  toPb: (v, fail) => v.type === 'tx'
    ? { tx: ab(v.tx) }
    : { notfound: { items: v.items.map(i => invItemToPb(i, fail)) } },
  fromPb: (p, fail) => {
    if (p.tx != null) return { type: 'tx', tx: p.tx }
    if (p.notfound != null) return { type: 'notfound', items: p.notfound.items.map(i => invItemFromPb(i, fail)) }
    return fail('neither tx nor notfound is set')
  },
  check: (v, fail) => {
    if (v.type === 'tx') checkBytes(fail, 'tx', v.tx, MAX_TX_BYTES, 1)
    else if (v.type === 'notfound') checkInvItems(fail, 'notfound.items', v.items, MAX_GETDATA_ITEMS)
    else fail('type must be tx or notfound')
  }
})

export const txCodec: Codec<Tx> = defineCodec<Tx, pbRelay.Tx>({
  type: 'Tx',
  pb: pbRelay.Tx,
  toPb: (v) => ({ tx: ab(v.tx) }),
  fromPb: (p) => ({ tx: p.tx }),
  check: (v, fail) => { checkBytes(fail, 'tx', v.tx, MAX_TX_BYTES, 1) },
  trailing: { field: 1, get: (v) => v.tx, without: () => ({ tx: EMPTY }) }
})

export const feeFilterCodec: Codec<FeeFilter> = defineCodec<FeeFilter, pbRelay.FeeFilter>({
  type: 'FeeFilter',
  pb: pbRelay.FeeFilter,
  toPb: (v) => ({ feeRate: v.feeRate }),
  fromPb: (p) => ({ feeRate: p.feeRate }),
  check: (v, fail) => { checkU64(fail, 'feeRate', v.feeRate) }
})

export const sendCmpctCodec: Codec<SendCmpct> = defineCodec<SendCmpct, pbRelay.SendCmpct>({
  type: 'SendCmpct',
  pb: pbRelay.SendCmpct,
  toPb: (v) => ({ announce: v.announce, version: v.version }),
  fromPb: (p) => ({ announce: p.announce, version: p.version }),
  check: (v, fail) => {
    if (typeof v.announce !== 'boolean') fail('announce must be a boolean')
    checkUint(fail, 'version', v.version, 0xffff_ffff, 1)
  }
})

function shortIdsToBytes (ids: number[], fail: Fail): Uint8Array {
  const out = new Uint8Array(ids.length * SHORT_ID_BYTES)
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]
    if (!Number.isSafeInteger(id) || id < 0 || id >= 2 ** 48) fail(`shortIds[${i}] must be a 48-bit integer`)
    const lo = id % 0x1_0000_0000
    const hi = Math.floor(id / 0x1_0000_0000)
    const o = i * SHORT_ID_BYTES
    // little-endian, as BIP152 serialises short ids
    out[o] = lo & 0xff
    out[o + 1] = (lo >>> 8) & 0xff
    out[o + 2] = (lo >>> 16) & 0xff
    out[o + 3] = (lo >>> 24) & 0xff
    out[o + 4] = hi & 0xff
    out[o + 5] = (hi >>> 8) & 0xff
  }
  return out
}

function bytesToShortIds (bytes: Uint8Array, fail: Fail): number[] {
  if (bytes.byteLength % SHORT_ID_BYTES !== 0) fail(`shortIds is ${bytes.byteLength} bytes, not a multiple of ${SHORT_ID_BYTES}`)
  const n = bytes.byteLength / SHORT_ID_BYTES
  if (n > MAX_BLOCK_TXS) fail(`shortIds has ${n} entries (max ${MAX_BLOCK_TXS})`)
  const ids = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    const o = i * SHORT_ID_BYTES
    const lo = (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0
    const hi = bytes[o + 4] | (bytes[o + 5] << 8)
    ids[i] = hi * 0x1_0000_0000 + lo
  }
  return ids
}

/**
 * Strictly increasing absolute indexes as BIP152's differential indexes: the
 * first as is, each later one as its distance from the previous minus one.
 * Small gaps stay one-byte varints however deep into a block they are.
 */
function toDifferential (indexes: number[]): number[] {
  const out = new Array<number>(indexes.length)
  for (let i = 0; i < indexes.length; i++) out[i] = i === 0 ? indexes[0] : indexes[i] - indexes[i - 1] - 1
  return out
}

/** The inverse of {@link toDifferential}; fails as soon as an index passes `max`. */
function fromDifferential (diffs: number[], max: number, field: string, fail: Fail): number[] {
  const out = new Array<number>(diffs.length)
  let prev = -1
  for (let i = 0; i < diffs.length; i++) {
    const abs = prev + 1 + diffs[i]
    if (abs > max) fail(`${field}[${i}] decodes to index ${abs} (max ${max})`)
    out[i] = abs
    prev = abs
  }
  return out
}

export const cmpctBlockCodec: Codec<CmpctBlock> = defineCodec<CmpctBlock, pbRelay.CmpctBlock>({
  type: 'CmpctBlock',
  pb: pbRelay.CmpctBlock,
  limits: { prefilled: MAX_BLOCK_TXS },
  toPb: (v, fail) => {
    const diffs = toDifferential(v.prefilled.map(p => p.index))
    return {
      header: ab(v.header),
      nonce: v.nonce,
      shortIds: ab(shortIdsToBytes(v.shortIds, fail)),
      prefilled: v.prefilled.map((p, i) => ({ index: diffs[i], tx: ab(p.tx) })),
      acceptedAtMs: v.acceptedAtMs ?? 0,
      hops: v.hops ?? 0
    }
  },
  fromPb: (p, fail) => {
    const indexes = fromDifferential(p.prefilled.map(x => x.index), MAX_BLOCK_TXS - 1, 'prefilled', fail)
    return {
      header: p.header,
      nonce: p.nonce,
      shortIds: bytesToShortIds(p.shortIds, fail),
      prefilled: p.prefilled.map((x, i) => ({ index: indexes[i], tx: x.tx })),
      acceptedAtMs: p.acceptedAtMs,
      hops: p.hops
    }
  },
  check: (v, fail) => {
    checkBytes(fail, 'header', v.header, MAX_HEADER_BYTES, 1)
    checkU64(fail, 'nonce', v.nonce)
    checkCount(fail, 'shortIds', v.shortIds, MAX_BLOCK_TXS)
    checkCount(fail, 'prefilled', v.prefilled, MAX_BLOCK_TXS)
    if (v.shortIds.length + v.prefilled.length > MAX_BLOCK_TXS) {
      fail(`shortIds + prefilled has ${v.shortIds.length + v.prefilled.length} entries (max ${MAX_BLOCK_TXS})`)
    }
    if (v.acceptedAtMs != null) checkUint(fail, 'acceptedAtMs', v.acceptedAtMs)
    if (v.hops != null) checkUint(fail, 'hops', v.hops, MAX_ANNOUNCE_HOPS)
    for (let i = 0; i < v.prefilled.length; i++) {
      checkUint(fail, `prefilled[${i}].index`, v.prefilled[i].index, MAX_BLOCK_TXS - 1)
      checkBytes(fail, `prefilled[${i}].tx`, v.prefilled[i].tx, MAX_TX_BYTES, 1)
      if (i > 0 && v.prefilled[i].index <= v.prefilled[i - 1].index) fail(`prefilled indexes must be strictly increasing (index ${i})`)
    }
  }
})

export const getBlockTxnCodec: Codec<GetBlockTxn> = defineCodec<GetBlockTxn, pbRelay.GetBlockTxn>({
  type: 'GetBlockTxn',
  pb: pbRelay.GetBlockTxn,
  limits: { indexes: MAX_BLOCK_TXS },
  toPb: (v) => ({ blockHash: ab(v.blockHash), indexes: toDifferential(v.indexes) }),
  fromPb: (p, fail) => ({ blockHash: p.blockHash, indexes: fromDifferential(p.indexes, MAX_BLOCK_TXS - 1, 'indexes', fail) }),
  check: (v, fail) => {
    checkHash(fail, 'blockHash', v.blockHash)
    checkCount(fail, 'indexes', v.indexes, MAX_BLOCK_TXS, 1)
    checkEach(fail, 'indexes', v.indexes, (f, n, i) => { checkUint(f, n, i, MAX_BLOCK_TXS - 1) })
    checkIncreasing(fail, 'indexes', v.indexes)
  }
})

export const blockTxnCodec: Codec<BlockTxn> = defineCodec<BlockTxn, pbRelay.BlockTxn>({
  type: 'BlockTxn',
  pb: pbRelay.BlockTxn,
  limits: { txs: MAX_BLOCK_TXS },
  toPb: (v) => ({ blockHash: ab(v.blockHash), txs: v.txs.map(ab) }),
  fromPb: (p) => ({ blockHash: p.blockHash, txs: p.txs }),
  check: (v, fail) => {
    checkHash(fail, 'blockHash', v.blockHash)
    checkCount(fail, 'txs', v.txs, MAX_BLOCK_TXS)
    checkEachBytes(fail, 'txs', v.txs, MAX_TX_BYTES, 1)
  }
})

// ---------------------------------------------------------------- masternodes

function entryToPb (e: MasternodeEntry): pbMasternode.MasternodeEntry {
  return {
    id: ab(e.id),
    address: e.address,
    operatorKey: ab(e.operatorKey),
    status: MASTERNODE_STATUS_CODES[e.status],
    registeredHeight: e.registeredHeight,
    poseScore: e.poseScore,
    lastSeenMs: e.lastSeenMs,
    signature: ab(e.signature)
  }
}

function entryFromPb (p: pbMasternode.MasternodeEntry, fail: Fail): MasternodeEntry {
  const status = MN_STATUSES.get(p.status)
  if (status == null) fail(`unknown masternode status code ${p.status}`)
  return {
    id: p.id,
    address: p.address,
    operatorKey: p.operatorKey,
    status,
    registeredHeight: p.registeredHeight,
    poseScore: p.poseScore,
    lastSeenMs: p.lastSeenMs,
    signature: p.signature
  }
}

function checkEntry (fail: Fail, field: string, e: MasternodeEntry): void {
  if (e == null || typeof e !== 'object') fail(`${field} is missing`)
  checkHash(fail, `${field}.id`, e.id)
  checkString(fail, `${field}.address`, e.address, MAX_MASTERNODE_ADDRESS_BYTES)
  checkBytes(fail, `${field}.operatorKey`, e.operatorKey, MAX_PUBLIC_KEY_BYTES)
  if (MASTERNODE_STATUS_CODES[e.status] == null) fail(`${field}.status is unknown`)
  checkUint(fail, `${field}.registeredHeight`, e.registeredHeight)
  checkUint(fail, `${field}.poseScore`, e.poseScore, 0xffff_ffff)
  checkUint(fail, `${field}.lastSeenMs`, e.lastSeenMs)
  checkBytes(fail, `${field}.signature`, e.signature, MAX_SIGNATURE_BYTES)
}

export const masternodeListRequestCodec: Codec<MasternodeListRequest> = defineCodec<MasternodeListRequest, pbMasternode.MasternodeListRequest>({
  type: 'MasternodeListRequest',
  pb: pbMasternode.MasternodeListRequest,
  toPb: (v) => ({ height: v.height }),
  fromPb: (p) => ({ height: p.height }),
  check: (v, fail) => { checkUint(fail, 'height', v.height) }
})

export const masternodeListResponseCodec: Codec<MasternodeListResponse> = defineCodec<MasternodeListResponse, pbMasternode.MasternodeListResponse>({
  type: 'MasternodeListResponse',
  pb: pbMasternode.MasternodeListResponse,
  limits: { entries: MAX_MASTERNODES },
  toPb: (v) => ({ height: v.height, blockHash: ab(v.blockHash), entries: v.entries.map(entryToPb) }),
  fromPb: (p, fail) => ({ height: p.height, blockHash: p.blockHash, entries: p.entries.map(e => entryFromPb(e, fail)) }),
  check: (v, fail) => {
    checkUint(fail, 'height', v.height)
    checkHash(fail, 'blockHash', v.blockHash)
    checkCount(fail, 'entries', v.entries, MAX_MASTERNODES)
    checkEach(fail, 'entries', v.entries, checkEntry)
  }
})

export const masternodeUpdateCodec: Codec<MasternodeUpdate> = defineCodec<MasternodeUpdate, pbMasternode.MasternodeUpdate>({
  type: 'MasternodeUpdate',
  pb: pbMasternode.MasternodeUpdate,
  toPb: (v) => ({ entry: entryToPb(v.entry), height: v.height }),
  fromPb: (p, fail) => {
    if (p.entry == null) return fail('entry is missing')
    return { entry: entryFromPb(p.entry, fail), height: p.height }
  },
  check: (v, fail) => {
    checkEntry(fail, 'entry', v.entry)
    checkUint(fail, 'height', v.height)
  }
})

export const masternodeListSyncCodec: Codec<MasternodeListSync> = defineCodec<MasternodeListSync, pbMasternode.MasternodeListSync>({
  type: 'MasternodeListSync',
  pb: pbMasternode.MasternodeListSync,
  toPb: (v) => ({ fromHeight: v.fromHeight, fromBlockHash: ab(v.fromBlockHash) }),
  fromPb: (p) => ({ fromHeight: p.fromHeight, fromBlockHash: p.fromBlockHash }),
  check: (v, fail) => {
    checkUint(fail, 'fromHeight', v.fromHeight)
    checkHash(fail, 'fromBlockHash', v.fromBlockHash)
  }
})

export const masternodeListDiffCodec: Codec<MasternodeListDiff> = defineCodec<MasternodeListDiff, pbMasternode.MasternodeListDiff>({
  type: 'MasternodeListDiff',
  pb: pbMasternode.MasternodeListDiff,
  limits: { upserts: MAX_MASTERNODES, removed: MAX_MASTERNODES },
  toPb: (v) => ({
    fromHeight: v.fromHeight,
    toHeight: v.toHeight,
    toBlockHash: ab(v.toBlockHash),
    upserts: v.upserts.map(entryToPb),
    removed: v.removed.map(ab)
  }),
  fromPb: (p, fail) => ({
    fromHeight: p.fromHeight,
    toHeight: p.toHeight,
    toBlockHash: p.toBlockHash,
    upserts: p.upserts.map(e => entryFromPb(e, fail)),
    removed: p.removed
  }),
  check: (v, fail) => {
    checkUint(fail, 'fromHeight', v.fromHeight)
    checkUint(fail, 'toHeight', v.toHeight)
    checkHash(fail, 'toBlockHash', v.toBlockHash)
    checkCount(fail, 'upserts', v.upserts, MAX_MASTERNODES)
    checkEach(fail, 'upserts', v.upserts, checkEntry)
    checkCount(fail, 'removed', v.removed, MAX_MASTERNODES)
    checkEach(fail, 'removed', v.removed, checkHash)
  }
})

export const poseChallengeCodec: Codec<PoseChallenge> = defineCodec<PoseChallenge, pbMasternode.PoseChallenge>({
  type: 'PoseChallenge',
  pb: pbMasternode.PoseChallenge,
  toPb: (v) => ({ nonce: ab(v.nonce), masternodeId: ab(v.masternodeId), height: v.height, blockHash: ab(v.blockHash), issuedAtMs: v.issuedAtMs }),
  fromPb: (p) => ({ nonce: p.nonce, masternodeId: p.masternodeId, height: p.height, blockHash: p.blockHash, issuedAtMs: p.issuedAtMs }),
  check: (v, fail) => {
    checkBytes(fail, 'nonce', v.nonce, POSE_NONCE_BYTES, POSE_NONCE_BYTES)
    checkHash(fail, 'masternodeId', v.masternodeId)
    checkUint(fail, 'height', v.height)
    checkHash(fail, 'blockHash', v.blockHash)
    checkUint(fail, 'issuedAtMs', v.issuedAtMs)
  }
})

export const poseResponseCodec: Codec<PoseResponse> = defineCodec<PoseResponse, pbMasternode.PoseResponse>({
  type: 'PoseResponse',
  pb: pbMasternode.PoseResponse,
  toPb: (v) => ({ nonce: ab(v.nonce), masternodeId: ab(v.masternodeId), blockHash: ab(v.blockHash), signature: ab(v.signature) }),
  fromPb: (p) => ({ nonce: p.nonce, masternodeId: p.masternodeId, blockHash: p.blockHash, signature: p.signature }),
  check: (v, fail) => {
    checkBytes(fail, 'nonce', v.nonce, POSE_NONCE_BYTES, POSE_NONCE_BYTES)
    checkHash(fail, 'masternodeId', v.masternodeId)
    checkHash(fail, 'blockHash', v.blockHash)
    checkBytes(fail, 'signature', v.signature, MAX_SIGNATURE_BYTES, 1)
  }
})

// ---------------------------------------------------------------- transfer and direct messages

export const chunkCodec: Codec<Chunk> = defineCodec<Chunk, pbTransfer.Chunk>({
  type: 'Chunk',
  pb: pbTransfer.Chunk,
  toPb: (v) => ({ transferId: v.transferId, index: v.index, count: v.count, totalSize: v.totalSize, data: ab(v.data) }),
  fromPb: (p) => ({ transferId: p.transferId, index: p.index, count: p.count, totalSize: p.totalSize, data: p.data }),
  trailing: { field: 5, get: (v) => v.data, without: (v) => ({ ...v, data: EMPTY }) },
  check: (v, fail) => {
    checkUint(fail, 'transferId', v.transferId, 0xffff_ffff)
    checkUint(fail, 'count', v.count, MAX_CHUNKS_PER_TRANSFER, 2)
    checkUint(fail, 'index', v.index, v.count - 1)
    checkUint(fail, 'totalSize', v.totalSize, MAX_TRANSFER_BYTES, 1)
    checkBytes(fail, 'data', v.data, MAX_CHUNK_BYTES, 1)
  }
})

/** Largest encoded chunk frame payload. */
export const MAX_CHUNK_FRAME_BYTES = MAX_CHUNK_BYTES + CHUNK_OVERHEAD_BYTES

/** Application protocol names: safe path segments (config APP_PROTOCOL_PATTERN). */
const APP_PROTOCOL = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

export const directMessageCodec: Codec<DirectMessage> = defineCodec<DirectMessage, pbTransfer.DirectMessage>({
  type: 'DirectMessage',
  pb: pbTransfer.DirectMessage,
  toPb: (v) => ({ protocol: v.protocol, data: ab(v.data) }),
  fromPb: (p) => ({ protocol: p.protocol, data: p.data }),
  trailing: { field: 2, get: (v) => v.data, without: (v) => ({ protocol: v.protocol, data: EMPTY }) },
  check: (v, fail) => {
    if (typeof v.protocol !== 'string' || v.protocol.length > MAX_APP_PROTOCOL_LENGTH || !APP_PROTOCOL.test(v.protocol)) {
      fail(`protocol must match ${APP_PROTOCOL} with at most ${MAX_APP_PROTOCOL_LENGTH} characters`)
    }
    checkBytes(fail, 'data', v.data, MAX_DIRECT_MESSAGE_BYTES)
  }
})

export const directReplyCodec: Codec<DirectReply> = defineCodec<DirectReply, pbTransfer.DirectReply>({
  type: 'DirectReply',
  pb: pbTransfer.DirectReply,
  toPb: (v) => ({ data: ab(v.data) }),
  fromPb: (p) => ({ data: p.data }),
  check: (v, fail) => { checkBytes(fail, 'data', v.data, MAX_DIRECT_MESSAGE_BYTES) },
  trailing: { field: 1, get: (v) => v.data, without: () => ({ data: EMPTY }) }
})

// ---------------------------------------------------------------- the wire format

/** The response codec of one-way methods: no response item is ever legal. */
export const noResponseCodec: Codec<never> = {
  encode (): Uint8Array {
    throw new InvalidArgumentError('one-way methods have no response items')
  },
  decode (): never {
    throw new DecodeError('NoResponse', 'one-way methods have no response items')
  }
}

function m<Req, Res> (request: Codec<Req>, response: Codec<Res>): MethodCodec<Req, Res> {
  return { request, response }
}

/** The protobuf codec of every method. */
export const protobufMethodCodecs: MethodCodecs = {
  status: m(statusCodec, statusCodec),
  goodbye: m(goodbyeCodec, noResponseCodec),
  get_headers: m(getHeadersCodec, headersCodec),
  get_blocks_by_range: m(getBlocksByRangeCodec, blockCodec),
  get_blocks_by_hash: m(getBlocksByHashCodec, blockCodec),
  block_announce: m(blockAnnounceCodec, noResponseCodec),
  inv: m(invCodec, noResponseCodec),
  getdata: m(getDataCodec, getDataResponseCodec),
  tx: m(txCodec, noResponseCodec),
  feefilter: m(feeFilterCodec, noResponseCodec),
  sendcmpct: m(sendCmpctCodec, noResponseCodec),
  cmpctblock: m(cmpctBlockCodec, noResponseCodec),
  getblocktxn: m(getBlockTxnCodec, blockTxnCodec),
  masternode_list_request: m(masternodeListRequestCodec, masternodeListResponseCodec),
  masternode_update: m(masternodeUpdateCodec, noResponseCodec),
  masternode_list_sync: m(masternodeListSyncCodec, masternodeListDiffCodec),
  pose_challenge: m(poseChallengeCodec, poseResponseCodec),
  direct: m(directMessageCodec, directReplyCodec)
}

/** Every protobuf codec by message name, for tests and tools. */
export const protobufCodecs = {
  Status: statusCodec,
  Goodbye: goodbyeCodec,
  GetHeaders: getHeadersCodec,
  Headers: headersCodec,
  GetBlocksByRange: getBlocksByRangeCodec,
  GetBlocksByHash: getBlocksByHashCodec,
  Block: blockCodec,
  BlockAnnounce: blockAnnounceCodec,
  Inv: invCodec,
  GetData: getDataCodec,
  NotFound: notFoundCodec,
  GetDataResponse: getDataResponseCodec,
  Tx: txCodec,
  FeeFilter: feeFilterCodec,
  SendCmpct: sendCmpctCodec,
  CmpctBlock: cmpctBlockCodec,
  GetBlockTxn: getBlockTxnCodec,
  BlockTxn: blockTxnCodec,
  MasternodeListRequest: masternodeListRequestCodec,
  MasternodeListResponse: masternodeListResponseCodec,
  MasternodeUpdate: masternodeUpdateCodec,
  MasternodeListSync: masternodeListSyncCodec,
  MasternodeListDiff: masternodeListDiffCodec,
  PoseChallenge: poseChallengeCodec,
  PoseResponse: poseResponseCodec,
  Chunk: chunkCodec,
  DirectMessage: directMessageCodec,
  DirectReply: directReplyCodec
} as const

/** The default wire format. */
export const protobufWireFormat: WireFormat = {
  name: 'protobuf',
  methods: protobufMethodCodecs,
  chunk: chunkCodec
}
