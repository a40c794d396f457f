/**
 * The protocol table: every request/response method with its versions,
 * limits, quota and timeouts, as data. `PROTOCOLS` is a
 * `Record<Method, MethodSpec>`, so a method added to `Method` without limits
 * does not compile. `METHOD_RULES` adds what cannot be data: how a request's
 * rate-limit cost and item cap are computed, and shape rules beyond the codec.
 *
 * Every value here is listed with its reason in `docs/PROTOCOL.md` and
 * `docs/LIMITS.md`.
 *
 * @module
 */
import { InvalidRequestError } from '../service/errors.ts'
import {
  HASH_BYTES, MAX_ANNOUNCE_HEADERS, MAX_BLOCK_TXS, MAX_BLOCKS_BY_HASH, MAX_BLOCKS_PER_RESPONSE,
  MAX_DIRECT_MESSAGE_BYTES, MAX_GETDATA_ITEMS, MAX_HEADER_BYTES, MAX_HEADERS_PER_MESSAGE, MAX_INV_ITEMS,
  MAX_LOCATOR_HASHES, MAX_MESSAGE_BYTES, MAX_TX_BYTES, MAX_APP_PROTOCOL_LENGTH
} from '../wire/constants.ts'
import { HANDLER_TIMEOUT_MS, REQUEST_TIMEOUT_MS, RESP_TIMEOUT_MS, TTFB_TIMEOUT_MS } from './constants.ts'
import type { Quota, RateLimitRule } from '../service/rate-limiter.ts'
import type { InboundRequest } from '../service/types.ts'
import type { Method, RequestOf } from '../wire/messages.ts'

/** Timeouts of one method, in ms. */
export interface MethodTimeouts {
  /** Requester: first response byte after the request is sent. */
  ttfbMs: number
  /** Requester: the whole response after its first byte. */
  respMs: number
  /** Responder: the whole request after the stream opens. */
  requestMs: number
  /** Responder: the handler, streamed items included. */
  handlerMs: number
}

/** The unit a method's rate-limit cost is counted in. */
export type CostUnit = 'messages' | 'items' | 'bytes'

/** The limits of one method. Plain data. */
export interface MethodSpec {
  /** Majors spoken by default. Negotiation picks the highest both sides share. */
  versions: readonly number[]
  /** Largest encoded request (a request over MAX_CHUNK_BYTES travels chunked). */
  maxRequestBytes: number
  /** Largest encoded response item. */
  maxResponseBytes: number
  /** Most response items; 0 for one-way methods. */
  maxResponseItems: number
  /** What the cost of a request counts. */
  costUnit: CostUnit
  /** Largest cost of one request. Must fit the per-peer cost quota's burst. */
  maxCost: number
  /** Rate-limit quotas, per peer and global. */
  quota: RateLimitRule
  timeouts: MethodTimeouts
  /** Concurrent inbound streams per connection (libp2p `maxInboundStreams`); extra streams are reset. */
  maxInboundStreams: number
  /** Concurrent outbound streams per connection (libp2p `maxOutboundStreams`). */
  maxOutboundStreams: number
  /** Requests of this method in flight from one peer across its connections (ConcurrencyLimit layer). */
  maxConcurrentPerPeer: number
  /** Requests of this method in flight from all peers (ConcurrencyLimit layer); beyond it load is shed. */
  maxConcurrentTotal: number
}

const SECOND = 1000

/**
 * Block-relay messages (block_announce, cmpctblock, getblocktxn) a peer may
 * send per 10 s: one each per new block, and new blocks come in bursts. The
 * devnet mines a block a second on average, Poisson-distributed, and faster
 * than that before its first retarget (about 3 a second): 20 per 10 s
 * penalised honest miners there. Junk costs its sender more elsewhere: each
 * message carries a header whose proof of work is checked first.
 */
const BLOCK_MESSAGES_PER_10S = 100

function q (quota: number, periodMs: number, burst?: number): Quota {
  return burst == null ? { quota, periodMs } : { quota, periodMs, burst }
}

const TIMEOUTS: MethodTimeouts = {
  ttfbMs: TTFB_TIMEOUT_MS,
  respMs: RESP_TIMEOUT_MS,
  requestMs: REQUEST_TIMEOUT_MS,
  handlerMs: HANDLER_TIMEOUT_MS
}

/** Encoded size bound of a repeated bytes field entry: tag (1) + length varint (≤ 3 for ≤ 2 MiB) + data. */
function entry (bytes: number): number {
  return 1 + 3 + bytes
}

/** An inventory vector: tag + length + (type field 2 bytes + hash field 2 + 32). */
const INV_ITEM_BYTES = 1 + 1 + 2 + 2 + HASH_BYTES

/** Slack for a message's scalar fields and tags. */
const SLACK = 64

/**
 * The protocol table.
 *
 * Quotas: per-peer periods of 10 s follow Lodestar's block-request quotas;
 * status is 5 per 15 s as in Lodestar. Costs in items let a `get_blocks_by_range`
 * for 500 blocks cost 500. Global quotas are ten times the per-peer ones, so
 * about ten peers at full speed saturate one method before others are refused.
 */
export const PROTOCOLS: Readonly<Record<Method, MethodSpec>> = {
  status: {
    versions: [1],
    maxRequestBytes: 16 * 1024,
    maxResponseBytes: 16 * 1024,
    maxResponseItems: 1,
    costUnit: 'messages',
    maxCost: 1,
    quota: { byPeer: { messages: q(5, 15 * SECOND) }, total: { messages: q(500, 15 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 2,
    maxOutboundStreams: 2,
    maxConcurrentPerPeer: 2,
    maxConcurrentTotal: 128
  },
  goodbye: {
    versions: [1],
    maxRequestBytes: 1024,
    maxResponseBytes: 0,
    maxResponseItems: 0,
    costUnit: 'messages',
    maxCost: 1,
    // one per connection, a few when a peer restarts quickly (each restart ends a connection with one)
    quota: { byPeer: { messages: q(3, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 1,
    maxOutboundStreams: 1,
    maxConcurrentPerPeer: 1,
    maxConcurrentTotal: 128
  },
  get_headers: {
    versions: [1],
    maxRequestBytes: MAX_LOCATOR_HASHES * entry(HASH_BYTES) + entry(HASH_BYTES) + SLACK,
    maxResponseBytes: MAX_HEADERS_PER_MESSAGE * entry(MAX_HEADER_BYTES) + SLACK,
    maxResponseItems: 1,
    costUnit: 'items',
    maxCost: MAX_HEADERS_PER_MESSAGE,
    // headers are served from memory (a full answer is ~170 KB): a syncing peer may
    // pull as fast as it validates (tens of thousands per second), as Bitcoin Core
    // serves getheaders without a quota; the per-peer totals still bound the rest
    quota: {
      byPeer: { messages: q(200, 10 * SECOND), cost: q(200 * MAX_HEADERS_PER_MESSAGE, 10 * SECOND) },
      total: { cost: q(1000 * MAX_HEADERS_PER_MESSAGE, 10 * SECOND) }
    },
    timeouts: TIMEOUTS,
    maxInboundStreams: 2,
    maxOutboundStreams: 2,
    maxConcurrentPerPeer: 2,
    maxConcurrentTotal: 64
  },
  get_blocks_by_range: {
    versions: [1],
    maxRequestBytes: SLACK,
    maxResponseBytes: MAX_MESSAGE_BYTES,
    maxResponseItems: MAX_BLOCKS_PER_RESPONSE,
    costUnit: 'items',
    maxCost: MAX_BLOCKS_PER_RESPONSE,
    // a syncing peer takes about as many blocks per second as it can connect
    // (thousands of small blocks); big blocks are bounded by the response
    // timeout and 2 streams per connection, not by this count
    quota: {
      byPeer: { messages: q(100, 10 * SECOND), cost: q(40 * MAX_BLOCKS_PER_RESPONSE, 10 * SECOND) },
      total: { cost: q(400 * MAX_BLOCKS_PER_RESPONSE, 10 * SECOND) }
    },
    timeouts: TIMEOUTS,
    maxInboundStreams: 2,
    maxOutboundStreams: 2,
    maxConcurrentPerPeer: 2,
    maxConcurrentTotal: 32
  },
  get_blocks_by_hash: {
    versions: [1],
    maxRequestBytes: MAX_BLOCKS_BY_HASH * entry(HASH_BYTES) + SLACK,
    maxResponseBytes: MAX_MESSAGE_BYTES,
    maxResponseItems: MAX_BLOCKS_BY_HASH,
    costUnit: 'items',
    maxCost: MAX_BLOCKS_BY_HASH,
    quota: {
      byPeer: { messages: q(20, 10 * SECOND), cost: q(8 * MAX_BLOCKS_BY_HASH, 10 * SECOND) },
      total: { cost: q(80 * MAX_BLOCKS_BY_HASH, 10 * SECOND) }
    },
    timeouts: TIMEOUTS,
    maxInboundStreams: 2,
    maxOutboundStreams: 2,
    maxConcurrentPerPeer: 2,
    maxConcurrentTotal: 32
  },
  block_announce: {
    versions: [1],
    maxRequestBytes: MAX_ANNOUNCE_HEADERS * entry(MAX_HEADER_BYTES) + SLACK,
    maxResponseBytes: 0,
    maxResponseItems: 0,
    costUnit: 'messages',
    maxCost: 1,
    // one per new best block; blocks come in bursts on fast chains (see BLOCK_MESSAGES_PER_10S)
    quota: { byPeer: { messages: q(BLOCK_MESSAGES_PER_10S, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 4,
    maxOutboundStreams: 4,
    maxConcurrentPerPeer: 4,
    maxConcurrentTotal: 256
  },
  inv: {
    versions: [1],
    maxRequestBytes: MAX_INV_ITEMS * INV_ITEM_BYTES + SLACK,
    maxResponseBytes: 0,
    maxResponseItems: 0,
    costUnit: 'items',
    maxCost: MAX_INV_ITEMS,
    quota: { byPeer: { messages: q(100, 10 * SECOND), cost: q(2 * MAX_INV_ITEMS, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 4,
    maxOutboundStreams: 4,
    maxConcurrentPerPeer: 4,
    maxConcurrentTotal: 256
  },
  getdata: {
    versions: [1],
    maxRequestBytes: MAX_GETDATA_ITEMS * INV_ITEM_BYTES + SLACK,
    maxResponseBytes: entry(MAX_TX_BYTES) + SLACK,
    maxResponseItems: MAX_GETDATA_ITEMS + 1,
    costUnit: 'items',
    maxCost: MAX_GETDATA_ITEMS,
    quota: {
      byPeer: { messages: q(100, 10 * SECOND), cost: q(10 * MAX_GETDATA_ITEMS, 10 * SECOND) },
      total: { cost: q(100 * MAX_GETDATA_ITEMS, 10 * SECOND) }
    },
    timeouts: TIMEOUTS,
    maxInboundStreams: 4,
    maxOutboundStreams: 4,
    maxConcurrentPerPeer: 4,
    maxConcurrentTotal: 128
  },
  tx: {
    versions: [1],
    maxRequestBytes: entry(MAX_TX_BYTES),
    maxResponseBytes: 0,
    maxResponseItems: 0,
    costUnit: 'bytes',
    maxCost: entry(MAX_TX_BYTES),
    quota: { byPeer: { messages: q(1000, 10 * SECOND), cost: q(10 * MAX_MESSAGE_BYTES, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 8,
    maxOutboundStreams: 8,
    maxConcurrentPerPeer: 8,
    maxConcurrentTotal: 512
  },
  feefilter: {
    versions: [1],
    maxRequestBytes: SLACK,
    maxResponseBytes: 0,
    maxResponseItems: 0,
    costUnit: 'messages',
    maxCost: 1,
    quota: { byPeer: { messages: q(2, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 1,
    maxOutboundStreams: 1,
    maxConcurrentPerPeer: 1,
    maxConcurrentTotal: 128
  },
  sendcmpct: {
    versions: [1],
    maxRequestBytes: SLACK,
    maxResponseBytes: 0,
    maxResponseItems: 0,
    costUnit: 'messages',
    maxCost: 1,
    quota: { byPeer: { messages: q(4, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 1,
    maxOutboundStreams: 1,
    maxConcurrentPerPeer: 1,
    maxConcurrentTotal: 128
  },
  cmpctblock: {
    versions: [1],
    maxRequestBytes: MAX_MESSAGE_BYTES,
    maxResponseBytes: 0,
    maxResponseItems: 0,
    costUnit: 'bytes',
    maxCost: MAX_MESSAGE_BYTES,
    // one push per new block: a bogus one fails its header's proof of work and is penalised there
    quota: { byPeer: { messages: q(BLOCK_MESSAGES_PER_10S, 10 * SECOND), cost: q(2 * MAX_MESSAGE_BYTES, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 2,
    maxOutboundStreams: 2,
    maxConcurrentPerPeer: 2,
    maxConcurrentTotal: 64
  },
  getblocktxn: {
    versions: [1],
    maxRequestBytes: HASH_BYTES + MAX_BLOCK_TXS * 6 + SLACK,
    maxResponseBytes: MAX_MESSAGE_BYTES,
    maxResponseItems: 1,
    costUnit: 'items',
    maxCost: MAX_BLOCK_TXS,
    quota: { byPeer: { messages: q(BLOCK_MESSAGES_PER_10S, 10 * SECOND), cost: q(2 * MAX_BLOCK_TXS, 10 * SECOND) }, total: { cost: q(20 * MAX_BLOCK_TXS, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 2,
    maxOutboundStreams: 2,
    maxConcurrentPerPeer: 2,
    maxConcurrentTotal: 64
  },
  masternode_list_request: {
    versions: [1],
    maxRequestBytes: SLACK,
    maxResponseBytes: MAX_MESSAGE_BYTES,
    maxResponseItems: 1,
    costUnit: 'messages',
    maxCost: 1,
    quota: { byPeer: { messages: q(2, 60 * SECOND) }, total: { messages: q(20, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 1,
    maxOutboundStreams: 1,
    maxConcurrentPerPeer: 1,
    maxConcurrentTotal: 8
  },
  masternode_update: {
    versions: [1],
    maxRequestBytes: 2 * 1024,
    maxResponseBytes: 0,
    maxResponseItems: 0,
    costUnit: 'messages',
    maxCost: 1,
    quota: { byPeer: { messages: q(100, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 4,
    maxOutboundStreams: 4,
    maxConcurrentPerPeer: 4,
    maxConcurrentTotal: 256
  },
  masternode_list_sync: {
    versions: [1],
    maxRequestBytes: SLACK + HASH_BYTES,
    maxResponseBytes: MAX_MESSAGE_BYTES,
    maxResponseItems: 1,
    costUnit: 'messages',
    maxCost: 1,
    quota: { byPeer: { messages: q(10, 10 * SECOND) }, total: { messages: q(100, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 1,
    maxOutboundStreams: 1,
    maxConcurrentPerPeer: 1,
    maxConcurrentTotal: 16
  },
  pose_challenge: {
    versions: [1],
    maxRequestBytes: 256,
    maxResponseBytes: 512,
    maxResponseItems: 1,
    costUnit: 'messages',
    maxCost: 1,
    quota: { byPeer: { messages: q(10, 10 * SECOND) }, total: { messages: q(200, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 2,
    maxOutboundStreams: 2,
    maxConcurrentPerPeer: 2,
    maxConcurrentTotal: 64
  },
  direct: {
    versions: [1],
    maxRequestBytes: entry(MAX_DIRECT_MESSAGE_BYTES) + MAX_APP_PROTOCOL_LENGTH + SLACK,
    maxResponseBytes: entry(MAX_DIRECT_MESSAGE_BYTES) + SLACK,
    maxResponseItems: 1,
    costUnit: 'bytes',
    maxCost: entry(MAX_DIRECT_MESSAGE_BYTES) + MAX_APP_PROTOCOL_LENGTH + SLACK,
    quota: { byPeer: { messages: q(100, 10 * SECOND), cost: q(10 * MAX_MESSAGE_BYTES, 10 * SECOND) } },
    timeouts: TIMEOUTS,
    maxInboundStreams: 8,
    maxOutboundStreams: 8,
    maxConcurrentPerPeer: 8,
    maxConcurrentTotal: 256
  }
}

/** What cannot be data: per-request cost, item cap and shape rules. */
export interface MethodRules<Req> {
  /** The rate-limit cost of a request, in the method's unit. */
  cost (req: Req, sizeBytes: number): number
  /** Response items this request may get (capped by the table's maxResponseItems). */
  maxItems? (req: Req): number
  /** Shape rules beyond the codec; throw {@link InvalidRequestError}. */
  validate? (req: InboundRequest<Req>): void
}

const one = (): number => 1
const bytes = (_req: unknown, sizeBytes: number): number => sizeBytes

/** The rules of every method. A method without rules does not compile. */
export const METHOD_RULES: { readonly [M in Method]: MethodRules<RequestOf<M>> } = {
  status: { cost: one },
  goodbye: { cost: one },
  get_headers: { cost: (r) => r.maxHeaders },
  get_blocks_by_range: { cost: (r) => r.count, maxItems: (r) => r.count },
  get_blocks_by_hash: { cost: (r) => r.hashes.length, maxItems: (r) => r.hashes.length },
  block_announce: { cost: one },
  inv: { cost: (r) => r.items.length },
  getdata: {
    cost: (r) => r.items.length,
    // every item found, plus one notfound listing the rest
    maxItems: (r) => r.items.length + 1,
    // getdata serves transactions, and compact blocks (BIP152 low-bandwidth mode: the
    // responder pushes a cmpctblock and lists what it cannot serve as not found);
    // full blocks travel by get_blocks_by_hash
    validate: (req) => {
      if (req.body.items.some(i => i.type === 'block')) {
        throw new InvalidRequestError('getdata: block items cannot be requested (full blocks: get_blocks_by_hash)', 'mid')
      }
    }
  },
  tx: { cost: bytes },
  feefilter: { cost: one },
  sendcmpct: { cost: one },
  cmpctblock: { cost: bytes },
  getblocktxn: { cost: (r) => r.indexes.length },
  masternode_list_request: { cost: one },
  masternode_update: { cost: one },
  masternode_list_sync: { cost: one },
  pose_challenge: { cost: one },
  direct: { cost: bytes }
}

/** The table with per-method overrides applied. */
export function resolveProtocols (overrides: Partial<Record<Method, Partial<MethodSpec>>> = {}): Record<Method, MethodSpec> {
  const out = {} as Record<Method, MethodSpec>
  for (const m of Object.keys(PROTOCOLS) as Method[]) {
    out[m] = { ...PROTOCOLS[m], ...overrides[m] }
  }
  return out
}
