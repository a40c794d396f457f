/**
 * Transactions kept for compact-block reconstruction beyond the mempool:
 * ones we saw but did not keep (orphans, fee too low, conflicts), as Bitcoin
 * Core's `vExtraTxnForCompact`. A block often includes them (a miner with a
 * lower fee floor, the winner of a conflict), and without them each would
 * cost a getblocktxn round trip. Bounded in count and bytes; the oldest go first.
 *
 * @module
 */
import type { Hash } from '../../chain/index.ts'
import type { CandidateTx } from './compact.ts'

export interface ExtraPool {
  add (txid: Hash, tx: Uint8Array): void
  /** Newest last. */
  entries (): Iterable<CandidateTx>
  readonly size: number
  readonly bytes: number
}

/** Create an extra pool holding at most `maxTxs` transactions and `maxBytes` bytes. */
export function createExtraPool (maxTxs: number, maxBytes: number): ExtraPool {
  const byId = new Map<string, CandidateTx>()
  let bytes = 0
  return {
    add (txid, tx) {
      if (maxTxs <= 0 || tx.byteLength > maxBytes) return
      const key = Buffer.from(txid.buffer, txid.byteOffset, txid.byteLength).toString('hex')
      const old = byId.get(key)
      if (old != null) {
        byId.delete(key)
        bytes -= old.tx.byteLength
      }
      while (byId.size >= maxTxs || bytes + tx.byteLength > maxBytes) {
        const [k, v] = byId.entries().next().value as [string, CandidateTx]
        byId.delete(k)
        bytes -= v.tx.byteLength
      }
      byId.set(key, { txid, tx })
      bytes += tx.byteLength
    },
    entries () {
      return byId.values()
    },
    get size () { return byId.size },
    get bytes () { return bytes }
  }
}
