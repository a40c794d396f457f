/**
 * BIP152 compact blocks as data: building one from a block, and rebuilding
 * a block from one (Bitcoin Core's `CBlockHeaderAndShortTxIDs` and
 * `PartiallyDownloadedBlock`). No I/O: the protocol module feeds these.
 *
 * Reconstruction:
 * 1. Prefilled transactions go to their indexes; the short ids fill the
 *    remaining slots in order. Two equal short ids in one compact block make
 *    it ambiguous: the caller falls back to the full block.
 * 2. Every mempool transaction, then every extra-pool transaction, is hashed
 *    to a short id; a match fills its slot. When two different transactions
 *    of ours match one slot, the slot is emptied and requested instead.
 * 3. The slots still empty are what getblocktxn asks for.
 *
 * A short-id collision between a block transaction and a different one of
 * ours cannot be seen here; the assembled block then fails its merkle check
 * in the chain, and the caller falls back to the full block.
 *
 * @module
 */
import { MAX_BLOCK_TXS } from '../../wire/constants.ts'
import { BlockTxnMismatchError, InvalidCompactBlockError } from './errors.ts'
import { shortId, shortIdKey } from './short-ids.ts'
import type { Hash } from '../../chain/index.ts'
import type { CmpctBlock, PrefilledTx } from '../../wire/messages.ts'

/** A block taken apart, with its txids. */
export interface BlockTxs {
  header: Uint8Array
  /** Serialised transactions, coinbase first. */
  txs: Uint8Array[]
  /** Their ids, in the same order. */
  txids: Hash[]
}

/** Options of {@link buildCompactBlock}. */
export interface BuildOptions {
  /** The short-id salt. */
  nonce: bigint
  /**
   * Whether to send the transaction at `index` in full (the coinbase always
   * is): `true` or a priority (higher first) to prefill it, `false` or
   * `undefined` not to. When the byte budget cannot hold every candidate,
   * the highest priorities get in; `true` counts as the lowest.
   */
  prefill?: (index: number) => boolean | number | undefined
  /** Bytes of prefilled transactions beyond the coinbase. @default Infinity */
  maxPrefillBytes?: number
}

/**
 * The compact block of `block`: the coinbase and the transactions `prefill`
 * picks (within the byte budget, by priority) in full, the rest as short ids.
 *
 * @example
 * ```ts
 * const cmpct = buildCompactBlock({ header, txs, txids }, { nonce: randomNonce() })
 * ```
 */
export function buildCompactBlock (block: BlockTxs, opts: BuildOptions): CmpctBlock {
  const key = shortIdKey(block.header, opts.nonce)
  const chosen = new Set<number>([0])
  if (opts.prefill != null) {
    const candidates: Array<{ index: number, priority: number }> = []
    for (let i = 1; i < block.txs.length; i++) {
      const p = opts.prefill(i)
      if (p === true) candidates.push({ index: i, priority: -Infinity })
      else if (typeof p === 'number') candidates.push({ index: i, priority: p })
    }
    candidates.sort((a, b) => b.priority - a.priority || a.index - b.index)
    let budget = opts.maxPrefillBytes ?? Infinity
    for (const c of candidates) {
      const size = block.txs[c.index].byteLength
      if (size > budget) continue
      budget -= size
      chosen.add(c.index)
    }
  }
  const prefilled: PrefilledTx[] = []
  const shortIds: number[] = []
  for (let i = 0; i < block.txs.length; i++) {
    if (chosen.has(i)) prefilled.push({ index: i, tx: block.txs[i] })
    else shortIds.push(shortId(key, block.txids[i]))
  }
  return { header: block.header, nonce: opts.nonce, shortIds, prefilled }
}

/** A transaction offered for reconstruction. */
export interface CandidateTx {
  txid: Hash
  tx: Uint8Array
}

/** A block being rebuilt from a compact block. */
export interface PartialBlock {
  readonly header: Uint8Array
  /** Transactions in the block. */
  readonly total: number
  /** Absolute indexes still missing, increasing. */
  readonly missing: readonly number[]
  /** Slots filled from each source. */
  readonly prefilled: number
  readonly fromMempool: number
  readonly fromExtra: number
  /** The whole transaction list, once nothing is missing. */
  txs (): Uint8Array[]
  /**
   * Fill the missing slots with `txs` (a blocktxn answer, in index order) and
   * return the whole list. Throws {@link BlockTxnMismatchError} when the
   * count differs.
   */
  fill (txs: Uint8Array[]): Uint8Array[]
}

/** The outcome of {@link reconstruct}. */
export type Reconstruction =
  | { status: 'ok', partial: PartialBlock }
  /** Two short ids of the compact block are equal: only the full block will do. */
  | { status: 'collision' }

/**
 * Start rebuilding the block of `cmpct` from `mempool` and `extra`.
 *
 * @throws InvalidCompactBlockError when the compact block describes no block
 */
export function reconstruct (cmpct: CmpctBlock, mempool: Iterable<CandidateTx>, extra: Iterable<CandidateTx> = []): Reconstruction {
  const total = cmpct.shortIds.length + cmpct.prefilled.length
  if (total === 0) throw new InvalidCompactBlockError('compact block has no transactions')
  if (total > MAX_BLOCK_TXS) throw new InvalidCompactBlockError(`compact block has ${total} transactions (max ${MAX_BLOCK_TXS})`)
  const slots = new Array<Uint8Array | undefined>(total)
  let last = -1
  for (const p of cmpct.prefilled) {
    if (p.index <= last) throw new InvalidCompactBlockError(`prefilled indexes not increasing at ${p.index}`)
    if (p.index >= total) throw new InvalidCompactBlockError(`prefilled index ${p.index} past the block's ${total} transactions`)
    slots[p.index] = p.tx
    last = p.index
  }

  // short ids take the empty slots in order
  const slotOf = new Map<number, number>()
  let next = 0
  for (let i = 0; i < total; i++) {
    if (slots[i] !== undefined) continue
    const id = cmpct.shortIds[next++]
    if (slotOf.has(id)) return { status: 'collision' }
    slotOf.set(id, i)
  }

  const key = shortIdKey(cmpct.header, cmpct.nonce)
  /** Which of our transactions filled each short-id slot; `null` once two different ones matched. */
  const filledBy = new Array<Hash | null | undefined>(total)
  let filled = 0
  const counts = { mempool: 0, extra: 0 }
  const offer = (source: Iterable<CandidateTx>, which: 'mempool' | 'extra'): void => {
    for (const c of source) {
      if (filled === slotOf.size) return
      const idx = slotOf.get(shortId(key, c.txid))
      if (idx === undefined) continue
      const by = filledBy[idx]
      if (by === undefined) {
        filledBy[idx] = c.txid
        slots[idx] = c.tx
        filled++
        counts[which]++
      } else if (by !== null && !sameBytes(by, c.txid)) {
        // two of our transactions claim one slot: ask for it instead
        filledBy[idx] = null
        slots[idx] = undefined
        filled--
      }
    }
  }
  offer(mempool, 'mempool')
  offer(extra, 'extra')

  const missing: number[] = []
  for (let i = 0; i < total; i++) if (slots[i] === undefined) missing.push(i)

  const partial: PartialBlock = {
    header: cmpct.header,
    total,
    missing,
    prefilled: cmpct.prefilled.length,
    fromMempool: counts.mempool,
    fromExtra: counts.extra,
    txs () {
      if (missing.length > 0) throw new BlockTxnMismatchError(`${missing.length} transactions still missing`)
      return slots as Uint8Array[]
    },
    fill (txs) {
      if (txs.length !== missing.length) {
        throw new BlockTxnMismatchError(`blocktxn carries ${txs.length} transactions for ${missing.length} requested`)
      }
      const out = slots.slice() as Uint8Array[]
      for (let i = 0; i < missing.length; i++) out[missing[i]] = txs[i]
      return out
    }
  }
  return { status: 'ok', partial }
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
