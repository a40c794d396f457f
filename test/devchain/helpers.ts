/**
 * Shared helpers for devchain tests: temporary chains, keys and hand-built
 * transactions and blocks.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDevchain, keyPairFromSeed } from '../../src/devchain/index.ts'
import type { Devchain, DevchainInit, KeyPair, Utxo } from '../../src/devchain/index.ts'
import { makeBlock, merkleRoot } from '../../src/devchain/block.ts'
import { mineHeader } from '../../src/devchain/miner.ts'
import { signTx, signedTxSize } from '../../src/devchain/tx.ts'
import { toHex } from '../../src/devchain/codec.ts'
import type { DecodedTx, TxOutput } from '../../src/devchain/tx.ts'
import type { BlockTemplate } from '../../src/devchain/devchain.ts'

export interface TempChain {
  chain: Devchain
  dir: string
  /** Close the chain and delete its directory. */
  cleanup: () => Promise<void>
}

/** A fresh regtest chain in a temporary directory. */
export async function tempChain (init: Partial<DevchainInit> = {}): Promise<TempChain> {
  const dir = init.dataDir ?? await mkdtemp(join(tmpdir(), 'chainwire-devchain-'))
  const chain = await createDevchain({ network: 'regtest', ...init, dataDir: dir })
  const t: TempChain = {
    chain,
    dir,
    cleanup: async () => {
      await t.chain.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
  return t
}

/** A deterministic key from a small number. */
export function testKey (n: number): KeyPair {
  return keyPairFromSeed(new Uint8Array(32).fill(n))
}

/** A signed transaction spending `coins` (all owned by `key`) to `outputs`. */
export function spend (chain: Devchain, key: KeyPair, coins: Array<{ txid: Uint8Array, vout: number }>, outputs: TxOutput[]): DecodedTx {
  return signTx({
    version: 1,
    inputs: coins.map(c => ({ prevTxid: c.txid, vout: c.vout, unlock: new Uint8Array(0) })),
    outputs
  }, coins.map(() => key), chain.genesisHash)
}

/** A one-input payment of `coin` to `to`, with `fee`, change back to `key`. */
export function pay (chain: Devchain, key: KeyPair, coin: Utxo | { txid: Uint8Array, vout: number, amount: bigint }, to: Uint8Array, amount: bigint, fee: bigint): DecodedTx {
  const change = coin.amount - amount - fee
  const outputs: TxOutput[] = [{ amount, pkh: to }]
  if (change > 0n) outputs.push({ amount: change, pkh: key.pkh })
  return spend(chain, key, [coin], outputs)
}

/** Fee for a one-input two-output transaction at `rate` units per 1000 bytes. */
export function feeAt (rate: number, nIn = 1, nOut = 2): bigint {
  return BigInt(Math.ceil(rate * signedTxSize(nIn, nOut) / 1000))
}

/** Mature coins of `key`, oldest first. */
export async function matureCoins (chain: Devchain, key: KeyPair): Promise<Utxo[]> {
  const h = chain.tip().height + 1
  return (await chain.listUnspent(key.pkh))
    .filter(c => !c.coinbase || h - c.height >= chain.params.coinbaseMaturity)
    .sort((a, b) => a.height - b.height)
}

/** Mine a template as is (after the caller tampered with it), recomputing the merkle root unless told not to. */
export async function mineTemplate (t: BlockTemplate, options: { keepMerkle?: boolean } = {}): Promise<Uint8Array> {
  const header = { ...t.header }
  if (options.keepMerkle !== true) header.merkleRoot = merkleRoot(t.txs.map(x => x.txid))
  const solved = await mineHeader(header)
  if (solved === undefined) throw new Error('mining aborted')
  return makeBlock(solved, t.txs).bytes
}

/** Wait until `predicate` holds, polling each event-loop turn, or fail after `ms`. */
export async function waitFor (predicate: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

/**
 * Assert the mempool is consistent with the chain: no entry is confirmed, no
 * two entries spend one outpoint, and every input is an unspent confirmed
 * coin or an output of another entry.
 */
export async function assertMempoolConsistent (chain: Devchain): Promise<void> {
  const entries = [...chain.mempool.entries()]
  const ids = new Map(entries.map(e => [toHex(e.txid), chain.mempool.entry(e.txid)]))
  const spent = new Set<string>()
  for (const e of entries) {
    const m = chain.mempool.entry(e.txid)
    assert.ok(m, 'entries() and entry() disagree')
    assert.equal(await chain.getTx(e.txid, { mempool: false }), undefined, `mempool tx ${m.hex} is also confirmed`)
    for (const input of m.decoded.inputs) {
      const k = `${toHex(input.prevTxid)}:${input.vout}`
      assert.ok(!spent.has(k), `two mempool txs spend ${k}`)
      spent.add(k)
      const parent = ids.get(toHex(input.prevTxid))
      if (parent !== undefined) {
        assert.ok(input.vout < parent.decoded.outputs.length)
        continue
      }
      const [coin] = await chain.getCoins([{ txid: input.prevTxid, vout: input.vout }])
      assert.ok(coin !== undefined, `mempool tx ${m.hex} spends ${k}, which is neither unspent nor in the mempool`)
    }
  }
}
