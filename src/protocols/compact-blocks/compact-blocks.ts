/**
 * Compact block relay (BIP152), plugged into block sync's relay extension
 * point (`sync.relay`, see `src/protocols/sync/relay.ts`): sync decides when
 * a block is announced and which announced block to fetch, and it submits
 * every block; this module sends and rebuilds the blocks compactly.
 *
 * Negotiation: at connect we send every peer `sendcmpct(announce=false, 1)`
 * (we take compact blocks) and advertise version 1 in our status. A peer
 * whose block became our new tip first is asked for high-bandwidth mode
 * (`sendcmpct(true, 1)`); at most three are, the most recent
 * first-deliverers, never dropping the last outbound one for an inbound one
 * (`hb-peers.ts`).
 *
 * Sending (a {@link BlockAnnouncer}): when sync announces a new best block,
 * the peers that asked us for high-bandwidth mode get a `cmpctblock` at once,
 * carrying the origin's acceptance time and hop count as a `block_announce`
 * would; the others get sync's header announcement and, when they speak
 * compact blocks, ask for the compact block with `getdata(cmpct_block)`. Each
 * compact block prefills the coinbase and what the peer probably lacks.
 *
 * Receiving: a pushed `cmpctblock` is kept and its header handed to sync
 * (`relay.announced`), which validates it (an invalid header is the
 * relayer's fault) and schedules the block; sync then asks its fetchers, and
 * ours (a {@link BlockFetcher}) rebuilds the block from the mempool and the
 * extra pool, asking one `getblocktxn` for what is missing. For a header
 * announcement the fetcher first asks the announcer for the compact block. A
 * short-id collision or a failed round trip returns nothing, so sync falls
 * back to the full block; sync drops a rebuilt block that turns out invalid
 * without penalising the relayer (BIP152), and a second request for it gets
 * the full block.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { AbortError } from '../../errors.ts'
import { MAX_ANNOUNCE_HOPS } from '../../wire/constants.ts'
import { systemClock } from '../../service/clock.ts'
import { ResourceUnavailableError } from '../../service/errors.ts'
import { buildCompactBlock, reconstruct } from './compact.ts'
import {
  COMPACT_BLOCK_VERSION, COMPACT_BLOCKS_COMPONENT, COMPACT_BLOCKS_PROTOCOL, DEFAULT_EXTRA_POOL_BYTES, DEFAULT_EXTRA_POOL_TXS,
  DEFAULT_MAX_PREFILL_BYTES, DEFAULT_PREFILL_RECENT_MS, DEFAULT_RECONSTRUCTION_TIMEOUT_MS, MAX_BLOCK_RECORDS, MAX_BLOCKTXN_DEPTH,
  MAX_BLOCK_OUTCOMES, MAX_CMPCTBLOCK_DEPTH, MAX_HIGH_BANDWIDTH_PEERS, MAX_KNOWN_BLOCKS_PER_PEER, MAX_PARTIAL_BLOCKS,
  MAX_PARTIAL_BLOCKS_PER_PEER, MAX_PENDING_COMPACT_BLOCKS, MAX_RECENT_TX_TIMES, MAX_REQUESTED_COMPACT_BLOCKS, RECENT_BLOCKS_CACHED, MAX_SENDCMPCT_PER_WINDOW, SENDCMPCT_WINDOW_MS
} from './constants.ts'
import { BlockTxnIndexError, BlockTxnMismatchError, InvalidCompactBlockError } from './errors.ts'
import { createExtraPool } from './extra-pool.ts'
import { createHighBandwidthPeers } from './hb-peers.ts'
import { createCompactMetrics } from './metrics.ts'
import { PEER_SWEEP_INTERVAL_MS } from '../tx-relay/constants.ts'
import type { BlockTxs } from './compact.ts'
import type { FallbackReason } from './metrics.ts'
import type { ChainAdapter, ChainEvents, Hash, HeaderInfo } from '../../chain/index.ts'
import type { ProtocolHostEvents } from '../../node/chain-protocols.ts'
import type { PeerManager } from '../../peers/types.ts'
import type { ReqResp } from '../../reqresp/index.ts'
import type { Clock, TimerHandle } from '../../service/clock.ts'
import type { PeerStatusBook } from '../status/index.ts'
import type { BlockAnnouncer, BlockFetcher, BlockOrigin, BlockRelay, FetchRequest, NewBlock, RelayPeer } from '../sync/index.ts'
import type { BlockInventory, RouteRegistrar } from '../tx-relay/index.ts'
import type { BlockTxn, CmpctBlock } from '../../wire/messages.ts'
import type { ComponentLogger, Logger, PeerId, TypedEventTarget } from '@libp2p/interface'
import type { Registry } from 'prom-client'

// ---------------------------------------------------------------- public types

/** Options of {@link compactBlocks}. Plain data. */
export interface CompactBlocksInit {
  /**
   * Relay blocks as compact blocks. When false the module still answers
   * compact-block requests but neither negotiates, announces nor fetches:
   * blocks go by sync's full-block path. @default true
   */
  enabled?: boolean
  /** @default MAX_HIGH_BANDWIDTH_PEERS (3) */
  maxHighBandwidthPeers?: number
  /** @default DEFAULT_MAX_PREFILL_BYTES */
  maxPrefillBytes?: number
  /** @default DEFAULT_PREFILL_RECENT_MS */
  prefillRecentMs?: number
  /** @default DEFAULT_EXTRA_POOL_TXS */
  extraPoolTxs?: number
  /** @default DEFAULT_EXTRA_POOL_BYTES */
  extraPoolBytes?: number
  /** @default DEFAULT_RECONSTRUCTION_TIMEOUT_MS */
  reconstructionTimeoutMs?: number
}

/** What tx relay knows about a peer's transactions, for prefill prediction. */
export interface TxKnowledge {
  /** The peer recently announced or sent us the transaction: it has it. */
  peerHas (peer: PeerId | string, txid: Hash): boolean
  /** The transaction waits in our announcement queue to the peer: it probably lacks it. */
  pendingFor (peer: PeerId | string, txid: Hash): boolean
}

/** What compact block relay is built from. */
export interface CompactBlocksComponents {
  reqresp: Pick<ReqResp, 'register' | 'unregister' | 'request' | 'notify'>
  peers: Pick<PeerManager, 'report' | 'list'>
  chain: ChainAdapter
  events: TypedEventTarget<ProtocolHostEvents>
  /** Block sync's extension point: our announcer and fetcher go here, and pushed headers. */
  relay: Pick<BlockRelay, 'addAnnouncer' | 'addFetcher' | 'announced' | 'origin'>
  /** The status book: we advertise our compact-block version in it, and read peers'. */
  status?: Pick<PeerStatusBook, 'advertise' | 'get'>
  logger: ComponentLogger
  registry?: Registry
  /** Tx relay's view of what peers have. */
  txKnowledge?: TxKnowledge
  /** @default systemClock */
  clock?: Clock
  /** ms since the epoch, for the origin time of blocks we announce first. @default Date.now */
  wallClock?: () => number
}

/** One block rebuilt by the compact path. */
export interface CompactBlockRecord {
  hash: string
  /** Pushed unsolicited (high-bandwidth) rather than requested after an announcement. */
  highBandwidth: boolean
  /** Extra round trips: 0, or 1 for a getblocktxn. */
  roundTrips: 0 | 1
  compactBytes: number
  blocktxnBytes: number
  fullBytes: number
  transactions: number
  prefilled: number
  fromMempool: number
  fromExtra: number
  missing: number
  /** ms from the compact block's arrival to the rebuilt block's hand-over to sync. */
  ms: number
}

/** Counters for tests and benchmarks. */
export interface CompactBlocksStats {
  /** Compact blocks received. */
  received: number
  reconstructed: { zero: number, one: number }
  /** Compact blocks given up for the full block, by reason. */
  fallbacks: Record<FallbackReason, number>
  sent: { highBandwidth: number, lowBandwidth: number }
  /** High-bandwidth pushes that failed and were followed by a header announcement. */
  headerFallbacks: number
  /** Requests answered. */
  served: { blocktxn: number, cmpctblock: number }
  highBandwidthPeers: string[]
  /** Compact blocks kept until sync asks for their block. */
  pending: number
  /** Compact blocks asked for with getdata and not yet arrived. */
  requested: number
  partialBlocks: number
  extraPool: number
  /** The latest rebuilt blocks, oldest first (at most MAX_BLOCK_RECORDS). */
  recent: CompactBlockRecord[]
}

/** A peer's compact-block mode, as far as we know it. */
export interface CompactPeerInfo {
  outbound: boolean
  /** It told us it takes compact blocks of our version. */
  compact: boolean
  /** It asked us to push it new blocks (high-bandwidth mode). */
  highBandwidthTo: boolean
  /** We asked it to push us new blocks. */
  highBandwidthFrom: boolean
}

/** The running module. */
export interface CompactBlocks {
  readonly name: string
  start (): Promise<void>
  stop (): Promise<void>
  /** `GET /compact-blocks`: {@link CompactBlocksStats}, with the latest 20 block records. */
  routes (api: RouteRegistrar): void
  /** The block side of inv/getdata, for tx relay. */
  readonly inventory: BlockInventory
  /** Keep a transaction for reconstruction (rejected, orphaned or replaced). */
  addExtraTx (txid: Hash, tx: Uint8Array): void
  /** What we know of a peer's compact-block mode. */
  peer (peer: PeerId | string): CompactPeerInfo | undefined
  stats (): CompactBlocksStats
}

/**
 * Create compact block relay.
 *
 * @example
 * ```ts
 * const cb = compactBlocks({})({ reqresp, peers, chain, events, relay: sync.relay, status, logger, txKnowledge: txRelay })
 * const relay = txRelay({ network })({ …, blocks: cb.inventory, onRejectedTx: cb.addExtraTx })
 * ```
 */
export function compactBlocks (init: CompactBlocksInit = {}): (components: CompactBlocksComponents) => CompactBlocks {
  return (components) => createCompactBlocks(init, components)
}

// ---------------------------------------------------------------- implementation

interface PeerState {
  id: string
  peer: PeerId
  outbound: boolean
  /** It sent sendcmpct with our version: it takes compact blocks. */
  compact: boolean
  /** It asked for high-bandwidth mode: we push it our new blocks. */
  highBandwidth: boolean
  /** Blocks it sent or announced to us, or we sent it (hex), insertion ordered. */
  knownBlocks: Set<string>
  /** Blocks being rebuilt from its compact blocks. */
  partials: number
  /** What we last told it with sendcmpct, and what we want it to know. */
  sentAnnounce?: boolean
  /** When (our clock) we sent it the sendcmpct messages of the current window (at most MAX_SENDCMPCT_PER_WINDOW). */
  sendCmpctTimes: number[]
  wantAnnounce?: boolean
  sendingCmpct: boolean
}

interface RecentBlock extends BlockTxs {
  hex: string
  height: number
  size: number
  /** Indexes we lacked when we rebuilt it (fetched, or prefilled to us): peers probably lack them too. */
  missingLocally?: Set<number>
}

/** A compact block waiting for sync to ask for its block. */
interface Pending {
  cmpct: CmpctBlock
  /** The peer that sent it (it has the block: getblocktxn goes there). */
  from: string
  bytes: number
  arrived: number
  highBandwidth: boolean
}

function toHex (b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0
}

function varintLength (n: number): number {
  let len = 1
  while (n >= 0x80) {
    n = Math.floor(n / 0x80)
    len++
  }
  return len
}

/** Encoded size of a BlockTxn message: the hash field, then a tag, length and bytes per transaction. */
export function blockTxnBytes (b: BlockTxn): number {
  let n = 2 + b.blockHash.byteLength
  for (const t of b.txs) n += 1 + varintLength(t.byteLength) + t.byteLength
  return n
}

function randomNonce (): bigint {
  return randomBytes(8).readBigUInt64LE(0)
}

/** Insert into an insertion-ordered map, dropping the oldest beyond `max`. */
function putBounded<K, V> (map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key)
  map.set(key, value)
  while (map.size > max) map.delete(map.keys().next().value as K)
}

function createCompactBlocks (init: CompactBlocksInit, components: CompactBlocksComponents): CompactBlocks {
  const enabled = init.enabled ?? true
  const maxPrefillBytes = init.maxPrefillBytes ?? DEFAULT_MAX_PREFILL_BYTES
  const prefillRecentMs = init.prefillRecentMs ?? DEFAULT_PREFILL_RECENT_MS
  const timeoutMs = init.reconstructionTimeoutMs ?? DEFAULT_RECONSTRUCTION_TIMEOUT_MS
  const { reqresp, peers, chain, events, relay } = components
  const clock = components.clock ?? systemClock
  const wallClock = components.wallClock ?? Date.now
  const log: Logger = components.logger.forComponent(COMPACT_BLOCKS_COMPONENT)

  // what we take goes into our status from the first handshake on
  if (enabled) components.status?.advertise({ compactBlockVersions: [COMPACT_BLOCK_VERSION] })

  const extra = createExtraPool(init.extraPoolTxs ?? DEFAULT_EXTRA_POOL_TXS, init.extraPoolBytes ?? DEFAULT_EXTRA_POOL_BYTES)
  const hb = createHighBandwidthPeers(init.maxHighBandwidthPeers ?? MAX_HIGH_BANDWIDTH_PEERS)
  const states = new Map<string, PeerState>()
  /** Compact blocks waiting for sync's fetch, by hash (hex), oldest first. */
  const pending = new Map<string, Pending>()
  /** Compact blocks we asked for with getdata, by hash (hex): the fetch waiting for the push. */
  const waiting = new Map<string, { from: string, resolve: () => void }>()
  /** Blocks being rebuilt, by hash (hex). */
  const partials = new Set<string>()
  /** Blocks we rebuilt and handed to sync, by hash (hex) → the peer whose compact block it was. */
  const delivered = new Map<string, string>()
  /** Blocks we rebuilt that the chain rejected (hex): the next attempt is the full block's. */
  const spoiled = new Map<string, true>()
  /** Indexes we lacked, for blocks we rebuilt, until we announce them onwards. */
  const lacked = new Map<string, Set<number>>()
  /** The origin sync announced a block with (already counting our hop), by hash (hex). */
  const announced = new Map<string, BlockOrigin>()
  const recent = new Map<string, RecentBlock>()
  /** When recent transactions entered our mempool (hex → clock ms), oldest first. */
  const arrivals = new Map<string, number>()
  const records: CompactBlockRecord[] = []
  const stats = {
    received: 0,
    reconstructed: { zero: 0, one: 0 },
    fallbacks: { collision: 0, invalid: 0, error: 0, notfound: 0, malformed: 0 } satisfies Record<FallbackReason, number>,
    sent: { highBandwidth: 0, lowBandwidth: 0 },
    headerFallbacks: 0,
    served: { blocktxn: 0, cmpctblock: 0 }
  }
  const metrics = createCompactMetrics(components.registry, {
    partialBlocks: () => partials.size,
    pendingBlocks: () => pending.size,
    requestedBlocks: () => waiting.size,
    extraPoolTxs: () => extra.size,
    highBandwidthPeers: () => hb.list().length,
    recentBlocks: () => recent.size,
    peers: () => states.size,
    recentTxTimes: () => arrivals.size,
    blockOutcomes: () => delivered.size + spoiled.size + lacked.size + announced.size
  })

  let running = false
  let stopController = new AbortController()
  let sweepTimer: TimerHandle | undefined
  const removers: Array<() => void> = []

  // ---------------------------------------------------------------- peers

  function directionOf (id: string): 'inbound' | 'outbound' {
    return peers.list().find(p => p.id === id)?.direction ?? 'inbound'
  }

  function stateOf (peer: PeerId, direction?: 'inbound' | 'outbound'): PeerState {
    const id = peer.toString()
    let s = states.get(id)
    if (s == null) {
      s = { id, peer, outbound: (direction ?? directionOf(id)) === 'outbound', compact: false, highBandwidth: false, knownBlocks: new Set(), partials: 0, sendingCmpct: false, sendCmpctTimes: [] }
      states.set(id, s)
    }
    return s
  }

  /** Whether `s` takes compact blocks: it sent sendcmpct, or its status lists our version. */
  function takesCompact (s: PeerState): boolean {
    return s.compact || (components.status?.get(s.id)?.compactBlockVersions.includes(COMPACT_BLOCK_VERSION) ?? false)
  }

  function knows (s: PeerState, hex: string): void {
    s.knownBlocks.delete(hex)
    s.knownBlocks.add(hex)
    if (s.knownBlocks.size > MAX_KNOWN_BLOCKS_PER_PEER) s.knownBlocks.delete(s.knownBlocks.values().next().value as string)
  }

  /**
   * Tell `s` whether to push us blocks. One sendcmpct at a time per peer (the
   * method allows one in flight): a change while one is on its way is sent
   * after it, and only the latest wish is.
   */
  function sendCmpct (s: PeerState, announce: boolean): void {
    s.wantAnnounce = announce
    if (s.sendingCmpct) return
    s.sendingCmpct = true
    void (async () => {
      while (s.sentAnnounce !== s.wantAnnounce && running && states.get(s.id) === s) {
        // paced to the peer's sendcmpct quota: churn in the high-bandwidth choice must not cost us a penalty
        const now = clock.now()
        while (s.sendCmpctTimes.length > 0 && s.sendCmpctTimes[0] <= now - SENDCMPCT_WINDOW_MS) s.sendCmpctTimes.shift()
        if (s.sendCmpctTimes.length >= MAX_SENDCMPCT_PER_WINDOW) {
          await pause(s.sendCmpctTimes[0] + SENDCMPCT_WINDOW_MS - now)
          continue
        }
        const want = s.wantAnnounce as boolean
        s.sendCmpctTimes.push(now)
        try {
          await reqresp.notify(s.peer, 'sendcmpct', { announce: want, version: COMPACT_BLOCK_VERSION }, { signal: stopController.signal })
          s.sentAnnounce = want
        } catch (err: any) {
          log('sendcmpct to %p failed: %s', s.peer, err?.message)
          break
        }
      }
      s.sendingCmpct = false
    })()
  }

  /** Resolve after `ms` on our clock, or at stop. */
  async function pause (ms: number): Promise<void> {
    const signal = stopController.signal
    if (signal.aborted) return
    await new Promise<void>(resolve => {
      const done = (): void => { clock.clearTimeout(timer); signal.removeEventListener('abort', done); resolve() }
      const timer = clock.setTimeout(done, ms)
      signal.addEventListener('abort', done, { once: true })
    })
  }

  const onConnect = (evt: CustomEvent<{ peer: PeerId, direction: 'inbound' | 'outbound' }>): void => {
    const s = stateOf(evt.detail.peer, evt.detail.direction)
    s.outbound = evt.detail.direction === 'outbound'
    if (enabled) sendCmpct(s, false)
  }

  function forget (id: string): void {
    states.delete(id)
    hb.remove(id)
    for (const [h, p] of pending) if (p.from === id) pending.delete(h)
    for (const w of waiting.values()) if (w.from === id) w.resolve()
  }

  const onDisconnect = (evt: CustomEvent<{ peer: PeerId }>): void => {
    forget(evt.detail.peer.toString())
  }

  /** Drop the state of peers no longer connected (a message that raced a disconnect), as tx relay does. */
  function sweep (): void {
    sweepTimer = clock.setTimeout(() => {
      if (!running) return
      const connected = new Set(peers.list().map(p => p.id))
      for (const id of [...states.keys()]) if (!connected.has(id)) forget(id)
      sweep()
    }, PEER_SWEEP_INTERVAL_MS)
  }

  /** `id` gave us our new tip first: make it a high-bandwidth peer. */
  function promote (id: string): void {
    const s = states.get(id)
    if (!enabled || s == null || !takesCompact(s)) return
    for (const change of hb.promote(s.id, s.outbound)) {
      const target = states.get(change.peer)
      if (target != null) sendCmpct(target, change.announce)
    }
  }

  const onTip = (evt: ChainEvents['tip']): void => {
    const hex = toHex(evt.detail.hash)
    const from = delivered.get(hex)
    if (from == null) return
    delivered.delete(hex)
    promote(from)
  }

  // ---------------------------------------------------------------- recent blocks

  async function loadBlock (hash: Hash, maxDepth: number): Promise<RecentBlock | undefined> {
    const hex = toHex(hash)
    const tip = chain.tip()
    const cached = recent.get(hex)
    if (cached != null) return tip.height - cached.height <= maxDepth ? cached : undefined
    const info = await chain.getHeaderInfo(hash)
    if (info?.hasBlock !== true || tip.height - info.height > maxDepth) return undefined
    const [bytes] = await chain.getBlocksByHash([hash])
    if (bytes === undefined) return undefined
    return remember(hex, info.height, bytes)
  }

  function remember (hex: string, height: number, bytes: Uint8Array): RecentBlock {
    const existing = recent.get(hex)
    if (existing != null) return existing
    const parts = chain.splitBlock(bytes)
    const missingLocally = lacked.get(hex)
    lacked.delete(hex)
    const block: RecentBlock = { hex, height, size: bytes.byteLength, header: parts.header, txs: parts.txs, txids: parts.txs.map(t => chain.txId(t)), missingLocally }
    putBounded(recent, hex, block, RECENT_BLOCKS_CACHED)
    return block
  }

  const onTxAdded = (evt: ChainEvents['tx:added']): void => {
    putBounded(arrivals, toHex(evt.detail.txid), clock.now(), MAX_RECENT_TX_TIMES)
  }

  /** When the transaction entered our mempool, if within the prefill window. */
  function arrivedRecently (txid: Hash): number | undefined {
    const at = arrivals.get(toHex(txid))
    return at !== undefined && clock.now() - at < prefillRecentMs ? at : undefined
  }

  /** The origin a compact block of `block` carries: what sync announced it with, else what it knows. */
  function originOf (block: RecentBlock): BlockOrigin {
    const sent = announced.get(block.hex)
    if (sent != null) return sent
    const known = relay.origin(chain.decodeHeader(block.header).hash)
    // not announced by sync (yet): a block we rebuilt (one more hop), or one of ours
    return known != null ? { acceptedAtMs: known.acceptedAtMs, hops: Math.min(MAX_ANNOUNCE_HOPS, known.hops + 1) } : { acceptedAtMs: wallClock(), hops: 0 }
  }

  /**
   * The compact block of `block` for `s`, prefilling what `s` probably
   * lacks: what we lacked ourselves, what still waits in our announcement
   * queue to it, and what reached us so recently that it has probably not
   * reached `s` (unless `s` announced or sent it to us). An announcement from
   * us is no proof: the peer may still be fetching it.
   */
  function compactFor (s: PeerState, block: RecentBlock): CmpctBlock {
    const know = components.txKnowledge
    // priorities when the budget cannot take every candidate: what we lacked
    // ourselves, then what is queued for the peer, then the newest arrivals
    const now = clock.now()
    const cmpct = buildCompactBlock(block, {
      nonce: randomNonce(),
      maxPrefillBytes,
      prefill: (i) => {
        if (block.missingLocally?.has(i) === true) return 2 * now + 2
        const txid = block.txids[i]
        if (know?.peerHas(s.id, txid) === true) return undefined
        if (know?.pendingFor(s.id, txid) === true) return 2 * now + 1
        return arrivedRecently(txid)
      }
    })
    // what a block_announce would carry: when the origin accepted the block, and how far it came
    const origin = originOf(block)
    cmpct.acceptedAtMs = origin.acceptedAtMs
    cmpct.hops = origin.hops
    return cmpct
  }

  async function pushCompact (s: PeerState, block: RecentBlock, mode: 'high_bandwidth' | 'low_bandwidth'): Promise<void> {
    knows(s, block.hex)
    const cmpct = compactFor(s, block)
    if (mode === 'high_bandwidth') stats.sent.highBandwidth++
    else stats.sent.lowBandwidth++
    metrics.sent(mode)
    await reqresp.notify(s.peer, 'cmpctblock', cmpct, { signal: stopController.signal })
  }

  // ---------------------------------------------------------------- sending: sync's announcer

  const announcer: BlockAnnouncer = {
    name: 'cmpctblock',
    async announce (nb: NewBlock, readyPeers: readonly RelayPeer[], options: { signal: AbortSignal }): Promise<Iterable<string>> {
      const hex = toHex(nb.hash)
      // low-bandwidth peers that ask for this block later get the same origin
      putBounded(announced, hex, { acceptedAtMs: nb.origin.acceptedAtMs, hops: nb.origin.hops }, MAX_BLOCK_OUTCOMES)
      const targets = readyPeers.map(rp => states.get(rp.peer.toString())).filter((s): s is PeerState => s?.highBandwidth === true)
      if (!enabled || !running || targets.length === 0 || options.signal.aborted) return []
      let block = recent.get(hex)
      if (block == null) {
        const bytes = await nb.block()
        if (bytes == null) return []
        block = remember(hex, nb.height, bytes)
      }
      // pushed without waiting for the peers to take them (as Core queues its cmpctblock): the
      // header announcements to everyone else must not wait a round trip behind these. A push
      // that fails (the peer was busy, refused it, or timed out) is followed by the header
      // announcement sync would have sent it, so the peer still hears of the block now
      const headersWanted = new Set(readyPeers.filter(rp => rp.status.capabilities.sendHeaders).map(rp => rp.peer.toString()))
      for (const s of targets) {
        if (s.knownBlocks.has(hex)) continue
        pushCompact(s, block, 'high_bandwidth').catch(async (err: any) => {
          log('cmpctblock to %p failed: %s', s.peer, err?.message)
          if (!running || options.signal.aborted || !headersWanted.has(s.id)) return
          stats.headerFallbacks++
          await reqresp.notify(s.peer, 'block_announce', { headers: nb.headers, acceptedAtMs: nb.origin.acceptedAtMs, hops: nb.origin.hops }, { signal: stopController.signal })
        }).catch((err: any) => { log('announcing %s to %p after a failed push failed too: %s', hex, s.peer, err?.message) })
      }
      // peers that already have the block need no announcement either
      return targets.map(s => s.id)
    }
  }

  // ---------------------------------------------------------------- receiving

  async function onCmpctBlock (peer: PeerId, cmpct: CmpctBlock, sizeBytes: number): Promise<void> {
    const arrived = clock.now()
    stats.received++
    const s = stateOf(peer)
    // a malformed header throws its fatal verdict here
    const info = chain.decodeHeader(cmpct.header)
    const hex = toHex(info.hash)
    knows(s, hex)
    const waiter = waiting.get(hex)
    const asked = waiter?.from === s.id
    if (asked) {
      // the answer to our getdata: the fetch waiting for it rebuilds it
      putBounded(pending, hex, { cmpct, from: s.id, bytes: sizeBytes, arrived, highBandwidth: false }, MAX_PENDING_COMPACT_BLOCKS)
      waiter.resolve()
      return
    }
    // pushed (high-bandwidth mode, or unsolicited): keep the first one for
    // the fetch, unless the block is being rebuilt or we have it
    const keep = enabled && !partials.has(hex) && !pending.has(hex) && !spoiled.has(hex) &&
      (await chain.getHeaderInfo(info.hash))?.hasBlock !== true
    if (keep) putBounded(pending, hex, { cmpct, from: s.id, bytes: sizeBytes, arrived, highBandwidth: true }, MAX_PENDING_COMPACT_BLOCKS)
    // sync validates the header (an invalid one throws with its verdict: the
    // engine reports it) and schedules the block; our fetcher then rebuilds it
    try {
      await relay.announced(peer, {
        headers: [cmpct.header],
        acceptedAtMs: cmpct.acceptedAtMs != null && cmpct.acceptedAtMs > 0 ? cmpct.acceptedAtMs : wallClock(),
        hops: cmpct.hops ?? 0
      })
    } catch (err) {
      if (pending.get(hex)?.cmpct === cmpct) pending.delete(hex)
      throw err
    }
  }

  /** Ask `s` for the compact block of `hash` and wait for it to arrive. */
  async function requestCompact (s: PeerState, hash: Hash, signal: AbortSignal): Promise<Pending | undefined> {
    const hex = toHex(hash)
    if (waiting.size >= MAX_REQUESTED_COMPACT_BLOCKS || waiting.has(hex)) return undefined
    let resolve = (): void => {}
    const arrived = new Promise<void>(r => { resolve = r })
    waiting.set(hex, { from: s.id, resolve })
    const onAbort = (): void => { resolve() }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      const answer = await reqresp.request(s.peer, 'getdata', { items: [{ type: 'cmpct_block', hash }] }, { signal })
      if (answer.some(a => a.type === 'notfound' && a.items.some(i => sameBytes(i.hash, hash)))) return fallback('notfound')
      // the cmpctblock comes as its own message, possibly just after the answer
      if (!signal.aborted) await arrived
      const p = pending.get(hex)
      if (p?.from !== s.id) return signal.aborted ? fallback('error') : undefined
      pending.delete(hex)
      return p
    } catch (err: any) {
      log('asking %p for compact block %s failed: %s', s.peer, hex, err?.message)
      return fallback('error')
    } finally {
      signal.removeEventListener('abort', onAbort)
      waiting.delete(hex)
    }
  }

  /** Give a block up for the full block; `p`'s bytes (and the fill-in's) were received for nothing. */
  function fallback (reason: FallbackReason, p?: Pending, fillBytes = 0): undefined {
    stats.fallbacks[reason]++
    metrics.fallback(reason, p?.bytes ?? 0, fillBytes)
    return undefined
  }

  /** Sync's fetcher: the block rebuilt from its compact block, or undefined for the full-block path. */
  async function fetchCompact (req: FetchRequest): Promise<Uint8Array | undefined> {
    if (!enabled || !running) return undefined
    const hex = toHex(req.header.hash)
    // the block we rebuilt was rejected (a short-id collision with one of our
    // transactions fails the merkle check): only the full block will do now
    if (spoiled.has(hex)) return undefined
    // asked again without a rejection: sync dropped the block before submitting it
    delivered.delete(hex)
    if (partials.has(hex) || partials.size >= MAX_PARTIAL_BLOCKS) return undefined
    // the compact path's budget; the full-block fallback gets the rest of sync's
    const deadline = new AbortController()
    const timer = clock.setTimeout(() => { deadline.abort(new AbortError(`no compact block within ${timeoutMs} ms`)) }, timeoutMs)
    const signal = AbortSignal.any([req.signal, deadline.signal, stopController.signal])
    try {
      let p = pending.get(hex)
      if (p != null) {
        pending.delete(hex)
      } else {
        // a header announcement: ask the announcer for the compact block, if it speaks them
        const s = stateOf(req.peer)
        if (!takesCompact(s)) return undefined
        p = await requestCompact(s, req.header.hash, signal)
        if (p == null) return undefined
      }
      const from = states.get(p.from)
      if (from == null) return fallback('error', p)
      if (partials.has(hex) || from.partials >= MAX_PARTIAL_BLOCKS_PER_PEER) return undefined
      partials.add(hex)
      from.partials++
      try {
        return await rebuild(from, p, req.header, signal)
      } finally {
        partials.delete(hex)
        from.partials--
      }
    } finally {
      clock.clearTimeout(timer)
    }
  }

  async function rebuild (s: PeerState, p: Pending, header: HeaderInfo, signal: AbortSignal): Promise<Uint8Array | undefined> {
    const hex = toHex(header.hash)
    const { cmpct } = p
    if (!sameBytes(cmpct.header, header.bytes)) return fallback('error', p)
    let r
    try {
      r = reconstruct(cmpct, chain.mempool.entries(), extra.entries())
    } catch (err: any) {
      if (err?.name !== InvalidCompactBlockError.name) throw err
      peers.report(s.peer, err.verdict, err.name)
      return fallback('malformed', p)
    }
    if (r.status === 'collision') return fallback('collision', p)
    const partial = r.partial
    const missing = partial.missing.length
    let txs: Uint8Array[]
    let fillBytes = 0
    if (missing === 0) {
      txs = partial.txs()
    } else {
      let answer: BlockTxn | undefined
      try {
        [answer] = await reqresp.request(s.peer, 'getblocktxn', { blockHash: header.hash, indexes: [...partial.missing] }, { signal })
      } catch (err: any) {
        // the engine reported the peer's fault, if any; the full block may still come
        log('getblocktxn for %s from %p failed: %s', hex, s.peer, err?.message)
        return fallback('error', p)
      }
      try {
        if (answer == null || !sameBytes(answer.blockHash, header.hash)) {
          throw new BlockTxnMismatchError(`blocktxn answers ${answer == null ? 'nothing' : toHex(answer.blockHash)}, asked for ${hex}`)
        }
        fillBytes = blockTxnBytes(answer)
        txs = partial.fill(answer.txs)
      } catch (err: any) {
        if (err?.name !== BlockTxnMismatchError.name) throw err
        peers.report(s.peer, 'fatal', err.name)
        return fallback('error', p, answer == null ? 0 : blockTxnBytes(answer))
      }
    }
    const block = chain.assembleBlock({ header: cmpct.header, txs })
    // what we lacked, fetched or prefilled to us, our peers likely lack too
    const lackedHere = new Set(partial.missing)
    for (const pf of cmpct.prefilled) if (pf.index > 0) lackedHere.add(pf.index)
    if (lackedHere.size > 0) putBounded(lacked, hex, lackedHere, MAX_BLOCK_OUTCOMES)
    putBounded(delivered, hex, s.id, MAX_BLOCK_OUTCOMES)
    const roundTrips = missing === 0 ? 0 : 1
    if (roundTrips === 0) stats.reconstructed.zero++
    else stats.reconstructed.one++
    metrics.reconstructed(roundTrips, p.bytes, fillBytes, block.byteLength)
    records.push({
      hash: hex,
      highBandwidth: p.highBandwidth,
      roundTrips,
      compactBytes: p.bytes,
      blocktxnBytes: fillBytes,
      fullBytes: block.byteLength,
      transactions: partial.total,
      prefilled: partial.prefilled,
      fromMempool: partial.fromMempool,
      fromExtra: partial.fromExtra,
      missing,
      ms: clock.now() - p.arrived
    })
    if (records.length > MAX_BLOCK_RECORDS) records.shift()
    return block
  }

  const fetcher: BlockFetcher = {
    name: 'compact',
    fetch: fetchCompact,
    rejected (hash, err) {
      const hex = toHex(hash)
      if (!delivered.delete(hex)) return
      // a collision with one of our transactions, or an invalid transaction: nobody's fault (BIP152)
      log('rebuilt block %s rejected by the chain: %s', hex, err.message)
      lacked.delete(hex)
      putBounded(spoiled, hex, true, MAX_BLOCK_OUTCOMES)
      fallback('invalid')
    }
  }

  // ---------------------------------------------------------------- serving

  const inventory: BlockInventory = {
    onInv (peer, hashes) {
      // blocks are announced with headers (sync); an inv only says the peer has them
      const s = stateOf(peer)
      for (const h of hashes) knows(s, toHex(h))
    },
    async onGetData (peer, hashes) {
      const s = stateOf(peer)
      const unserved: Hash[] = []
      for (const h of hashes) {
        const block = await loadBlock(h, MAX_CMPCTBLOCK_DEPTH)
        if (block == null) {
          unserved.push(h)
          continue
        }
        stats.served.cmpctblock++
        metrics.served('cmpctblock')
        pushCompact(s, block, 'low_bandwidth').catch((err: any) => { log('cmpctblock to %p failed: %s', s.peer, err?.message) })
      }
      return unserved
    }
  }

  async function serveBlockTxn (blockHash: Hash, indexes: number[]): Promise<BlockTxn> {
    const block = await loadBlock(blockHash, MAX_BLOCKTXN_DEPTH)
    if (block == null) throw new ResourceUnavailableError(`block ${toHex(blockHash)} is unknown or deeper than ${MAX_BLOCKTXN_DEPTH} blocks`)
    const txs: Uint8Array[] = []
    for (const i of indexes) {
      if (i >= block.txs.length) throw new BlockTxnIndexError(`getblocktxn asks for transaction ${i} of a block of ${block.txs.length}`)
      txs.push(block.txs[i])
    }
    stats.served.blocktxn++
    metrics.served('blocktxn')
    return { blockHash, txs }
  }

  // ---------------------------------------------------------------- lifecycle

  const module: CompactBlocks = {
    name: COMPACT_BLOCKS_PROTOCOL,
    inventory,

    async start () {
      if (running) return
      running = true
      stopController = new AbortController()
      await reqresp.register('sendcmpct', {
        async call (req) {
          const s = stateOf(req.peer)
          if (req.body.version !== COMPACT_BLOCK_VERSION) return
          s.compact = true
          s.highBandwidth = req.body.announce
        }
      })
      await reqresp.register('cmpctblock', {
        async call (req) { await onCmpctBlock(req.peer, req.body, req.sizeBytes) }
      })
      await reqresp.register('getblocktxn', {
        async call (req) { return [await serveBlockTxn(req.body.blockHash, req.body.indexes)] }
      })
      chain.addEventListener('tip', onTip)
      chain.addEventListener('tx:added', onTxAdded)
      events.addEventListener('peer:connect', onConnect)
      events.addEventListener('peer:disconnect', onDisconnect)
      removers.push(relay.addAnnouncer(announcer))
      if (enabled) removers.push(relay.addFetcher(fetcher))
      sweep()
      for (const p of peers.list()) {
        try {
          const s = stateOf(peerIdFromString(p.id), p.direction)
          if (enabled) sendCmpct(s, false)
        } catch (err: any) {
          log('ignoring peer %s: %s', p.id, err?.message)
        }
      }
    },

    async stop () {
      if (!running) return
      running = false
      stopController.abort(new AbortError('compact blocks stopped'))
      clock.clearTimeout(sweepTimer)
      for (const remove of removers.splice(0)) remove()
      chain.removeEventListener('tip', onTip)
      chain.removeEventListener('tx:added', onTxAdded)
      events.removeEventListener('peer:connect', onConnect)
      events.removeEventListener('peer:disconnect', onDisconnect)
      for (const w of waiting.values()) w.resolve()
      states.clear()
      pending.clear()
      delivered.clear()
      spoiled.clear()
      lacked.clear()
      announced.clear()
      recent.clear()
      arrivals.clear()
      for (const m of ['sendcmpct', 'cmpctblock', 'getblocktxn'] as const) await reqresp.unregister(m)
    },

    routes (api) {
      api.route('GET', '/compact-blocks', () => {
        const st = module.stats()
        return { enabled, ...st, recent: st.recent.slice(-20) }
      })
    },

    addExtraTx (txid, tx) {
      extra.add(txid, tx)
    },

    peer (peer) {
      const s = states.get(peer.toString())
      if (s == null) return undefined
      return { outbound: s.outbound, compact: takesCompact(s), highBandwidthTo: s.highBandwidth, highBandwidthFrom: hb.has(s.id) }
    },

    stats () {
      return {
        ...structuredClone(stats),
        highBandwidthPeers: hb.list(),
        pending: pending.size,
        requested: waiting.size,
        partialBlocks: partials.size,
        extraPool: extra.size,
        recent: records.map(r => ({ ...r }))
      }
    }
  }
  return module
}
