import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildChain, blockSubsidy, createDevchain, InvalidBlockError, InvalidHeaderError, MalformedError } from '../../src/devchain/index.ts'
import type { KeyPair } from '../../src/devchain/index.ts'
import type { SubmitBlockResult } from '../../src/chain/index.ts'
import { MAX_BLOCK_BYTES, MAX_BLOCK_SIGOPS } from '../../src/devchain/constants.ts'
import { encodeHeader, headerHash } from '../../src/devchain/header.ts'
import { makeBlock } from '../../src/devchain/block.ts'
import { finalizeTx } from '../../src/devchain/tx.ts'
import { hashMeetsTarget, targetInfo } from '../../src/devchain/pow.ts'
import { feeAt, matureCoins, mineTemplate, pay, spend, tempChain, testKey } from './helpers.ts'
import type { TempChain } from './helpers.ts'

function expectInvalid (res: SubmitBlockResult, name: string, rule: string, verdict = 'fatal'): void {
  assert.equal(res.status, 'invalid', `expected invalid, got ${res.status}`)
  if (res.status !== 'invalid') return
  assert.equal(res.error.name, name, res.error.message)
  assert.equal((res.error as any).rule, rule, res.error.message)
  assert.equal(res.error.verdict, verdict)
}

describe('devchain block validation', () => {
  let t: TempChain
  let key: KeyPair
  const other = testKey(7)

  before(async () => {
    t = await tempChain()
    key = (await buildChain(t.chain, 15)).key
  })
  after(async () => { await t.cleanup() })

  async function assertUnchanged (fn: () => Promise<void>): Promise<void> {
    const before = t.chain.tipJson()
    await fn()
    assert.deepEqual(t.chain.tipJson(), before)
    const audit = await t.chain.audit()
    assert.ok(audit.ok, audit.errors.join('\n'))
  }

  it('rejects a block whose hash does not meet its target (bad PoW)', async () => {
    await assertUnchanged(async () => {
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh })
      const target = targetInfo(tpl.header.bits)
      assert.ok(target)
      let nonce = 0
      while (hashMeetsTarget(headerHash(encodeHeader({ ...tpl.header, nonce })), target.bytes)) nonce++
      const block = makeBlock({ ...tpl.header, nonce }, tpl.txs).bytes
      expectInvalid(await t.chain.submitBlock(block), InvalidHeaderError.name, 'bad-pow')
    })
  })

  it('rejects a block whose merkle root does not match its transactions', async () => {
    await assertUnchanged(async () => {
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh })
      tpl.header.merkleRoot = new Uint8Array(32).fill(9)
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl, { keepMerkle: true })), InvalidBlockError.name, 'bad-merkle-root')
    })
  })

  it('rejects a double spend inside one block', async () => {
    await assertUnchanged(async () => {
      const [coin] = await matureCoins(t.chain, key)
      const a = pay(t.chain, key, coin, other.pkh, 1000n, 500n)
      const b = pay(t.chain, key, coin, other.pkh, 2000n, 500n)
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh, txs: [a, b] })
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl)), InvalidBlockError.name, 'double-spend')
    })
  })

  it('rejects a double spend of an output already spent on the chain', async () => {
    const [coin] = await matureCoins(t.chain, key)
    const first = pay(t.chain, key, coin, other.pkh, 1000n, 500n)
    const ok = await t.chain.submitBlock(await mineTemplate(await t.chain.createBlockTemplate({ pkh: key.pkh, txs: [first] })))
    assert.equal(ok.status, 'accepted')
    await assertUnchanged(async () => {
      const again = pay(t.chain, key, coin, other.pkh, 3000n, 500n)
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh, txs: [again] })
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl)), InvalidBlockError.name, 'double-spend')
    })
  })

  it('rejects a bad signature, caches the failure, and rejects its children', async () => {
    await assertUnchanged(async () => {
      const [coin] = await matureCoins(t.chain, key)
      const tx = pay(t.chain, key, coin, other.pkh, 1000n, 500n)
      const unlock = new Uint8Array(tx.inputs[0].unlock)
      unlock[40] ^= 1
      const forged = finalizeTx({ ...tx, inputs: [{ ...tx.inputs[0], unlock }] })
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh, txs: [forged] })
      const block = await mineTemplate(tpl)
      const res = await t.chain.submitBlock(block)
      expectInvalid(res, InvalidBlockError.name, 'bad-signature')
      assert.equal((res as any).error.txIndex, 1)
      // the same block again: known invalid without revalidation
      expectInvalid(await t.chain.submitBlock(block), InvalidBlockError.name, 'bad-signature')
      // a child of the invalid block
      assert.equal(res.status, 'invalid')
      const child = await t.chain.createBlockTemplate({ pkh: key.pkh, parentHash: headerHash(block.subarray(0, 84)), txs: [] })
      expectInvalid(await t.chain.submitBlock(await mineTemplate(child)), InvalidBlockError.name, 'invalid-ancestor')
    })
  })

  it('holds a failed block as known-invalid in header validation, also after a restart', async () => {
    const t2 = await tempChain()
    try {
      const k = (await buildChain(t2.chain, 15)).key
      const [coin] = await matureCoins(t2.chain, k)
      const tx = pay(t2.chain, k, coin, other.pkh, 1000n, 500n)
      const unlock = new Uint8Array(tx.inputs[0].unlock)
      unlock[40] ^= 1
      const forged = finalizeTx({ ...tx, inputs: [{ ...tx.inputs[0], unlock }] })
      const block = await mineTemplate(await t2.chain.createBlockTemplate({ pkh: k.pkh, txs: [forged] }))
      expectInvalid(await t2.chain.submitBlock(block), InvalidBlockError.name, 'bad-signature')
      // a run that reaches the failed header at index 1: the tip, then the failed block on it
      const tip = t2.chain.tip()
      const tipInfo = await t2.chain.getHeaderInfo(tip.hash)
      const tipParent = await t2.chain.getHeaderInfo(tipInfo?.prevHash as Uint8Array)
      assert.ok(tipInfo != null && tipParent != null)
      const run = [tipInfo.bytes, block.subarray(0, 84)]
      const knownInvalid = (err: unknown): true => {
        assert.ok(err instanceof InvalidHeaderError, String(err))
        assert.equal(err.rule, 'known-invalid', err.message)
        assert.equal(err.index, 1, err.message)
        return true
      }
      await assert.rejects(t2.chain.validateHeaders(run, tipParent), knownInvalid)
      // the same headers without the failed one still pass
      assert.equal((await t2.chain.validateHeaders(run.slice(0, 1), tipParent)).length, 1)
      // the failure is stored: a restarted chain still refuses the header
      await t2.chain.close()
      t2.chain = await createDevchain({ dataDir: t2.dir, network: 'regtest' })
      await assert.rejects(t2.chain.validateHeaders(run, tipParent), knownInvalid)
    } finally {
      await t2.cleanup()
    }
  })

  it('rejects a spend signed by a key that does not own the output', async () => {
    await assertUnchanged(async () => {
      const [coin] = await matureCoins(t.chain, key)
      const tx = spend(t.chain, other, [coin], [{ amount: 1000n, pkh: other.pkh }])
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh, txs: [tx] })
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl)), InvalidBlockError.name, 'pubkey-mismatch')
    })
  })

  it('rejects an overspend (outputs above inputs)', async () => {
    await assertUnchanged(async () => {
      const [coin] = await matureCoins(t.chain, key)
      const tx = spend(t.chain, key, [coin], [{ amount: coin.amount + 1n, pkh: other.pkh }])
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh, txs: [tx] })
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl)), InvalidBlockError.name, 'overspend')
    })
  })

  it('rejects a coinbase paying more than subsidy plus fees', async () => {
    await assertUnchanged(async () => {
      const [coin] = await matureCoins(t.chain, key)
      const fee = feeAt(5000)
      const tx = pay(t.chain, key, coin, other.pkh, 1000n, fee)
      const height = t.chain.tip().height + 1
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh, txs: [tx], coinbaseAmount: blockSubsidy(height, t.chain.params) + fee + 1n })
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl)), InvalidBlockError.name, 'coinbase-too-large')
    })
    // exactly subsidy + fees is fine
    const [coin] = await matureCoins(t.chain, key)
    const fee = feeAt(5000)
    const tx = pay(t.chain, key, coin, other.pkh, 1000n, fee)
    const height = t.chain.tip().height + 1
    const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh, txs: [tx] })
    assert.equal(tpl.reward, blockSubsidy(height, t.chain.params) + fee)
    assert.equal((await t.chain.submitBlock(await mineTemplate(tpl))).status, 'accepted')
  })

  it('rejects spending a coinbase before maturity', async () => {
    await assertUnchanged(async () => {
      const young = (await t.chain.listUnspent(key.pkh)).filter(c => c.coinbase).sort((a, b) => b.height - a.height)[0]
      const tx = pay(t.chain, key, young, other.pkh, 1000n, 500n)
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh, txs: [tx] })
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl)), InvalidBlockError.name, 'immature-coinbase-spend')
    })
  })

  it('rejects a spend of an output that never existed', async () => {
    await assertUnchanged(async () => {
      const tx = spend(t.chain, key, [{ txid: new Uint8Array(32).fill(3), vout: 0 }], [{ amount: 1n, pkh: other.pkh }])
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh, txs: [tx] })
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl)), InvalidBlockError.name, 'missing-inputs')
    })
  })

  it('rejects a coinbase committing to the wrong height', async () => {
    await assertUnchanged(async () => {
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh })
      const cb = tpl.txs[0]
      const unlock = new Uint8Array(cb.inputs[0].unlock)
      unlock[0] ^= 0xff
      tpl.txs[0] = finalizeTx({ ...cb, inputs: [{ ...cb.inputs[0], unlock }] })
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl)), InvalidBlockError.name, 'bad-coinbase-height')
    })
  })

  it('rejects header context faults: time not after the median time past, wrong bits', async () => {
    await assertUnchanged(async () => {
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh })
      const old = await t.chain.getBlock(t.chain.tip().height - 5)
      assert.ok(old)
      tpl.header.time = old.time
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl)), InvalidHeaderError.name, 'time-too-old')
      const tpl2 = await t.chain.createBlockTemplate({ pkh: key.pkh })
      tpl2.header.bits = 0x2000ffff // harder than regtest's fixed bits: valid PoW, wrong target
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl2)), InvalidHeaderError.name, 'unexpected-bits')
      const tpl3 = await t.chain.createBlockTemplate({ pkh: key.pkh, time: Math.floor(Date.now() / 1000) + 3 * 3600 })
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl3)), InvalidHeaderError.name, 'time-too-new', 'ignore')
    })
  })

  it('rejects too many signature checks and oversize blocks', async () => {
    await assertUnchanged(async () => {
      // sanity checks run before any UTXO lookup, so unsigned fake inputs are enough
      const txs = []
      let n = 0
      while (n <= MAX_BLOCK_SIGOPS) {
        const inputs = Array.from({ length: 700 }, (_, i) => {
          const prevTxid = new Uint8Array(32)
          new DataView(prevTxid.buffer).setUint32(0, n + i)
          return { prevTxid, vout: 0, unlock: new Uint8Array(96) }
        })
        n += inputs.length
        txs.push(finalizeTx({ version: 1, inputs, outputs: [{ amount: 1n, pkh: other.pkh }] }))
      }
      const tpl = await t.chain.createBlockTemplate({ pkh: key.pkh, txs })
      expectInvalid(await t.chain.submitBlock(await mineTemplate(tpl)), InvalidBlockError.name, 'too-many-sigops')
      expectInvalid(await t.chain.submitBlock(new Uint8Array(MAX_BLOCK_BYTES + 1)), MalformedError.name, 'too-large')
      expectInvalid(await t.chain.submitBlock(new Uint8Array(10)), MalformedError.name, 'truncated')
    })
  })

  it('keeps an orphan until its parent arrives, and reports duplicates', async () => {
    const start = t.chain.tip().height
    const a = await mineTemplate(await t.chain.createBlockTemplate({ pkh: key.pkh }))
    assert.equal((await t.chain.submitBlock(a)).status, 'accepted')
    assert.equal((await t.chain.submitBlock(a)).status, 'duplicate')
    const b = await mineTemplate(await t.chain.createBlockTemplate({ pkh: key.pkh }))
    assert.equal((await t.chain.submitBlock(b)).status, 'accepted')
    // a second chain replays the history, then receives b before a
    const t2 = await tempChain()
    try {
      for (const blk of await t.chain.getBlocksByRange(1, start)) assert.equal((await t2.chain.submitBlock(blk)).status, 'accepted')
      assert.equal(t2.chain.tip().height, start)
      const orphan = await t2.chain.submitBlock(b)
      assert.equal(orphan.status, 'orphan')
      assert.deepEqual(orphan.status === 'orphan' ? orphan.prevHash : undefined, headerHash(a.subarray(0, 84)))
      assert.equal((await t2.chain.submitBlock(b)).status, 'duplicate')
      const res = await t2.chain.submitBlock(a)
      assert.equal(res.status, 'accepted')
      assert.equal(t2.chain.tip().height, start + 2)
      assert.deepEqual(t2.chain.tip().hash, headerHash(b.subarray(0, 84)))
      const audit = await t2.chain.audit()
      assert.ok(audit.ok, audit.errors.join('\n'))
    } finally {
      await t2.cleanup()
    }
  })
})
