/**
 * The seam between the network and a chain.
 *
 * Everything under `protocols/`, `peers/`, `service/` and `wire/` sees a chain
 * only through {@link ChainAdapter}. Headers, blocks and transactions cross the
 * seam as opaque bytes in the chain's own serialisation; the adapter tells the
 * network the few facts it needs about them (hashes, linkage, height, work).
 * A test (`test/chain/boundary.test.ts`) fails if the network layer imports a
 * chain implementation.
 *
 * @module
 */
import type { ChainwireError } from '../errors.ts'
import type { TypedEventTarget } from '@libp2p/interface'

/** A 32-byte block or transaction hash, in the chain's byte order. */
export type Hash = Uint8Array

/** What the network needs to know about one block header. */
export interface HeaderInfo {
  /** The block hash. */
  hash: Hash
  /** The hash of the parent block. */
  prevHash: Hash
  /** Height of the block (genesis is 0). */
  height: number
  /** The work this block alone contributes (expected hashes to find it). */
  work: bigint
  /** Block time, seconds since the epoch. */
  time: number
  /** The serialised header, as it travels on the wire. */
  bytes: Uint8Array
  /**
   * Lowercase hex of `hash`, when the adapter computed it anyway. Sync needs it
   * only for the headers it looks up by hash (the last of a run, a fork point,
   * a branch tip) and computes it where it is missing. Must match `hash`.
   */
  hex?: string
}

/** A header the chain has stored, with the cumulative work of its branch. */
export interface StoredHeaderInfo extends HeaderInfo {
  /** Cumulative work from genesis up to and including this block. */
  totalWork: bigint
  /** True when the full block is stored and connected or connectable. */
  hasBlock: boolean
}

/** The best block of the chain. */
export interface ChainTip {
  hash: Hash
  height: number
  /** Cumulative work of the best chain. */
  work: bigint
}

/** A block taken apart into what compact-block relay needs. */
export interface BlockParts {
  /** The serialised header. */
  header: Uint8Array
  /** Serialised transactions, coinbase first. */
  txs: Uint8Array[]
}

/** The outcome of {@link ChainAdapter.submitBlock}. */
export type SubmitBlockResult =
  | { status: 'accepted', hash: Hash, height: number, /** true when the block became the new tip */ tip: boolean }
  | { status: 'duplicate', hash: Hash }
  | { status: 'orphan', hash: Hash, /** the missing parent */ prevHash: Hash }
  | { status: 'invalid', hash?: Hash, error: ChainwireError }

/** The outcome of {@link Mempool.add}. */
export type MempoolAddResult =
  | { status: 'accepted', txid: Hash }
  | { status: 'duplicate', txid: Hash }
  | { status: 'orphan', txid: Hash, /** parents we lack */ missing: Hash[] }
  | { status: 'conflict', txid: Hash, reason: string }
  | { status: 'fee-too-low', txid: Hash, reason: string }
  | { status: 'invalid', txid?: Hash, error: ChainwireError }

/** One transaction in the mempool. */
export interface MempoolEntry {
  txid: Hash
  /** The serialised transaction. */
  tx: Uint8Array
  /** Fee in base units. */
  fee: bigint
  /** Serialised size in bytes. */
  size: number
  /** Fee rate, base units per 1000 bytes. */
  feeRate: number
  /** When the entry was added, ms since the epoch. */
  added: number
}

/** Options for calls that come from a remote peer. */
export interface FromPeerOptions {
  /** The peer that sent the item (a peer id string), for per-peer orphan pools. */
  peer?: string
  signal?: AbortSignal
}

/** The transaction pool, as the relay protocols see it. */
export interface Mempool {
  has (txid: Hash): boolean
  get (txid: Hash): Uint8Array | undefined
  /** Validate and add a transaction. Never throws for bad input: it returns `invalid`. */
  add (tx: Uint8Array, options?: FromPeerOptions): Promise<MempoolAddResult>
  /** The minimum fee rate (base units per 1000 bytes) a transaction needs to enter now. */
  minFeeRate (): number
  /** Number of transactions. */
  size (): number
  /** Entries in no particular order. Compact-block reconstruction walks these. */
  entries (): Iterable<MempoolEntry>
  /** Fee rate of one transaction, if present. */
  feeRateOf (txid: Hash): number | undefined
  /**
   * Drop what the pool keeps on behalf of a peer (its orphan transactions).
   * The network calls it when the peer disconnects, as Bitcoin Core's
   * `EraseForPeer`; optional for chains without per-peer state.
   */
  forgetPeer? (peer: string): void
}

/** Events a chain emits. */
export interface ChainEvents {
  /** A new best block was connected. */
  tip: CustomEvent<TipEvent>
  /** The best chain switched branches. Emitted before the `tip` of the new branch. */
  reorg: CustomEvent<ReorgEvent>
  /** A transaction entered the mempool. */
  'tx:added': CustomEvent<{ txid: Hash, feeRate: number, /** peer id string, when relayed */ from?: string }>
  /** A transaction left the mempool. */
  'tx:removed': CustomEvent<{ txid: Hash, reason: 'block' | 'conflict' | 'evicted' | 'expired' | 'reorg' }>
}

export interface TipEvent extends ChainTip {
  /** The serialised header of the new tip. */
  header: Uint8Array
  /** The previous tip, before this block. */
  previous: ChainTip
}

export interface ReorgEvent {
  /** The block where the old and new branch meet. */
  fork: ChainTip
  oldTip: ChainTip
  newTip: ChainTip
  /** Number of blocks disconnected from the old branch. */
  depth: number
}

/**
 * What the network protocols need from a chain, and nothing more.
 *
 * All hashes are raw bytes. All methods that read storage are async. Methods
 * that judge remote input (`validateHeaders`, `submitBlock`, `mempool.add`)
 * report faults as {@link ChainwireError}s whose `verdict` is the penalty hint
 * for the peer that sent the input. `submitBlock` and `mempool.add` never
 * throw for bad input, but may reject when the chain itself cannot take the
 * work (overloaded or closing) with an error whose verdict is `ignore`: our
 * overload penalises nobody, and the item is not known-invalid.
 *
 * @example
 * ```ts
 * const node = await createNode({ network: 'devnet', chain: myAdapter })
 * ```
 */
export interface ChainAdapter extends TypedEventTarget<ChainEvents> {
  /** The network id, e.g. `devnet`; part of every protocol id. */
  readonly networkId: string
  /** Hash of block 0. Peers with another genesis are on another chain. */
  readonly genesisHash: Hash

  /** The best block. */
  tip (): ChainTip

  /** A stored header by hash (on any branch), or undefined. */
  getHeaderInfo (hash: Hash): Promise<StoredHeaderInfo | undefined>

  /** Hashes describing our best chain, newest first, exponentially spaced, ending with genesis. */
  getLocator (): Promise<Hash[]>

  /**
   * Serialised headers following the first locator hash we have on our best
   * chain, up to `stopHash` (inclusive) or `max` headers.
   */
  getHeaders (locator: Hash[], stopHash: Hash | undefined, max: number): Promise<Uint8Array[]>

  /** Serialised blocks of the best chain at heights `start .. start+count-1` (fewer at the tip). */
  getBlocksByRange (start: number, count: number): Promise<Uint8Array[]>

  /** Serialised blocks by hash; `undefined` for each hash we do not have. */
  getBlocksByHash (hashes: Hash[]): Promise<Array<Uint8Array | undefined>>

  /**
   * Check a run of headers cheaply and without storing them: each header's
   * proof of work against its own target, the target's plausibility, linkage
   * to `parent` and to each other, and timestamps. Throws a ChainwireError
   * (verdict `fatal` for provably bad headers) naming the rule and the index.
   *
   * @param parent - the header the first one builds on, when known
   */
  validateHeaders (headers: Uint8Array[], parent?: HeaderInfo): Promise<HeaderInfo[]>

  /** Decode one header. Throws a ChainwireError with verdict `fatal` if malformed. */
  decodeHeader (bytes: Uint8Array): HeaderInfo

  /** Fully validate a block and connect it (or store it on a side branch). */
  submitBlock (block: Uint8Array, options?: FromPeerOptions): Promise<SubmitBlockResult>

  /** Split a block into header and transactions. Throws a fatal ChainwireError if malformed. */
  splitBlock (block: Uint8Array): BlockParts

  /** The inverse of {@link splitBlock}. */
  assembleBlock (parts: BlockParts): Uint8Array

  /** The id of a serialised transaction. Throws a fatal ChainwireError if malformed. */
  txId (tx: Uint8Array): Hash

  readonly mempool: Mempool
}
