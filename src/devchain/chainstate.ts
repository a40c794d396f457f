/**
 * The chain state: the header index (every stored block, on any branch), the
 * best chain, and the UTXO set in LevelDB. It validates blocks against the
 * UTXO set, connects and disconnects them one atomic batch at a time, and
 * moves the tip to the valid branch with the most cumulative work.
 *
 * Not safe for concurrent use: the devchain serialises every mutating call
 * through one lock.
 *
 * @module
 */
import { bytesEqual, concat, readU32LE, toHex } from './codec.ts'
import { BLOCK_CACHE_SIZE, HASH_BYTES, MAX_FUTURE_BLOCK_TIME_SEC, MAX_MONEY, MEDIAN_TIME_SPAN } from './constants.ts'
import { pubkeyHash, verifySignature } from './crypto.ts'
import { ChainStoreError, InvalidBlockError, InvalidHeaderError, InvalidTxError } from './errors.ts'
import { decodeBlock } from './block.ts'
import type { DecodedBlock } from './block.ts'
import { decodeHeader } from './header.ts'
import { createHeaderArena } from './header-arena.ts'
import type { BlockHeader } from './header.ts'
import { blockSubsidy } from './params.ts'
import type { ConsensusParams } from './params.ts'
import { medianTime, nextBits, targetInfo } from './pow.ts'
import {
  COIN_BYTES, STATUS, decodeCoin, decodeHeaderRecord, decodeMeta, encodeCoin, encodeHeaderRecord, encodeMeta, keys
} from './store.ts'
import type { ChainDb, Coin, HeaderRecord } from './store.ts'
import { inputPubkey, inputSignature, outpointKey, sighash } from './tx.ts'
import type { DecodedTx } from './tx.ts'
import type { ChainwireError } from '../errors.ts'
import type { Logger } from '@libp2p/interface'

/** One block in the header index. */
export interface IndexEntry {
  hash: Uint8Array
  hex: string
  header: BlockHeader
  /** The serialised header: a copy in the index's header arena, never a view into a block. */
  bytes: Uint8Array
  height: number
  work: bigint
  totalWork: bigint
  status: number
  parent: IndexEntry | undefined
  /** Arrival order; the earlier of two equal-work tips wins. */
  seq: number
  /** Why the block failed, when it did in this process. */
  failure?: ChainwireError
}

/** What one activation changed. */
export interface Activation {
  oldTip: IndexEntry
  newTip: IndexEntry
  /** The last common block of the old and new best chains. */
  fork: IndexEntry
  /** Blocks that left the best chain, tip first. */
  disconnected: DecodedBlock[]
  /** Blocks that joined the best chain, in height order. */
  connected: DecodedBlock[]
}

/** Components and options of {@link openChainState}. */
export interface ChainStateInit {
  db: ChainDb
  params: ConsensusParams
  genesis: DecodedBlock
  /** Milliseconds since the epoch. */
  clock: () => number
  log: Logger
  /** fsync every batch (survives power loss, not just a process kill). */
  syncWrites: boolean
  /** True when a transaction's signatures were already verified (the mempool): a signature cache. */
  sigsVerified?: (txid: Uint8Array) => boolean
}

type BatchOp = { type: 'put', key: Uint8Array, value: Uint8Array } | { type: 'del', key: Uint8Array }

/** The chain state. See the module comment. */
export interface ChainState {
  readonly genesis: IndexEntry
  tip (): IndexEntry
  get (hex: string): IndexEntry | undefined
  /** The header with this hash if we hold it as invalid; cheap for any other hash (no hex, no index lookup). */
  failed (hash: Uint8Array): IndexEntry | undefined
  /** The best-chain block at `height`. */
  atHeight (height: number): IndexEntry | undefined
  inBestChain (e: IndexEntry): boolean
  /** The ancestor of `e` at `height` (any branch). */
  ancestor (e: IndexEntry, height: number): IndexEntry | undefined
  /** Median time of `e` and its ten predecessors. */
  medianTimePast (e: IndexEntry): number
  /** The bits a child of `parent` must carry. */
  nextBits (parent: IndexEntry): number
  /** Check a header against its stored parent (height, exact bits, time). Throws InvalidHeaderError. */
  checkHeaderContext (header: BlockHeader, parent: IndexEntry): void
  /** Persist a block whose parent is stored, returning its index entry. */
  storeBlock (block: DecodedBlock, parent: IndexEntry): Promise<IndexEntry>
  /** Move the tip to the valid stored branch with the most work. */
  activate (): Promise<Activation>
  /** Mark a stored block and its descendants invalid. */
  markFailed (e: IndexEntry, err: ChainwireError): Promise<void>
  readBlock (e: IndexEntry): Promise<DecodedBlock>
  getCoins (outpoints: Array<{ txid: Uint8Array, vout: number }>): Promise<Array<Coin | undefined>>
  /** Hash of the best-chain block holding `txid`. */
  txBlockHash (txid: Uint8Array): Promise<Uint8Array | undefined>
  /** Number of stored headers. */
  size (): number
  entries (): IterableIterator<IndexEntry>
}

function isValidationError (err: unknown): err is InvalidBlockError | InvalidTxError | InvalidHeaderError {
  return err instanceof InvalidBlockError || err instanceof InvalidTxError || err instanceof InvalidHeaderError
}

/**
 * A 32-bit word of a hash, for a first look at whether we hold it as failed.
 * The last four bytes: proof of work makes the first ones zeros.
 */
function failedTag (hash: Uint8Array): number {
  return readU32LE(hash, HASH_BYTES - 4)
}

class ChainStateImpl implements ChainState {
  readonly genesis: IndexEntry
  readonly #db: ChainDb
  readonly #params: ConsensusParams
  readonly #clock: () => number
  readonly #log: Logger
  readonly #sync: boolean
  readonly #sigsVerified: (txid: Uint8Array) => boolean
  readonly #genesisHash: Uint8Array
  readonly #index = new Map<string, IndexEntry>()
  /** {@link failedTag}s of the entries marked failed: one per such entry at most, so bounded by the index. */
  readonly #failedTags = new Set<number>()
  readonly #chain: IndexEntry[] = []
  readonly #candidates = new Set<IndexEntry>()
  readonly #blockCache = new Map<string, DecodedBlock>()
  #tip: IndexEntry
  #seq = 0
  /** Where the index keeps header bytes, side by side. */
  readonly #arena = createHeaderArena()

  constructor (init: ChainStateInit, genesis: IndexEntry) {
    this.#db = init.db
    this.#params = init.params
    this.#clock = init.clock
    this.#log = init.log
    this.#sync = init.syncWrites
    this.#sigsVerified = init.sigsVerified ?? (() => false)
    this.#genesisHash = init.genesis.hash
    this.genesis = genesis
    this.#tip = genesis
  }

  // ------------------------------------------------------------ open

  async load (genesisBlock: DecodedBlock): Promise<void> {
    const db = this.#db
    const metaBytes = await db.get(keys.meta())
    if (metaBytes === undefined) {
      for await (const _ of db.keys({ limit: 1 })) {
        throw new ChainStoreError('corrupt', 'chain store has data but no meta record')
      }
      await this.#writeGenesis(genesisBlock)
    } else {
      const meta = decodeMeta(metaBytes)
      if (meta === undefined) throw new ChainStoreError('corrupt', 'unreadable meta record')
      if (toHex(meta.genesisHash) !== this.genesis.hex) {
        throw new ChainStoreError('network-mismatch', `data dir holds the chain with genesis ${toHex(meta.genesisHash)}, expected ${this.genesis.hex} (${this.#params.networkId})`)
      }
    }

    // the header index
    // LevelDB hands the records over in hash order; they are indexed in height
    // order, so the headers of a run lie side by side in the arena and their
    // entries next to each other in the heap: serving a run of headers then
    // reads memory in order (see header-arena.ts)
    const range = keys.range('header')
    const records: Array<{ key: Uint8Array, rec: HeaderRecord, height: number }> = []
    for await (const [key, value] of db.iterator(range)) {
      const rec = decodeHeaderRecord(value)
      records.push({ key, rec, height: decodeHeader(rec.header).height })
    }
    records.sort((a, b) => a.height - b.height)
    const loaded: IndexEntry[] = new Array(records.length)
    for (let i = 0; i < records.length; i++) {
      const { key, rec } = records[i]
      const bytes = this.#arena.copy(rec.header)
      const header = decodeHeader(bytes)
      const info = targetInfo(header.bits)
      if (info === undefined) throw new ChainStoreError('corrupt', 'stored header has invalid bits')
      const hash = key.slice(1)
      loaded[i] = {
        hash, hex: toHex(hash), header, bytes, height: header.height, work: info.work,
        totalWork: rec.totalWork, status: rec.status, parent: undefined, seq: this.#seq++
      }
    }
    records.length = 0
    for (const e of loaded) {
      if (e.hex === this.genesis.hex) {
        this.genesis.status = e.status
        this.#index.set(e.hex, this.genesis)
        continue
      }
      const parent = this.#index.get(toHex(e.header.prevHash))
      if (parent === undefined) throw new ChainStoreError('corrupt', `stored header ${e.hex} has no stored parent`)
      e.parent = parent
      this.#index.set(e.hex, e)
      if ((e.status & STATUS.failed) !== 0) this.#failedTags.add(failedTag(e.hash))
    }
    if (!this.#index.has(this.genesis.hex)) throw new ChainStoreError('corrupt', 'genesis header missing')

    // the tip and the best chain
    const tipHash = await db.get(keys.tip())
    const tip = tipHash === undefined ? undefined : this.#index.get(toHex(tipHash))
    if (tip === undefined) throw new ChainStoreError('corrupt', 'tip record missing or names an unknown block')
    if ((tip.status & STATUS.hasBlock) === 0 || (tip.status & STATUS.valid) === 0) throw new ChainStoreError('corrupt', `tip ${tip.hex} is not a connected block`)
    if (tip.height > 0 && (await db.get(keys.undo(tip.hash))) === undefined) throw new ChainStoreError('corrupt', `undo data of tip ${tip.hex} missing`)
    if ((await db.get(keys.block(tip.hash))) === undefined) throw new ChainStoreError('corrupt', `block of tip ${tip.hex} missing`)
    for (let e: IndexEntry | undefined = tip; e !== undefined; e = e.parent) this.#chain[e.height] = e
    let h = 0
    for await (const [key, value] of db.iterator(keys.range('height'))) {
      const height = new DataView(key.buffer, key.byteOffset + 1, 4).getUint32(0, false)
      if (height !== h || this.#chain[h] === undefined || toHex(value) !== this.#chain[h].hex) {
        throw new ChainStoreError('corrupt', `height index at ${height} disagrees with the best chain`)
      }
      h++
    }
    if (h !== tip.height + 1) throw new ChainStoreError('corrupt', `height index has ${h} entries, tip is at ${tip.height}`)
    this.#tip = tip

    // candidates: stored, never failed, whole branch stored and not failed, more work than the tip
    const usable = new Set<IndexEntry>()
    for (const e of loaded) {
      const entry = this.#index.get(e.hex) as IndexEntry
      const ok = (entry.status & STATUS.hasBlock) !== 0 && (entry.status & STATUS.failed) === 0 &&
        (entry.parent === undefined || usable.has(entry.parent))
      if (ok) usable.add(entry)
      if (ok && entry.totalWork > tip.totalWork) this.#candidates.add(entry)
    }
    this.#log('opened chain at height %d (%s), %d headers, %d candidates', tip.height, tip.hex, this.#index.size, this.#candidates.size)
  }

  async #writeGenesis (block: DecodedBlock): Promise<void> {
    const g = this.genesis
    g.status = STATUS.hasBlock | STATUS.valid
    await this.#db.batch([
      { type: 'put', key: keys.meta(), value: encodeMeta(g.hash) },
      { type: 'put', key: keys.block(g.hash), value: block.bytes },
      { type: 'put', key: keys.header(g.hash), value: encodeHeaderRecord({ header: g.bytes, totalWork: g.totalWork, status: g.status }) },
      { type: 'put', key: keys.height(0), value: g.hash },
      { type: 'put', key: keys.txIndex(block.txs[0].txid), value: g.hash },
      { type: 'put', key: keys.tip(), value: g.hash }
    ], { sync: true })
  }

  // ------------------------------------------------------------ queries

  tip (): IndexEntry { return this.#tip }

  get (hex: string): IndexEntry | undefined { return this.#index.get(hex) }

  failed (hash: Uint8Array): IndexEntry | undefined {
    if (hash.length !== HASH_BYTES || !this.#failedTags.has(failedTag(hash))) return undefined
    const e = this.#index.get(toHex(hash))
    return e !== undefined && (e.status & STATUS.failed) !== 0 ? e : undefined
  }

  atHeight (height: number): IndexEntry | undefined {
    return height >= 0 && height <= this.#tip.height ? this.#chain[height] : undefined
  }

  inBestChain (e: IndexEntry): boolean {
    return e.height <= this.#tip.height && this.#chain[e.height] === e
  }

  ancestor (e: IndexEntry, height: number): IndexEntry | undefined {
    if (height < 0 || height > e.height) return undefined
    let cur: IndexEntry | undefined = e
    while (cur !== undefined && cur.height > height) {
      if (this.inBestChain(cur)) return this.#chain[height]
      cur = cur.parent
    }
    return cur
  }

  medianTimePast (e: IndexEntry): number {
    const times: number[] = []
    for (let cur: IndexEntry | undefined = e; cur !== undefined && times.length < MEDIAN_TIME_SPAN; cur = cur.parent) times.push(cur.header.time)
    return medianTime(times)
  }

  nextBits (parent: IndexEntry): number {
    return nextBits(
      { height: parent.height, bits: parent.header.bits, time: parent.header.time },
      (h) => (this.ancestor(parent, h) as IndexEntry).header.time,
      this.#params
    )
  }

  checkHeaderContext (header: BlockHeader, parent: IndexEntry): void {
    if (header.height !== parent.height + 1) {
      throw new InvalidHeaderError('bad-height', `header height ${header.height} does not follow parent height ${parent.height}`)
    }
    const bits = this.nextBits(parent)
    if (header.bits !== bits) {
      throw new InvalidHeaderError('unexpected-bits', `header bits 0x${header.bits.toString(16)} at height ${header.height}, expected 0x${bits.toString(16)}`)
    }
    const mtp = this.medianTimePast(parent)
    if (header.time <= mtp) throw new InvalidHeaderError('time-too-old', `header time ${header.time} is not after the median time past ${mtp}`)
    const limit = Math.floor(this.#clock() / 1000) + MAX_FUTURE_BLOCK_TIME_SEC
    if (header.time > limit) throw new InvalidHeaderError('time-too-new', `header time ${header.time} is more than ${MAX_FUTURE_BLOCK_TIME_SEC} s ahead of our clock`, 'ignore')
  }

  size (): number { return this.#index.size }

  entries (): IterableIterator<IndexEntry> { return this.#index.values() }

  async readBlock (e: IndexEntry): Promise<DecodedBlock> {
    const cached = this.#blockCache.get(e.hex)
    if (cached !== undefined) return cached
    const bytes = await this.#db.get(keys.block(e.hash))
    if (bytes === undefined) throw new ChainStoreError('corrupt', `block ${e.hex} is indexed but not stored`)
    const block = decodeBlock(bytes)
    this.#cacheBlock(block)
    return block
  }

  #cacheBlock (block: DecodedBlock): void {
    const hex = toHex(block.hash)
    this.#blockCache.delete(hex)
    this.#blockCache.set(hex, block)
    if (this.#blockCache.size > BLOCK_CACHE_SIZE) this.#blockCache.delete(this.#blockCache.keys().next().value as string)
  }

  async getCoins (outpoints: Array<{ txid: Uint8Array, vout: number }>): Promise<Array<Coin | undefined>> {
    if (outpoints.length === 0) return []
    const values = await this.#db.getMany(outpoints.map(o => keys.utxo(o.txid, o.vout)))
    return values.map(v => v === undefined ? undefined : decodeCoin(v))
  }

  async txBlockHash (txid: Uint8Array): Promise<Uint8Array | undefined> {
    return await this.#db.get(keys.txIndex(txid))
  }

  // ------------------------------------------------------------ storing

  async storeBlock (block: DecodedBlock, parent: IndexEntry): Promise<IndexEntry> {
    const bytes = this.#arena.copy(block.headerBytes)
    const info = targetInfo(block.header.bits)
    if (info === undefined) throw new InvalidHeaderError('bad-bits', 'invalid bits')
    const entry: IndexEntry = {
      hash: new Uint8Array(block.hash),
      hex: toHex(block.hash),
      header: decodeHeader(bytes),
      bytes,
      height: block.header.height,
      work: info.work,
      totalWork: parent.totalWork + info.work,
      status: STATUS.hasBlock,
      parent,
      seq: this.#seq++
    }
    await this.#db.batch([
      { type: 'put', key: keys.block(entry.hash), value: block.bytes },
      { type: 'put', key: keys.header(entry.hash), value: encodeHeaderRecord({ header: bytes, totalWork: entry.totalWork, status: entry.status }) }
    ], { sync: this.#sync })
    this.#index.set(entry.hex, entry)
    this.#cacheBlock(block)
    if (entry.totalWork > this.#tip.totalWork) this.#candidates.add(entry)
    return entry
  }

  async markFailed (e: IndexEntry, err: ChainwireError): Promise<void> {
    e.status |= STATUS.failed
    e.failure = err
    this.#failedTags.add(failedTag(e.hash))
    this.#candidates.delete(e)
    await this.#db.put(keys.header(e.hash), encodeHeaderRecord({ header: e.bytes, totalWork: e.totalWork, status: e.status }), { sync: this.#sync })
    // descendants (never on the best chain: e is not) become invalid too, in memory
    for (const d of this.#index.values()) {
      if (d.height <= e.height || this.inBestChain(d) || (d.status & STATUS.failed) !== 0) continue
      if (this.ancestor(d, e.height) === e) {
        d.status |= STATUS.failed
        this.#failedTags.add(failedTag(d.hash))
        d.failure = new InvalidBlockError('invalid-ancestor', `block ${d.hex} descends from invalid block ${e.hex}`)
        this.#candidates.delete(d)
      }
    }
    this.#log('block %s at height %d is invalid: %s', e.hex, e.height, err.message)
  }

  // ------------------------------------------------------------ activation

  #bestCandidate (): IndexEntry | undefined {
    let best: IndexEntry | undefined
    for (const c of this.#candidates) {
      if ((c.status & STATUS.failed) !== 0) continue
      if (best === undefined || c.totalWork > best.totalWork || (c.totalWork === best.totalWork && c.seq < best.seq)) best = c
    }
    return best
  }

  #fork (a: IndexEntry, b: IndexEntry): IndexEntry {
    let x: IndexEntry = a
    let y: IndexEntry = b
    while (x.height > y.height) x = x.parent as IndexEntry
    while (y.height > x.height) y = y.parent as IndexEntry
    while (x !== y) {
      x = x.parent as IndexEntry
      y = y.parent as IndexEntry
    }
    return x
  }

  async activate (): Promise<Activation> {
    const oldTip = this.#tip
    for (;;) {
      const best = this.#bestCandidate()
      if (best === undefined || best.totalWork <= this.#tip.totalWork) break
      const fork = this.#fork(this.#tip, best)
      const path: IndexEntry[] = []
      for (let e: IndexEntry = best; e !== fork; e = e.parent as IndexEntry) path.push(e)
      path.reverse()
      const bad = path.findIndex(e => (e.status & STATUS.failed) !== 0)
      if (bad >= 0) {
        await this.markFailed(path[bad], path[bad].failure ?? new InvalidBlockError('known-invalid', `block ${path[bad].hex} is known invalid`))
        continue
      }
      while (this.#tip !== fork) {
        const gone = this.#tip
        await this.#disconnectTip()
        this.#candidates.add(gone)
      }
      for (const e of path) {
        const block = await this.readBlock(e)
        try {
          await this.#connectBlock(e, block)
        } catch (err) {
          if (!isValidationError(err)) throw err
          await this.markFailed(e, err)
          break
        }
      }
    }
    for (const c of this.#candidates) if (c.totalWork <= this.#tip.totalWork) this.#candidates.delete(c)

    const newTip = this.#tip
    const fork = this.#fork(oldTip, newTip)
    const disconnected: DecodedBlock[] = []
    for (let e = oldTip; e !== fork; e = e.parent as IndexEntry) disconnected.push(await this.readBlock(e))
    const connected: DecodedBlock[] = []
    for (let h = fork.height + 1; h <= newTip.height; h++) connected.push(await this.readBlock(this.#chain[h]))
    return { oldTip, newTip, fork, disconnected, connected }
  }

  // ------------------------------------------------------------ connect / disconnect

  async #connectBlock (entry: IndexEntry, block: DecodedBlock): Promise<void> {
    const params = this.#params
    const height = entry.height
    const txs = block.txs

    // pass 1: in-block spends and double spends; which coins come from the store
    const created = new Map<string, Coin>()
    const spentInBlock = new Set<string>()
    const fromDb: Array<{ txid: Uint8Array, vout: number }> = []
    const fromDbKeys: string[] = []
    for (let t = 0; t < txs.length; t++) {
      const tx = txs[t]
      if (t > 0) {
        for (const input of tx.inputs) {
          const key = outpointKey(input.prevTxid, input.vout)
          if (spentInBlock.has(key)) {
            throw new InvalidBlockError('double-spend', `transaction ${t} spends ${key}, already spent in this block`, 'fatal', t)
          }
          spentInBlock.add(key)
          if (!created.has(key)) {
            fromDb.push({ txid: input.prevTxid, vout: input.vout })
            fromDbKeys.push(key)
          }
        }
      }
      const coinbase = t === 0
      for (let v = 0; v < tx.outputs.length; v++) {
        created.set(outpointKey(tx.txid, v), { amount: tx.outputs[v].amount, pkh: tx.outputs[v].pkh, height, coinbase })
      }
    }
    const dbCoins = new Map<string, Coin>()
    const got = await this.getCoins(fromDb)
    for (let i = 0; i < got.length; i++) {
      const c = got[i]
      if (c !== undefined) dbCoins.set(fromDbKeys[i], c)
    }

    // pass 2: coins, maturity, amounts, signatures
    const ops: BatchOp[] = []
    const undo: Uint8Array[] = []
    let fees = 0n
    for (let t = 1; t < txs.length; t++) {
      const tx = txs[t]
      let inSum = 0n
      for (let i = 0; i < tx.inputs.length; i++) {
        const input = tx.inputs[i]
        const key = outpointKey(input.prevTxid, input.vout)
        const coin = dbCoins.get(key) ?? created.get(key)
        if (coin === undefined) {
          const confirmed = await this.txBlockHash(input.prevTxid)
          if (confirmed !== undefined) throw new InvalidBlockError('double-spend', `transaction ${t} input ${i} spends ${key}, which is spent or does not exist`, 'fatal', t)
          throw new InvalidBlockError('missing-inputs', `transaction ${t} input ${i} spends unknown output ${key}`, 'fatal', t)
        }
        if (coin.coinbase && height - coin.height < params.coinbaseMaturity) {
          throw new InvalidBlockError('immature-coinbase-spend', `transaction ${t} spends coinbase ${key} from height ${coin.height} at height ${height} (maturity ${params.coinbaseMaturity})`, 'fatal', t)
        }
        inSum += coin.amount
        if (coin.amount > MAX_MONEY || inSum > MAX_MONEY) throw new InvalidBlockError('amount-out-of-range', `transaction ${t} inputs exceed ${MAX_MONEY}`, 'fatal', t)
        undo.push(encodeCoin(coin))
        if (dbCoins.has(key)) {
          ops.push({ type: 'del', key: keys.utxo(input.prevTxid, input.vout) })
          ops.push({ type: 'del', key: keys.addr(coin.pkh, input.prevTxid, input.vout) })
        }
      }
      let outSum = 0n
      for (const o of tx.outputs) outSum += o.amount
      if (inSum < outSum) throw new InvalidBlockError('overspend', `transaction ${t} spends ${outSum} but its inputs hold ${inSum}`, 'fatal', t)
      fees += inSum - outSum
      if (!this.#sigsVerified(tx.txid)) this.#checkSignatures(tx, t, (i) => {
        const input = tx.inputs[i]
        const key = outpointKey(input.prevTxid, input.vout)
        return (dbCoins.get(key) ?? created.get(key)) as Coin
      })
    }
    const coinbase = txs[0]
    let reward = 0n
    for (const o of coinbase.outputs) reward += o.amount
    const allowed = blockSubsidy(height, params) + fees
    if (reward > allowed) throw new InvalidBlockError('coinbase-too-large', `coinbase pays ${reward}, allowed ${allowed} (subsidy + fees)`, 'fatal', 0)

    // the batch: new coins not spent in this block, tx index, undo, height index, status, tip
    for (const tx of txs) {
      for (let v = 0; v < tx.outputs.length; v++) {
        const key = outpointKey(tx.txid, v)
        if (spentInBlock.has(key)) continue
        const coin = created.get(key) as Coin
        const value = encodeCoin(coin)
        ops.push({ type: 'put', key: keys.utxo(tx.txid, v), value })
        ops.push({ type: 'put', key: keys.addr(coin.pkh, tx.txid, v), value })
      }
      ops.push({ type: 'put', key: keys.txIndex(tx.txid), value: entry.hash })
    }
    ops.push({ type: 'put', key: keys.undo(entry.hash), value: concat(undo) })
    ops.push({ type: 'put', key: keys.height(height), value: entry.hash })
    const status = entry.status | STATUS.valid
    ops.push({ type: 'put', key: keys.header(entry.hash), value: encodeHeaderRecord({ header: entry.bytes, totalWork: entry.totalWork, status }) })
    ops.push({ type: 'put', key: keys.tip(), value: entry.hash })
    await this.#db.batch(ops, { sync: this.#sync })

    entry.status = status
    this.#chain[height] = entry
    this.#chain.length = height + 1
    this.#tip = entry
  }

  #checkSignatures (tx: DecodedTx, t: number, coinOf: (i: number) => Coin): void {
    const msg = sighash(tx, this.#genesisHash)
    for (let i = 0; i < tx.inputs.length; i++) {
      const input = tx.inputs[i]
      const pubkey = inputPubkey(input)
      const coin = coinOf(i)
      if (!bytesEqual(coin.pkh, pubkeyHash(pubkey))) {
        throw new InvalidBlockError('pubkey-mismatch', `transaction ${t} input ${i}: key does not hash to the spent output's pkh`, 'fatal', t)
      }
      if (!verifySignature(pubkey, msg, inputSignature(input))) {
        throw new InvalidBlockError('bad-signature', `transaction ${t} input ${i}: invalid signature`, 'fatal', t)
      }
    }
  }

  async #disconnectTip (): Promise<void> {
    const entry = this.#tip
    const parent = entry.parent
    if (parent === undefined) throw new ChainStoreError('corrupt', 'cannot disconnect genesis')
    const block = await this.readBlock(entry)
    const undoBytes = await this.#db.get(keys.undo(entry.hash))
    if (undoBytes === undefined) throw new ChainStoreError('corrupt', `undo data of ${entry.hex} missing`)
    const txs = block.txs
    // undo offsets: coins are stored in (tx, input) order for non-coinbase txs
    const offsets: number[] = new Array(txs.length).fill(0)
    let n = 0
    for (let t = 1; t < txs.length; t++) {
      offsets[t] = n
      n += txs[t].inputs.length
    }
    if (undoBytes.length !== n * COIN_BYTES) throw new ChainStoreError('corrupt', `undo data of ${entry.hex} has ${undoBytes.length} bytes, expected ${n * COIN_BYTES}`)
    const ops: BatchOp[] = []
    for (let t = txs.length - 1; t >= 0; t--) {
      const tx = txs[t]
      for (let v = 0; v < tx.outputs.length; v++) {
        ops.push({ type: 'del', key: keys.utxo(tx.txid, v) })
        ops.push({ type: 'del', key: keys.addr(tx.outputs[v].pkh, tx.txid, v) })
      }
      ops.push({ type: 'del', key: keys.txIndex(tx.txid) })
      if (t === 0) continue
      for (let i = 0; i < tx.inputs.length; i++) {
        const input = tx.inputs[i]
        const off = (offsets[t] + i) * COIN_BYTES
        const value = undoBytes.subarray(off, off + COIN_BYTES)
        const coin = decodeCoin(value)
        ops.push({ type: 'put', key: keys.utxo(input.prevTxid, input.vout), value: new Uint8Array(value) })
        ops.push({ type: 'put', key: keys.addr(coin.pkh, input.prevTxid, input.vout), value: new Uint8Array(value) })
      }
    }
    ops.push({ type: 'del', key: keys.undo(entry.hash) })
    ops.push({ type: 'del', key: keys.height(entry.height) })
    ops.push({ type: 'put', key: keys.tip(), value: parent.hash })
    await this.#db.batch(ops, { sync: this.#sync })
    this.#chain.length = entry.height
    this.#tip = parent
  }
}

/** Open the chain state on `db`, writing genesis into an empty store and checking the store's consistency. */
export async function openChainState (init: ChainStateInit): Promise<ChainState> {
  const g = init.genesis
  const info = targetInfo(g.header.bits)
  if (info === undefined) throw new ChainStoreError('corrupt', 'genesis has invalid bits')
  const bytes = new Uint8Array(g.headerBytes)
  const genesis: IndexEntry = {
    hash: new Uint8Array(g.hash), hex: toHex(g.hash), header: decodeHeader(bytes), bytes, height: 0,
    work: info.work, totalWork: info.work, status: STATUS.hasBlock | STATUS.valid, parent: undefined, seq: 0
  }
  const state = new ChainStateImpl(init, genesis)
  await state.load(g)
  return state
}
