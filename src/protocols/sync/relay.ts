/**
 * Block relay: how a new best block is announced, how an announced block is
 * fetched, and the extension point other modules (compact blocks) plug into.
 *
 * Announcing (after the node accepted a new best block, once synced):
 * 1. every registered {@link BlockAnnouncer} runs, in registration order, and
 *    returns the peers it took care of (a compact-block module sends a
 *    `cmpctblock` to its high-bandwidth peers here);
 * 2. the remaining ready peers that asked for header announcements
 *    (`sendHeaders` in their status, BIP130) get a `block_announce`;
 * 3. if any ready peer is left, the announcement is published on the
 *    `/chainwire/<network>/blocks/1` gossipsub topic.
 *
 * Fetching (a peer announced a block we lack, within TIP_FETCH_DEPTH of the
 * best header): every registered {@link BlockFetcher} is tried in order, then
 * the default: the full block with `get_blocks_by_hash` from the announcer.
 * Whatever a strategy returns is checked against the header and submitted by
 * sync, in order, with the propagation delay measured.
 *
 * @module
 */
import type { HeaderInfo, Hash } from '../../chain/index.ts'
import type { BlockAnnounce, Status } from '../../wire/messages.ts'
import type { PeerId } from '@libp2p/interface'

/** When and how far a block's announcement has travelled. */
export interface BlockOrigin {
  /** When the origin node accepted the block, ms since the epoch (its clock). */
  acceptedAtMs: number
  /** Relays between the origin and us (0: we got it from the origin). */
  hops: number
}

/** A ready peer as announcers see it. */
export interface RelayPeer {
  peer: PeerId
  status: Status
}

/** A new best block to announce. */
export interface NewBlock {
  hash: Hash
  height: number
  /** Headers to announce, oldest first (1..8), the new block last. */
  headers: Uint8Array[]
  /** What goes into the announcement: the origin's acceptance time, and hops as they should be sent. */
  origin: BlockOrigin
  /** The serialised block (read from the chain on demand). */
  block (): Promise<Uint8Array | undefined>
}

/**
 * A strategy that announces new blocks to some peers in its own way.
 *
 * @example
 * ```ts
 * sync.relay.addAnnouncer({
 *   name: 'cmpctblock',
 *   async announce (block, peers) {
 *     const hb = peers.filter(p => highBandwidth.has(p.peer.toString()))
 *     await Promise.allSettled(hb.map(async p => { await reqresp.notify(p.peer, 'cmpctblock', await compact(block)) }))
 *     return hb.map(p => p.peer.toString())
 *   }
 * })
 * ```
 */
export interface BlockAnnouncer {
  /** Short name, used as the `via` label of the announcement metric. */
  readonly name: string
  /**
   * Announce `block` to any of `peers` this strategy handles. Resolve with
   * the ids (strings) of the peers it took: they get no `block_announce`.
   * Must not throw for one peer's failure.
   */
  announce (block: NewBlock, peers: readonly RelayPeer[], options: { signal: AbortSignal }): Promise<Iterable<string>>
}

/** What a fetch strategy is asked for. */
export interface FetchRequest {
  /** A peer that announced the block (it has it). */
  peer: PeerId
  /** The validated header of the block. */
  header: HeaderInfo
  signal: AbortSignal
}

/**
 * A strategy to fetch an announced block (e.g. a compact block rebuilt from
 * the mempool). Sync checks the result against the header and submits it; a
 * block that does not match, or that the chain finds invalid, is dropped
 * without penalising the peer: faults of the peer in the strategy's own
 * protocol are the strategy's to report (BIP152 does not punish a relayer for
 * an invalid transaction inside a compact block).
 */
export interface BlockFetcher {
  /** Short name, for logs. */
  readonly name: string
  /** Resolve with the serialised block, or undefined to let the next strategy try. */
  fetch (request: FetchRequest): Promise<Uint8Array | undefined>
  /**
   * A block some fetcher returned was found invalid by the chain (sync tells
   * every fetcher; each ignores blocks it did not provide). Sync requeues the
   * block without penalising the peer: the next attempt should not repeat
   * what failed (a compact block rebuilt with a colliding transaction), but
   * let the full block come.
   */
  rejected? (hash: Hash, error: { name: string, message: string }): void
}

/**
 * The block-relay extension point of the sync module (`sync.relay`).
 *
 * @example
 * ```ts
 * const off = sync.relay.addFetcher({ name: 'compact', fetch: async ({ peer, header, signal }) => rebuild(peer, header, signal) })
 * // a cmpctblock arrived with a header we lack: let sync schedule it (the fetcher above then provides the block)
 * await sync.relay.announced(peer, { headers: [cmpct.header], acceptedAtMs: Date.now(), hops: 0 })
 * ```
 */
export interface BlockRelay {
  /** Add an announcer; returns a function that removes it. */
  addAnnouncer (announcer: BlockAnnouncer): () => void
  /** Add a fetch strategy, tried before the default full-block fetch; returns a function that removes it. */
  addFetcher (fetcher: BlockFetcher): () => void
  /**
   * Feed headers a peer announced on another protocol, as if they came in a
   * `block_announce`: they are validated, the peer's best block is updated,
   * and missing blocks are fetched through the fetchers.
   *
   * @throws the validation error, whose verdict is the peer's fault (the caller reports it)
   */
  announced (peer: PeerId, announcement: BlockAnnounce): Promise<void>
  /** The origin of a block, when we know it (to relay it onwards with the origin's time). */
  origin (hash: Hash): BlockOrigin | undefined
}

/** A bounded map of block origins, oldest dropped first. */
export interface Origins {
  get (hex: string): (BlockOrigin & { local: boolean }) | undefined
  set (hex: string, origin: BlockOrigin & { local: boolean }): void
  readonly size: number
}

export function createOrigins (max: number): Origins {
  const map = new Map<string, BlockOrigin & { local: boolean }>()
  return {
    get: (hex) => map.get(hex),
    set (hex, origin) {
      map.delete(hex)
      if (map.size >= max) map.delete(map.keys().next().value as string)
      map.set(hex, origin)
    },
    get size () { return map.size }
  }
}

/** Recent propagation delays, for percentiles. */
export interface PropagationStats {
  add (delayMs: number): void
  summary (): PropagationSummary
}

/** Propagation delays over the recent window (`GET /sync`). */
export interface PropagationSummary {
  /** Blocks measured since start. */
  count: number
  /** Delays in the window. */
  window: number
  lastMs: number | null
  p50Ms: number | null
  p95Ms: number | null
  maxMs: number | null
}

export function createPropagationStats (size: number): PropagationStats {
  const ring: number[] = []
  let next = 0
  let count = 0
  let last: number | null = null
  const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]
  return {
    add (ms) {
      count++
      last = ms
      if (ring.length < size) ring.push(ms)
      else ring[next] = ms
      next = (next + 1) % size
    },
    summary () {
      if (ring.length === 0) return { count, window: 0, lastMs: last, p50Ms: null, p95Ms: null, maxMs: null }
      const sorted = [...ring].sort((a, b) => a - b)
      return { count, window: sorted.length, lastMs: last, p50Ms: pct(sorted, 0.5), p95Ms: pct(sorted, 0.95), maxMs: sorted[sorted.length - 1] }
    }
  }
}
