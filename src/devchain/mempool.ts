/**
 * The transaction pool: validated unconfirmed transactions ordered by fee
 * rate, with caps in bytes and count (the lowest fee rate is evicted), a
 * minimum relay fee, conflict rejection (no replacement), entry expiry, and a
 * bounded per-peer pool of orphans (transactions whose parents we lack),
 * resolved when a parent arrives and dropped on expiry.
 *
 * Not safe for concurrent use: the devchain calls it under the chain lock, so
 * the UTXO view cannot change while a transaction is being checked.
 *
 * @module
 */
import { bytesEqual, toHex, varintSize } from './codec.ts'
import {
  DEFAULT_MAX_ORPHAN_TXS, DEFAULT_MAX_ORPHAN_TXS_PER_PEER, DEFAULT_MEMPOOL_EXPIRY_MS, DEFAULT_MEMPOOL_MAX_BYTES,
  DEFAULT_MEMPOOL_MAX_COUNT, DEFAULT_ORPHAN_TX_EXPIRY_MS, INCREMENTAL_RELAY_FEE_RATE, MAX_MONEY, MAX_ORPHAN_TX_BYTES,
  MAX_ORPHANS_RESOLVED_PER_TX, MAX_TX_BYTES, MEMPOOL_EXPIRY_SWEEP_MS, MEMPOOL_FULL_FRACTION, MIN_RELAY_FEE_RATE
} from './constants.ts'
import { pubkeyHash, verifySignature } from './crypto.ts'
import { InvalidTxError, MalformedError } from './errors.ts'
import type { DecodedBlock } from './block.ts'
import type { ConsensusParams } from './params.ts'
import type { Coin } from './store.ts'
import { checkTxSanity, decodeTx, inputPubkey, inputSignature, isCoinbase, outpointKey, sighash } from './tx.ts'
import type { DecodedTx } from './tx.ts'
import type { ChainEvents, FromPeerOptions, Hash, Mempool, MempoolAddResult, MempoolEntry } from '../chain/index.ts'
import { ChainwireError } from '../errors.ts'
import type { Logger } from '@libp2p/interface'

/** Mempool options. Plain data. */
export interface MempoolInit {
  /** @default DEFAULT_MEMPOOL_MAX_BYTES */
  maxBytes?: number
  /** @default DEFAULT_MEMPOOL_MAX_COUNT */
  maxCount?: number
  /** @default DEFAULT_MEMPOOL_EXPIRY_MS */
  expiryMs?: number
  /** @default DEFAULT_MAX_ORPHAN_TXS */
  maxOrphans?: number
  /** @default DEFAULT_MAX_ORPHAN_TXS_PER_PEER */
  maxOrphansPerPeer?: number
  /** @default DEFAULT_ORPHAN_TX_EXPIRY_MS */
  orphanExpiryMs?: number
  /** Base units per 1000 bytes. @default MIN_RELAY_FEE_RATE */
  minRelayFeeRate?: number
}

/** What the mempool needs to know about the chain. */
export interface MempoolView {
  params: ConsensusParams
  genesisHash: Uint8Array
  tipHeight (): number
  getCoins (outpoints: Array<{ txid: Uint8Array, vout: number }>): Promise<Array<Coin | undefined>>
  txBlockHash (txid: Uint8Array): Promise<Uint8Array | undefined>
}

/** What the mempool needs from its owner: the chain view, a clock, a logger and an event sink. */
export interface MempoolComponents {
  view: MempoolView
  clock: () => number
  log: Logger
  emit: <K extends 'tx:added' | 'tx:removed'>(type: K, detail: ChainEvents[K]['detail']) => void
}

/** A pool entry with the decoded transaction and its in-pool relatives. */
export interface DevMempoolEntry extends MempoolEntry {
  readonly hex: string
  readonly decoded: DecodedTx
  readonly parents: ReadonlySet<DevMempoolEntry>
  readonly children: ReadonlySet<DevMempoolEntry>
}

/** The devchain's mempool: the seam's {@link Mempool} plus what the chain, miner and wallet need. */
export interface DevMempool extends Mempool {
  /** Drop the orphans a peer sent (call when it disconnects). */
  forgetPeer (peer: string): void
  /** Drop expired entries and orphans now. */
  expire (): Promise<void>
  /** Total serialised bytes of the entries. */
  bytes (): number
  orphanCount (): number
  hasOrphan (txid: Hash): boolean
  entry (txid: Hash): DevMempoolEntry | undefined
  /** The pool transaction spending an outpoint, if any. */
  spender (txid: Hash, vout: number): DevMempoolEntry | undefined
  /** Transactions for a block, best fee rate first with parents before children, within the budgets. */
  select (maxBytes: number, maxSigops: number): DecodedTx[]
}

/** What the chain itself calls, under its lock. Not part of the public surface. */
export interface MempoolInternal extends Omit<DevMempool, 'expire'> {
  /** Drop expired entries and orphans now. */
  expire (): void
  /** The chain connected `block` on top of the previous tip. */
  blockConnected (block: DecodedBlock): Promise<void>
  /** The chain switched branches. `disconnected` is tip first, `connected` in height order. */
  reorg (disconnected: DecodedBlock[], connected: DecodedBlock[]): Promise<void>
}

interface Entry extends DevMempoolEntry {
  spends: string[]
  parents: Set<Entry>
  children: Set<Entry>
  seq: number
  sigops: number
}

interface Orphan {
  tx: DecodedTx
  hex: string
  peer: string
  expires: number
  missing: string[]
}

interface AcceptOptions {
  peer?: string
  /** Signatures already verified (re-adding after a reorg). */
  skipSig?: boolean
  /** No fee floor, no eviction check (re-adding disconnected block transactions). */
  bypassFee?: boolean
  added?: number
}

type Removal = { entry: Entry, reason: 'block' | 'conflict' | 'evicted' | 'expired' | 'reorg' }

interface AcceptOutcome {
  result: MempoolAddResult
  entry?: Entry
  evicted: Removal[]
  /** Parent txids (hex) we lack, for orphans. */
  missing?: string[]
}

const LOCAL_PEER = ''

class MempoolImpl implements MempoolInternal {
  readonly #view: MempoolView
  readonly #clock: () => number
  readonly #log: Logger
  readonly #emit: MempoolComponents['emit']
  readonly #maxBytes: number
  readonly #maxCount: number
  readonly #expiryMs: number
  readonly #maxOrphans: number
  readonly #maxOrphansPerPeer: number
  readonly #orphanExpiryMs: number
  readonly #minRelay: number

  readonly #byTxid = new Map<string, Entry>()
  readonly #spentBy = new Map<string, Entry>()
  /** Ascending fee rate; among equal rates the newest first (evicted first). */
  #byFee: Entry[] = []
  #bytes = 0
  #seq = 0
  #lastSweep = 0

  readonly #orphans = new Map<string, Orphan>()
  readonly #orphansByParent = new Map<string, Set<string>>()
  readonly #orphansByPeer = new Map<string, Set<string>>()

  constructor (init: MempoolInit, components: MempoolComponents) {
    this.#view = components.view
    this.#clock = components.clock
    this.#log = components.log
    this.#emit = components.emit
    this.#maxBytes = init.maxBytes ?? DEFAULT_MEMPOOL_MAX_BYTES
    this.#maxCount = init.maxCount ?? DEFAULT_MEMPOOL_MAX_COUNT
    this.#expiryMs = init.expiryMs ?? DEFAULT_MEMPOOL_EXPIRY_MS
    this.#maxOrphans = init.maxOrphans ?? DEFAULT_MAX_ORPHAN_TXS
    this.#maxOrphansPerPeer = init.maxOrphansPerPeer ?? DEFAULT_MAX_ORPHAN_TXS_PER_PEER
    this.#orphanExpiryMs = init.orphanExpiryMs ?? DEFAULT_ORPHAN_TX_EXPIRY_MS
    this.#minRelay = init.minRelayFeeRate ?? MIN_RELAY_FEE_RATE
  }

  // ------------------------------------------------------------ seam

  has (txid: Hash): boolean { return this.#byTxid.has(toHex(txid)) }

  get (txid: Hash): Uint8Array | undefined { return this.#byTxid.get(toHex(txid))?.tx }

  size (): number { return this.#byTxid.size }

  entries (): Iterable<MempoolEntry> { return this.#byTxid.values() }

  feeRateOf (txid: Hash): number | undefined { return this.#byTxid.get(toHex(txid))?.feeRate }

  minFeeRate (): number {
    const lowest = this.#byFee[0]
    if (lowest !== undefined && this.#isFull()) return Math.max(this.#minRelay, lowest.feeRate + INCREMENTAL_RELAY_FEE_RATE)
    return this.#minRelay
  }

  async add (bytes: Uint8Array, options: FromPeerOptions = {}): Promise<MempoolAddResult> {
    const now = this.#clock()
    if (now - this.#lastSweep >= MEMPOOL_EXPIRY_SWEEP_MS) this.expire()
    let tx: DecodedTx
    try {
      tx = decodeTx(bytes)
    } catch (err) {
      if (err instanceof ChainwireError) return { status: 'invalid', error: err }
      return { status: 'invalid', error: new MalformedError('bad-length', 'transaction could not be decoded') }
    }
    const outcome = await this.#accept(tx, { peer: options.peer })
    this.#publish(outcome, options.peer)
    if (outcome.result.status === 'orphan') {
      this.#addOrphan(tx, options.peer ?? LOCAL_PEER, outcome.missing ?? [])
    }
    if (outcome.result.status === 'accepted') await this.#resolveOrphans([toHex(tx.txid)])
    return outcome.result
  }

  // ------------------------------------------------------------ extras

  forgetPeer (peer: string): void {
    for (const hex of [...(this.#orphansByPeer.get(peer) ?? [])]) this.#dropOrphan(hex)
  }

  expire (): void {
    const now = this.#clock()
    this.#lastSweep = now
    const removed: Removal[] = []
    for (const e of [...this.#byTxid.values()]) {
      if (e.added + this.#expiryMs <= now && this.#byTxid.has(e.hex)) this.#removeTree(e, 'expired', removed)
    }
    this.#emitRemovals(removed)
    for (const o of [...this.#orphans.values()]) if (o.expires <= now) this.#dropOrphan(o.hex)
  }

  bytes (): number { return this.#bytes }

  orphanCount (): number { return this.#orphans.size }

  hasOrphan (txid: Hash): boolean { return this.#orphans.has(toHex(txid)) }

  entry (txid: Hash): DevMempoolEntry | undefined { return this.#byTxid.get(toHex(txid)) }

  spender (txid: Hash, vout: number): DevMempoolEntry | undefined { return this.#spentBy.get(outpointKey(txid, vout)) }

  select (maxBytes: number, maxSigops: number): DecodedTx[] {
    const included = new Set<Entry>()
    let bytes = 0
    let sigops = 0
    for (let i = this.#byFee.length - 1; i >= 0; i--) {
      const e = this.#byFee[i]
      if (included.has(e)) continue
      const pkg: Entry[] = []
      const seen = new Set<Entry>()
      const visit = (x: Entry): void => {
        if (included.has(x) || seen.has(x)) return
        seen.add(x)
        for (const p of x.parents) visit(p)
        pkg.push(x)
      }
      visit(e)
      let pb = 0
      let ps = 0
      for (const x of pkg) {
        pb += x.size + varintSize(x.size) // the length prefix each transaction gets in a block
        ps += x.sigops
      }
      if (bytes + pb > maxBytes || sigops + ps > maxSigops) continue
      for (const x of pkg) included.add(x)
      bytes += pb
      sigops += ps
    }
    return [...included].sort((a, b) => a.seq - b.seq).map(e => e.decoded)
  }

  async blockConnected (block: DecodedBlock): Promise<void> {
    const removed: Removal[] = []
    for (const tx of block.txs) {
      const e = this.#byTxid.get(toHex(tx.txid))
      if (e !== undefined) this.#removeOne(e, 'block', removed)
    }
    for (const tx of block.txs) {
      for (const input of tx.inputs) {
        const e = this.#spentBy.get(outpointKey(input.prevTxid, input.vout))
        if (e !== undefined) this.#removeTree(e, 'conflict', removed)
      }
    }
    this.#emitRemovals(removed)
    if (this.#clock() - this.#lastSweep >= MEMPOOL_EXPIRY_SWEEP_MS) this.expire()
    await this.#resolveOrphans(block.txs.map(t => toHex(t.txid)))
  }

  async reorg (disconnected: DecodedBlock[], connected: DecodedBlock[]): Promise<void> {
    const confirmed = new Set<string>()
    for (const b of connected) for (const t of b.txs) confirmed.add(toHex(t.txid))
    const old = [...this.#byTxid.values()]
    const oldIds = new Set(old.map(e => e.hex))
    this.#byTxid.clear()
    this.#spentBy.clear()
    this.#byFee = []
    this.#bytes = 0

    const removed: Removal[] = []
    // disconnected transactions first (oldest block first), then the old pool, in topological order
    const back: DecodedTx[] = []
    for (let b = disconnected.length - 1; b >= 0; b--) {
      for (const tx of disconnected[b].txs) if (!isCoinbase(tx) && !confirmed.has(toHex(tx.txid))) back.push(tx)
    }
    for (const tx of back) {
      if (oldIds.has(toHex(tx.txid))) continue
      const o = await this.#accept(tx, { skipSig: true, bypassFee: true })
      removed.push(...o.evicted)
    }
    for (const e of old) {
      const o = await this.#accept(e.decoded, { skipSig: true, bypassFee: true, added: e.added })
      removed.push(...o.evicted)
      if (o.entry === undefined) {
        const r = o.result
        const reason = confirmed.has(e.hex)
          ? 'block'
          : r.status === 'conflict' || (r.status === 'invalid' && r.error instanceof InvalidTxError && r.error.rule === 'input-spent') ? 'conflict' : 'reorg'
        removed.push({ entry: e, reason })
      }
    }
    this.#trim(removed)
    // report the difference between the old pool and the new one, once per transaction
    const reasons = new Map<string, Removal>()
    for (const r of removed) if (!reasons.has(r.entry.hex)) reasons.set(r.entry.hex, r)
    for (const e of old) {
      if (this.#byTxid.has(e.hex)) continue
      this.#emit('tx:removed', { txid: e.txid, reason: reasons.get(e.hex)?.reason ?? 'reorg' })
    }
    let readded = 0
    for (const e of this.#byTxid.values()) {
      if (oldIds.has(e.hex)) continue
      readded++
      this.#emit('tx:added', { txid: e.txid, feeRate: e.feeRate })
    }
    this.expire()
    await this.#resolveOrphans([...confirmed])
    this.#log('mempool after reorg: %d entries, %d re-added from disconnected blocks', this.#byTxid.size, readded)
  }

  // ------------------------------------------------------------ acceptance

  async #accept (tx: DecodedTx, opts: AcceptOptions): Promise<AcceptOutcome> {
    const txid = tx.txid
    const hex = toHex(txid)
    const size = tx.bytes.length
    const evicted: Removal[] = []
    const invalid = (rule: InvalidTxError['rule'], msg: string, verdict: 'fatal' | 'ignore' = 'fatal'): AcceptOutcome =>
      ({ result: { status: 'invalid', txid, error: new InvalidTxError(rule, `tx ${hex}: ${msg}`, verdict) }, evicted })

    if (this.#byTxid.has(hex)) return { result: { status: 'duplicate', txid }, evicted }
    if (this.#orphans.has(hex)) return { result: { status: 'duplicate', txid }, evicted }
    if (size > MAX_TX_BYTES) return invalid('too-large', `${size} bytes (max ${MAX_TX_BYTES})`)
    if (isCoinbase(tx)) return invalid('unexpected-coinbase', 'a coinbase is only valid in a block')
    try {
      checkTxSanity(tx, size)
    } catch (err) {
      if (err instanceof InvalidTxError) return { result: { status: 'invalid', txid, error: err }, evicted }
      throw err
    }

    // conflicts and in-pool parents
    const parents = new Set<Entry>()
    const coins: Array<Coin | undefined> = new Array(tx.inputs.length)
    const fromDb: number[] = []
    for (let i = 0; i < tx.inputs.length; i++) {
      const input = tx.inputs[i]
      const key = outpointKey(input.prevTxid, input.vout)
      const other = this.#spentBy.get(key)
      if (other !== undefined) {
        return { result: { status: 'conflict', txid, reason: `input ${i} spends ${key}, already spent by ${other.hex} in the mempool` }, evicted }
      }
      const parent = this.#byTxid.get(toHex(input.prevTxid))
      if (parent !== undefined) {
        const out = parent.decoded.outputs[input.vout]
        if (out === undefined) return invalid('missing-inputs', `input ${i} spends ${key}: the parent has ${parent.decoded.outputs.length} outputs`)
        coins[i] = { amount: out.amount, pkh: out.pkh, height: this.#view.tipHeight() + 1, coinbase: false }
        parents.add(parent)
      } else {
        fromDb.push(i)
      }
    }
    const dbCoins = await this.#view.getCoins(fromDb.map(i => ({ txid: tx.inputs[i].prevTxid, vout: tx.inputs[i].vout })))
    for (let j = 0; j < fromDb.length; j++) coins[fromDb[j]] = dbCoins[j]

    const missingIdx = coins.flatMap((c, i) => c === undefined ? [i] : [])
    if (missingIdx.length > 0) {
      if ((await this.#view.txBlockHash(txid)) !== undefined) return { result: { status: 'duplicate', txid }, evicted }
      const missingParents = [...new Set(missingIdx.map(i => toHex(tx.inputs[i].prevTxid)))]
      for (const i of missingIdx) {
        if ((await this.#view.txBlockHash(tx.inputs[i].prevTxid)) !== undefined) {
          return invalid('input-spent', `input ${i} spends ${outpointKey(tx.inputs[i].prevTxid, tx.inputs[i].vout)}, which is spent or does not exist`, 'ignore')
        }
      }
      return { result: { status: 'orphan', txid, missing: missingParents.map(h => Uint8Array.from(Buffer.from(h, 'hex'))) }, evicted, missing: missingParents }
    }

    // maturity and amounts
    const height = this.#view.tipHeight() + 1
    const maturity = this.#view.params.coinbaseMaturity
    let inSum = 0n
    for (let i = 0; i < coins.length; i++) {
      const c = coins[i] as Coin
      if (c.coinbase && height - c.height < maturity) {
        return invalid('immature-coinbase-spend', `input ${i} spends a coinbase from height ${c.height}, spendable at ${c.height + maturity}`, 'ignore')
      }
      inSum += c.amount
    }
    if (inSum > MAX_MONEY) return invalid('amount-out-of-range', `inputs total ${inSum} exceeds ${MAX_MONEY}`)
    let outSum = 0n
    for (const o of tx.outputs) outSum += o.amount
    if (inSum < outSum) return invalid('overspend', `spends ${outSum} but its inputs hold ${inSum}`)
    const fee = inSum - outSum
    const feeRate = Number(fee * 1000n / BigInt(size))

    // fee floor and room
    let victims: Entry[] = []
    if (opts.bypassFee !== true) {
      if (feeRate < this.#minRelay) {
        return { result: { status: 'fee-too-low', txid, reason: `fee rate ${feeRate} below the minimum relay fee rate ${this.#minRelay}` }, evicted }
      }
      const room = this.#victimsFor(size, feeRate, parents)
      if (room === undefined) {
        return { result: { status: 'fee-too-low', txid, reason: `mempool full: fee rate ${feeRate} does not beat the lowest entries by ${INCREMENTAL_RELAY_FEE_RATE}` }, evicted }
      }
      victims = room
    }

    // signatures last: the expensive check
    if (opts.skipSig !== true) {
      const msg = sighash(tx, this.#view.genesisHash)
      for (let i = 0; i < tx.inputs.length; i++) {
        const input = tx.inputs[i]
        const pubkey = inputPubkey(input)
        if (!bytesEqual(pubkeyHash(pubkey), (coins[i] as Coin).pkh)) return invalid('pubkey-mismatch', `input ${i}: key does not hash to the spent output's pkh`)
        if (!verifySignature(pubkey, msg, inputSignature(input))) return invalid('bad-signature', `input ${i}: invalid signature`)
      }
    }

    for (const v of victims) if (this.#byTxid.has(v.hex)) this.#removeTree(v, 'evicted', evicted)
    const entry: Entry = {
      txid, tx: tx.bytes, fee, size, feeRate, added: opts.added ?? this.#clock(),
      hex, decoded: tx, spends: tx.inputs.map(i => outpointKey(i.prevTxid, i.vout)),
      parents, children: new Set(), seq: this.#seq++, sigops: tx.inputs.length
    }
    this.#insert(entry)
    return { result: { status: 'accepted', txid }, entry, evicted }
  }

  /** Entries to evict so a newcomer fits, or undefined if it does not pay enough to evict them. */
  #victimsFor (size: number, feeRate: number, parents: Set<Entry>): Entry[] | undefined {
    let count = this.#byTxid.size + 1
    let bytes = this.#bytes + size
    if (count <= this.#maxCount && bytes <= this.#maxBytes) return []
    if (size > this.#maxBytes) return undefined
    const ancestors = new Set<Entry>()
    const walk = (e: Entry): void => {
      if (ancestors.has(e)) return
      ancestors.add(e)
      for (const p of e.parents) walk(p)
    }
    for (const p of parents) walk(p)
    const chosen = new Set<Entry>()
    for (const low of this.#byFee) {
      if (count <= this.#maxCount && bytes <= this.#maxBytes) break
      // never evict the newcomer's own ancestors (a descendant of a non-ancestor is not one either)
      if (chosen.has(low) || ancestors.has(low)) continue
      if (low.feeRate + INCREMENTAL_RELAY_FEE_RATE > feeRate) return undefined
      const tree: Entry[] = []
      this.#collectTree(low, tree, chosen)
      for (const e of tree) {
        chosen.add(e)
        count--
        bytes -= e.size
      }
    }
    if (count > this.#maxCount || bytes > this.#maxBytes) return undefined
    return [...chosen]
  }

  /** `e` and its in-pool descendants not in `skip`, parents before children. */
  #collectTree (e: Entry, out: Entry[], skip: Set<Entry>): void {
    const seen = new Set<Entry>()
    const visit = (x: Entry): void => {
      if (skip.has(x) || seen.has(x)) return
      seen.add(x)
      out.push(x)
      for (const c of x.children) visit(c)
    }
    visit(e)
  }

  #isFull (): boolean {
    return this.#byTxid.size >= this.#maxCount || this.#bytes >= this.#maxBytes * MEMPOOL_FULL_FRACTION
  }

  /** Evict the lowest fee rates until within the caps (after reorg re-adds, which bypass the check). */
  #trim (removed: Removal[]): void {
    while ((this.#byTxid.size > this.#maxCount || this.#bytes > this.#maxBytes) && this.#byFee.length > 0) {
      this.#removeTree(this.#byFee[0], 'evicted', removed)
    }
  }

  // ------------------------------------------------------------ index maintenance

  static #cmp (a: Entry, b: Entry): number {
    return a.feeRate !== b.feeRate ? a.feeRate - b.feeRate : b.seq - a.seq
  }

  #feeIndex (e: Entry): number {
    let lo = 0
    let hi = this.#byFee.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (MempoolImpl.#cmp(this.#byFee[mid], e) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  #insert (e: Entry): void {
    this.#byTxid.set(e.hex, e)
    for (const k of e.spends) this.#spentBy.set(k, e)
    for (const p of e.parents) p.children.add(e)
    this.#byFee.splice(this.#feeIndex(e), 0, e)
    this.#bytes += e.size
  }

  #removeOne (e: Entry, reason: Removal['reason'], out: Removal[]): void {
    if (!this.#byTxid.delete(e.hex)) return
    for (const k of e.spends) if (this.#spentBy.get(k) === e) this.#spentBy.delete(k)
    for (const p of e.parents) p.children.delete(e)
    for (const c of e.children) c.parents.delete(e)
    const i = this.#feeIndex(e)
    if (this.#byFee[i] === e) this.#byFee.splice(i, 1)
    else this.#byFee = this.#byFee.filter(x => x !== e)
    this.#bytes -= e.size
    out.push({ entry: e, reason })
  }

  #removeTree (e: Entry, reason: Removal['reason'], out: Removal[]): void {
    const tree: Entry[] = []
    this.#collectTree(e, tree, new Set())
    for (let i = tree.length - 1; i >= 0; i--) this.#removeOne(tree[i], reason, out)
  }

  #emitRemovals (removed: Removal[]): void {
    for (const r of removed) this.#emit('tx:removed', { txid: r.entry.txid, reason: r.reason })
  }

  #publish (o: AcceptOutcome, peer?: string): void {
    this.#emitRemovals(o.evicted)
    if (o.entry !== undefined) {
      const detail: { txid: Hash, feeRate: number, from?: string } = { txid: o.entry.txid, feeRate: o.entry.feeRate }
      if (peer !== undefined) detail.from = peer
      this.#emit('tx:added', detail)
    }
  }

  // ------------------------------------------------------------ orphans

  #addOrphan (tx: DecodedTx, peer: string, missing: string[]): void {
    const hex = toHex(tx.txid)
    if (this.#orphans.has(hex) || tx.bytes.length > MAX_ORPHAN_TX_BYTES || this.#maxOrphans === 0) return
    const mine = this.#orphansByPeer.get(peer) ?? new Set<string>()
    while (mine.size >= this.#maxOrphansPerPeer && mine.size > 0) this.#dropOrphan(mine.values().next().value as string)
    while (this.#orphans.size >= this.#maxOrphans) this.#dropOrphan(this.#orphans.keys().next().value as string)
    if (this.#maxOrphansPerPeer === 0) return
    this.#orphans.set(hex, { tx, hex, peer, expires: this.#clock() + this.#orphanExpiryMs, missing })
    mine.add(hex)
    this.#orphansByPeer.set(peer, mine)
    for (const p of missing) {
      const s = this.#orphansByParent.get(p) ?? new Set<string>()
      s.add(hex)
      this.#orphansByParent.set(p, s)
    }
  }

  #dropOrphan (hex: string): Orphan | undefined {
    const o = this.#orphans.get(hex)
    if (o === undefined) return undefined
    this.#orphans.delete(hex)
    const mine = this.#orphansByPeer.get(o.peer)
    mine?.delete(hex)
    if (mine?.size === 0) this.#orphansByPeer.delete(o.peer)
    for (const p of o.missing) {
      const s = this.#orphansByParent.get(p)
      s?.delete(hex)
      if (s?.size === 0) this.#orphansByParent.delete(p)
    }
    return o
  }

  /** Retry the orphans waiting for any of `parents` (hex txids), and their own orphans in turn. */
  async #resolveOrphans (parents: string[]): Promise<void> {
    const queue = [...parents]
    let budget = MAX_ORPHANS_RESOLVED_PER_TX
    while (queue.length > 0 && budget > 0) {
      const parent = queue.shift() as string
      const waiting = this.#orphansByParent.get(parent)
      if (waiting === undefined) continue
      for (const hex of [...waiting]) {
        if (budget-- <= 0) break
        const o = this.#dropOrphan(hex)
        if (o === undefined) continue
        const outcome = await this.#accept(o.tx, { peer: o.peer === LOCAL_PEER ? undefined : o.peer })
        this.#publish(outcome, o.peer === LOCAL_PEER ? undefined : o.peer)
        if (outcome.result.status === 'orphan') {
          this.#addOrphan(o.tx, o.peer, outcome.missing ?? [])
        } else if (outcome.result.status === 'accepted') {
          queue.push(hex)
        }
      }
    }
  }
}

/** Create a mempool over a chain view. */
export function createMempool (init: MempoolInit, components: MempoolComponents): MempoolInternal {
  return new MempoolImpl(init, components)
}
