import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  balanceJson, buildChain, COIN, createMiner, createWalletKey, encodeAddress, loadWalletKey, openWallet, walletAddress, WalletError
} from '../../src/devchain/index.ts'
import { WALLET_FILE } from '../../src/devchain/constants.ts'
import { tempChain, testKey, waitFor } from './helpers.ts'

function isWalletError (rule: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof Error)
    assert.equal(err.name, WalletError.name, err.message)
    assert.equal((err as WalletError).rule, rule, err.message)
    return true
  }
}

describe('devchain wallet', () => {
  it('keeps one key per data dir, mode 0600, never overwritten', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainwire-wallet-'))
    try {
      await assert.rejects(loadWalletKey(dir), isWalletError('no-key'))
      const key = await createWalletKey(dir)
      assert.equal((await stat(join(dir, WALLET_FILE))).mode & 0o777, 0o600)
      await assert.rejects(createWalletKey(dir), isWalletError('key-exists'))
      assert.deepEqual((await loadWalletKey(dir)).pubkey, key.pubkey)
      assert.equal(await walletAddress(dir, 'regtest'), encodeAddress('regtest', key.pkh))
      await writeFile(join(dir, WALLET_FILE), '{"type":"ed25519","seed":"abcd"}')
      await assert.rejects(loadWalletKey(dir), isWalletError('bad-key-file'))
      await writeFile(join(dir, WALLET_FILE), 'not json')
      await assert.rejects(loadWalletKey(dir), isWalletError('bad-key-file'))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('sends: the transaction is mined by the miner and both balances move', async () => {
    const t = await tempChain()
    try {
      const chain = t.chain
      const sender = await openWallet({ dataDir: t.dir, chain, create: true })
      const key = await loadWalletKey(t.dir)
      // 15 coinbases to the sender: those from heights 1..6 can be spent in block 16 (regtest maturity 10)
      await buildChain(chain, 15, { seed: key.seed })
      const before = await sender.balance()
      assert.equal(before.utxos, 15)
      assert.equal(before.spendable, 6n * 50n * COIN)
      assert.equal(before.immature, 9n * 50n * COIN)
      assert.equal(before.confirmed, 15n * 50n * COIN)

      const recipientKey = testKey(21)
      const recipient = encodeAddress('regtest', recipientKey.pkh)
      const amount = 70n * COIN // needs two coins
      const fee = 2_000n
      const sent = await sender.send({ to: recipient, amount, fee })
      assert.equal(sent.result.status, 'accepted')
      assert.equal(sent.inputs, 2)
      assert.equal(sent.change, 100n * COIN - amount - fee)
      const pending = await sender.balance()
      assert.equal(pending.pendingOut, 100n * COIN)
      assert.equal(pending.pendingIn, sent.change)
      assert.equal(pending.spendable, before.spendable - 100n * COIN)
      assert.equal((await chain.getTx(sent.txid))?.status, 'mempool')

      // the miner (paying a third key) picks the transaction up
      const miner = createMiner({ chain, address: encodeAddress('regtest', testKey(33).pkh), targetIntervalMs: 0 })
      miner.start()
      try {
        await waitFor(async () => (await chain.getTx(sent.txid))?.status === 'confirmed', 10_000, 'the send to be mined')
      } finally {
        await miner.stop()
      }
      const confirmedAt = (await chain.getTx(sent.txid))?.height as number
      assert.ok(confirmedAt > 15)
      const after = await sender.balance()
      assert.equal(after.pendingIn, 0n)
      assert.equal(after.pendingOut, 0n)
      assert.equal(after.confirmed, before.confirmed - amount - fee)
      const got = await chain.listUnspent(recipientKey.pkh)
      assert.deepEqual(got.map(c => c.amount), [amount])
      assert.equal(balanceJson(after).confirmed, (before.confirmed - amount - fee).toString())
      const audit = await chain.audit()
      assert.ok(audit.ok, audit.errors.join('\n'))
    } finally {
      await t.cleanup()
    }
  })

  it('refuses bad sends with typed errors', async () => {
    const t = await tempChain()
    try {
      const w = await openWallet({ dataDir: t.dir, chain: t.chain, create: true })
      await buildChain(t.chain, 11, { seed: (await loadWalletKey(t.dir)).seed })
      const to = encodeAddress('regtest', testKey(3).pkh)
      await assert.rejects(w.createSend({ to, amount: 1000n * COIN }), isWalletError('insufficient-funds'))
      await assert.rejects(w.createSend({ to, amount: 0n }), isWalletError('bad-amount'))
      await assert.rejects(w.createSend({ to: encodeAddress('devnet', testKey(3).pkh), amount: 1n }), isWalletError('bad-address'))
      await assert.rejects(w.createSend({ to: to.slice(0, -1) + (to.endsWith('0') ? '1' : '0'), amount: 1n }), isWalletError('bad-address'))
      // without an explicit fee the wallet pays the mempool's minimum rate
      const built = await w.send({ to, amount: 1n * COIN })
      assert.equal(built.result.status, 'accepted')
      assert.ok(built.fee > 0n)
    } finally {
      await t.cleanup()
    }
  })
})
