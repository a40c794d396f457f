/**
 * Block sync: headers first, then blocks in parallel from every peer that
 * has them, then staying at the tip through announcements.
 *
 * - **Serving.** `get_headers`, `get_blocks_by_range` and `get_blocks_by_hash`
 *   are answered from the {@link ChainAdapter}; `block_announce` and the
 *   blocks gossip topic feed the announcement path.
 * - **Headers.** Every ready peer that claims more work than our best header
 *   chain is asked for headers with an exponential locator (2000 per answer).
 *   Answers are checked as they arrive: they must follow a locator hash, are
 *   validated with `ChainAdapter.validateHeaders`, and are kept only when they
 *   extend the best header chain (the *target*) or give a branch with more
 *   work. The target is bounded (MAX_HEADERS_AHEAD beyond the blocks we
 *   have); a peer's diverging branch costs one header of memory. A peer whose
 *   headers end short of the work it claimed is penalised; one that feeds a
 *   long chain with less work than ours, or headers that connect to nothing,
 *   is banned.
 * - **Blocks.** Heights of the target inside a sliding window (DOWNLOAD_WINDOW
 *   ahead of the next block to connect) are fetched as ranges from peers known
 *   to have them; a balancer prefers peers without failures and with the
 *   fewest requests in flight. Ranges are sized from the measured block size.
 *   Each block is checked against its header before it is kept; blocks are
 *   submitted in order while later ones download. A peer that sends nothing
 *   within its stall timeout (2 s, doubling on each stall up to 64 s, decaying
 *   on success) loses the range to another peer; one that sends a wrong or
 *   invalid block is penalised with the error's verdict and its ranges are
 *   fetched elsewhere.
 * - **Tip.** Blocks near the end of the target that a peer announced are
 *   fetched by hash through the block fetchers (see `relay.ts`). Each new best
 *   block is announced once the node is synced.
 *
 * @module
 */
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { TypedEventEmitter } from 'main-event'
import { AbortError } from '../../errors.ts'
import { systemClock } from '../../service/clock.ts'
import { createRateLimiter } from '../../service/rate-limiter.ts'
import { MAX_ANNOUNCE_HOPS, MAX_BLOCKS_BY_HASH, MAX_HEADERS_PER_MESSAGE, MAX_LOCATOR_HASHES } from '../../wire/constants.ts'
import { protobufWireFormat } from '../../wire/protobuf.ts'
import { topicId } from '../../wire/protocol-id.ts'
import {
  ANNOUNCE_HEADERS, BLOCKS_TOPIC, VALIDATE_CHUNK, MAX_HEADER_ANSWERS_QUEUED, CHAIN_BUSY_RETRY_MS, DOWNLOAD_WINDOW, MAX_DOWNLOAD_WINDOW, HEADERS_PER_REQUEST, HEADERS_RETRY_MS,
  IGNORED_BLOCK_RETRY_MS, INITIAL_RANGE_BLOCKS, MAX_BUFFERED_BYTES, MAX_HEADERS_AHEAD, MAX_LOW_WORK_HEADERS, MAX_ORIGINS,
  MAX_HEADER_REQUESTS_PER_PEER, MAX_RANGE_BLOCKS, MAX_RANGES_PER_PEER, MAX_TIP_FETCHES, MAX_UNCONNECTING_ANNOUNCEMENTS, OUTBOUND_QUOTA_FRACTION,
  MAX_PROPAGATION_DELAY_MS, PROGRESS_INTERVAL_MS, PROPAGATION_WINDOW, RANGE_TARGET_BYTES, RATE_LIMITED_BACKOFF_MS, RATE_WINDOW_MS, STALL_MEMORY_MS,
  STALL_TIMEOUT_DECAY, STALL_TIMEOUT_MAX_MS, STALL_TIMEOUT_MIN_MS, SYNCED_SLACK_BLOCKS, SYNC_COMPONENT, TIP_FETCH_DEPTH,
  TIP_FETCH_TIMEOUT_MS
} from './constants.ts'
import { ClaimedWorkError, LowWorkHeadersError, SyncStallError, TooManyHeadersError, UnconnectedHeadersError, WrongBlockError } from './errors.ts'
import { createSyncMetrics } from './metrics.ts'
import { createOrigins, createPropagationStats } from './relay.ts'
import { createEntryMaker, createTarget, toHex } from './target.ts'
import type { BlockAnnouncer, BlockFetcher, BlockOrigin, BlockRelay, NewBlock, PropagationSummary, RelayPeer } from './relay.ts'
import type { ReassignReason } from './metrics.ts'
import type { Base, Entry, Target } from './target.ts'
import type { ChainAdapter, HeaderInfo, SubmitBlockResult, TipEvent } from '../../chain/index.ts'
import type { ChainProtocol } from '../../node/chain-protocols.ts'
import type { ApiServer } from '../../api/server.ts'
import type { PeerManager } from '../../peers/types.ts'
import type { ReqResp } from '../../reqresp/index.ts'
import type { Clock, TimerHandle } from '../../service/clock.ts'
import type { Quota, RateLimitRule } from '../../service/rate-limiter.ts'
import type { WireFormat } from '../../wire/codec.ts'
import type { BlockAnnounce, Method } from '../../wire/messages.ts'
import type { PeerStatusBook, ReadyPeer } from '../status/index.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { ComponentLogger, PeerId, TypedEventTarget } from '@libp2p/interface'
import type { Registry } from 'prom-client'

// ---------------------------------------------------------------- public types

/** Where sync is: no peers, fetching headers, fetching blocks, or at the tip. */
export type SyncState = 'idle' | 'headers' | 'blocks' | 'synced'

/** Progress of a sync, as the CLI's progress bar shows it. */
export interface SyncProgress {
  state: SyncState
  /** Our best block. */
  tip: { height: number, hash: string }
  /** Best validated header (done) and the best height a peer claims (target). */
  headers: { height: number, target: number }
  /** Blocks connected (our tip height) and the height to reach. */
  blocks: { height: number, target: number }
  /** Averages over the last RATE_WINDOW_MS. */
  rates: { blocksPerSec: number, headersPerSec: number, bytesPerSec: number }
  /** Seconds to reach the target at the current block rate, or null. */
  etaSeconds: number | null
  /** Ready peers, and those serving us headers or blocks now. */
  peers: { ready: number, inUse: number }
  stalls: number
  reassignments: number
}

/** One peer as `GET /sync` shows it. */
export interface SyncPeerInfo {
  id: string
  claimedHeight: number
  /** Highest height of our best header chain the peer is known to have (-1: none). */
  known: number
  rangesInFlight: number
  headersInFlight: boolean
  stallTimeoutMs: number
  stalls: number
  failures: number
  blocks: number
  bytes: number
  /** No longer used (a fatal fault or a branch we cannot use). */
  excluded: boolean
}

/** What `state()` and `GET /sync` return. Plain data; work values are decimal strings. */
export interface SyncStatus extends SyncProgress {
  tipWork: string
  /** Best block any ready peer claims. */
  peerHeight: number
  peerList: SyncPeerInfo[]
  inFlight: { ranges: number, tipFetches: number, headerRequests: number, bufferedBlocks: number, bufferedBytes: number, targetHeaders: number }
  /** Faults reported to the peer manager, by reason. */
  penalties: Record<string, number>
  /** Block propagation: origin acceptance to our acceptance. */
  propagation: PropagationSummary
}

/** Events of the sync service. */
export interface SyncEvents {
  /** Progress, at most every PROGRESS_INTERVAL_MS while something changes. */
  progress: CustomEvent<SyncProgress>
  /** The state changed. */
  state: CustomEvent<{ from: SyncState, to: SyncState }>
  /** A block we learnt of by announcement was accepted: how long it took from its origin. */
  'block:propagated': CustomEvent<{ hash: string, height: number, delayMs: number, hops: number }>
}

/**
 * The sync service: a chain protocol with progress and state.
 *
 * @example
 * ```ts
 * const sync = node.protocols.get('sync')
 * if (isSyncService(sync)) sync.addEventListener('progress', (evt) => { render(evt.detail) })
 * ```
 */
export interface SyncService extends ChainProtocol, TypedEventTarget<SyncEvents> {
  readonly name: 'sync'
  /** The current state with heights, peers in use, rates, stalls and propagation. */
  state (): SyncStatus
  /** The block-relay extension point (announcers, fetchers). */
  readonly relay: BlockRelay
}

/** True when `p` is the sync service. */
export function isSyncService (p: ChainProtocol | undefined): p is SyncService {
  return p != null && p.name === 'sync' && typeof (p as SyncService).state === 'function' && (p as SyncService).relay != null
}

/** Tunables of sync. Plain data. */
export interface SyncInit {
  /** @default MAX_HEADERS_AHEAD */
  maxHeadersAhead?: number
  /** Blocks ahead of the next one to connect that may be fetched; 0 fetches headers only. @default DOWNLOAD_WINDOW */
  downloadWindow?: number
  /** How far the window may widen for small blocks. @default MAX_DOWNLOAD_WINDOW */
  maxDownloadWindow?: number
  /** @default MAX_RANGES_PER_PEER */
  maxRangesPerPeer?: number
  /** @default INITIAL_RANGE_BLOCKS */
  initialRangeBlocks?: number
  /** @default MAX_RANGE_BLOCKS */
  maxRangeBlocks?: number
  /** @default RANGE_TARGET_BYTES */
  rangeTargetBytes?: number
  /** @default MAX_BUFFERED_BYTES */
  maxBufferedBytes?: number
  /** @default STALL_TIMEOUT_MIN_MS */
  stallTimeoutMinMs?: number
  /** @default STALL_TIMEOUT_MAX_MS */
  stallTimeoutMaxMs?: number
  /** Subscribe and publish announcements on the blocks gossip topic. @default true */
  gossip?: boolean
  /** Announce new best blocks. @default true */
  announce?: boolean
}

/** The gossipsub features sync uses. */
export type BlockGossip = Pick<GossipSub, 'subscribe' | 'unsubscribe' | 'publish' | 'topicValidators'>

export interface SyncComponents {
  reqresp: ReqResp
  peers: Pick<PeerManager, 'report' | 'markUseful'>
  chain: ChainAdapter
  /** Ready peers and their status. */
  status: PeerStatusBook
  /** Gossip for announcements to peers without `sendHeaders`; without it, only direct announcements. */
  pubsub?: BlockGossip
  logger: ComponentLogger
  registry?: Registry
  /** Timers and intervals. @default systemClock */
  clock?: Clock
  /** Wall clock, ms since the epoch (announcement times). @default Date.now */
  now?: () => number
  /** The codec of the gossip payload. @default protobufWireFormat */
  wireFormat?: WireFormat
}

/**
 * Create the sync service.
 *
 * @example
 * ```ts
 * const sync = syncProtocol()({ reqresp, peers, chain, status, pubsub, logger, registry })
 * await sync.start()
 * sync.addEventListener('state', (evt) => { log('sync %s → %s', evt.detail.from, evt.detail.to) })
 * ```
 */
export function syncProtocol (init: SyncInit = {}): (components: SyncComponents) => SyncService {
  return (components) => createSync(init, components)
}

// ---------------------------------------------------------------- internals

function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}

interface Branch {
  /** The last header the peer sent on its branch. */
  tip: HeaderInfo & { totalWork: bigint, hex: string }
  /** Where the branch leaves the target or our chain. */
  fork: Base
  /** Headers the peer sent on this branch so far. */
  count: number
}

interface PeerSync {
  id: string
  peer: PeerId
  claimedWork: bigint
  claimedHeight: number
  /** The best block we know the peer has. */
  bestHex: string
  /** Its height (as the peer's status claims, or as we know it). */
  bestHeight: number
  /** Highest target height known to be on the peer's chain; -1: none. */
  known: number
  branch?: Branch
  /** get_headers requests not finished: in flight, or answered and waiting for or in validation. */
  headerRequests: number
  /** Of those, the answers received and waiting for or in validation. */
  headerAnswers: number
  /** The last header of a full answer still being merged: the next request may start from it. */
  pipeline?: { hash: Uint8Array }
  /** Bumped when an answer is not taken in whole: answers to requests pipelined before are dropped. */
  epoch: number
  /** An announcement did not connect: ask for headers even without a better claim. */
  wantHeaders: boolean
  /** Its last headers answer was short: it has nothing beyond what it sent (until its claim grows). */
  exhausted: boolean
  ranges: Set<RangeRequest>
  tipFetches: number
  stallMs: number
  stalls: number
  lastStallAt: number
  failures: number
  excluded: boolean
  backoffUntil: number
  /** Our estimate of its range quota is used up until then. */
  limitedUntil: number
  unconnecting: number
  blocks: number
  bytes: number
  controller: AbortController
}

interface RangeRequest {
  ps: PeerSync
  start: number
  entries: Entry[]
  ctrl: AbortController
  startedAt: number
  stalled: boolean
  timer?: TimerHandle
}

interface MergeOptions {
  solicited: boolean
  /** The hash (hex) a pipelined request started from, before the answer it builds on was merged. */
  speculative?: string
  /** Hex hashes of the locator sent (solicited only). */
  locator?: Set<string>
  /** The answer was full: the peer has more. */
  full?: boolean
  /** The peer's claimed work when the request was sent. */
  claim?: bigint
}

type Placement = { kind: 'target', entry: Entry | undefined } | { kind: 'branch', branch: Branch } | { kind: 'none' }

function createSync (init: SyncInit, c: SyncComponents): SyncService {
  const log = c.logger.forComponent(SYNC_COMPONENT)
  const clock = c.clock ?? systemClock
  const now = c.now ?? Date.now
  const chain = c.chain
  const wire = c.wireFormat ?? protobufWireFormat
  const announceCodec = wire.methods.block_announce.request
  const topic = topicId(chain.networkId, BLOCKS_TOPIC, 1)

  const maxAhead = init.maxHeadersAhead ?? MAX_HEADERS_AHEAD
  const minWindow = init.downloadWindow ?? DOWNLOAD_WINDOW
  const maxWindow = Math.max(minWindow, init.maxDownloadWindow ?? MAX_DOWNLOAD_WINDOW)
  const maxRangesPerPeer = init.maxRangesPerPeer ?? MAX_RANGES_PER_PEER
  const initialRange = init.initialRangeBlocks ?? INITIAL_RANGE_BLOCKS
  const maxRange = init.maxRangeBlocks ?? MAX_RANGE_BLOCKS
  const rangeTargetBytes = init.rangeTargetBytes ?? RANGE_TARGET_BYTES
  const maxBuffered = init.maxBufferedBytes ?? MAX_BUFFERED_BYTES
  const stallMin = init.stallTimeoutMinMs ?? STALL_TIMEOUT_MIN_MS
  const stallMax = init.stallTimeoutMaxMs ?? STALL_TIMEOUT_MAX_MS
  const gossip = (init.gossip ?? true) && c.pubsub != null
  const announceEnabled = init.announce ?? true

  const events = new TypedEventEmitter<SyncEvents>()
  const peers = new Map<string, PeerSync>()
  const origins = createOrigins(MAX_ORIGINS)
  const propagation = createPropagationStats(PROPAGATION_WINDOW)
  const announcers: BlockAnnouncer[] = []
  const fetchers: BlockFetcher[] = []
  const penalties = new Map<string, number>()

  // our own view of each remote's per-peer quotas, so we never go over them
  const scale = (q: Quota): Quota => ({ quota: q.quota * OUTBOUND_QUOTA_FRACTION, periodMs: q.periodMs, burst: Math.max(1, Math.floor((q.burst ?? q.quota) * OUTBOUND_QUOTA_FRACTION)) })
  const outboundRule = (m: Method): RateLimitRule => {
    const byPeer = c.reqresp.spec(m).quota.byPeer
    return { byPeer: { messages: scale(byPeer.messages), ...(byPeer.cost != null ? { cost: scale(byPeer.cost) } : {}) } }
  }
  const outbound = createRateLimiter({
    rules: {
      get_headers: outboundRule('get_headers'),
      get_blocks_by_range: outboundRule('get_blocks_by_range'),
      get_blocks_by_hash: outboundRule('get_blocks_by_hash'),
      block_announce: outboundRule('block_announce')
    },
    peerTotals: false,
    clock
  })

  let target: Target
  const prevHashOf = (bytes: Uint8Array): Uint8Array => chain.decodeHeader(bytes).prevHash
  const makeEntry = createEntryMaker(prevHashOf)
  let running = false
  let stopController = new AbortController()
  let bufferedBytes = 0
  let bufferedBlocks = 0
  let avgBlockBytes = 0
  let tipFetches = 0
  let applying = false
  let applyRetry: TimerHandle | undefined
  let pumpQueued = false
  /** Header answers merged one at a time. */
  let merging: Promise<void> = Promise.resolve()
  /** No entry below this height is pending (a hint so the pump does not rescan the window). */
  let pendingHint = 0
  let wakeTimer: TimerHandle | undefined
  let wakeAt = Infinity
  let tickTimer: TimerHandle | undefined
  let state: SyncState = 'idle'
  let lastProgressKey = ''
  let stallCount = 0
  let reassignCount = 0
  let headerPeer: string | undefined
  let lastAnnouncedHex = ''
  let pendingTip: TipEvent | undefined
  /** The chain's own locator, refreshed on every new tip (locators are built without awaiting). */
  let chainLocator: Uint8Array[] = []
  let locatorStale = false

  function refreshLocator (): void {
    if (locatorStale) return
    locatorStale = true
    setImmediate(() => {
      locatorStale = false
      if (!running) return
      chain.getLocator().then((l) => { chainLocator = l }, (err) => { log.error('reading the chain locator failed - %e', err) })
    })
  }
  let announceQueued = false
  const totals = { blocks: 0, bytes: 0, headers: 0 }
  const samples: Array<{ at: number, blocks: number, bytes: number, headers: number }> = []

  const metrics = createSyncMetrics(c.registry, {
    state: () => state,
    tipHeight: () => chain.tip().height,
    headerHeight: () => running ? target.endHeight : 0,
    peerHeight: () => bestPeerHeight(),
    bufferedBytes: () => bufferedBytes,
    targetHeaders: () => running ? target.length : 0,
    rangesInFlight: () => rangesInFlight(),
    peersInUse: () => peersInUse()
  })

  // ------------------------------------------------------------ helpers

  function rangesInFlight (): number {
    let n = 0
    for (const ps of peers.values()) n += ps.ranges.size
    return n
  }

  function peersInUse (): number {
    let n = 0
    for (const ps of peers.values()) if (ps.ranges.size > 0 || ps.headerRequests > 0 || ps.tipFetches > 0) n++
    return n
  }

  function bestPeerHeight (): number {
    let h = 0
    for (const ps of peers.values()) if (!ps.excluded) h = Math.max(h, ps.claimedHeight)
    return h
  }

  function penalize (ps: PeerSync | undefined, peer: PeerId, err: { name: string, verdict?: string, message?: string }, alreadyReported: boolean): void {
    const verdict = err.verdict as any
    if (verdict == null || verdict === 'ignore') return
    if (!alreadyReported) c.peers.report(peer, verdict, err.name)
    const key = penalties.has(err.name) || penalties.size < 64 ? err.name : 'other'
    penalties.set(key, (penalties.get(key) ?? 0) + 1)
    metrics.penalty(key)
    log('%p: %s (%s) - %s', peer, err.name, verdict, err.message)
    if (ps != null) {
      ps.failures++
      if (verdict === 'fatal') exclude(ps)
    }
  }

  /** Stop using a peer: abort what it is doing for us; its blocks in flight go to others. */
  function exclude (ps: PeerSync): void {
    if (ps.excluded) return
    ps.excluded = true
    ps.controller.abort(new AbortError('peer excluded from sync'))
    if (headerPeer === ps.id) headerPeer = undefined
  }

  function baseOf (info: HeaderInfo, totalWork: bigint): Base {
    return { hash: info.hash, hex: toHex(info.hash), height: info.height, totalWork, info: { hash: info.hash, prevHash: info.prevHash, height: info.height, work: info.work, time: info.time, bytes: info.bytes } }
  }

  async function tipBase (): Promise<Base> {
    const tip = chain.tip()
    const info = await chain.getHeaderInfo(tip.hash)
    if (info == null) throw new Error('the chain does not know its own tip')
    return baseOf(info, info.totalWork)
  }

  function refreshKnown (ps: PeerSync): void {
    const e = target.get(ps.bestHex, ps.bestHeight)
    if (e != null && e.height > ps.known) ps.known = e.height
  }

  function setKnown (ps: PeerSync, height: number): void {
    if (height > ps.known) ps.known = height
  }

  function schedule (): void {
    if (pumpQueued || !running) return
    pumpQueued = true
    queueMicrotask(() => {
      pumpQueued = false
      pump()
    })
  }

  function wake (atMs: number): void {
    if (!running || atMs >= wakeAt) return
    if (wakeTimer != null) clock.clearTimeout(wakeTimer)
    wakeAt = atMs
    wakeTimer = clock.setTimeout(() => {
      wakeTimer = undefined
      wakeAt = Infinity
      schedule()
    }, Math.max(0, atMs - clock.now()))
  }

  // ------------------------------------------------------------ block bookkeeping

  function releaseBlock (e: Entry): void {
    if (e.block == null) return
    bufferedBytes -= e.block.byteLength
    bufferedBlocks--
    e.block = undefined
  }

  /** Put an entry back to be fetched again. */
  function requeue (e: Entry, reason: ReassignReason | undefined, failedPeer?: string): void {
    releaseBlock(e)
    e.state = 'pending'
    if (e.height < pendingHint) pendingHint = e.height
    e.request = undefined
    e.custom = undefined
    if (failedPeer != null) (e.failed ??= new Set()).add(failedPeer)
    if (reason != null) {
      reassignCount++
      metrics.reassign(reason)
    }
  }

  /** Entries left the target: stop their downloads and free their blocks. */
  function dropped (entries: Entry[]): void {
    for (const e of entries) {
      releaseBlock(e)
      e.request?.abort('target changed')
      e.request = undefined
      e.state = 'pending'
    }
  }

  function receive (e: Entry, block: Uint8Array, from: string, custom: boolean): void {
    e.block = block
    e.from = from
    e.custom = custom
    e.state = 'received'
    e.request = undefined
    bufferedBytes += block.byteLength
    bufferedBlocks++
    avgBlockBytes = avgBlockBytes === 0 ? block.byteLength : avgBlockBytes * 0.95 + block.byteLength * 0.05
    if (target.first() === e) kickApply()
  }

  /** Throw unless `block` is the block of header `e`. */
  function checkBlock (e: Entry, block: Uint8Array): void {
    let header: Uint8Array
    try {
      header = chain.splitBlock(block).header
    } catch (err: any) {
      throw new WrongBlockError(`block for height ${e.height} could not be decoded: ${String(err?.message)}`, 'fatal')
    }
    if (bytesEqual(header, e.bytes)) return
    let info: HeaderInfo
    try {
      info = chain.decodeHeader(header)
    } catch (err: any) {
      throw new WrongBlockError(`block for height ${e.height} has an undecodable header: ${String(err?.message)}`, 'fatal')
    }
    const verdict = info.height !== e.height ? 'fatal' : 'low'
    throw new WrongBlockError(`block for height ${e.height} is ${toHex(info.hash)} at height ${info.height}, not ${e.hex}`, verdict)
  }

  // ------------------------------------------------------------ target changes

  /** Make `fork` (a target entry, the base, or a stored block) the point the target continues from. */
  function cutAt (fork: Base | Entry, why: string): void {
    const inTarget = 'state' in fork ? target.get(fork.hex, fork.height) === fork : fork.hex === target.base.hex
    const count = inTarget ? target.endHeight - fork.height : target.length
    let removed: Entry[]
    if (inTarget) {
      removed = target.truncate(fork.height)
    } else {
      const b = 'state' in fork ? baseOf(fork, fork.totalWork) : fork
      removed = target.rebase(b)
    }
    dropped(removed)
    for (const ps of peers.values()) {
      if (inTarget) ps.known = Math.min(ps.known, fork.height)
      else ps.known = -1
      ps.exhausted = false
      refreshKnown(ps)
    }
    if (count > 0) log('header chain cut at %d (%s): %d headers dropped', fork.height, why, count)
  }

  // ------------------------------------------------------------ headers

  /** Locator for `ps`: a pipelined start, or its branch tip, first; then the target; then our chain. */
  function locatorFor (ps: PeerSync, start?: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = []
    const seen = new Set<string>()
    const add = (h: Uint8Array): void => {
      const x = toHex(h)
      if (seen.has(x) || out.length >= MAX_LOCATOR_HASHES) return
      seen.add(x)
      out.push(h)
    }
    if (start != null) add(start)
    if (ps.branch != null) add(ps.branch.tip.hash)
    for (const h of target.locator(MAX_LOCATOR_HASHES)) add(h)
    for (const h of chainLocator) add(h)
    return out
  }

  /** The peer to extend the header chain from: the best claim above it. */
  function pickHeaderPeer (): PeerSync | undefined {
    const cur = headerPeer != null ? peers.get(headerPeer) : undefined
    let best: PeerSync | undefined
    for (const ps of peers.values()) {
      if (ps.excluded || ps.exhausted || ps.claimedWork <= target.endWork) continue
      if (best == null || ps.claimedWork > best.claimedWork) best = ps
    }
    if (cur != null && best != null && !cur.excluded && !cur.exhausted && cur.claimedWork >= best.claimedWork) best = cur
    headerPeer = best?.id
    return best
  }

  function wantsHeaders (ps: PeerSync, leader: PeerSync | undefined): boolean {
    if (ps.excluded || clock.now() < ps.backoffUntil) return false
    if (ps.headerRequests > 0) {
      // another request, pipelined behind a full answer of the leader that is still being validated
      const limit = MAX_HEADER_REQUESTS_PER_PEER + MAX_HEADER_ANSWERS_QUEUED
      return ps.headerRequests - ps.headerAnswers < MAX_HEADER_REQUESTS_PER_PEER && ps.headerRequests < limit &&
        ps === leader && ps.pipeline != null && target.length + limit * HEADERS_PER_REQUEST <= maxAhead
    }
    if (ps.wantHeaders) return true
    if (ps.exhausted) return false
    // the leader asks again once a full answer fits (not for every few blocks connected)
    if (ps === leader) return maxAhead - target.length >= Math.min(HEADERS_PER_REQUEST, Math.ceil(maxAhead / 2))
    // a branch with a better claim: keep following it
    if (ps.branch != null) return ps.claimedWork > target.endWork && ps.branch.count < maxAhead
    // confirm that the peer has headers we need blocks for
    const windowEnd = Math.min(target.endHeight, target.base.height + windowSize())
    return target.length > 0 && ps.known < windowEnd && ps.claimedHeight > Math.max(ps.known, target.base.height)
  }

  async function requestHeaders (ps: PeerSync): Promise<void> {
    ps.headerRequests++
    let answered = false
    const claim = ps.claimedWork
    const speculative = ps.pipeline
    const epoch = ps.epoch
    ps.pipeline = undefined
    try {
      // built without awaiting, so a pipelined request leaves before the previous answer is validated
      const locator = locatorFor(ps, speculative?.hash)
      const lim = outbound.take(ps.id, 'get_headers', HEADERS_PER_REQUEST, 0)
      if (!lim.ok) {
        wake(clock.now() + Math.min(lim.retryAfterMs, 10_000))
        return
      }
      let headers: Uint8Array[]
      try {
        const [res] = await c.reqresp.request(ps.peer, 'get_headers', { locator, maxHeaders: HEADERS_PER_REQUEST }, { signal: AbortSignal.any([ps.controller.signal, stopController.signal]) })
        headers = res?.headers ?? []
      } catch (err: any) {
        requestFailed(ps, err)
        return
      }
      if (!running || ps.excluded) return
      ps.headerAnswers++
      answered = true
      if (ps.wantHeaders) ps.wantHeaders = false
      const full = headers.length === HEADERS_PER_REQUEST
      if (full && epoch === ps.epoch) {
        // ask for the next batch while this one is validated
        try {
          ps.pipeline = { hash: chain.decodeHeader(headers[headers.length - 1]).hash }
          schedule()
        } catch {
          // an undecodable header: the merge below reports it
        }
      }
      // answers are merged one at a time, in arrival order: a peer's pipelined answers build on
      // each other, and an answer merged after another peer's identical one is only compared, not validated again
      const previous = merging
      const run = (async () => {
        await previous
        // validation runs synchronously: let the pipelined request reach the socket first
        if (full) await new Promise<void>(resolve => { setImmediate(resolve) })
        if (!running || ps.excluded) return
        // pipelined behind an answer we did not take in whole: it builds on nothing we kept
        if (speculative != null && epoch !== ps.epoch) return
        try {
          if (headers.length > HEADERS_PER_REQUEST) throw new TooManyHeadersError(`headers answer has ${headers.length} entries (max ${HEADERS_PER_REQUEST})`)
          await merge(ps, headers, { solicited: true, locator: new Set(locator.map(toHex)), full, claim, speculative: speculative != null ? toHex(speculative.hash) : undefined })
        } catch (err: any) {
          dropPipeline(ps)
          headerFault(ps, err)
        }
      })()
      merging = run
      await run
    } finally {
      ps.headerRequests--
      if (answered) ps.headerAnswers--
      schedule()
    }
  }

  /** A fault found in headers a peer sent (ours to report). */
  function headerFault (ps: PeerSync, err: any): void {
    if (err?.verdict === 'ignore') {
      // e.g. future-dated headers: not the peer's fault, but nothing to do with them now
      log('headers from %p set aside: %s', ps.peer, err.message)
      ps.backoffUntil = clock.now() + HEADERS_RETRY_MS
      wake(ps.backoffUntil)
      return
    }
    if (err?.verdict == null) {
      log.error('processing headers from %p failed - %e', ps.peer, err)
      ps.backoffUntil = clock.now() + HEADERS_RETRY_MS
      return
    }
    penalize(ps, ps.peer, err, false)
  }

  /** A request failed in the engine: its verdict, if any, was reported already. */
  function requestFailed (ps: PeerSync, err: any): void {
    if (!running || err?.name === AbortError.name) return
    penalize(ps, ps.peer, err, true)
    ps.backoffUntil = clock.now() + RATE_LIMITED_BACKOFF_MS
    if (err?.verdict == null || err.verdict === 'ignore') ps.failures++
    wake(ps.backoffUntil)
  }

  /** Forget the pipelined cursor: answers to requests pipelined from it are dropped unread. */
  function dropPipeline (ps: PeerSync): void {
    ps.epoch++
    ps.pipeline = undefined
  }

  /** What we know about a header's parent. */
  type Parent = { kind: 'target', entry: Entry } | { kind: 'base', base: Base } | { kind: 'branch', branch: Branch } | { kind: 'stored', base: Base }

  async function findParent (ps: PeerSync, prevHex: string, prevHash: Uint8Array): Promise<Parent | undefined> {
    const e = target.get(prevHex)
    if (e != null) return { kind: 'target', entry: e }
    if (prevHex === target.base.hex) return { kind: 'base', base: target.base }
    if (ps.branch != null && ps.branch.tip.hex === prevHex) return { kind: 'branch', branch: ps.branch }
    const s = await chain.getHeaderInfo(prevHash)
    if (s != null && s.hasBlock) return { kind: 'stored', base: baseOf(s, s.totalWork) }
    return undefined
  }

  /** Whether a parent found before an await is still what it was. */
  function stillThere (ps: PeerSync, p: Parent): boolean {
    switch (p.kind) {
      case 'target': return target.get(p.entry.hex, p.entry.height) === p.entry
      case 'base': return target.base === p.base
      case 'branch': return ps.branch === p.branch
      case 'stored': return true
    }
  }

  /**
   * Take headers a peer sent (an answer or an announcement) into account.
   * Throws typed errors for the peer's faults. Returns where its last header
   * landed. Everything after the last await runs at once, so merges of
   * several peers never see each other half done.
   */
  async function merge (ps: PeerSync, headers: Uint8Array[], o: MergeOptions): Promise<Placement> {
    if (headers.length === 0) {
      if (o.solicited) exhausted(ps, o, false)
      return { kind: 'none' }
    }
    const first = chain.decodeHeader(headers[0])
    const prevHex = toHex(first.prevHash)
    const parent = await findParent(ps, prevHex, first.prevHash)
    if (!running || ps.excluded) return { kind: 'none' }
    if (parent == null) {
      // a pipelined answer that builds on a batch we did not keep: nobody's fault, ask again
      if (o.speculative === prevHex) {
        dropPipeline(ps)
        ps.wantHeaders = true
        return { kind: 'none' }
      }
      if (o.solicited) {
        throw new UnconnectedHeadersError(`headers answer starts with ${toHex(first.hash)}, whose parent ${prevHex} is none of the ${o.locator?.size ?? 0} locator hashes`)
      }
      ps.unconnecting++
      if (ps.unconnecting > MAX_UNCONNECTING_ANNOUNCEMENTS) {
        throw new UnconnectedHeadersError(`${ps.unconnecting} announcements that connect to nothing we know (max ${MAX_UNCONNECTING_ANNOUNCEMENTS})`)
      }
      ps.wantHeaders = true
      return { kind: 'none' }
    }
    if (o.solicited && o.locator != null && !o.locator.has(prevHex) && parent.kind !== 'branch') {
      throw new UnconnectedHeadersError(`headers answer starts after ${prevHex}, which is not in our locator`)
    }
    ps.unconnecting = 0

    // 1. skip what the target already has (byte-equal headers at the next heights: no hashing)
    let i = 0
    let matched: Entry | undefined = parent.kind === 'target' ? parent.entry : undefined
    const matchedFirst = parent.kind === 'target' ? parent.entry.height + 1 : parent.kind === 'base' ? parent.base.height + 1 : -1
    if (matchedFirst >= 0) {
      for (; i < headers.length; i++) {
        const b = target.bytesAt(matchedFirst + i)
        if (b == null || !bytesEqual(b, headers[i])) break
      }
      if (i > 0) matched = target.at(matchedFirst + i - 1)
    }

    // 2. validate the rest against its parent: the last matched header, the base, the peer's branch tip or a stored block
    const infos: HeaderInfo[] = []
    // headers that would extend a full target are not even validated: they could not be kept
    let upTo = headers.length
    const extendsEnd = matched != null ? matched.hex === target.endHex : parent.kind === 'base' && target.length === 0
    if (extendsEnd) upTo = Math.min(upTo, i + Math.max(0, maxAhead - target.length))
    const trimmed = upTo < headers.length
    if (i < upTo) {
      let parentInfo: HeaderInfo = matched ?? (parent.kind === 'branch' ? parent.branch.tip : (parent as { base: Base }).base.info)
      // in chunks of VALIDATE_CHUNK (a whole answer by default), yielding in between
      for (let off = i; off < upTo; off += VALIDATE_CHUNK) {
        if (off > i) await new Promise<void>(resolve => { setImmediate(resolve) })
        const part = await chain.validateHeaders(headers.slice(off, Math.min(upTo, off + VALIDATE_CHUNK)), parentInfo)
        if (!running || ps.excluded) return { kind: 'none' }
        for (const x of part) infos.push(x)
        parentInfo = part[part.length - 1]
      }
    }

    // 3. skip blocks we already store (our chain, or a side branch we know)
    let fork: Base | undefined = parent.kind === 'stored' ? parent.base : undefined
    let k = 0
    if (parent.kind === 'stored') {
      for (; k < infos.length; k++) {
        const st = await chain.getHeaderInfo(infos[k].hash)
        if (st == null || !st.hasBlock) break
        fork = baseOf(st, st.totalWork)
      }
      if (!running || ps.excluded) return { kind: 'none' }
    }

    // from here on nothing awaits: the target cannot change under us
    if (!stillThere(ps, parent) || (matched != null && target.get(matched.hex, matched.height) !== matched)) {
      dropPipeline(ps)
      ps.wantHeaders = true
      return { kind: 'none' }
    }
    // headers another peer added to the target while we validated
    // (hex only for the headers looked at: validation leaves most infos without one)
    const hexOf = (x: HeaderInfo): string => x.hex ?? toHex(x.hash)
    const k0 = k
    while (k < infos.length && target.has(hexOf(infos[k]), infos[k].height)) k++
    let at = matched
    if (k > k0) {
      at = target.at(infos[k - 1].height)
      fork = undefined
    }
    if (at != null) {
      setKnown(ps, at.height)
      if (!o.solicited) {
        // an announcer has every block up to what it announced
        for (let x = Math.max(target.base.height + 1, at.height - headers.length + 1); x <= at.height; x++) {
          const e = target.at(x)
          if (e != null) (e.announcers ??= new Set()).add(ps.id)
        }
      }
    } else if (parent.kind === 'base') {
      setKnown(ps, target.base.height)
    }
    if (k >= infos.length) {
      if (ps.branch != null && at != null) ps.branch = undefined
      if (trimmed) dropPipeline(ps)
      else if (o.solicited && o.full !== true) exhausted(ps, o, false)
      return { kind: 'target', entry: at }
    }

    let forkPoint: Base | Entry
    let parentWork: bigint
    let parentHex: string
    if (fork == null && at != null) {
      forkPoint = at
      parentWork = at.totalWork
      parentHex = at.hex
    } else if (fork != null) {
      forkPoint = fork
      parentWork = fork.totalWork
      parentHex = fork.hex
    } else if (parent.kind === 'branch') {
      forkPoint = parent.branch.fork
      parentWork = parent.branch.tip.totalWork
      parentHex = parent.branch.tip.hex
    } else if (parent.kind === 'base') {
      forkPoint = parent.base
      parentWork = parent.base.totalWork
      parentHex = parent.base.hex
    } else {
      throw new Error('unreachable: a target parent always matches')
    }
    // new headers infos[k..]: the target copies what it keeps; a branch keeps its tip
    let endWork = parentWork
    for (let j = k; j < infos.length; j++) endWork += infos[j].work
    const newCount = infos.length - k
    const tipWork = chain.tip().work

    // 4. place them: extend the target, switch to a better branch, or remember the peer's branch
    let placement: Placement
    let cut = trimmed
    if (parentHex === target.endHex) {
      const added = append(ps, infos, k, o.solicited)
      cut ||= added < newCount
      placement = { kind: 'target', entry: target.at(target.endHeight) }
    } else {
      const count = (parent.kind === 'branch' && fork == null && at == null ? parent.branch.count : 0) + newCount
      if (endWork > target.endWork && endWork > tipWork) {
        log('%p has a branch from height %d with more work: following it', ps.peer, forkPoint.height)
        headerPeer = ps.id
        if (parent.kind === 'branch' && parentHex === parent.branch.tip.hex) {
          // the start of the branch was not kept: cut at the fork and fetch it again from the peer
          cutAt(forkPoint, 'better branch')
          ps.branch = undefined
          ps.wantHeaders = true
          cut = true
          placement = { kind: 'none' }
        } else {
          cutAt(forkPoint, 'better branch')
          const added = append(ps, infos, k, o.solicited)
          cut ||= added < newCount
          placement = { kind: 'target', entry: target.at(target.endHeight) }
        }
      } else {
        if (endWork <= tipWork && count >= MAX_LOW_WORK_HEADERS) {
          throw new LowWorkHeadersError(`${count} headers on a branch from height ${forkPoint.height} without more work than our best block (max ${MAX_LOW_WORK_HEADERS})`)
        }
        const base = 'state' in forkPoint ? baseOf(forkPoint, forkPoint.totalWork) : forkPoint
        ps.branch = { tip: makeEntry(infos[infos.length - 1], hexOf(infos[infos.length - 1]), endWork), fork: base, count }
        placement = { kind: 'branch', branch: ps.branch }
      }
    }
    // a claim can only be judged on an answer we took in whole
    if (cut) dropPipeline(ps)
    else if (o.solicited && o.full !== true) exhausted(ps, o, true)
    return placement
  }

  /** Append validated headers `infos[from..]` that build on the end of the target (as many as fit). Returns how many. */
  function append (ps: PeerSync, infos: HeaderInfo[], from: number, solicited: boolean): number {
    const room = Math.max(0, maxAhead - target.length)
    const first = target.endHeight + 1
    const added = target.append(infos, from, from + Math.min(room, infos.length - from))
    if (added > 0 && first < pendingHint) pendingHint = first
    if (!solicited) for (let h = first; h < first + added; h++) ((target.at(h) as Entry).announcers ??= new Set()).add(ps.id)
    totals.headers += added
    metrics.headers(added)
    if (added > 0) setKnown(ps, first + added - 1)
    ps.branch = undefined
    for (const other of peers.values()) if (other !== ps) refreshKnown(other)
    return added
  }

  /** The peer's answer was short: it has nothing more. Check what it claimed. */
  function exhausted (ps: PeerSync, o: MergeOptions, sentNew: boolean): void {
    ps.exhausted = true
    const claim = o.claim ?? 0n
    let delivered = 0n
    if (ps.branch != null) delivered = ps.branch.tip.totalWork
    else {
      const e = ps.known >= 0 ? target.at(ps.known) : undefined
      delivered = e?.totalWork ?? (ps.known === target.base.height ? target.base.totalWork : 0n)
      const best = target.get(ps.bestHex, ps.bestHeight)
      if (best != null && best.totalWork > delivered) delivered = best.totalWork
    }
    const tipWork = chain.tip().work
    if (claim <= delivered || claim <= tipWork) return
    if (ps.claimedWork <= claim) ps.claimedWork = delivered > tipWork ? delivered : tipWork
    if (sentNew && delivered <= tipWork) {
      throw new LowWorkHeadersError(`header chain ends with work ${delivered}, not more than ours (${tipWork}), after a claim of ${claim}`)
    }
    throw new ClaimedWorkError(`header chain ends with work ${delivered}, short of the claimed ${claim}`)
  }

  // ------------------------------------------------------------ block download

  /** Peers that can serve some of the blocks we need. */
  function usablePeers (): number {
    let usable = 0
    for (const ps of peers.values()) if (!ps.excluded && ps.known > target.base.height) usable++
    return Math.max(1, usable)
  }

  /** Blocks per range by the measured block size (16 before any is measured). */
  function rangeByBytes (): number {
    if (avgBlockBytes === 0) return Math.min(initialRange, maxRange)
    return Math.max(1, Math.min(maxRange, Math.floor(rangeTargetBytes / avgBlockBytes)))
  }

  /**
   * The download window: DOWNLOAD_WINDOW blocks, widened (up to
   * MAX_DOWNLOAD_WINDOW) when blocks are small enough that every usable peer
   * could not otherwise have its ranges in flight at full size.
   */
  function windowSize (): number {
    if (minWindow === 0) return 0
    return Math.min(maxWindow, Math.max(minWindow, usablePeers() * maxRangesPerPeer * rangeByBytes()))
  }

  /** Blocks per range: by measured block size, and a fair share of the window among the peers that can serve it. */
  function rangeSize (window: number): number {
    const share = Math.floor(window / (maxRangesPerPeer * usablePeers()))
    return Math.max(1, Math.min(rangeByBytes(), share))
  }

  function capacity (ps: PeerSync): boolean {
    if (ps.excluded || ps.ranges.size >= maxRangesPerPeer) return false
    const until = Math.max(ps.backoffUntil, ps.limitedUntil)
    if (clock.now() >= until) return true
    // timers may fire a little early: make sure something looks again once it is free
    wake(until + 1)
    return false
  }

  /** The balancer: no failures first, then fewest requests in flight, then most blocks served. */
  function pickPeer (e: Entry, need: number): PeerSync | undefined {
    let best: PeerSync | undefined
    let bestAvoided = true
    for (const ps of peers.values()) {
      if (!capacity(ps) || ps.known < need) continue
      const avoided = e.failed?.has(ps.id) === true
      if (best == null) { best = ps; bestAvoided = avoided; continue }
      if (avoided !== bestAvoided) {
        if (!avoided) { best = ps; bestAvoided = false }
        continue
      }
      const a = (ps.failures > 0 ? 1 : 0) - (best.failures > 0 ? 1 : 0)
      if (a < 0 || (a === 0 && (ps.ranges.size < best.ranges.size || (ps.ranges.size === best.ranges.size && ps.blocks > best.blocks)))) {
        best = ps
        bestAvoided = avoided
      }
    }
    return best
  }

  function pump (): void {
    if (!running) return
    // headers
    const leader = pickHeaderPeer()
    for (const ps of peers.values()) {
      if (wantsHeaders(ps, leader)) void requestHeaders(ps)
    }
    // blocks
    const first = target.base.height + 1
    const window = windowSize()
    const windowEnd = Math.min(target.endHeight, target.base.height + window)
    const nowMs = clock.now()
    const size = rangeSize(window)
    let inFlight = rangesInFlight()
    let lowest = -1
    for (let h = Math.max(first, pendingHint); h <= windowEnd; h++) {
      const e = target.at(h) as Entry
      if (e.state !== 'pending') continue
      if (lowest < 0) lowest = h
      if (e.notBefore != null && e.notBefore > nowMs) {
        wake(e.notBefore)
        continue
      }
      if (bufferedBytes + inFlight * size * Math.max(avgBlockBytes, 1) >= maxBuffered && h !== first) {
        break
      }
      // near the end, fetch announced blocks by hash from an announcer
      if (target.endHeight - h < TIP_FETCH_DEPTH && e.announcers != null && e.announcers.size > 0 && tipFetches < MAX_TIP_FETCHES) {
        const ps = pickAnnouncer(e)
        if (ps != null) {
          void fetchAnnounced(e, ps)
          continue
        }
      }
      const ps = pickPeer(e, h)
      if (ps == null) continue
      let end = h
      const max = size
      while (end + 1 <= windowEnd && end + 1 <= ps.known && end + 1 - h < max) {
        const n = target.at(end + 1) as Entry
        if (n.state !== 'pending' || (n.notBefore != null && n.notBefore > nowMs)) break
        end++
      }
      if (!startRange(ps, h, end)) continue
      inFlight++
      h = end
    }
    // everything below the first pending entry we saw (or the window's end) is not pending
    pendingHint = lowest >= 0 ? lowest : Math.max(pendingHint, windowEnd + 1)
    updateState()
  }

  function pickAnnouncer (e: Entry): PeerSync | undefined {
    for (const id of e.announcers ?? []) {
      const ps = peers.get(id)
      if (ps == null || ps.excluded || e.failed?.has(id) === true || clock.now() < ps.backoffUntil) continue
      return ps
    }
    return undefined
  }

  function startRange (ps: PeerSync, start: number, end: number): boolean {
    const count = end - start + 1
    const lim = outbound.take(ps.id, 'get_blocks_by_range', count, 0)
    if (!lim.ok) {
      ps.limitedUntil = clock.now() + Math.min(lim.retryAfterMs, 10_000)
      wake(ps.limitedUntil)
      return false
    }
    const r: RangeRequest = { ps, start, entries: target.range(start, end), ctrl: new AbortController(), startedAt: clock.now(), stalled: false }
    for (const e of r.entries) {
      e.state = 'inflight'
      e.request = { abort: (reason) => { r.ctrl.abort(new AbortError(reason)) } }
    }
    ps.ranges.add(r)
    void runRange(r)
    return true
  }

  function armStall (r: RangeRequest): void {
    if (r.timer != null) clock.clearTimeout(r.timer)
    r.timer = clock.setTimeout(() => { stall(r, 'sent nothing') }, r.ps.stallMs)
  }

  function stall (r: RangeRequest, what: string): void {
    if (r.stalled || r.ctrl.signal.aborted) return
    const ps = r.ps
    r.stalled = true
    const t = clock.now()
    const repeated = ps.lastStallAt > 0 && t - ps.lastStallAt < STALL_MEMORY_MS
    ps.lastStallAt = t
    ps.stalls++
    stallCount++
    metrics.stall()
    const err = new SyncStallError(`range ${r.start}+${r.entries.length}: ${what} for ${ps.stallMs} ms`, repeated ? 'mid' : 'high')
    ps.stallMs = Math.min(stallMax, ps.stallMs * 2)
    penalize(ps, ps.peer, err, false)
    r.ctrl.abort(err)
  }

  async function runRange (r: RangeRequest): Promise<void> {
    const ps = r.ps
    let idx = 0
    let fault: any
    armStall(r)
    try {
      const signal = AbortSignal.any([r.ctrl.signal, ps.controller.signal, stopController.signal])
      for await (const item of c.reqresp.requestStream(ps.peer, 'get_blocks_by_range', { startHeight: r.start, count: r.entries.length }, { signal })) {
        armStall(r)
        const e = r.entries[idx]
        if (e == null || target.at(e.height) !== e || e.state !== 'inflight') {
          r.ctrl.abort(new AbortError('target changed'))
          break
        }
        checkBlock(e, item.block)
        receive(e, item.block, ps.id, false)
        ps.blocks++
        ps.bytes += item.block.byteLength
        idx++
      }
      if (idx < r.entries.length && !r.ctrl.signal.aborted) {
        // a short answer: the peer's chain ends before the range does
        ps.known = Math.min(ps.known, r.start + idx - 1)
        log('%p sent %d of %d blocks from %d', ps.peer, idx, r.entries.length, r.start)
      } else if (!r.ctrl.signal.aborted) {
        ps.stallMs = Math.max(stallMin, ps.stallMs * STALL_TIMEOUT_DECAY)
      }
    } catch (err: any) {
      fault = err
    } finally {
      if (r.timer != null) clock.clearTimeout(r.timer)
      ps.ranges.delete(r)
    }
    let reason: ReassignReason | undefined = idx < r.entries.length ? 'short' : undefined
    if (fault != null) {
      if (r.stalled) {
        reason = 'stall'
      } else if (r.ctrl.signal.aborted || ps.controller.signal.aborted || stopController.signal.aborted) {
        reason = ps.excluded ? 'peer-gone' : undefined
      } else if (fault.name === WrongBlockError.name) {
        penalize(ps, ps.peer, fault, false)
        reason = 'error'
      } else {
        // an engine error: its verdict was reported by the engine
        if (fault.name === 'TtfbTimeoutError' || fault.name === 'ResponseTimeoutError') {
          ps.stallMs = Math.min(stallMax, ps.stallMs * 2)
          stallCount++
          metrics.stall()
        }
        requestFailed(ps, fault)
        reason = 'error'
      }
    }
    for (let j = idx; j < r.entries.length; j++) {
      const e = r.entries[j]
      if (e.state === 'inflight' && target.at(e.height) === e) requeue(e, reason, reason != null && reason !== 'peer-gone' ? ps.id : undefined)
    }
    schedule()
  }

  async function fetchAnnounced (e: Entry, ps: PeerSync): Promise<void> {
    e.state = 'inflight'
    const ctrl = new AbortController()
    e.request = { abort: (reason) => { ctrl.abort(new AbortError(reason)) } }
    tipFetches++
    ps.tipFetches++
    const signal = AbortSignal.any([ctrl.signal, ps.controller.signal, stopController.signal, AbortSignal.timeout(TIP_FETCH_TIMEOUT_MS)])
    let block: Uint8Array | undefined
    let custom = false
    try {
      for (const f of [...fetchers]) {
        try {
          block = await f.fetch({ peer: ps.peer, header: e, signal })
        } catch (err: any) {
          log('fetcher %s failed for %s from %p: %s', f.name, e.hex, ps.peer, err?.message)
        }
        if (block != null) {
          try {
            checkBlock(e, block)
            custom = true
            break
          } catch (err: any) {
            log('fetcher %s returned a wrong block for %s: %s', f.name, e.hex, err.message)
            block = undefined
          }
        }
        if (signal.aborted) break
      }
      if (block == null && !signal.aborted) {
        const lim = outbound.take(ps.id, 'get_blocks_by_hash', 1, 0)
        if (lim.ok) {
          try {
            const items = await c.reqresp.request(ps.peer, 'get_blocks_by_hash', { hashes: [e.hash] }, { signal })
            block = items[0]?.block
            if (block != null) checkBlock(e, block)
          } catch (err: any) {
            if (err?.name === WrongBlockError.name) penalize(ps, ps.peer, err, false)
            else if (!signal.aborted) requestFailed(ps, err)
            block = undefined
          }
        } else {
          wake(clock.now() + Math.min(lim.retryAfterMs, 10_000))
        }
      }
    } finally {
      tipFetches--
      ps.tipFetches--
    }
    if (target.at(e.height) !== e || e.state !== 'inflight') {
      schedule()
      return
    }
    if (block == null) {
      requeue(e, 'error', ps.id)
    } else {
      ps.blocks++
      ps.bytes += block.byteLength
      receive(e, block, ps.id, custom)
    }
    schedule()
  }

  // ------------------------------------------------------------ submitting

  function kickApply (): void {
    if (!applying && running) void applyLoop()
  }

  async function applyLoop (): Promise<void> {
    if (applying) return
    applying = true
    try {
      while (running) {
        const e = target.first()
        if (e == null || e.state !== 'received' || e.block == null) break
        e.state = 'submitting'
        const block = e.block
        let res: SubmitBlockResult
        try {
          res = await chain.submitBlock(block, { peer: e.from, signal: stopController.signal })
        } catch (err: any) {
          if (!running) return
          // the chain is busy or closing: nobody's fault; try again shortly
          if (e.state === 'submitting') e.state = 'received'
          if (err?.verdict !== 'ignore') log.error('submitting block %d failed - %e', e.height, err)
          if (applyRetry == null) {
            applyRetry = clock.setTimeout(() => {
              applyRetry = undefined
              kickApply()
            }, CHAIN_BUSY_RETRY_MS)
          }
          break
        }
        if (target.first() !== e) {
          // the target was cut while the block was submitted; the chain keeps what it got
          releaseBlock(e)
          continue
        }
        await submitted(e, block, res)
      }
    } finally {
      applying = false
    }
    schedule()
  }

  async function submitted (e: Entry, block: Uint8Array, res: SubmitBlockResult): Promise<void> {
    const from = e.from
    const ps = from != null ? peers.get(from) : undefined
    switch (res.status) {
      case 'accepted':
      case 'duplicate': {
        releaseBlock(e)
        target.shift()
        totals.blocks++
        totals.bytes += block.byteLength
        metrics.blocks(1, block.byteLength)
        if (res.status === 'accepted') {
          if (ps != null) c.peers.markUseful(ps.peer, 'block')
          const origin = origins.get(e.hex)
          if (origin != null && !origin.local) observePropagation(e.hex, e.height, origin)
        }
        return
      }
      case 'orphan': {
        // the chain lacks the block we built on: start over from its tip
        log('block %d (%s) is an orphan for the chain: restarting from the tip', e.height, e.hex)
        releaseBlock(e)
        dropped(target.rebase(await tipBase()))
        for (const p of peers.values()) { p.known = -1; p.exhausted = false; refreshKnown(p) }
        return
      }
      case 'invalid': {
        const err = res.error
        if (err.verdict === 'ignore') {
          requeue(e, undefined)
          e.notBefore = clock.now() + IGNORED_BLOCK_RETRY_MS
          log('block %d set aside: %s', e.height, err.message)
          return
        }
        log('block %d (%s) from %s is invalid: %s', e.height, e.hex, from ?? 'unknown', err.message)
        if (e.custom === true) {
          for (const f of [...fetchers]) {
            try {
              f.rejected?.(e.hash, err)
            } catch (ferr: any) {
              log('fetcher %s failed on a rejected block: %s', f.name, ferr?.message)
            }
          }
        }
        if (ps != null && e.custom !== true) penalize(ps, ps.peer, err, false)
        requeue(e, 'invalid-block', from)
        if (ps != null && e.custom !== true) {
          // its other blocks are suspect: fetch them elsewhere
          for (let h = e.height + 1; h <= target.endHeight; h++) {
            const x = target.at(h) as Entry
            if (x.state === 'received' && x.from === ps.id) requeue(x, 'invalid-block', ps.id)
          }
        }
        // when the chain now knows the block as invalid, so is every header after it
        try {
          await chain.validateHeaders([e.bytes], target.base.info)
        } catch (verr: any) {
          if (verr?.verdict === 'fatal') {
            cutAt(target.base, 'invalid block')
            for (const p of peers.values()) {
              if (p.bestHex === e.hex) {
                // its claim was this block's header: what it has for sure is the parent (a relayer of a
                // compact block announces before validating, BIP152; it must not fail a claim check for it)
                p.claimedWork = target.base.totalWork
                p.claimedHeight = target.base.height
                p.bestHex = target.base.hex
                p.bestHeight = target.base.height
              }
              if (p.bestHex === e.hex || p.claimedHeight >= e.height) p.exhausted = false
            }
          }
        }
      }
    }
  }

  function observePropagation (hex: string, height: number, origin: BlockOrigin): void {
    const delayMs = Math.max(0, now() - origin.acceptedAtMs)
    // beyond this it is clock skew, a lie, or a sync after a partition: not propagation
    if (delayMs > MAX_PROPAGATION_DELAY_MS) return
    propagation.add(delayMs)
    metrics.propagation(delayMs / 1000)
    events.safeDispatchEvent('block:propagated', { detail: { hash: hex, height, delayMs, hops: origin.hops } })
  }

  // ------------------------------------------------------------ announcements in

  async function onAnnounce (peer: PeerId, ann: BlockAnnounce, via: string): Promise<void> {
    const ps = peers.get(peer.toString())
    if (ps == null || !running || ps.excluded) return
    metrics.announcement('in', via)
    const last = chain.decodeHeader(ann.headers[ann.headers.length - 1])
    const lastHex = toHex(last.hash)
    // the origin's time, kept once the header is known to be valid (a lie about time only skews our metric)
    const noteOrigin = (): void => {
      if (origins.get(lastHex) == null) origins.set(lastHex, { acceptedAtMs: ann.acceptedAtMs, hops: ann.hops, local: false })
    }
    const known = target.get(lastHex, last.height)
    if (known != null) {
      noteOrigin()
      known.announcers ??= new Set()
      known.announcers.add(ps.id)
      ps.bestHex = lastHex
      ps.bestHeight = known.height
      setKnown(ps, known.height)
      schedule()
      return
    }
    const stored = await chain.getHeaderInfo(last.hash)
    if (stored?.hasBlock === true) {
      ps.bestHex = lastHex
      ps.bestHeight = stored.height
      if (stored.totalWork > ps.claimedWork) {
        ps.claimedWork = stored.totalWork
        ps.claimedHeight = stored.height
      }
      return
    }
    const placed = await merge(ps, ann.headers, { solicited: false })
    let work: bigint | undefined
    let height = 0
    if (placed.kind === 'target' && placed.entry != null) {
      work = placed.entry.totalWork
      height = placed.entry.height
    } else if (placed.kind === 'branch') {
      work = placed.branch.tip.totalWork
      height = placed.branch.tip.height
    }
    if (work != null) {
      noteOrigin()
      ps.bestHex = lastHex
      ps.bestHeight = height
      if (work > ps.claimedWork) {
        ps.claimedWork = work
        ps.claimedHeight = height
        ps.exhausted = false
      }
    } else {
      ps.exhausted = false
    }
    schedule()
  }

  // ------------------------------------------------------------ announcements out

  function onTip (evt: CustomEvent<TipEvent>): void {
    if (!running) return
    refreshLocator()
    if (target.length === 0 && !applying) {
      // nothing downloading: follow the chain's tip as the base
      const t = evt.detail
      void chain.getHeaderInfo(t.hash).then((info) => {
        if (info != null && running && target.length === 0 && info.totalWork > target.base.totalWork) {
          target.rebase(baseOf(info, info.totalWork))
          for (const p of peers.values()) { p.known = -1; refreshKnown(p) }
          schedule()
        }
      })
    }
    if (!announceEnabled) return
    pendingTip = evt.detail
    if (announceQueued) return
    announceQueued = true
    setImmediate(() => {
      announceQueued = false
      void announceTip().catch((err) => { log.error('announcing the tip failed - %e', err) })
    })
  }

  async function announceTip (): Promise<void> {
    const tip = pendingTip
    pendingTip = undefined
    updateState()
    if (tip == null || !running || state !== 'synced') return
    const tipHex = toHex(tip.hash)
    if (tipHex === lastAnnouncedHex) return
    // the new blocks since the last announcement, at most ANNOUNCE_HEADERS, oldest first
    const headers: Uint8Array[] = [tip.header]
    let prev = chain.decodeHeader(tip.header).prevHash
    while (headers.length < ANNOUNCE_HEADERS) {
      const ph = toHex(prev)
      if (ph === lastAnnouncedHex) break
      const info = await chain.getHeaderInfo(prev)
      if (info == null || info.height === 0) break
      headers.unshift(info.bytes)
      prev = info.prevHash
    }
    lastAnnouncedHex = tipHex
    let origin = origins.get(tipHex)
    if (origin == null) {
      origin = { acceptedAtMs: now(), hops: 0, local: true }
      origins.set(tipHex, origin)
    }
    const sent: BlockOrigin = { acceptedAtMs: origin.acceptedAtMs, hops: origin.local ? 0 : Math.min(MAX_ANNOUNCE_HOPS, origin.hops + 1) }
    const ann: BlockAnnounce = { headers, acceptedAtMs: sent.acceptedAtMs, hops: sent.hops }
    const entryFrom = new Set<string>()
    // peers that told us about this block have it
    for (const ps of peers.values()) if (ps.bestHex === tipHex) entryFrom.add(ps.id)
    let remaining: RelayPeer[] = c.status.ready().filter(rp => !entryFrom.has(rp.peer.toString())).map(rp => ({ peer: rp.peer, status: rp.status }))
    if (remaining.length === 0) return
    const nb: NewBlock = {
      hash: tip.hash,
      height: tip.height,
      headers,
      origin: sent,
      block: async () => (await chain.getBlocksByHash([tip.hash]))[0]
    }
    for (const a of [...announcers]) {
      try {
        const took = new Set(await a.announce(nb, remaining, { signal: stopController.signal }))
        if (took.size > 0) {
          remaining = remaining.filter(rp => !took.has(rp.peer.toString()))
          metrics.announcement('out', a.name)
        }
      } catch (err) {
        log.error('announcer %s failed - %e', a.name, err)
      }
    }
    let gossipNeeded = false
    for (const rp of remaining) {
      if (!rp.status.capabilities.sendHeaders) {
        gossipNeeded = true
        continue
      }
      const id = rp.peer.toString()
      if (!outbound.take(id, 'block_announce', 1, 0).ok) continue
      metrics.announcement('out', 'direct')
      // faults of the peer are reported by the engine
      c.reqresp.notify(rp.peer, 'block_announce', ann, { signal: stopController.signal }).catch((err: any) => {
        log('announcing %s to %p failed: %s', tipHex, rp.peer, err?.message)
      })
    }
    if (gossipNeeded && gossip && c.pubsub != null) {
      metrics.announcement('out', 'gossip')
      try {
        await c.pubsub.publish(topic, announceCodec.encode(ann))
      } catch (err: any) {
        log('publishing %s failed: %s', tipHex, err?.message)
      }
    }
  }

  function gossipValidator (peer: PeerId, msg: { data: Uint8Array }): TopicValidatorResult {
    if (!running) return TopicValidatorResult.Ignore
    let ann: BlockAnnounce
    try {
      ann = announceCodec.decode(msg.data)
    } catch (err: any) {
      penalize(peers.get(peer.toString()), peer, err, false)
      return TopicValidatorResult.Reject
    }
    onAnnounce(peer, ann, 'gossip').catch((err: any) => {
      if (err?.verdict == null) log.error('gossip announcement from %p failed - %e', peer, err)
      else penalize(peers.get(peer.toString()), peer, err, false)
    })
    // every node announces again once it has the block (store and forward):
    // gossipsub does not forward announcements of blocks the forwarder lacks
    return TopicValidatorResult.Ignore
  }

  // ------------------------------------------------------------ peers

  function addPeer (rp: ReadyPeer): void {
    const id = rp.peer.toString()
    if (peers.has(id) || !running) return
    const ps: PeerSync = {
      id,
      peer: rp.peer,
      claimedWork: rp.status.bestWork,
      claimedHeight: rp.status.bestHeight,
      bestHex: toHex(rp.status.bestHash),
      bestHeight: rp.status.bestHeight,
      known: -1,
      headerRequests: 0,
      headerAnswers: 0,
      epoch: 0,
      wantHeaders: false,
      exhausted: false,
      ranges: new Set(),
      tipFetches: 0,
      stallMs: stallMin,
      stalls: 0,
      lastStallAt: 0,
      failures: 0,
      excluded: false,
      backoffUntil: 0,
      limitedUntil: 0,
      unconnecting: 0,
      blocks: 0,
      bytes: 0,
      controller: new AbortController()
    }
    refreshKnown(ps)
    peers.set(id, ps)
    schedule()
  }

  function updatePeer (rp: ReadyPeer): void {
    const ps = peers.get(rp.peer.toString())
    if (ps == null) {
      addPeer(rp)
      return
    }
    if (rp.status.bestWork > ps.claimedWork) {
      ps.claimedWork = rp.status.bestWork
      ps.claimedHeight = rp.status.bestHeight
      ps.bestHex = toHex(rp.status.bestHash)
      ps.bestHeight = rp.status.bestHeight
      ps.exhausted = false
      refreshKnown(ps)
      schedule()
    }
  }

  function removePeer (peer: PeerId): void {
    const id = peer.toString()
    const ps = peers.get(id)
    if (ps == null) return
    peers.delete(id)
    ps.excluded = true
    ps.controller.abort(new AbortError('peer disconnected'))
    if (headerPeer === id) headerPeer = undefined
    outbound.forget(id)
    schedule()
  }

  const onReady = (evt: CustomEvent<ReadyPeer>): void => { addPeer(evt.detail) }
  const onStatus = (evt: CustomEvent<ReadyPeer>): void => { updatePeer(evt.detail) }
  const onGone = (evt: CustomEvent<{ peer: PeerId }>): void => { removePeer(evt.detail.peer) }

  // ------------------------------------------------------------ state and progress

  function computeState (): SyncState {
    if (peers.size === 0) return 'idle'
    const tip = chain.tip()
    let best = tip.height
    for (const ps of peers.values()) {
      if (!ps.excluded && ps.claimedWork > tip.work) best = Math.max(best, ps.claimedHeight)
    }
    if (target.endWork > tip.work) best = Math.max(best, target.endHeight)
    if (best - tip.height <= SYNCED_SLACK_BLOCKS) return 'synced'
    return target.length > 0 ? 'blocks' : 'headers'
  }

  function updateState (): void {
    const next = computeState()
    if (next === state) return
    const from = state
    state = next
    log('state %s -> %s at height %d', from, next, chain.tip().height)
    events.safeDispatchEvent('state', { detail: { from, to: next } })
    emitProgress(true)
  }

  function rates (): SyncProgress['rates'] {
    const t = clock.now()
    const oldest = samples.find(s => t - s.at <= RATE_WINDOW_MS + PROGRESS_INTERVAL_MS)
    if (oldest == null || t - oldest.at < 1) return { blocksPerSec: 0, headersPerSec: 0, bytesPerSec: 0 }
    const dt = (t - oldest.at) / 1000
    return {
      blocksPerSec: Math.round((totals.blocks - oldest.blocks) / dt),
      headersPerSec: Math.round((totals.headers - oldest.headers) / dt),
      bytesPerSec: Math.round((totals.bytes - oldest.bytes) / dt)
    }
  }

  function progress (): SyncProgress {
    const tip = chain.tip()
    const peerHeight = bestPeerHeight()
    const headerHeight = Math.max(target.endHeight, tip.height)
    const goal = Math.max(peerHeight, headerHeight, tip.height)
    const r = rates()
    return {
      state,
      tip: { height: tip.height, hash: toHex(tip.hash) },
      headers: { height: headerHeight, target: Math.max(goal, headerHeight) },
      blocks: { height: tip.height, target: goal },
      rates: r,
      etaSeconds: r.blocksPerSec > 0 && goal > tip.height ? Math.ceil((goal - tip.height) / r.blocksPerSec) : (goal <= tip.height ? 0 : null),
      peers: { ready: peers.size, inUse: peersInUse() },
      stalls: stallCount,
      reassignments: reassignCount
    }
  }

  function emitProgress (force: boolean): void {
    const p = progress()
    const key = `${p.state}:${p.tip.height}:${p.headers.height}:${p.headers.target}`
    if (!force && key === lastProgressKey) return
    lastProgressKey = key
    events.safeDispatchEvent('progress', { detail: p })
  }

  function tick (): void {
    tickTimer = undefined
    if (!running) return
    const t = clock.now()
    samples.push({ at: t, ...totals })
    while (samples.length > 0 && t - samples[0].at > RATE_WINDOW_MS + PROGRESS_INTERVAL_MS) samples.shift()
    checkWindowStall()
    updateState()
    emitProgress(false)
    tickTimer = clock.setTimeout(tick, PROGRESS_INTERVAL_MS)
  }

  /** Bitcoin Core's stall rule: the range holding the next block to connect blocks the window while others could work. */
  function checkWindowStall (): void {
    const e = target.first()
    if (e == null || e.state !== 'inflight') return
    let r: RangeRequest | undefined
    for (const ps of peers.values()) {
      for (const x of ps.ranges) if (x.entries[0] === e || x.entries.includes(e)) r = x
    }
    if (r == null || r.stalled) return
    const windowEnd = Math.min(target.endHeight, target.base.height + windowSize())
    let pending = false
    for (let h = e.height; h <= windowEnd; h++) {
      if ((target.at(h) as Entry).state === 'pending') { pending = true; break }
    }
    const full = !pending || bufferedBytes >= maxBuffered
    if (!full) return
    const others = [...peers.values()].some(ps => ps !== r.ps && capacity(ps) && ps.known >= e.height)
    if (others && clock.now() - r.startedAt > r.ps.stallMs) stall(r, 'held up the download window')
  }

  function status (): SyncStatus {
    const p = progress()
    return {
      ...p,
      tipWork: chain.tip().work.toString(),
      peerHeight: bestPeerHeight(),
      peerList: [...peers.values()].map(ps => ({
        id: ps.id,
        claimedHeight: ps.claimedHeight,
        known: ps.known,
        rangesInFlight: ps.ranges.size,
        headersInFlight: ps.headerRequests > 0,
        stallTimeoutMs: Math.round(ps.stallMs),
        stalls: ps.stalls,
        failures: ps.failures,
        blocks: ps.blocks,
        bytes: ps.bytes,
        excluded: ps.excluded
      })),
      inFlight: {
        ranges: rangesInFlight(),
        tipFetches,
        headerRequests: [...peers.values()].reduce((n, ps) => n + ps.headerRequests, 0),
        bufferedBlocks,
        bufferedBytes,
        targetHeaders: target.length
      },
      penalties: Object.fromEntries(penalties),
      propagation: propagation.summary()
    }
  }

  // ------------------------------------------------------------ the service

  const relay: BlockRelay = {
    addAnnouncer (a) {
      announcers.push(a)
      return () => { const i = announcers.indexOf(a); if (i >= 0) announcers.splice(i, 1) }
    },
    addFetcher (f) {
      fetchers.push(f)
      return () => { const i = fetchers.indexOf(f); if (i >= 0) fetchers.splice(i, 1) }
    },
    async announced (peer, announcement) {
      await onAnnounce(peer, announcement, 'external')
    },
    origin (hash) {
      const o = origins.get(toHex(hash))
      return o == null ? undefined : { acceptedAtMs: o.acceptedAtMs, hops: o.hops }
    }
  }

  const service: Omit<SyncService, keyof TypedEventTarget<SyncEvents>> = {
    name: 'sync',
    relay,

    async start () {
      if (running) return
      target = createTarget(await tipBase(), prevHashOf)
      chainLocator = await chain.getLocator()
      lastAnnouncedHex = target.base.hex
      stopController = new AbortController()
      running = true
      await c.reqresp.register('get_headers', {
        async call (req) {
          const max = Math.min(req.body.maxHeaders, MAX_HEADERS_PER_MESSAGE)
          return [{ headers: await chain.getHeaders(req.body.locator, req.body.stopHash, max) }]
        }
      })
      await c.reqresp.register('get_blocks_by_range', {
        async call (req) {
          const blocks = await chain.getBlocksByRange(req.body.startHeight, req.body.count)
          return blocks.map(block => ({ block }))
        }
      })
      await c.reqresp.register('get_blocks_by_hash', {
        async call (req) {
          const hashes = req.body.hashes.slice(0, MAX_BLOCKS_BY_HASH)
          const blocks = await chain.getBlocksByHash(hashes)
          return blocks.filter((b): b is Uint8Array => b != null).map(block => ({ block }))
        }
      })
      await c.reqresp.register('block_announce', {
        async call (req) {
          try {
            await onAnnounce(req.peer, req.body, 'direct')
          } catch (err: any) {
            // the peer-score layer reports the verdict; we count it and stop using the peer if fatal
            if (err?.verdict != null) penalize(peers.get(req.peer.toString()), req.peer, err, true)
            throw err
          }
        }
      })
      c.status.addEventListener('peer:ready', onReady)
      c.status.addEventListener('peer:status', onStatus)
      c.status.addEventListener('peer:gone', onGone)
      chain.addEventListener('tip', onTip)
      if (gossip && c.pubsub != null) {
        c.pubsub.topicValidators.set(topic, gossipValidator)
        c.pubsub.subscribe(topic)
      }
      for (const rp of c.status.ready()) addPeer(rp)
      tickTimer = clock.setTimeout(tick, PROGRESS_INTERVAL_MS)
      updateState()
    },

    async stop () {
      if (!running) return
      running = false
      stopController.abort(new AbortError('sync stopped'))
      c.status.removeEventListener('peer:ready', onReady)
      c.status.removeEventListener('peer:status', onStatus)
      c.status.removeEventListener('peer:gone', onGone)
      chain.removeEventListener('tip', onTip)
      if (gossip && c.pubsub != null) {
        if (c.pubsub.topicValidators.get(topic) === gossipValidator) c.pubsub.topicValidators.delete(topic)
        try {
          c.pubsub.unsubscribe(topic)
        } catch (err) {
          log('unsubscribing from %s failed - %e', topic, err)
        }
      }
      for (const t of [tickTimer, wakeTimer, applyRetry]) if (t != null) clock.clearTimeout(t)
      tickTimer = wakeTimer = applyRetry = undefined
      for (const ps of peers.values()) ps.controller.abort(new AbortError('sync stopped'))
      peers.clear()
      dropped(target.rebase(target.base))
      for (const m of ['get_headers', 'get_blocks_by_range', 'get_blocks_by_hash', 'block_announce'] as const) await c.reqresp.unregister(m)
    },

    routes (api: ApiServer) {
      api.route('GET', '/sync', () => status())
    },

    state: status
  }
  return Object.assign(events, service) as SyncService
}
