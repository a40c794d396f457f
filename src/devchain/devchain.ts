/**
 * The reference chain behind the {@link ChainAdapter} seam: a factory that
 * opens (or creates) the store, and the adapter the network talks to, plus
 * the programmatic helpers the node, API and CLI use (templates and mining,
 * lookups as JSON, UTXO queries, a store audit).
 *
 * @module
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { TypedEventEmitter } from '@libp2p/interface'
import { MAX_BLOCKS_PER_RESPONSE } from '../config/constants.ts'
import { AbortError, ChainwireError, InvalidArgumentError } from '../errors.ts'
import { decodeAddress } from './address.ts'
import { assembleBlockBytes, checkBlockSanity, decodeBlock, makeBlock, merkleRoot } from './block.ts'
import type { DecodedBlock } from './block.ts'
import { openChainState } from './chainstate.ts'
import type { Activation, ChainState, IndexEntry } from './chainstate.ts'
import { bytesEqual, concat, fromHex, plainView, toHex } from './codec.ts'
import {
  CHAIN_DIR, COINBASE_TAG_BYTES, COINBASE_VOUT, HASH_BYTES, HASH_JOB_HEADERS, HASH_OFFLOAD_MIN_HEADERS, HASH_WORKERS, HEADER_BYTES, LOG_COMPONENT, MAX_BLOCK_BYTES,
  MAX_BLOCK_SIGOPS, MAX_HEADER_CONTEXTS, MAX_HEADERS_PER_CALL, MAX_HEADERS_RESULTS, MAX_LOCATOR_ENTRIES, MAX_ORPHAN_BLOCK_BYTES, MAX_ORPHAN_BLOCKS,
  MAX_PENDING_BLOCK_BYTES, MAX_PENDING_CHAIN_OPS, ORPHAN_BLOCK_EXPIRY_MS
} from './constants.ts'
import { ChainBusyError, ChainStoreError, InvalidBlockError, InvalidHeaderError, MalformedError } from './errors.ts'
import { decodeHeader, headerHash } from './header.ts'
import type { BlockHeader } from './header.ts'
import { createHashPool } from './hash-pool.ts'
import type { HashPool } from './hash-pool.ts'
import { createHeaderContexts, validateHashedHeaderChain, validateHeaderChain } from './headers.ts'
import type { HashedPart } from './headers.ts'
import { blockJson, txJson } from './json.ts'
import type { BlockJson, TipJson, TxLookup } from './json.ts'
import { noopLogger } from './logger.ts'
import { createMempool } from './mempool.ts'
import type { DevMempool, MempoolInit, MempoolInternal } from './mempool.ts'
import { mineHeader } from './miner.ts'
import { DEFAULT_MINER_INTERVAL_MS, blockSubsidy, genesisBlock, resolveParams } from './params.ts'
import type { ConsensusParams } from './params.ts'
import { checkProofOfWork, targetInfo } from './pow.ts'
import { ADDR_KEY_OUTPOINT, STATUS, decodeCoin, decodeHeaderRecord, encodeCoin, keys, openDb, outpointFromKey } from './store.ts'
import type { ChainDb, Coin } from './store.ts'
import { decodeTx, finalizeTx, isCoinbase, outpointKey } from './tx.ts'
import type { DecodedTx } from './tx.ts'
import type {
  BlockParts, ChainAdapter, ChainEvents, ChainTip, FromPeerOptions, Hash, HeaderInfo, StoredHeaderInfo, SubmitBlockResult
} from '../chain/index.ts'
import type { ComponentLogger, Logger } from '@libp2p/interface'

/** Options of {@link createDevchain}. */
export interface DevchainInit {
  /** Data dir; the store lives in `<dataDir>/chain`. */
  dataDir: string
  /** Network id; `devnet` and `regtest` are presets, any other id starts from devnet's rules. @default 'devnet' */
  network?: string
  /** Consensus overrides (they change the genesis hash, so the network identity). */
  params?: Partial<ConsensusParams>
  mempool?: MempoolInit
  /** fsync each batch: survives power loss, not only a killed process. @default false */
  syncWrites?: boolean
  /** Milliseconds since the epoch. @default Date.now */
  clock?: () => number
  logger?: ComponentLogger
  /** Worker threads hashing header runs in `validateHeaders`; 0 hashes on the main thread. @default HASH_WORKERS (1) */
  hashWorkers?: number
}

/** Options of {@link Devchain.createBlockTemplate}. */
export interface TemplateOptions {
  /** Address the coinbase pays (or give `pkh`). */
  address?: string
  pkh?: Uint8Array
  /** Build on this stored block instead of the tip. */
  parentHash?: Hash
  /** Exactly these transactions instead of a mempool selection (not validated here). */
  txs?: Array<DecodedTx | Uint8Array>
  /** Block time in seconds. @default max(now, median time past + 1) */
  time?: number
  /** Free bytes after the height in the coinbase unlock. @default 8 random bytes */
  coinbaseTag?: Uint8Array
  /** Pay exactly this much in the coinbase. @default subsidy + fees */
  coinbaseAmount?: bigint
}

/** A block to mine: a header with nonce 0 and its transactions, coinbase first. */
export interface BlockTemplate {
  header: BlockHeader
  txs: DecodedTx[]
  height: number
  parentHash: Uint8Array
  /** Fees of the selected transactions (those it could resolve, for explicit lists). */
  fees: bigint
  /** What the coinbase pays. */
  reward: bigint
}

/** An unspent output. */
export interface Utxo extends Coin {
  txid: Uint8Array
  vout: number
}

/** What {@link Devchain.audit} found. */
export interface AuditReport {
  ok: boolean
  /** At most 20 problems. */
  errors: string[]
  height: number
  utxos: number
}

/**
 * The reference chain: a {@link ChainAdapter} plus helpers for the node, API,
 * CLI and tests.
 */
export interface Devchain extends ChainAdapter {
  readonly params: ConsensusParams
  readonly dataDir: string
  readonly mempool: DevMempool
  /** Pacing a miner uses by default on this network. */
  readonly defaultMinerIntervalMs: number
  /** Flush and close the store. Pending operations finish first. */
  close (): Promise<void>

  /** A block template on the tip (or `parentHash`), with mempool transactions by fee rate. */
  createBlockTemplate (options?: TemplateOptions): Promise<BlockTemplate>
  /** Solve a template's proof of work. Returns the serialised block, or undefined if aborted. */
  mineBlock (template: BlockTemplate, options?: { signal?: AbortSignal }): Promise<Uint8Array | undefined>

  /** The tip as JSON: `{ height, hash, work }`. */
  tipJson (): TipJson
  /** A transaction from the mempool (unless `mempool: false`) or the best chain. */
  getTx (txid: string | Hash, options?: { mempool?: boolean }): Promise<TxLookup | undefined>
  /** A stored block by hash (any branch) or best-chain height. */
  getBlock (hashOrHeight: string | number): Promise<BlockJson | undefined>
  /** Confirmed unspent outputs by outpoint (undefined where spent or unknown). */
  getCoins (outpoints: Array<{ txid: Hash, vout: number }>): Promise<Array<Coin | undefined>>
  /** Confirmed unspent outputs paying `pkh`, at most `limit`. */
  listUnspent (pkh: Uint8Array, options?: { limit?: number }): Promise<Utxo[]>
  /** Decode and check an address of this network. Throws WalletError `bad-address`. */
  addressToPkh (address: string): Uint8Array
  /** Replay the best chain from genesis and compare with the stored UTXO set, indexes and undo data. */
  audit (): Promise<AuditReport>
}

/** Most UTXOs {@link Devchain.listUnspent} returns unless told otherwise. */
export const DEFAULT_LIST_UNSPENT_LIMIT = 100_000

class ChainLock {
  #tail: Promise<unknown> = Promise.resolve()
  #pending = 0
  #pendingBytes = 0

  run<T> (fn: () => Promise<T>, bytes = 0, force = false): Promise<T> {
    if (!force && this.#pending >= MAX_PENDING_CHAIN_OPS) {
      return Promise.reject(new ChainBusyError(`chain has ${this.#pending} pending operations (max ${MAX_PENDING_CHAIN_OPS})`))
    }
    if (!force && this.#pendingBytes + bytes > MAX_PENDING_BLOCK_BYTES) {
      return Promise.reject(new ChainBusyError(`chain has ${this.#pendingBytes} bytes of pending blocks (max ${MAX_PENDING_BLOCK_BYTES})`))
    }
    this.#pending++
    this.#pendingBytes += bytes
    const result = this.#tail.then(fn).finally(() => {
      this.#pending--
      this.#pendingBytes -= bytes
    })
    this.#tail = result.catch(() => {})
    return result
  }
}

interface OrphanBlock { block: DecodedBlock, hex: string, prevHex: string, peer?: string, expires: number }

class DevchainImpl extends TypedEventEmitter<ChainEvents> implements Devchain {
  readonly networkId: string
  readonly genesisHash: Hash
  readonly params: ConsensusParams
  readonly dataDir: string
  readonly mempool: DevMempool
  readonly defaultMinerIntervalMs: number
  readonly #db: ChainDb
  readonly #state: ChainState
  readonly #clock: () => number
  readonly #log: Logger
  readonly #lock = new ChainLock()
  readonly #inner: MempoolInternal
  readonly #orphans = new Map<string, OrphanBlock>()
  readonly #headerContexts = createHeaderContexts(MAX_HEADER_CONTEXTS)
  /** Started at the first long run of headers: a chain that never syncs headers runs no thread. */
  #hashPool: HashPool | undefined
  #hashWorkers: number
  #orphanBytes = 0
  #closed = false

  constructor (init: { params: ConsensusParams, dataDir: string, db: ChainDb, state: ChainState, clock: () => number, logger: ComponentLogger, mempool: MempoolInit, mempoolRef: { current?: MempoolInternal }, hashWorkers: number }) {
    super()
    this.params = init.params
    this.networkId = init.params.networkId
    this.dataDir = init.dataDir
    this.#db = init.db
    this.#state = init.state
    this.genesisHash = init.state.genesis.hash
    this.#clock = init.clock
    this.#log = init.logger.forComponent(LOG_COMPONENT)
    this.#hashWorkers = init.hashWorkers
    this.defaultMinerIntervalMs = DEFAULT_MINER_INTERVAL_MS[this.networkId] ?? 0
    const inner = createMempool(init.mempool, {
      view: {
        params: init.params,
        genesisHash: this.genesisHash,
        tipHeight: () => this.#state.tip().height,
        getCoins: async (o) => await this.#state.getCoins(o),
        txBlockHash: async (t) => await this.#state.txBlockHash(t)
      },
      clock: init.clock,
      log: init.logger.forComponent(`${LOG_COMPONENT}:mempool`),
      emit: (type, detail) => { this.safeDispatchEvent(type, { detail }) }
    })
    init.mempoolRef.current = inner
    this.#inner = inner
    // mutations go through the chain lock, so the UTXO view is stable while a tx is checked
    const lock = this.#lock
    this.mempool = {
      has: (txid) => inner.has(txid),
      get: (txid) => inner.get(txid),
      add: async (tx, options) => {
        this.#assertOpen()
        return await lock.run(async () => {
          if (options?.signal?.aborted === true) throw new AbortError('mempool.add aborted while queued')
          return await inner.add(tx, options)
        })
      },
      minFeeRate: () => inner.minFeeRate(),
      size: () => inner.size(),
      entries: () => inner.entries(),
      feeRateOf: (txid) => inner.feeRateOf(txid),
      forgetPeer: (peer) => { inner.forgetPeer(peer) },
      expire: async () => { await lock.run(async () => { inner.expire() }, 0, true) },
      bytes: () => inner.bytes(),
      orphanCount: () => inner.orphanCount(),
      hasOrphan: (txid) => inner.hasOrphan(txid),
      entry: (txid) => inner.entry(txid),
      spender: (txid, vout) => inner.spender(txid, vout),
      select: (maxBytes, maxSigops) => inner.select(maxBytes, maxSigops)
    }
  }

  /** Resume an interrupted reorg (the tip may not be the most-work branch after a crash). */
  async resume (): Promise<void> {
    await this.#lock.run(async () => { await this.#activate() })
  }

  #assertOpen (): void {
    if (this.#closed) throw new ChainStoreError('closed', 'chain is closed')
  }

  // ------------------------------------------------------------ seam: identity and tip

  tip (): ChainTip {
    const t = this.#state.tip()
    return { hash: t.hash, height: t.height, work: t.totalWork }
  }

  async getHeaderInfo (hash: Hash): Promise<StoredHeaderInfo | undefined> {
    const e = this.#state.get(toHex(hash))
    return e === undefined ? undefined : this.#storedInfo(e)
  }

  #storedInfo (e: IndexEntry): StoredHeaderInfo {
    return {
      hash: e.hash, prevHash: e.header.prevHash, height: e.height, work: e.work, time: e.header.time,
      bytes: e.bytes, totalWork: e.totalWork, hasBlock: (e.status & STATUS.hasBlock) !== 0
    }
  }

  async getLocator (): Promise<Hash[]> {
    const out: Hash[] = []
    let step = 1
    let h = this.#state.tip().height
    while (h > 0) {
      out.push((this.#state.atHeight(h) as IndexEntry).hash)
      if (out.length >= 10) step *= 2
      h -= step
    }
    out.push(this.genesisHash)
    return out
  }

  async getHeaders (locator: Hash[], stopHash: Hash | undefined, max: number): Promise<Uint8Array[]> {
    let start: IndexEntry = this.#state.genesis
    for (const h of locator.slice(0, MAX_LOCATOR_ENTRIES)) {
      const e = this.#state.get(toHex(h))
      if (e !== undefined && this.#state.inBestChain(e)) {
        start = e
        break
      }
    }
    const n = Math.max(0, Math.min(Number.isFinite(max) ? Math.floor(max) : 0, MAX_HEADERS_RESULTS))
    const out: Uint8Array[] = []
    const tip = this.#state.tip().height
    for (let h = start.height + 1; h <= tip && out.length < n; h++) {
      const e = this.#state.atHeight(h) as IndexEntry
      out.push(e.bytes)
      if (stopHash !== undefined && bytesEqual(e.hash, stopHash)) break
    }
    return out
  }

  async getBlocksByRange (start: number, count: number): Promise<Uint8Array[]> {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count <= 0) return []
    const n = Math.min(count, MAX_BLOCKS_PER_RESPONSE)
    const hashes: Uint8Array[] = []
    for (let h = start; h < start + n; h++) {
      const e = this.#state.atHeight(h)
      if (e === undefined) break
      hashes.push(e.hash)
    }
    const blocks = await this.#db.getMany(hashes.map(h => keys.block(h)))
    const out: Uint8Array[] = []
    for (const b of blocks) {
      if (b === undefined) break
      out.push(plainView(b))
    }
    return out
  }

  async getBlocksByHash (hashes: Hash[]): Promise<Array<Uint8Array | undefined>> {
    if (hashes.length > MAX_BLOCKS_PER_RESPONSE) {
      throw new InvalidArgumentError(`getBlocksByHash got ${hashes.length} hashes (max ${MAX_BLOCKS_PER_RESPONSE})`)
    }
    const known = hashes.map(h => {
      const e = h instanceof Uint8Array && h.length === HASH_BYTES ? this.#state.get(toHex(h)) : undefined
      return e !== undefined && (e.status & STATUS.hasBlock) !== 0 ? e : undefined
    })
    const wanted = known.filter((e): e is IndexEntry => e !== undefined)
    const got = await this.#db.getMany(wanted.map(e => keys.block(e.hash)))
    const byHex = new Map<string, Uint8Array | undefined>()
    wanted.forEach((e, i) => { const b = got[i]; byHex.set(e.hex, b === undefined ? undefined : plainView(b)) })
    return known.map(e => e === undefined ? undefined : byHex.get(e.hex))
  }

  async validateHeaders (headers: Uint8Array[], parent?: HeaderInfo): Promise<HeaderInfo[]> {
    const ctx = { params: this.params, clock: this.#clock, lookup: (hex: string) => this.#state.get(hex), failed: (hash: Uint8Array) => this.#state.failed(hash), contexts: this.#headerContexts }
    const parts = this.#hashParts(headers)
    if (parts == null) return validateHeaderChain(headers, parent, ctx)
    return await validateHashedHeaderChain(headers, parent, ctx, parts)
  }

  /**
   * Hash jobs for a run of headers on the hash worker, in parts of
   * HASH_JOB_HEADERS, all sent at once so the worker hashes a part while the
   * main thread checks the one before; or `undefined` to hash inline (a short
   * or malformed run, or no worker).
   */
  #hashParts (headers: Uint8Array[]): HashedPart[] | undefined {
    if (this.#hashWorkers <= 0 || this.#closed || !Array.isArray(headers) || headers.length < HASH_OFFLOAD_MIN_HEADERS || headers.length > MAX_HEADERS_PER_CALL) return undefined
    for (const h of headers) if (!(h instanceof Uint8Array) || h.byteLength !== HEADER_BYTES) return undefined
    const pool = this.#hashPool
    if (pool == null) {
      // the first long runs are hashed here while the worker boots (~40 ms)
      try {
        this.#hashPool = createHashPool({ workers: this.#hashWorkers })
      } catch (err) {
        this.#log.error('cannot start the header hash worker, hashing on the main thread - %e', err)
        this.#hashWorkers = 0
      }
      return undefined
    }
    // hashed here until the worker has booted: waiting for it would stall the first answers of a sync
    if (!pool.ready) return undefined
    const parts: HashedPart[] = []
    for (let from = 0; from < headers.length; from += HASH_JOB_HEADERS) {
      const to = Math.min(headers.length, from + HASH_JOB_HEADERS)
      const packed = new Uint8Array((to - from) * HEADER_BYTES)
      for (let i = from; i < to; i++) packed.set(headers[i], (i - from) * HEADER_BYTES)
      parts.push({ from, to, hashes: pool.hashRecords(packed, HEADER_BYTES) })
    }
    return parts
  }

  decodeHeader (bytes: Uint8Array): HeaderInfo {
    const h = decodeHeader(bytes)
    const info = targetInfo(h.bits)
    if (info === undefined) throw new InvalidHeaderError('bad-bits', `header bits 0x${h.bits.toString(16)} is not a valid target`)
    return { hash: headerHash(bytes), prevHash: h.prevHash, height: h.height, work: info.work, time: h.time, bytes }
  }

  splitBlock (block: Uint8Array): BlockParts {
    const b = decodeBlock(block)
    return { header: b.headerBytes, txs: b.txs.map(t => t.bytes) }
  }

  assembleBlock (parts: BlockParts): Uint8Array {
    return assembleBlockBytes(parts.header, parts.txs)
  }

  txId (tx: Uint8Array): Hash {
    return decodeTx(tx).txid
  }

  // ------------------------------------------------------------ seam: blocks

  async submitBlock (bytes: Uint8Array, options: FromPeerOptions = {}): Promise<SubmitBlockResult> {
    this.#assertOpen()
    let block: DecodedBlock
    try {
      block = decodeBlock(bytes)
    } catch (err) {
      if (err instanceof ChainwireError) return { status: 'invalid', error: err }
      return { status: 'invalid', error: new MalformedError('bad-length', 'block could not be decoded') }
    }
    // context-free checks before taking the lock: they need no state
    try {
      if (!bytesEqual(block.hash, this.genesisHash)) checkProofOfWork(block.hash, block.header.bits, this.params)
      checkBlockSanity(block)
    } catch (err) {
      if (err instanceof ChainwireError) return { status: 'invalid', hash: block.hash, error: err }
      throw err
    }
    return await this.#lock.run(async () => {
      // a caller that gave up while we waited for the lock does not need the work done
      if (options.signal?.aborted === true) throw new AbortError('submitBlock aborted while queued')
      return await this.#processBlock(block, options.peer)
    }, bytes.length)
  }

  async #processBlock (block: DecodedBlock, peer: string | undefined): Promise<SubmitBlockResult> {
    const hash = block.hash
    const hex = toHex(hash)
    const existing = this.#state.get(hex)
    if (existing !== undefined) {
      if ((existing.status & STATUS.failed) !== 0) {
        return { status: 'invalid', hash, error: existing.failure ?? new InvalidBlockError('known-invalid', `block ${hex} is known invalid`) }
      }
      if ((existing.status & STATUS.hasBlock) !== 0) return { status: 'duplicate', hash }
    }
    if (this.#orphans.has(hex)) return { status: 'duplicate', hash }
    const prevHex = toHex(block.header.prevHash)
    const parent = this.#state.get(prevHex)
    if (parent === undefined || (parent.status & STATUS.hasBlock) === 0) {
      this.#addOrphan(block, hex, prevHex, peer)
      return { status: 'orphan', hash, prevHash: block.header.prevHash }
    }
    if ((parent.status & STATUS.failed) !== 0) {
      return { status: 'invalid', hash, error: new InvalidBlockError('invalid-ancestor', `block ${hex} builds on invalid block ${prevHex}`) }
    }
    try {
      this.#state.checkHeaderContext(block.header, parent)
    } catch (err) {
      if (err instanceof ChainwireError) return { status: 'invalid', hash, error: err }
      throw err
    }
    const entry = await this.#state.storeBlock(block, parent)
    await this.#activate()
    if ((entry.status & STATUS.failed) !== 0) {
      return { status: 'invalid', hash, error: entry.failure ?? new InvalidBlockError('known-invalid', `block ${hex} is invalid`) }
    }
    const result: SubmitBlockResult = { status: 'accepted', hash, height: entry.height, tip: this.#state.inBestChain(entry) }
    await this.#processOrphansOf(hex)
    return result
  }

  async #activate (): Promise<void> {
    const act: Activation = await this.#state.activate()
    if (act.newTip === act.oldTip) return
    if (act.disconnected.length === 0) {
      for (const b of act.connected) await this.#inner.blockConnected(b)
    } else {
      await this.#inner.reorg(act.disconnected, act.connected)
      this.safeDispatchEvent('reorg', {
        detail: { fork: tipOf(act.fork), oldTip: tipOf(act.oldTip), newTip: tipOf(act.newTip), depth: act.disconnected.length }
      })
      this.#log('reorg of depth %d at height %d: %s -> %s', act.disconnected.length, act.fork.height, act.oldTip.hex, act.newTip.hex)
    }
    this.safeDispatchEvent('tip', { detail: { ...tipOf(act.newTip), header: act.newTip.bytes, previous: tipOf(act.oldTip) } })
  }

  #addOrphan (block: DecodedBlock, hex: string, prevHex: string, peer?: string): void {
    const now = this.#clock()
    for (const o of [...this.#orphans.values()]) if (o.expires <= now) this.#dropOrphan(o.hex)
    if (block.bytes.length > MAX_ORPHAN_BLOCK_BYTES) return
    while (this.#orphans.size >= MAX_ORPHAN_BLOCKS || this.#orphanBytes + block.bytes.length > MAX_ORPHAN_BLOCK_BYTES) {
      this.#dropOrphan(this.#orphans.keys().next().value as string)
    }
    const o: OrphanBlock = { block, hex, prevHex, expires: now + ORPHAN_BLOCK_EXPIRY_MS }
    if (peer !== undefined) o.peer = peer
    this.#orphans.set(hex, o)
    this.#orphanBytes += block.bytes.length
  }

  #dropOrphan (hex: string): OrphanBlock | undefined {
    const o = this.#orphans.get(hex)
    if (o === undefined) return undefined
    this.#orphans.delete(hex)
    this.#orphanBytes -= o.block.bytes.length
    return o
  }

  async #processOrphansOf (parentHex: string): Promise<void> {
    const queue = [parentHex]
    while (queue.length > 0) {
      const p = queue.shift() as string
      for (const o of [...this.#orphans.values()]) {
        if (o.prevHex !== p) continue
        this.#dropOrphan(o.hex)
        const r = await this.#processBlock(o.block, o.peer)
        if (r.status === 'accepted') queue.push(o.hex)
      }
    }
  }

  // ------------------------------------------------------------ mining

  async createBlockTemplate (options: TemplateOptions = {}): Promise<BlockTemplate> {
    let pkh: Uint8Array
    if (options.pkh !== undefined) pkh = options.pkh
    else if (options.address !== undefined) pkh = decodeAddress(this.networkId, options.address)
    else throw new InvalidArgumentError('createBlockTemplate needs an address or a pkh to pay')
    const parent = options.parentHash === undefined ? this.#state.tip() : this.#state.get(toHex(options.parentHash))
    if (parent === undefined || (parent.status & STATUS.hasBlock) === 0) throw new InvalidArgumentError('template parent is not a stored block')
    const height = parent.height + 1
    const tag = options.coinbaseTag ?? crypto.getRandomValues(new Uint8Array(COINBASE_TAG_BYTES))
    const coinbaseUnlock = concat([u32le(height), tag])

    let txs: DecodedTx[]
    let fees = 0n
    if (options.txs !== undefined) {
      txs = options.txs.map(t => t instanceof Uint8Array ? decodeTx(t) : t)
      fees = await this.#feesOf(txs)
    } else {
      // room for the header, counts and a coinbase with a full-size unlock
      const budget = MAX_BLOCK_BYTES - HEADER_BYTES - 1000
      txs = this.#inner.select(budget, MAX_BLOCK_SIGOPS)
      for (const t of txs) fees += this.#inner.entry(t.txid)?.fee ?? 0n
    }
    const reward = options.coinbaseAmount ?? blockSubsidy(height, this.params) + fees
    const coinbase = finalizeTx({
      version: 1,
      inputs: [{ prevTxid: new Uint8Array(HASH_BYTES), vout: COINBASE_VOUT, unlock: coinbaseUnlock }],
      outputs: [{ amount: reward, pkh }]
    })
    const all = [coinbase, ...txs]
    const now = Math.floor(this.#clock() / 1000)
    const header: BlockHeader = {
      version: 1,
      prevHash: parent.hash,
      merkleRoot: merkleRoot(all.map(t => t.txid)),
      time: options.time ?? Math.max(now, this.#state.medianTimePast(parent) + 1),
      bits: this.#state.nextBits(parent),
      nonce: 0,
      height
    }
    return { header, txs: all, height, parentHash: parent.hash, fees, reward }
  }

  /** Fees of an explicit transaction list, resolving inputs from earlier list entries and the UTXO set. */
  async #feesOf (txs: DecodedTx[]): Promise<bigint> {
    const local = new Map<string, bigint>()
    const need: Array<{ txid: Uint8Array, vout: number }> = []
    for (const tx of txs) {
      for (const i of tx.inputs) if (!local.has(outpointKey(i.prevTxid, i.vout))) need.push({ txid: i.prevTxid, vout: i.vout })
      tx.outputs.forEach((o, v) => local.set(outpointKey(tx.txid, v), o.amount))
    }
    const coins = await this.#state.getCoins(need)
    const found = new Map<string, bigint>()
    need.forEach((o, i) => { const c = coins[i]; if (c !== undefined) found.set(outpointKey(o.txid, o.vout), c.amount) })
    let fees = 0n
    for (const tx of txs) {
      if (isCoinbase(tx)) continue
      let inSum = 0n
      for (const i of tx.inputs) {
        const k = outpointKey(i.prevTxid, i.vout)
        inSum += local.get(k) ?? found.get(k) ?? 0n
      }
      let outSum = 0n
      for (const o of tx.outputs) outSum += o.amount
      if (inSum > outSum) fees += inSum - outSum
    }
    return fees
  }

  async mineBlock (template: BlockTemplate, options: { signal?: AbortSignal } = {}): Promise<Uint8Array | undefined> {
    const header = await mineHeader(template.header, options)
    return header === undefined ? undefined : makeBlock(header, template.txs).bytes
  }

  // ------------------------------------------------------------ lookups

  tipJson (): TipJson {
    const t = this.#state.tip()
    return { height: t.height, hash: t.hex, work: t.totalWork.toString() }
  }

  async getTx (txid: string | Hash, options: { mempool?: boolean } = {}): Promise<TxLookup | undefined> {
    const id = typeof txid === 'string' ? fromHex(txid) : txid
    if (id?.length !== HASH_BYTES) return undefined
    const m = options.mempool === false ? undefined : this.#inner.entry(id)
    if (m !== undefined) {
      return { txid: m.hex, status: 'mempool', fee: m.fee.toString(), feeRate: m.feeRate, tx: txJson(m.decoded, this.networkId), hex: toHex(m.tx) }
    }
    const blockHash = await this.#state.txBlockHash(id)
    if (blockHash === undefined) return undefined
    const e = this.#state.get(toHex(blockHash))
    if (e === undefined) return undefined
    const block = await this.#state.readBlock(e)
    const tx = block.txs.find(t => bytesEqual(t.txid, id))
    if (tx === undefined) return undefined
    return {
      txid: toHex(id), status: 'confirmed', blockHash: e.hex, height: e.height,
      confirmations: this.#state.tip().height - e.height + 1, tx: txJson(tx, this.networkId), hex: toHex(tx.bytes)
    }
  }

  async getBlock (hashOrHeight: string | number): Promise<BlockJson | undefined> {
    let e: IndexEntry | undefined
    if (typeof hashOrHeight === 'number' || /^\d{1,10}$/.test(hashOrHeight)) {
      const h = Number(hashOrHeight)
      if (!Number.isSafeInteger(h)) return undefined
      e = this.#state.atHeight(h)
    } else if (/^[0-9a-fA-F]{64}$/.test(hashOrHeight)) {
      e = this.#state.get(hashOrHeight.toLowerCase())
    }
    if (e === undefined || (e.status & STATUS.hasBlock) === 0) return undefined
    const block = await this.#state.readBlock(e)
    const inBest = this.#state.inBestChain(e)
    const next = inBest ? this.#state.atHeight(e.height + 1) : undefined
    return blockJson(block, this.networkId, {
      work: e.work, totalWork: e.totalWork, inBestChain: inBest, tipHeight: this.#state.tip().height, nextHash: next?.hash
    })
  }

  async getCoins (outpoints: Array<{ txid: Hash, vout: number }>): Promise<Array<Coin | undefined>> {
    return await this.#state.getCoins(outpoints)
  }

  async listUnspent (pkh: Uint8Array, options: { limit?: number } = {}): Promise<Utxo[]> {
    const limit = options.limit ?? DEFAULT_LIST_UNSPENT_LIMIT
    const out: Utxo[] = []
    for await (const [key, value] of this.#db.iterator({ ...keys.range('addr', pkh), limit })) {
      const { txid, vout } = outpointFromKey(key, ADDR_KEY_OUTPOINT)
      out.push({ ...decodeCoin(value), txid, vout })
    }
    return out
  }

  addressToPkh (address: string): Uint8Array {
    return decodeAddress(this.networkId, address)
  }

  // ------------------------------------------------------------ audit

  async audit (): Promise<AuditReport> {
    return await this.#lock.run(async () => await this.#audit(), 0, true)
  }

  async #audit (): Promise<AuditReport> {
    const errors: string[] = []
    const fail = (m: string): void => { if (errors.length < 20) errors.push(m) }
    const db = this.#db
    const tip = this.#state.tip()
    const tipHash = await db.get(keys.tip())
    if (tipHash === undefined || toHex(tipHash) !== tip.hex) fail('tip record does not match the in-memory tip')
    const utxo = new Map<string, Uint8Array>()
    const txIndex = new Map<string, string>()
    const bestHex = new Set<string>()
    for (let h = 0; h <= tip.height; h++) {
      const e = this.#state.atHeight(h) as IndexEntry
      bestHex.add(e.hex)
      const raw = await db.get(keys.block(e.hash))
      if (raw === undefined) { fail(`block ${h} (${e.hex}) missing`); continue }
      const block = decodeBlock(raw)
      if (!bytesEqual(block.hash, e.hash)) fail(`block ${h} hash mismatch`)
      const hrec = await db.get(keys.header(e.hash))
      if (hrec === undefined || (decodeHeaderRecord(hrec).status & STATUS.valid) === 0) fail(`header record ${h} missing or not valid`)
      const hi = await db.get(keys.height(h))
      if (hi === undefined || !bytesEqual(hi, e.hash)) fail(`height index ${h} wrong`)
      for (const tx of block.txs) txIndex.set(toHex(tx.txid), e.hex)
      if (h === 0) continue
      const undo = await db.get(keys.undo(e.hash))
      const spent: Uint8Array[] = []
      for (let t = 0; t < block.txs.length; t++) {
        const tx = block.txs[t]
        if (t > 0) {
          for (const i of tx.inputs) {
            const k = outpointKey(i.prevTxid, i.vout)
            const c = utxo.get(k)
            if (c === undefined) fail(`block ${h} tx ${t} spends ${k}, not in the replayed UTXO set`)
            else spent.push(c)
            utxo.delete(k)
          }
        }
        tx.outputs.forEach((o, v) => utxo.set(outpointKey(tx.txid, v), encodeCoin({ amount: o.amount, pkh: o.pkh, height: h, coinbase: t === 0 })))
      }
      if (undo === undefined) fail(`undo data of block ${h} missing`)
      else if (!bytesEqual(undo, concat(spent))) fail(`undo data of block ${h} does not match the coins it spent`)
    }
    let count = 0
    for await (const [key, value] of db.iterator(keys.range('utxo'))) {
      count++
      const { txid, vout } = outpointFromKey(key, 1)
      const k = outpointKey(txid, vout)
      const want = utxo.get(k)
      if (want === undefined) fail(`stored coin ${k} is not in the replayed UTXO set`)
      else if (!bytesEqual(want, value)) fail(`stored coin ${k} differs from the replayed one`)
    }
    if (count !== utxo.size) fail(`store holds ${count} coins, replay gives ${utxo.size}`)
    let addrCount = 0
    for await (const [key, value] of db.iterator(keys.range('addr'))) {
      addrCount++
      const { txid, vout } = outpointFromKey(key, ADDR_KEY_OUTPOINT)
      const want = utxo.get(outpointKey(txid, vout))
      if (want === undefined || !bytesEqual(want, value) || !bytesEqual(decodeCoin(value).pkh, key.subarray(1, ADDR_KEY_OUTPOINT))) {
        fail(`address index entry ${outpointKey(txid, vout)} has no matching coin`)
      }
    }
    if (addrCount !== utxo.size) fail(`address index has ${addrCount} entries, UTXO set ${utxo.size}`)
    let txCount = 0
    for await (const [key, value] of db.iterator(keys.range('txIndex'))) {
      txCount++
      const id = toHex(key.subarray(1))
      if (txIndex.get(id) !== toHex(value)) fail(`tx index entry ${id} points to the wrong block`)
    }
    if (txCount !== txIndex.size) fail(`tx index has ${txCount} entries, best chain has ${txIndex.size} transactions`)
    for await (const key of db.keys(keys.range('undo'))) {
      const hex = toHex(key.subarray(1))
      if (!bestHex.has(hex)) fail(`undo data for ${hex}, which is not on the best chain`)
    }
    for (const e of this.#state.entries()) {
      if ((e.status & STATUS.hasBlock) !== 0 && (await db.get(keys.block(e.hash))) === undefined) fail(`indexed block ${e.hex} not stored`)
    }
    return { ok: errors.length === 0, errors, height: tip.height, utxos: utxo.size }
  }

  // ------------------------------------------------------------ lifecycle

  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#hashPool?.close()
    await this.#lock.run(async () => {}, 0, true)
    await this.#db.close()
  }
}

function tipOf (e: IndexEntry): ChainTip {
  return { hash: e.hash, height: e.height, work: e.totalWork }
}

function u32le (n: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n, true)
  return b
}

/**
 * Open (creating if needed) the reference chain in `<dataDir>/chain`.
 *
 * The store is checked on open (tip, best-chain index, undo of the tip), and
 * if a crash interrupted a reorg the chain resumes it to the most-work branch.
 *
 * @example
 * ```ts
 * const chain = await createDevchain({ dataDir: '.chainwire', network: 'devnet' })
 * const node = await createNode({ network: chain.networkId, chain })
 * ```
 */
export async function createDevchain (init: DevchainInit): Promise<Devchain> {
  const network = init.network ?? 'devnet'
  const params = resolveParams(network, init.params)
  const clock = init.clock ?? Date.now
  const logger = init.logger ?? noopLogger()
  const dir = join(init.dataDir, CHAIN_DIR)
  await mkdir(dir, { recursive: true })
  let db: ChainDb
  try {
    db = await openDb(dir)
  } catch (err) {
    throw new ChainStoreError('open-failed', `cannot open the chain store in ${dir} (is another process using it?)`, { cause: err })
  }
  const mempoolRef: { current?: MempoolInternal } = {}
  let state: ChainState
  try {
    state = await openChainState({
      db,
      params,
      genesis: genesisBlock(params),
      clock,
      log: logger.forComponent(`${LOG_COMPONENT}:state`),
      syncWrites: init.syncWrites ?? false,
      sigsVerified: (txid) => mempoolRef.current?.has(txid) ?? false
    })
  } catch (err) {
    await db.close()
    throw err
  }
  const chain = new DevchainImpl({ params, dataDir: init.dataDir, db, state, clock, logger, mempool: init.mempool ?? {}, mempoolRef, hashWorkers: init.hashWorkers ?? HASH_WORKERS })
  try {
    await chain.resume()
  } catch (err) {
    await chain.close()
    throw err
  }
  return chain
}
