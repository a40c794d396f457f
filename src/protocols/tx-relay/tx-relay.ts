/**
 * Transaction relay: announce, fetch, validate, relay.
 *
 * `inv` mode (the default), after Bitcoin Core:
 * 1. A transaction entering our mempool is queued for every peer that does
 *    not already know it (a per-peer rolling bloom filter of inventory it
 *    announced to us, we announced to it, or we sent it).
 * 2. Queues are flushed as `inv` messages on Poisson timers: one shared
 *    timer for all inbound peers (mean 5 s), one per outbound peer (mean
 *    2 s). A flush skips transactions below the peer's fee filter or no
 *    longer in the mempool, and sends at most a batch, highest fee rate first.
 * 3. An announced transaction we lack is requested with `getdata` through the
 *    request tracker (`tracker.ts`): outbound announcers first, at most 100
 *    in flight per peer, a failed or timed-out request goes to the next
 *    announcer.
 * 4. A received transaction is validated by `mempool.add` before anything is
 *    relayed. Invalid: the peer is reported with the chain's verdict and the
 *    txid remembered as rejected. Low fee, conflict, orphan, duplicate: no
 *    penalty (an orphan's parents are requested from the same peer).
 *    Accepted: the peer is marked useful, and step 1 relays it.
 * 5. Fee filters go out at connect and then on a Poisson timer (mean 10 min),
 *    sooner when our minimum fee rate moved by more than a quarter.
 *
 * `gossip` mode publishes our new transactions on the gossipsub topic
 * `/chainwire/<network>/tx/1` and validates received ones in a gossipsub
 * topic validator (asynchronous): the mempool's verdict becomes Accept
 * (forwarded), Ignore (dropped, no penalty) or Reject (dropped, the
 * propagation source penalised by gossipsub and reported to the peer manager).
 * The inv handlers stay registered in both modes, so mixed networks converge.
 *
 * @module
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { AbortError, InvalidArgumentError } from '../../errors.ts'
import { systemClock } from '../../service/clock.ts'
import { verdictOf } from '../../service/layers/peer-score.ts'
import { MAX_GETDATA_ITEMS, MAX_TX_BYTES } from '../../wire/constants.ts'
import { topicId } from '../../wire/protocol-id.ts'
import {
  DEFAULT_FEEFILTER_INTERVAL_MS, DEFAULT_HEARD_FROM_PEER_SIZE, DEFAULT_FEEFILTER_MAX_CHANGE_DELAY_MS, DEFAULT_GETDATA_TIMEOUT_MS,
  DEFAULT_INBOUND_TRICKLE_MS, DEFAULT_INV_BROADCAST_MAX, DEFAULT_INV_BROADCAST_TARGET, DEFAULT_KNOWN_INVENTORY_FP_RATE,
  DEFAULT_KNOWN_INVENTORY_SIZE, DEFAULT_MAX_ANNOUNCE_QUEUE, DEFAULT_MAX_GOSSIP_VALIDATIONS, DEFAULT_MAX_IN_FLIGHT_PER_PEER,
  DEFAULT_MAX_PEER_ANNOUNCEMENTS, DEFAULT_NONPREFERRED_DELAY_MS, DEFAULT_OUTBOUND_TRICKLE_MS, DEFAULT_OVERLOADED_DELAY_MS,
  DEFAULT_RECENT_CONFIRMED_SIZE, DEFAULT_RECENT_REJECTS_SIZE, DEFAULT_RECENTLY_ANNOUNCED_SIZE, FEEFILTER_CHECK_INTERVAL_MS,
  MAX_GETDATA_BATCH, MAX_GETDATA_STREAMS_PER_PEER, PEER_SWEEP_INTERVAL_MS, TX_RELAY_COMPONENT, TX_RELAY_PROTOCOL, TX_TOPIC_NAME
} from './constants.ts'
import { TxRequestTimeoutError, UnsolicitedTxError } from './errors.ts'
import { createTxRelayMetrics } from './metrics.ts'
import { rollingBloomFilter } from './rolling-bloom.ts'
import { createTxRequestTracker } from './tracker.ts'
import type { InvResult, TxReceiveResult, TxRequestFailure } from './metrics.ts'
import type { RollingBloomFilter } from './rolling-bloom.ts'
import type { TxRequest } from './tracker.ts'
import type { ChainAdapter, ChainEvents, Hash, MempoolAddResult } from '../../chain/index.ts'
import type { TxRelayMode } from '../../config/options.ts'
import type { ProtocolHostEvents } from '../../node/chain-protocols.ts'
import type { PeerManager } from '../../peers/types.ts'
import type { ReqResp } from '../../reqresp/index.ts'
import type { Clock, TimerHandle } from '../../service/clock.ts'
import type { InvItem } from '../../wire/messages.ts'
import type { Message, TopicValidatorFn } from '@libp2p/gossipsub'
import type { ComponentLogger, Logger, PeerId, TypedEventTarget } from '@libp2p/interface'
import type { Registry } from 'prom-client'

// ---------------------------------------------------------------- public types

/** Options of {@link txRelay}. Plain data. */
export interface TxRelayInit {
  /** The network id (the gossip topic is `/chainwire/<network>/tx/1`). */
  network: string
  /** @default 'inv' */
  mode?: TxRelayMode
  /** Mean of the shared Poisson trickle of inbound peers, ms. @default DEFAULT_INBOUND_TRICKLE_MS (5 s) */
  inboundTrickleMs?: number
  /** Mean of each outbound peer's Poisson trickle, ms. @default DEFAULT_OUTBOUND_TRICKLE_MS (2 s) */
  outboundTrickleMs?: number
  /** @default DEFAULT_INV_BROADCAST_TARGET */
  invBroadcastTarget?: number
  /** @default DEFAULT_INV_BROADCAST_MAX */
  invBroadcastMax?: number
  /** @default DEFAULT_MAX_ANNOUNCE_QUEUE */
  maxAnnounceQueue?: number
  /** @default DEFAULT_KNOWN_INVENTORY_SIZE */
  knownInventorySize?: number
  /** @default DEFAULT_KNOWN_INVENTORY_FP_RATE */
  knownInventoryFpRate?: number
  /** @default DEFAULT_MAX_PEER_ANNOUNCEMENTS */
  maxPeerAnnouncements?: number
  /** @default DEFAULT_MAX_IN_FLIGHT_PER_PEER */
  maxInFlightPerPeer?: number
  /** @default DEFAULT_GETDATA_TIMEOUT_MS */
  getdataTimeoutMs?: number
  /** @default outboundTrickleMs when given, else DEFAULT_NONPREFERRED_DELAY_MS (2 s) */
  nonPreferredDelayMs?: number
  /** @default outboundTrickleMs when given, else DEFAULT_OVERLOADED_DELAY_MS (2 s) */
  overloadedDelayMs?: number
  /** @default DEFAULT_FEEFILTER_INTERVAL_MS */
  feeFilterIntervalMs?: number
  /** @default DEFAULT_FEEFILTER_MAX_CHANGE_DELAY_MS */
  feeFilterMaxChangeDelayMs?: number
  /** @default DEFAULT_MAX_GOSSIP_VALIDATIONS */
  maxGossipValidations?: number
}

/**
 * The block side of inventory messages. `inv` and `getdata` carry block
 * items too (Bitcoin's MSG_BLOCK, MSG_CMPCT_BLOCK); tx relay owns the
 * methods and hands those items here.
 */
export interface BlockInventory {
  /** `peer` announced blocks (inv items of type `block` or `cmpct_block`). */
  onInv (peer: PeerId, hashes: Hash[]): void
  /**
   * `peer` asked for compact blocks (getdata items of type `cmpct_block`).
   * Start serving them (each as a `cmpctblock` message) and resolve with the
   * hashes that will not be served, which the getdata response lists as not found.
   */
  onGetData (peer: PeerId, hashes: Hash[]): Promise<Hash[]>
}

/**
 * What tx relay needs to know about a peer's relay wishes beyond the
 * dedicated messages. Today: whether the peer wants loose transactions
 * (BIP37 fRelay; the status handshake's `txRelay` capability). The default
 * answers yes for everyone; the status protocol can supply its own.
 */
export interface PeerRelayPolicy {
  relayTxs (peer: PeerId): boolean
}

/** The gossipsub surface gossip mode uses. */
export interface TxGossip {
  subscribe (topic: string): void
  unsubscribe (topic: string): void
  publish (topic: string, data: Uint8Array): Promise<unknown>
  readonly topicValidators: Map<string, TopicValidatorFn>
}

/** What tx relay is built from. */
export interface TxRelayComponents {
  reqresp: Pick<ReqResp, 'register' | 'unregister' | 'requestStream' | 'notify'>
  peers: Pick<PeerManager, 'report' | 'markUseful' | 'list'>
  chain: ChainAdapter
  events: TypedEventTarget<ProtocolHostEvents>
  logger: ComponentLogger
  registry?: Registry
  /** Required in gossip mode. */
  pubsub?: TxGossip
  /** Block items of inv and getdata (compact blocks). */
  blocks?: BlockInventory
  /** @default everyone relays */
  policy?: PeerRelayPolicy
  /** Receives transactions we rejected for policy (low fee, conflict, orphan): compact-block reconstruction keeps some. */
  onRejectedTx?: (txid: Hash, tx: Uint8Array) => void
  /** @default systemClock */
  clock?: Clock
  /** Uniform random numbers in [0, 1), for the Poisson timers. @default Math.random */
  random?: () => number
}

/** Counters of what the relay did, for tests and benchmarks. */
export interface TxRelayStats {
  peers: number
  /** Transactions tracked (announced, not yet fetched). */
  tracked: number
  inFlight: number
  announceQueue: number
  /** Transactions announced to peers (inv items). */
  announced: number
  /** Transaction announcements received. */
  invItemsReceived: number
  requested: number
  /** Transaction bodies received, by mempool verdict. */
  received: Record<TxReceiveResult, number>
  requestFailures: Record<TxRequestFailure, number>
  /** Transactions served to getdata / not found. */
  served: number
  notFound: number
  gossip: { accept: number, ignore: number, reject: number, published: number }
}

/** What the relay knows of one peer (for tests and the API). */
export interface TxRelayPeerInfo {
  outbound: boolean
  /** The peer's fee filter, base units per 1000 bytes. */
  feeFilter: number
  /** The fee filter we last sent it. */
  sentFeeFilter?: number
  /** Transactions waiting for the next trickle to it. */
  queued: number
  inFlight: number
  announcements: number
}

/** Where a protocol registers its control API endpoints (the node's API server). */
export interface RouteRegistrar {
  route (method: 'GET', pattern: string, handler: () => unknown): void
}

/** The running relay. */
export interface TxRelay {
  readonly name: string
  readonly mode: TxRelayMode
  start (): Promise<void>
  stop (): Promise<void>
  /** `GET /relay`: the mode and {@link TxRelayStats}. */
  routes (api: RouteRegistrar): void
  stats (): TxRelayStats
  peer (peer: PeerId | string): TxRelayPeerInfo | undefined
  /** True if `peer` knows `txid` as far as we can tell (it announced it, we announced it or sent it). */
  peerKnows (peer: PeerId | string, txid: Hash): boolean
  /** True if `peer` recently announced or sent us `txid`: it has it. */
  peerHas (peer: PeerId | string, txid: Hash): boolean
  /** True if `txid` waits in the queue for the next trickle to `peer`: the peer probably lacks it. */
  pendingFor (peer: PeerId | string, txid: Hash): boolean
}

/**
 * Create transaction relay.
 *
 * @example
 * ```ts
 * const relay = txRelay({ network: 'devnet', mode: 'inv' })({ reqresp, peers, chain, events, logger, registry })
 * await relay.start()
 * ```
 */
export function txRelay (init: TxRelayInit): (components: TxRelayComponents) => TxRelay {
  return (components) => createTxRelay(init, components)
}

// ---------------------------------------------------------------- implementation

interface PeerState {
  id: string
  peer: PeerId
  outbound: boolean
  /** Inventory the peer announced to us, we announced to it, or we sent it. */
  known: RollingBloomFilter
  /** What we announced to it recently (what it may fetch). */
  announced: RollingBloomFilter
  /** What it announced or sent to us recently: it has these. */
  heard: RollingBloomFilter
  /** hex → txid, in insertion order: waiting for the next trickle. */
  queue: Map<string, Hash>
  feeFilter: number
  sentFeeFilter?: number
  nextFeeFilterAt: number
  feeFilterTimer?: TimerHandle
  trickleTimer?: TimerHandle
  invInFlight: boolean
  getdataInFlight: number
  /** Aborted when the peer goes: ends its requests in flight. */
  gone: AbortController
}

function toHex (b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

const RECEIVE_RESULTS: TxReceiveResult[] = ['accepted', 'duplicate', 'orphan', 'conflict', 'fee-too-low', 'invalid', 'unsolicited', 'busy', 'malformed']

function createTxRelay (init: TxRelayInit, components: TxRelayComponents): TxRelay {
  const mode: TxRelayMode = init.mode ?? 'inv'
  const inboundTrickleMs = init.inboundTrickleMs ?? DEFAULT_INBOUND_TRICKLE_MS
  const outboundTrickleMs = init.outboundTrickleMs ?? DEFAULT_OUTBOUND_TRICKLE_MS
  const broadcastTarget = init.invBroadcastTarget ?? DEFAULT_INV_BROADCAST_TARGET
  const broadcastMax = Math.min(init.invBroadcastMax ?? DEFAULT_INV_BROADCAST_MAX, MAX_GETDATA_ITEMS * 50)
  const maxQueue = init.maxAnnounceQueue ?? DEFAULT_MAX_ANNOUNCE_QUEUE
  const knownSize = init.knownInventorySize ?? DEFAULT_KNOWN_INVENTORY_SIZE
  const knownFp = init.knownInventoryFpRate ?? DEFAULT_KNOWN_INVENTORY_FP_RATE
  const getdataTimeoutMs = init.getdataTimeoutMs ?? DEFAULT_GETDATA_TIMEOUT_MS
  const feeFilterIntervalMs = init.feeFilterIntervalMs ?? DEFAULT_FEEFILTER_INTERVAL_MS
  const feeFilterMaxChangeDelayMs = init.feeFilterMaxChangeDelayMs ?? DEFAULT_FEEFILTER_MAX_CHANGE_DELAY_MS
  const maxGossipValidations = init.maxGossipValidations ?? DEFAULT_MAX_GOSSIP_VALIDATIONS

  const { reqresp, peers, chain, events } = components
  const mempool = chain.mempool
  const clock = components.clock ?? systemClock
  const random = components.random ?? Math.random
  const log: Logger = components.logger.forComponent(TX_RELAY_COMPONENT)
  const topic = topicId(init.network, TX_TOPIC_NAME, 1)
  if (mode === 'gossip' && components.pubsub == null) throw new InvalidArgumentError('tx relay in gossip mode needs pubsub')

  const tracker = createTxRequestTracker({
    maxAnnouncementsPerPeer: init.maxPeerAnnouncements ?? DEFAULT_MAX_PEER_ANNOUNCEMENTS,
    maxInFlightPerPeer: init.maxInFlightPerPeer ?? DEFAULT_MAX_IN_FLIGHT_PER_PEER,
    // Core's 2 s delays equal its outbound trickle mean; they follow a configured mean
    nonPreferredDelayMs: init.nonPreferredDelayMs ?? init.outboundTrickleMs ?? DEFAULT_NONPREFERRED_DELAY_MS,
    overloadedDelayMs: init.overloadedDelayMs ?? init.outboundTrickleMs ?? DEFAULT_OVERLOADED_DELAY_MS
  })
  const rejects = rollingBloomFilter(DEFAULT_RECENT_REJECTS_SIZE, 0.000001)
  const confirmed = rollingBloomFilter(DEFAULT_RECENT_CONFIRMED_SIZE, 0.000001)
  /** Txids being validated right now (not to be fetched again meanwhile); bounded by the in-flight caps. */
  const processing = new Set<string>()
  /** Txids being validated from gossip: gossipsub forwards them, so we do not publish them. */
  const gossipValidating = new Set<string>()
  const states = new Map<string, PeerState>()

  const stats: TxRelayStats = {
    peers: 0,
    tracked: 0,
    inFlight: 0,
    announceQueue: 0,
    announced: 0,
    invItemsReceived: 0,
    requested: 0,
    received: Object.fromEntries(RECEIVE_RESULTS.map(r => [r, 0])) as Record<TxReceiveResult, number>,
    requestFailures: { notfound: 0, timeout: 0, error: 0, missing: 0 },
    served: 0,
    notFound: 0,
    gossip: { accept: 0, ignore: 0, reject: 0, published: 0 }
  }

  const queued = (): number => {
    let n = 0
    for (const s of states.values()) n += s.queue.size
    return n
  }
  const inFlightTotal = (): number => {
    let n = 0
    for (const s of states.values()) n += tracker.inFlight(s.id)
    return n
  }
  const metrics = createTxRelayMetrics(components.registry, {
    peers: () => states.size,
    tracked: () => tracker.size,
    inFlight: inFlightTotal,
    announceQueue: queued
  })

  let running = false
  let stopController = new AbortController()
  let inboundTimer: TimerHandle | undefined
  let fetchTimer: TimerHandle | undefined
  let fetchTimerAt = Infinity
  let fetchScheduled = false
  let feeCheckTimer: TimerHandle | undefined
  let sweepTimer: TimerHandle | undefined
  let gossipValidations = 0

  const poisson = (meanMs: number): number => -Math.log1p(-Math.min(random(), 0.999_999_999)) * meanMs

  const alreadyHave = (txid: Hash, hex: string): boolean =>
    processing.has(hex) || mempool.has(txid) || rejects.contains(txid) || confirmed.contains(txid)

  const wantsTxs = (s: PeerState): boolean => components.policy?.relayTxs(s.peer) ?? true

  function countReceived (result: TxReceiveResult, bytes: number): void {
    stats.received[result]++
    metrics.received(result, bytes)
  }

  // ---------------------------------------------------------------- peers

  function directionOf (id: string): 'inbound' | 'outbound' {
    return peers.list().find(p => p.id === id)?.direction ?? 'inbound'
  }

  function addPeer (peer: PeerId, direction?: 'inbound' | 'outbound'): PeerState {
    const id = peer.toString()
    const existing = states.get(id)
    if (existing != null) return existing
    const s: PeerState = {
      id,
      peer,
      outbound: (direction ?? directionOf(id)) === 'outbound',
      known: rollingBloomFilter(knownSize, knownFp),
      announced: rollingBloomFilter(DEFAULT_RECENTLY_ANNOUNCED_SIZE, knownFp),
      heard: rollingBloomFilter(DEFAULT_HEARD_FROM_PEER_SIZE, knownFp),
      queue: new Map(),
      feeFilter: 0,
      nextFeeFilterAt: 0,
      invInFlight: false,
      getdataInFlight: 0,
      gone: new AbortController()
    }
    states.set(id, s)
    stats.peers = states.size
    if (running && mode === 'inv') {
      if (s.outbound) armOutboundTrickle(s)
      // the first fee filter goes out at once, as Core's first SendMessages does
      scheduleFeeFilter(s, 0)
    }
    return s
  }

  function removePeer (id: string): void {
    const s = states.get(id)
    if (s == null) return
    states.delete(id)
    stats.peers = states.size
    s.gone.abort(new AbortError(`peer ${id} is gone`))
    clock.clearTimeout(s.trickleTimer)
    clock.clearTimeout(s.feeFilterTimer)
    tracker.removePeer(id)
    mempool.forgetPeer?.(id)
    scheduleFetch()
  }

  const onConnect = (evt: CustomEvent<{ peer: PeerId, direction: 'inbound' | 'outbound' }>): void => {
    const s = addPeer(evt.detail.peer, evt.detail.direction)
    // the lazily created state may have guessed the direction before the event
    if (s.outbound !== (evt.detail.direction === 'outbound')) {
      s.outbound = evt.detail.direction === 'outbound'
      clock.clearTimeout(s.trickleTimer)
      s.trickleTimer = undefined
      if (running && mode === 'inv' && s.outbound) armOutboundTrickle(s)
    }
  }

  const onDisconnect = (evt: CustomEvent<{ peer: PeerId }>): void => {
    removePeer(evt.detail.peer.toString())
  }

  /** Drop the state of peers that are no longer connected (see PEER_SWEEP_INTERVAL_MS). */
  function sweep (): void {
    sweepTimer = clock.setTimeout(() => {
      if (!running) return
      const connected = new Set(peers.list().map(p => p.id))
      for (const id of [...states.keys()]) if (!connected.has(id)) removePeer(id)
      sweep()
    }, PEER_SWEEP_INTERVAL_MS)
  }

  // ---------------------------------------------------------------- announcing

  function enqueue (s: PeerState, hex: string, txid: Hash): void {
    if (s.queue.has(hex)) return
    if (s.queue.size >= maxQueue) {
      // drop the oldest: the peer still hears of it from its other peers
      const oldest = s.queue.keys().next().value as string
      s.queue.delete(oldest)
    }
    s.queue.set(hex, txid)
  }

  function armOutboundTrickle (s: PeerState): void {
    s.trickleTimer = clock.setTimeout(() => {
      if (!running || states.get(s.id) !== s) return
      flush(s)
      armOutboundTrickle(s)
    }, poisson(outboundTrickleMs))
  }

  function armInboundTrickle (): void {
    inboundTimer = clock.setTimeout(() => {
      if (!running) return
      for (const s of states.values()) if (!s.outbound) flush(s)
      armInboundTrickle()
    }, poisson(inboundTrickleMs))
  }

  /** Send what is queued for `s`, at most one batch. */
  function flush (s: PeerState): void {
    if (s.queue.size === 0 || s.invInFlight) return
    const max = Math.min(broadcastMax, broadcastTarget + Math.floor(s.queue.size / 1000) * 5)
    const candidates: Array<{ hex: string, txid: Hash, rate: number, order: number }> = []
    let order = 0
    for (const [hex, txid] of s.queue) {
      const rate = mempool.feeRateOf(txid)
      if (rate === undefined || rate < s.feeFilter || s.known.contains(txid)) {
        // left the mempool, below the peer's filter, or the peer has it meanwhile
        s.queue.delete(hex)
        continue
      }
      candidates.push({ hex, txid, rate, order: order++ })
    }
    let chosen = candidates
    if (candidates.length > max) {
      // the highest fee rates first (Core's CompareInvMempoolOrder); the rest wait for the next trickle
      chosen = [...candidates].sort((a, b) => b.rate - a.rate || a.order - b.order).slice(0, max)
      chosen.sort((a, b) => a.order - b.order)
    }
    if (chosen.length === 0) return
    const items: InvItem[] = []
    for (const c of chosen) {
      s.queue.delete(c.hex)
      s.known.insert(c.txid)
      s.announced.insert(c.txid)
      items.push({ type: 'tx', hash: c.txid })
    }
    stats.announced += items.length
    metrics.invSent(items.length)
    s.invInFlight = true
    reqresp.notify(s.peer, 'inv', { items }, { signal: AbortSignal.any([stopController.signal, s.gone.signal]) })
      .catch((err: any) => { log('inv to %p failed: %s', s.peer, err?.message) })
      .finally(() => { s.invInFlight = false })
  }

  const onTxAdded = (evt: ChainEvents['tx:added']): void => {
    const { txid, from } = evt.detail
    const hex = toHex(txid)
    tracker.forget(hex)
    if (mode === 'gossip') {
      if (!gossipValidating.has(hex)) publish(txid)
      return
    }
    for (const s of states.values()) {
      if (s.id === from) {
        s.known.insert(txid)
        continue
      }
      if (!wantsTxs(s) || s.known.contains(txid)) continue
      enqueue(s, hex, txid)
    }
  }

  const onTxRemoved = (evt: ChainEvents['tx:removed']): void => {
    if (evt.detail.reason !== 'block') return
    confirmed.insert(evt.detail.txid)
    tracker.forget(toHex(evt.detail.txid))
  }

  const onTip = (): void => {
    // a block can make a rejected transaction valid (Core resets its rejects filter on every tip)
    rejects.reset()
  }

  // ---------------------------------------------------------------- fetching

  function scheduleFetch (): void {
    if (!running || fetchScheduled) return
    fetchScheduled = true
    queueMicrotask(() => {
      fetchScheduled = false
      runFetches()
    })
  }

  function runFetches (): void {
    if (!running) return
    const now = clock.now()
    const due = tracker.due(now, (peer) => (states.get(peer)?.getdataInFlight ?? MAX_GETDATA_STREAMS_PER_PEER) < MAX_GETDATA_STREAMS_PER_PEER)
    for (const [peer, reqs] of due) {
      const s = states.get(peer)
      if (s == null) {
        for (const r of reqs) tracker.failed(peer, r.hex)
        continue
      }
      for (let i = 0; i < reqs.length; i += MAX_GETDATA_BATCH) void getData(s, reqs.slice(i, i + MAX_GETDATA_BATCH))
    }
    const next = tracker.nextReadyAt(now)
    if (next != null && next < fetchTimerAt) {
      clock.clearTimeout(fetchTimer)
      fetchTimerAt = next
      fetchTimer = clock.setTimeout(() => {
        fetchTimerAt = Infinity
        fetchTimer = undefined
        runFetches()
      }, next - now)
    }
  }

  async function getData (s: PeerState, reqs: TxRequest[]): Promise<void> {
    const pending = new Map(reqs.map(r => [r.hex, r]))
    stats.requested += reqs.length
    metrics.requested(reqs.length)
    s.getdataInFlight++
    const ctrl = new AbortController()
    const timer = clock.setTimeout(() => {
      ctrl.abort(new TxRequestTimeoutError(`getdata of ${reqs.length} transactions from ${s.id}: no complete answer within ${getdataTimeoutMs} ms`))
    }, getdataTimeoutMs)
    const signal = AbortSignal.any([ctrl.signal, stopController.signal, s.gone.signal])
    let failure: TxRequestFailure = 'missing'
    try {
      const items: InvItem[] = reqs.map(r => ({ type: 'tx', hash: r.txid }))
      for await (const item of reqresp.requestStream(s.peer, 'getdata', { items }, { signal })) {
        if (item.type === 'tx') {
          if (!await onGetDataTx(s, item.tx, pending)) break
        } else {
          for (const it of item.items) {
            const hex = toHex(it.hash)
            if (!pending.delete(hex)) continue
            tracker.failed(s.id, hex)
            stats.requestFailures.notfound++
            metrics.requestFailed('notfound', 1)
          }
        }
      }
    } catch (err: any) {
      if (ctrl.signal.aborted) {
        failure = 'timeout'
        // our own deadline: the engine saw only an abort, so the report is ours
        if (pending.size > 0) peers.report(s.peer, 'high', TxRequestTimeoutError.name)
      } else {
        // the engine has reported the peer for its own timeouts and faults
        failure = 'error'
      }
      log('getdata to %p failed: %s', s.peer, err?.message)
    } finally {
      clock.clearTimeout(timer)
      s.getdataInFlight--
      // whatever did not come goes to the next announcer
      for (const hex of pending.keys()) tracker.failed(s.id, hex)
      if (pending.size > 0) {
        stats.requestFailures[failure] += pending.size
        metrics.requestFailed(failure, pending.size)
      }
      scheduleFetch()
    }
  }

  /** One transaction of a getdata response. False ends the response (a malformed transaction). */
  async function onGetDataTx (s: PeerState, tx: Uint8Array, pending: Map<string, TxRequest>): Promise<boolean> {
    let txid: Hash
    try {
      txid = chain.txId(tx)
    } catch (err: any) {
      countReceived('malformed', tx.byteLength)
      peers.report(s.peer, verdictOf(err) ?? 'fatal', err?.name ?? 'MalformedTxError')
      return false
    }
    const hex = toHex(txid)
    if (!pending.delete(hex)) {
      countReceived('unsolicited', tx.byteLength)
      const e = new UnsolicitedTxError(`getdata response from ${s.id} carries tx ${hex}, which was not requested`)
      peers.report(s.peer, e.verdict, e.name)
      return true
    }
    tracker.received(s.id, hex)
    await acceptTx(s, tx, txid, hex)
    return true
  }

  /** Validate a transaction from `s` and act on the verdict. */
  async function acceptTx (s: PeerState, tx: Uint8Array, txid: Hash, hex: string): Promise<MempoolAddResult | undefined> {
    s.known.insert(txid)
    s.heard.insert(txid)
    if (processing.has(hex) || mempool.has(txid)) {
      countReceived('duplicate', tx.byteLength)
      return { status: 'duplicate', txid }
    }
    processing.add(hex)
    let r: MempoolAddResult
    try {
      r = await mempool.add(tx, { peer: s.id, signal: stopController.signal })
    } catch (err: any) {
      // our overload (or shutdown) penalises nobody
      countReceived('busy', tx.byteLength)
      log('mempool could not take tx %s from %p: %s', hex, s.peer, err?.message)
      return undefined
    } finally {
      processing.delete(hex)
    }
    tracker.forget(hex)
    switch (r.status) {
      case 'accepted':
        peers.markUseful(s.peer, 'tx')
        break
      case 'duplicate':
        break
      case 'orphan': {
        // ask the same peer for the parents, as Core does for orphans
        const now = clock.now()
        for (const parent of r.missing) {
          const ph = toHex(parent)
          if (!alreadyHave(parent, ph)) tracker.announce(s.id, ph, parent, true, now)
        }
        components.onRejectedTx?.(txid, tx)
        scheduleFetch()
        break
      }
      case 'conflict':
      case 'fee-too-low':
        rejects.insert(txid)
        components.onRejectedTx?.(txid, tx)
        break
      case 'invalid': {
        rejects.insert(txid)
        const verdict = r.error.verdict
        if (verdict !== 'ignore') peers.report(s.peer, verdict, r.error.name)
        else components.onRejectedTx?.(txid, tx)
        log('invalid tx %s from %p: %s', hex, s.peer, r.error.message)
        break
      }
    }
    countReceived(r.status, tx.byteLength)
    return r
  }

  // ---------------------------------------------------------------- fee filter

  function scheduleFeeFilter (s: PeerState, delayMs: number): void {
    clock.clearTimeout(s.feeFilterTimer)
    s.nextFeeFilterAt = clock.now() + delayMs
    s.feeFilterTimer = clock.setTimeout(() => {
      if (!running || states.get(s.id) !== s) return
      sendFeeFilter(s)
      scheduleFeeFilter(s, poisson(feeFilterIntervalMs))
    }, delayMs)
  }

  function sendFeeFilter (s: PeerState): void {
    const rate = Math.max(0, Math.floor(mempool.minFeeRate()))
    if (rate === s.sentFeeFilter) return
    s.sentFeeFilter = rate
    metrics.feeFilterSent()
    reqresp.notify(s.peer, 'feefilter', { feeRate: BigInt(rate) }, { signal: stopController.signal })
      .catch((err: any) => { log('feefilter to %p failed: %s', s.peer, err?.message) })
  }

  function checkFeeFilters (): void {
    feeCheckTimer = clock.setTimeout(() => {
      if (!running) return
      const current = mempool.minFeeRate()
      const now = clock.now()
      for (const s of states.values()) {
        const sent = s.sentFeeFilter
        if (sent === undefined) continue
        const moved = current < sent * 3 / 4 || current > sent * 4 / 3
        if (moved && s.nextFeeFilterAt > now + feeFilterMaxChangeDelayMs) scheduleFeeFilter(s, random() * feeFilterMaxChangeDelayMs)
      }
      checkFeeFilters()
    }, FEEFILTER_CHECK_INTERVAL_MS)
  }

  // ---------------------------------------------------------------- inbound handlers

  function stateOf (peer: PeerId): PeerState {
    return states.get(peer.toString()) ?? addPeer(peer)
  }

  function onInv (peer: PeerId, items: InvItem[]): void {
    const s = stateOf(peer)
    const now = clock.now()
    let blocks: Hash[] | undefined
    let added = 0
    const count = (r: InvResult): void => { metrics.invReceived(r) }
    for (const item of items) {
      if (item.type !== 'tx') {
        (blocks ??= []).push(item.hash)
        continue
      }
      stats.invItemsReceived++
      s.known.insert(item.hash)
      s.heard.insert(item.hash)
      const hex = toHex(item.hash)
      if (alreadyHave(item.hash, hex)) {
        count('have')
        continue
      }
      const r = tracker.announce(s.id, hex, item.hash, s.outbound, now)
      if (r === 'added') {
        added++
        count(tracker.requestedFrom(hex) == null ? 'new' : 'tracked')
      } else {
        count(r === 'capped' ? 'capped' : 'tracked')
      }
    }
    if (blocks != null) components.blocks?.onInv(peer, blocks)
    if (added > 0) scheduleFetch()
  }

  async function * serveGetData (peer: PeerId, items: InvItem[]): AsyncGenerator<{ type: 'tx', tx: Uint8Array } | { type: 'notfound', items: InvItem[] }> {
    const s = stateOf(peer)
    const missing: InvItem[] = []
    const blocks: Hash[] = []
    let found = 0
    for (const item of items) {
      if (item.type === 'cmpct_block') {
        blocks.push(item.hash)
        continue
      }
      if (item.type !== 'tx') {
        missing.push(item)
        continue
      }
      const tx = mempool.get(item.hash)
      // not before its trickle: serving a queued tx early would reveal it ahead of the announcement
      if (tx === undefined || s.queue.has(toHex(item.hash))) {
        missing.push(item)
        continue
      }
      s.known.insert(item.hash)
      found++
      yield { type: 'tx', tx }
    }
    if (blocks.length > 0) {
      const unserved = await components.blocks?.onGetData(peer, blocks) ?? blocks
      for (const hash of unserved) missing.push({ type: 'cmpct_block', hash })
    }
    stats.served += found
    stats.notFound += missing.length
    metrics.served(found, missing.length)
    if (missing.length > 0) yield { type: 'notfound', items: missing }
  }

  // ---------------------------------------------------------------- gossip mode

  function publish (txid: Hash): void {
    const tx = mempool.get(txid)
    const pubsub = components.pubsub
    if (tx === undefined || pubsub == null || tx.byteLength > MAX_TX_BYTES) return
    stats.gossip.published++
    metrics.gossip('published')
    pubsub.publish(topic, tx).catch((err: any) => { log('publishing tx %s failed: %s', toHex(txid), err?.message) })
  }

  const validateGossip: TopicValidatorFn = async (source: PeerId, msg: Message): Promise<TopicValidatorResult> => {
    const result = await judgeGossip(source, msg)
    const key = result === TopicValidatorResult.Accept ? 'accept' : result === TopicValidatorResult.Reject ? 'reject' : 'ignore'
    stats.gossip[key]++
    metrics.gossip(key)
    return result
  }

  async function judgeGossip (source: PeerId, msg: Message): Promise<TopicValidatorResult> {
    if (!running) return TopicValidatorResult.Ignore
    const data = msg.data
    if (data.byteLength > MAX_TX_BYTES) {
      peers.report(source, 'fatal', 'OversizeTxError')
      return TopicValidatorResult.Reject
    }
    if (gossipValidations >= maxGossipValidations) return TopicValidatorResult.Ignore
    let txid: Hash
    try {
      txid = chain.txId(data)
    } catch (err: any) {
      countReceived('malformed', data.byteLength)
      peers.report(source, verdictOf(err) ?? 'fatal', err?.name ?? 'MalformedTxError')
      return TopicValidatorResult.Reject
    }
    const hex = toHex(txid)
    if (gossipValidating.has(hex) || alreadyHave(txid, hex)) {
      countReceived('duplicate', data.byteLength)
      return TopicValidatorResult.Ignore
    }
    const s = stateOf(source)
    gossipValidating.add(hex)
    gossipValidations++
    let r: MempoolAddResult | undefined
    try {
      r = await acceptTx(s, data, txid, hex)
    } finally {
      gossipValidations--
      gossipValidating.delete(hex)
    }
    if (r?.status === 'accepted') return TopicValidatorResult.Accept
    if (r?.status === 'invalid' && r.error.verdict !== 'ignore') return TopicValidatorResult.Reject
    return TopicValidatorResult.Ignore
  }

  // ---------------------------------------------------------------- lifecycle

  const relay: TxRelay = {
    name: TX_RELAY_PROTOCOL,
    mode,

    async start () {
      if (running) return
      running = true
      stopController = new AbortController()
      await reqresp.register('inv', {
        async call (req) { onInv(req.peer, req.body.items) }
      })
      await reqresp.register('getdata', {
        async call (req) { return serveGetData(req.peer, req.body.items) }
      })
      await reqresp.register('tx', {
        async call (req) {
          // transactions travel only as answers to getdata
          throw new UnsolicitedTxError(`tx message of ${req.body.tx.byteLength} bytes: transactions are sent only in answer to getdata`)
        }
      })
      await reqresp.register('feefilter', {
        async call (req) {
          const rate = req.body.feeRate
          stateOf(req.peer).feeFilter = rate > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(rate)
        }
      })
      chain.addEventListener('tx:added', onTxAdded)
      chain.addEventListener('tx:removed', onTxRemoved)
      chain.addEventListener('tip', onTip)
      events.addEventListener('peer:connect', onConnect)
      events.addEventListener('peer:disconnect', onDisconnect)
      for (const p of peers.list()) {
        try {
          addPeer(peerIdFromString(p.id), p.direction)
        } catch (err: any) {
          log('ignoring peer %s: %s', p.id, err?.message)
        }
      }
      sweep()
      if (mode === 'inv') {
        armInboundTrickle()
        checkFeeFilters()
      } else {
        const pubsub = components.pubsub as TxGossip
        pubsub.topicValidators.set(topic, validateGossip)
        pubsub.subscribe(topic)
      }
      log('started in %s mode', mode)
    },

    async stop () {
      if (!running) return
      running = false
      stopController.abort(new AbortError('tx relay stopped'))
      chain.removeEventListener('tx:added', onTxAdded)
      chain.removeEventListener('tx:removed', onTxRemoved)
      chain.removeEventListener('tip', onTip)
      events.removeEventListener('peer:connect', onConnect)
      events.removeEventListener('peer:disconnect', onDisconnect)
      clock.clearTimeout(inboundTimer)
      clock.clearTimeout(fetchTimer)
      clock.clearTimeout(feeCheckTimer)
      clock.clearTimeout(sweepTimer)
      fetchTimerAt = Infinity
      for (const s of states.values()) {
        clock.clearTimeout(s.trickleTimer)
        clock.clearTimeout(s.feeFilterTimer)
        tracker.removePeer(s.id)
      }
      states.clear()
      if (mode === 'gossip' && components.pubsub != null) {
        components.pubsub.unsubscribe(topic)
        components.pubsub.topicValidators.delete(topic)
      }
      for (const m of ['inv', 'getdata', 'tx', 'feefilter'] as const) await reqresp.unregister(m)
    },

    routes (api) {
      api.route('GET', '/relay', () => ({ mode, ...relay.stats() }))
    },

    stats () {
      stats.tracked = tracker.size
      stats.inFlight = inFlightTotal()
      stats.announceQueue = queued()
      stats.peers = states.size
      return structuredClone(stats)
    },

    peer (peer) {
      const s = states.get(peer.toString())
      if (s == null) return undefined
      return {
        outbound: s.outbound,
        feeFilter: s.feeFilter,
        sentFeeFilter: s.sentFeeFilter,
        queued: s.queue.size,
        inFlight: tracker.inFlight(s.id),
        announcements: tracker.announcements(s.id)
      }
    },

    peerKnows (peer, txid) {
      return states.get(peer.toString())?.known.contains(txid) ?? false
    },

    peerHas (peer, txid) {
      return states.get(peer.toString())?.heard.contains(txid) ?? false
    },

    pendingFor (peer, txid) {
      return states.get(peer.toString())?.queue.has(toHex(txid)) ?? false
    }
  }
  return relay
}
