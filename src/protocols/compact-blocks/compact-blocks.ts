/**
 * Compact block relay (BIP152) on chainwire's request/response methods.
 *
 * Negotiation: at connect we send every peer `sendcmpct(announce=false, 1)`:
 * we can receive compact blocks. A peer that then gives us a new block first
 * is asked for high-bandwidth mode (`sendcmpct(true, 1)`); at most three are,
 * the most recent first-deliverers, never dropping the last outbound one for
 * an inbound one (`hb-peers.ts`).
 *
 * Sending: on each new tip the block is pushed as `cmpctblock` to the peers
 * that asked us for high-bandwidth mode; low-bandwidth peers get an `inv`
 * (until the block announcement path of sync takes that over) and request
 * the compact block with `getdata(cmpct_block)`. Each compact block prefills
 * the coinbase and the transactions the peer probably lacks: those we had to
 * fetch ourselves, and those still waiting in our announcement queue to it.
 *
 * Receiving: the header is checked first (an invalid header is the peer's
 * fault); the block is rebuilt from the mempool and the extra pool; what is
 * missing comes with one `getblocktxn`/`blocktxn` round trip; the assembled
 * block goes to `chain.submitBlock`. A short-id collision, a block that fails
 * validation once assembled, or a failed round trip falls back to the full
 * block (`get_blocks_by_hash`), without penalty: in high-bandwidth mode a
 * block is relayed before it is fully validated (BIP152).
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { AbortError } from '../../errors.ts'
import { systemClock } from '../../service/clock.ts'
import { ResourceUnavailableError } from '../../service/errors.ts'
import { buildCompactBlock, reconstruct } from './compact.ts'
import {
  COMPACT_BLOCK_VERSION, COMPACT_BLOCKS_COMPONENT, COMPACT_BLOCKS_PROTOCOL, DEFAULT_EXTRA_POOL_BYTES, DEFAULT_EXTRA_POOL_TXS,
  DEFAULT_MAX_PREFILL_BYTES, DEFAULT_PREFILL_RECENT_MS, DEFAULT_RECONSTRUCTION_TIMEOUT_MS, MAX_RECENT_TX_TIMES, MAX_BLOCKTXN_DEPTH, MAX_CMPCTBLOCK_DEPTH, MAX_HIGH_BANDWIDTH_PEERS,
  MAX_ANNOUNCE_TIP_AGE_SEC, MAX_BLOCK_RECORDS, MAX_KNOWN_BLOCKS_PER_PEER, MAX_PARTIAL_BLOCKS, MAX_PARTIAL_BLOCKS_PER_PEER, MAX_REQUESTED_COMPACT_BLOCKS, RECENT_BLOCKS_CACHED
} from './constants.ts'
import { BlockTxnIndexError, BlockTxnMismatchError, InvalidCompactBlockError, WrongBlockError } from './errors.ts'
import { createExtraPool } from './extra-pool.ts'
import { createHighBandwidthPeers } from './hb-peers.ts'
import { createCompactMetrics } from './metrics.ts'
import type { BlockTxs, PartialBlock } from './compact.ts'
import type { FallbackReason } from './metrics.ts'
import type { ChainAdapter, ChainEvents, Hash, HeaderInfo, SubmitBlockResult } from '../../chain/index.ts'
import type { ProtocolHostEvents } from '../../node/chain-protocols.ts'
import type { PeerManager } from '../../peers/types.ts'
import type { ReqResp } from '../../reqresp/index.ts'
import type { Clock } from '../../service/clock.ts'
import { PEER_SWEEP_INTERVAL_MS } from '../tx-relay/constants.ts'
import type { BlockInventory, RouteRegistrar } from '../tx-relay/index.ts'
import type { BlockTxn, CmpctBlock } from '../../wire/messages.ts'
import type { AbortOptions, ComponentLogger, Logger, PeerId, TypedEventTarget } from '@libp2p/interface'
import type { Registry } from 'prom-client'

// ---------------------------------------------------------------- public types

/** Options of {@link compactBlocks}. Plain data. */
export interface CompactBlocksInit {
  /**
   * Relay blocks as compact blocks. When false the module still answers
   * compact-block requests but neither negotiates nor announces: blocks go
   * by the full-block path. @default true
   */
  enabled?: boolean
  /**
   * Announce new blocks to low-bandwidth compact peers with `inv`. The
   * header announcement path of block sync replaces it. @default true
   */
  announceWithInv?: boolean
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

/** Fetches a full block from a peer (the fallback path). */
export type FullBlockFetcher = (peer: PeerId, hash: Hash, options: AbortOptions) => Promise<Uint8Array | undefined>

/** What compact block relay is built from. */
export interface CompactBlocksComponents {
  reqresp: Pick<ReqResp, 'register' | 'unregister' | 'request' | 'notify'>
  peers: Pick<PeerManager, 'report' | 'markUseful' | 'list'>
  chain: ChainAdapter
  events: TypedEventTarget<ProtocolHostEvents>
  logger: ComponentLogger
  registry?: Registry
  /** Tx relay's view of what peers have. */
  txKnowledge?: TxKnowledge
  /** @default `get_blocks_by_hash` on the request/response engine */
  fetchBlock?: FullBlockFetcher
  /** @default systemClock */
  clock?: Clock
  /** ms since the epoch, to judge a tip's age. @default Date.now */
  wallClock?: () => number
}

/** One block received by the compact path. */
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
  /** ms from the compact block's arrival to the block's submission. */
  ms: number
}

/** Counters for tests and benchmarks. */
export interface CompactBlocksStats {
  received: number
  reconstructed: { zero: number, one: number }
  fallbacks: Record<FallbackReason, number>
  sent: { highBandwidth: number, lowBandwidth: number }
  /** Requests answered. */
  served: { blocktxn: number, cmpctblock: number }
  /** Compact blocks whose parent we did not have (left to sync). */
  unconnectable: number
  highBandwidthPeers: string[]
  partialBlocks: number
  extraPool: number
  /** The latest received blocks, oldest first (at most MAX_BLOCK_RECORDS). */
  recent: CompactBlockRecord[]
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
  /**
   * Push block `hash` (one of ours) to the high-bandwidth peers that do not
   * have it. Resolves with the peer ids it went to.
   */
  relayBlock (hash: Hash): Promise<string[]>
  /** `peer` announced block `hash`: fetch it as a compact block if we lack it. */
  onAnnounced (peer: PeerId, hash: Hash): void
  /** What we know of a peer's compact-block mode. */
  peer (peer: PeerId | string): CompactPeerInfo | undefined
  stats (): CompactBlocksStats
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

/**
 * Create compact block relay.
 *
 * @example
 * ```ts
 * const cb = compactBlocks({})({ reqresp, peers, chain, events, logger, txKnowledge: relay })
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
  partials: number
  /** What we last told it with sendcmpct, and what we want it to know. */
  sentAnnounce?: boolean
  wantAnnounce?: boolean
  sendingCmpct: boolean
}

interface RecentBlock extends BlockTxs {
  hex: string
  height: number
  size: number
  /** Indexes we lacked when we rebuilt it: peers probably lack them too. */
  missingLocally?: Set<number>
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

function createCompactBlocks (init: CompactBlocksInit, components: CompactBlocksComponents): CompactBlocks {
  const enabled = init.enabled ?? true
  const announceWithInv = init.announceWithInv ?? true
  const maxPrefillBytes = init.maxPrefillBytes ?? DEFAULT_MAX_PREFILL_BYTES
  const prefillRecentMs = init.prefillRecentMs ?? DEFAULT_PREFILL_RECENT_MS
  const timeoutMs = init.reconstructionTimeoutMs ?? DEFAULT_RECONSTRUCTION_TIMEOUT_MS
  const { reqresp, peers, chain, events } = components
  const clock = components.clock ?? systemClock
  const wallClock = components.wallClock ?? Date.now
  const log: Logger = components.logger.forComponent(COMPACT_BLOCKS_COMPONENT)

  const extra = createExtraPool(init.extraPoolTxs ?? DEFAULT_EXTRA_POOL_TXS, init.extraPoolBytes ?? DEFAULT_EXTRA_POOL_BYTES)
  const hb = createHighBandwidthPeers(init.maxHighBandwidthPeers ?? MAX_HIGH_BANDWIDTH_PEERS)
  const states = new Map<string, PeerState>()
  /** Blocks being rebuilt, by hash (hex) → the peer. */
  const partials = new Map<string, string>()
  /** Compact blocks we asked for with getdata, by hash (hex) → the peer. */
  const requested = new Map<string, string>()
  const recent = new Map<string, RecentBlock>()
  /** When recent transactions entered our mempool (hex → clock ms), oldest first. */
  const arrivals = new Map<string, number>()
  /** Indexes we lacked, for blocks being submitted (bounded by the partial blocks). */
  const lackedWhileBuilding = new Map<string, Set<number>>()
  const records: CompactBlockRecord[] = []
  const stats: Omit<CompactBlocksStats, 'highBandwidthPeers' | 'partialBlocks' | 'extraPool' | 'recent'> = {
    received: 0,
    reconstructed: { zero: 0, one: 0 },
    fallbacks: { collision: 0, invalid: 0, error: 0, notfound: 0, malformed: 0 },
    sent: { highBandwidth: 0, lowBandwidth: 0 },
    served: { blocktxn: 0, cmpctblock: 0 },
    unconnectable: 0
  }
  const metrics = createCompactMetrics(components.registry, {
    partialBlocks: () => partials.size,
    extraPoolTxs: () => extra.size,
    highBandwidthPeers: () => hb.list().length,
    recentBlocks: () => recent.size
  })

  let running = false
  let stopController = new AbortController()
  let sweepTimer: unknown

  /** A signal aborted after the reconstruction timeout (on our clock) or at stop. */
  function deadline (): { signal: AbortSignal, timer: unknown } {
    const ctrl = new AbortController()
    const timer = clock.setTimeout(() => { ctrl.abort(new AbortError(`no block within ${timeoutMs} ms`)) }, timeoutMs)
    return { signal: AbortSignal.any([ctrl.signal, stopController.signal]), timer }
  }

  const fetchBlock: FullBlockFetcher = components.fetchBlock ?? (async (peer, hash, options) => {
    const items = await reqresp.request(peer, 'get_blocks_by_hash', { hashes: [hash] }, options)
    return items[0]?.block
  })

  // ---------------------------------------------------------------- peers

  function directionOf (id: string): 'inbound' | 'outbound' {
    return peers.list().find(p => p.id === id)?.direction ?? 'inbound'
  }

  function stateOf (peer: PeerId, direction?: 'inbound' | 'outbound'): PeerState {
    const id = peer.toString()
    let s = states.get(id)
    if (s == null) {
      s = { id, peer, outbound: (direction ?? directionOf(id)) === 'outbound', compact: false, highBandwidth: false, knownBlocks: new Set(), partials: 0, sendingCmpct: false }
      states.set(id, s)
    }
    return s
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
        const want = s.wantAnnounce as boolean
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

  const onConnect = (evt: CustomEvent<{ peer: PeerId, direction: 'inbound' | 'outbound' }>): void => {
    const s = stateOf(evt.detail.peer, evt.detail.direction)
    s.outbound = evt.detail.direction === 'outbound'
    if (enabled) sendCmpct(s, false)
  }

  function forget (id: string): void {
    states.delete(id)
    hb.remove(id)
    for (const [h, p] of requested) if (p === id) requested.delete(h)
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

  /** `s` gave us a new tip first: make it a high-bandwidth peer. */
  function promote (s: PeerState): void {
    if (!enabled || !s.compact) return
    for (const change of hb.promote(s.id, s.outbound)) {
      const target = states.get(change.peer)
      if (target != null) sendCmpct(target, change.announce)
    }
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
    const missingLocally = lackedWhileBuilding.get(hex)
    const block: RecentBlock = { hex, height, size: bytes.byteLength, header: parts.header, txs: parts.txs, txids: parts.txs.map(t => chain.txId(t)), missingLocally }
    recent.delete(hex)
    recent.set(hex, block)
    while (recent.size > RECENT_BLOCKS_CACHED) recent.delete(recent.keys().next().value as string)
    return block
  }

  const onTxAdded = (evt: ChainEvents['tx:added']): void => {
    const hex = toHex(evt.detail.txid)
    arrivals.delete(hex)
    arrivals.set(hex, clock.now())
    if (arrivals.size > MAX_RECENT_TX_TIMES) arrivals.delete(arrivals.keys().next().value as string)
  }

  /** When the transaction entered our mempool, if within the prefill window. */
  function arrivedRecently (txid: Hash): number | undefined {
    const at = arrivals.get(toHex(txid))
    return at !== undefined && clock.now() - at < prefillRecentMs ? at : undefined
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
    return buildCompactBlock(block, {
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
  }

  async function pushCompact (s: PeerState, block: RecentBlock, mode: 'high_bandwidth' | 'low_bandwidth'): Promise<void> {
    knows(s, block.hex)
    const cmpct = compactFor(s, block)
    if (mode === 'high_bandwidth') stats.sent.highBandwidth++
    else stats.sent.lowBandwidth++
    metrics.sent(mode)
    await reqresp.notify(s.peer, 'cmpctblock', cmpct, { signal: stopController.signal })
  }

  async function relayBlock (hash: Hash): Promise<string[]> {
    const block = await loadBlock(hash, 0)
    if (block == null) return []
    const sent: string[] = []
    for (const s of states.values()) {
      if (!s.highBandwidth || s.knownBlocks.has(block.hex)) continue
      sent.push(s.id)
      pushCompact(s, block, 'high_bandwidth').catch((err: any) => { log('cmpctblock to %p failed: %s', s.peer, err?.message) })
    }
    return sent
  }

  const onTip = (evt: ChainEvents['tip']): void => {
    if (!enabled || !running) return
    const hash = evt.detail.hash
    let time: number
    try {
      time = chain.decodeHeader(evt.detail.header).time
    } catch {
      return
    }
    // an old tip means we are catching up: our peers have these blocks
    if (wallClock() / 1000 - time > MAX_ANNOUNCE_TIP_AGE_SEC) return
    void (async () => {
      const pushed = new Set(await relayBlock(hash))
      if (!announceWithInv) return
      const hex = toHex(hash)
      for (const s of states.values()) {
        if (!s.compact || pushed.has(s.id) || s.knownBlocks.has(hex)) continue
        knows(s, hex)
        reqresp.notify(s.peer, 'inv', { items: [{ type: 'block', hash }] }, { signal: stopController.signal })
          .catch((err: any) => { log('block inv to %p failed: %s', s.peer, err?.message) })
      }
    })().catch((err: any) => { log.error('announcing block %s failed - %e', toHex(hash), err) })
  }

  // ---------------------------------------------------------------- receiving

  function record (r: CompactBlockRecord): void {
    records.push(r)
    if (records.length > MAX_BLOCK_RECORDS) records.shift()
  }

  /**
   * Checks done inside the cmpctblock handler, whose errors carry the
   * peer's verdict. The caller has reserved the block's reconstruction slot.
   */
  async function admit (s: PeerState, cmpct: CmpctBlock, info: HeaderInfo): Promise<HeaderInfo | undefined> {
    const hex = toHex(info.hash)
    if ((await chain.getHeaderInfo(info.hash))?.hasBlock === true) return undefined
    const parent = await chain.getHeaderInfo(info.prevHash)
    if (parent == null) {
      // we cannot check the header without its parent; sync catches up
      stats.unconnectable++
      log('compact block %s from %p builds on unknown %s', hex, s.peer, toHex(info.prevHash))
      return undefined
    }
    // an invalid header is the relayer's fault (BIP152): validateHeaders throws with its verdict
    const [checked] = await chain.validateHeaders([cmpct.header], parent)
    if (cmpct.shortIds.length + cmpct.prefilled.length === 0) throw new InvalidCompactBlockError(`compact block ${hex} has no transactions`)
    return checked
  }

  /** Rebuild and submit the block; `hex`'s reconstruction slot is reserved and freed here. */
  async function rebuild (s: PeerState, cmpct: CmpctBlock, info: HeaderInfo, compactBytes: number, highBandwidth: boolean, arrived: number): Promise<void> {
    const hex = toHex(info.hash)
    const { signal, timer } = deadline()
    let fillBytes = 0
    try {
      let partial: PartialBlock
      try {
        const r = reconstruct(cmpct, chain.mempool.entries(), extra.entries())
        if (r.status === 'collision') {
          await fallback(s, info.hash, 'collision', signal)
          return
        }
        partial = r.partial
      } catch (err: any) {
        if (err?.name === InvalidCompactBlockError.name) {
          peers.report(s.peer, err.verdict, err.name)
          stats.fallbacks.malformed++
          metrics.fallback('malformed')
          return
        }
        throw err
      }
      let txs: Uint8Array[]
      const missing = partial.missing.length
      if (missing === 0) {
        txs = partial.txs()
      } else {
        let answer: BlockTxn | undefined
        try {
          [answer] = await reqresp.request(s.peer, 'getblocktxn', { blockHash: info.hash, indexes: [...partial.missing] }, { signal })
        } catch (err: any) {
          // the engine reported the peer's fault, if any; the full block may still come
          log('getblocktxn for %s from %p failed: %s', hex, s.peer, err?.message)
          await fallback(s, info.hash, 'error', signal)
          return
        }
        if (answer == null || !sameBytes(answer.blockHash, info.hash)) {
          throw new BlockTxnMismatchError(`blocktxn answers ${answer == null ? 'nothing' : toHex(answer.blockHash)}, asked for ${hex}`)
        }
        fillBytes = blockTxnBytes(answer)
        txs = partial.fill(answer.txs)
      }
      const block = chain.assembleBlock({ header: cmpct.header, txs })
      // known before submitting: the new tip is pushed on from inside submitBlock.
      // What we lacked, whether fetched or prefilled for us, our peers likely lack too
      const lacked = new Set(partial.missing)
      for (const p of cmpct.prefilled) if (p.index > 0) lacked.add(p.index)
      if (lacked.size > 0) lackedWhileBuilding.set(hex, lacked)
      const result = await chain.submitBlock(block, { peer: s.id, signal })
      if (result.status === 'invalid') {
        // a short-id collision we could not see, or a really invalid block:
        // the full block tells which; neither is the relayer's fault (BIP152)
        log('block %s rebuilt from %p is invalid (%s); fetching it in full', hex, s.peer, result.error.message)
        await fallback(s, info.hash, 'invalid', signal)
        return
      }
      const roundTrips = missing === 0 ? 0 : 1
      if (roundTrips === 0) stats.reconstructed.zero++
      else stats.reconstructed.one++
      metrics.reconstructed(roundTrips, compactBytes, fillBytes, block.byteLength)
      record({
        hash: hex,
        highBandwidth,
        roundTrips,
        compactBytes,
        blocktxnBytes: fillBytes,
        fullBytes: block.byteLength,
        transactions: partial.total,
        prefilled: partial.prefilled,
        fromMempool: partial.fromMempool,
        fromExtra: partial.fromExtra,
        missing,
        ms: clock.now() - arrived
      })
      accepted(s, result, hex, info.height, block)
    } catch (err: any) {
      if (err?.name === BlockTxnMismatchError.name) {
        peers.report(s.peer, 'fatal', err.name)
      } else if (!signal.aborted) {
        log.error('rebuilding block %s from %p failed - %e', hex, s.peer, err)
      }
    } finally {
      clock.clearTimeout(timer)
      lackedWhileBuilding.delete(hex)
      partials.delete(hex)
      s.partials--
    }
  }

  function accepted (s: PeerState, result: SubmitBlockResult, hex: string, height: number, block: Uint8Array): void {
    if (result.status !== 'accepted') return
    peers.markUseful(s.peer, 'block')
    remember(hex, height, block)
    // a new tip first given by this peer: it earns high-bandwidth mode
    if (result.tip) promote(s)
  }

  /** Give up the compact block for the full block. */
  async function fallback (s: PeerState, hash: Hash, reason: FallbackReason, signal: AbortSignal): Promise<void> {
    stats.fallbacks[reason]++
    const bytes = await fullBlock(s, hash, signal)
    metrics.fallback(reason, bytes)
  }

  /**
   * Fetch and submit the whole block; resolves with its size (0 if none came).
   * After a compact block its invalidity is not the peer's fault (BIP152; the
   * header was checked before); a malformed block, or another block than
   * asked for, always is.
   */
  async function fullBlock (s: PeerState, hash: Hash, signal: AbortSignal, punish = false): Promise<number> {
    const hex = toHex(hash)
    let block: Uint8Array | undefined
    try {
      block = await fetchBlock(s.peer, hash, { signal })
    } catch (err: any) {
      log('full block %s from %p failed: %s', hex, s.peer, err?.message)
      return 0
    }
    if (block == null) return 0
    await submitFull(s, hash, block, signal, punish)
    return block.byteLength
  }

  async function submitFull (s: PeerState, hash: Hash, block: Uint8Array, signal: AbortSignal, punish: boolean): Promise<void> {
    const hex = toHex(hash)
    let info: HeaderInfo
    try {
      info = chain.decodeHeader(chain.splitBlock(block).header)
    } catch (err: any) {
      // a malformed block is always the sender's fault
      peers.report(s.peer, err?.verdict ?? 'fatal', err?.name ?? 'MalformedBlockError')
      return
    }
    if (!sameBytes(info.hash, hash)) {
      const e = new WrongBlockError(`asked ${s.id} for block ${hex}, got ${toHex(info.hash)}`)
      peers.report(s.peer, e.verdict, e.name)
      return
    }
    const result = await chain.submitBlock(block, { peer: s.id, signal })
    if (result.status === 'invalid') {
      log('block %s from %p is invalid: %s', hex, s.peer, result.error.message)
      if (punish && result.error.verdict !== 'ignore') peers.report(s.peer, result.error.verdict, result.error.name)
      return
    }
    accepted(s, result, hex, info.height, block)
  }

  async function onCmpctBlock (peer: PeerId, cmpct: CmpctBlock, sizeBytes: number): Promise<void> {
    const arrived = clock.now()
    stats.received++
    const s = stateOf(peer)
    // a malformed header throws its fatal verdict here
    const decoded = chain.decodeHeader(cmpct.header)
    const hex = toHex(decoded.hash)
    knows(s, hex)
    const wasRequested = requested.get(hex) === s.id
    if (wasRequested) requested.delete(hex)
    // one reconstruction per block, bounded in total and per peer; reserved before any await
    if (partials.has(hex)) return
    if (partials.size >= MAX_PARTIAL_BLOCKS || s.partials >= MAX_PARTIAL_BLOCKS_PER_PEER) {
      log('compact block %s from %p: too many reconstructions in progress', hex, s.peer)
      return
    }
    partials.set(hex, s.id)
    s.partials++
    let info: HeaderInfo | undefined
    try {
      info = await admit(s, cmpct, decoded)
    } finally {
      if (info == null) {
        partials.delete(hex)
        s.partials--
      }
    }
    if (info != null) void rebuild(s, cmpct, info, sizeBytes, !wasRequested, arrived)
  }

  function onAnnounced (peer: PeerId, hash: Hash): void {
    const s = stateOf(peer)
    const hex = toHex(hash)
    knows(s, hex)
    if (!enabled || !running || partials.has(hex) || requested.has(hex)) return
    if (requested.size >= MAX_REQUESTED_COMPACT_BLOCKS) return
    requested.set(hex, s.id)
    void (async () => {
      const { signal, timer } = deadline()
      let awaitingPush = false
      try {
        if ((await chain.getHeaderInfo(hash))?.hasBlock === true) return
        if (!s.compact) {
          // a peer without compact blocks: the plain full-block path, where an invalid block is its fault
          await fullBlock(s, hash, signal, true)
          return
        }
        const answer = await reqresp.request(s.peer, 'getdata', { items: [{ type: 'cmpct_block', hash }] }, { signal })
        const unserved = answer.some(a => a.type === 'notfound' && a.items.some(i => sameBytes(i.hash, hash)))
        if (unserved) await fallback(s, hash, 'notfound', signal)
        else awaitingPush = true
      } catch (err: any) {
        log('asking %p for compact block %s failed: %s', s.peer, hex, err?.message)
      } finally {
        clock.clearTimeout(timer)
        const release = (): void => { if (requested.get(hex) === s.id) requested.delete(hex) }
        // the pushed cmpctblock may trail the getdata answer a little; otherwise free the slot now
        if (awaitingPush) clock.setTimeout(release, timeoutMs)
        else release()
      }
    })()
  }

  // ---------------------------------------------------------------- serving

  const inventory: BlockInventory = {
    onInv (peer, hashes) {
      for (const h of hashes) onAnnounced(peer, h)
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
      sweep()
      events.addEventListener('peer:connect', onConnect)
      events.addEventListener('peer:disconnect', onDisconnect)
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
      chain.removeEventListener('tip', onTip)
      chain.removeEventListener('tx:added', onTxAdded)
      events.removeEventListener('peer:connect', onConnect)
      events.removeEventListener('peer:disconnect', onDisconnect)
      states.clear()
      requested.clear()
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

    relayBlock,
    onAnnounced,

    peer (peer) {
      const s = states.get(peer.toString())
      if (s == null) return undefined
      return { outbound: s.outbound, compact: s.compact, highBandwidthTo: s.highBandwidth, highBandwidthFrom: hb.has(s.id) }
    },

    stats () {
      return {
        ...structuredClone(stats),
        highBandwidthPeers: hb.list(),
        partialBlocks: partials.size,
        extraPool: extra.size,
        recent: records.map(r => ({ ...r }))
      }
    }
  }
  return module
}
