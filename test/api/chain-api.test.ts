import { it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { createNode } from '../../src/node/index.ts'
import { createApi } from '../../src/api/index.ts'
import { runCli } from '../helpers/cli.ts'
import { tempDir, testConfig, testLogs } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

async function json (url: string, init?: RequestInit): Promise<{ status: number, body: any }> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json' } })
  return { status: res.status, body: await res.json() }
}

it('a mining node serves /tip, /blocks and /tx, and a wallet send through the API is mined and moves balances', async () => {
  const { dir, cleanup } = await tempDir()
  // regtest: trivial difficulty, 10-block coinbase maturity; 20 ms pacing keeps the test short
  const node = await createNode(testConfig(join(dir, 'miner'), { network: 'regtest', chain: 'devchain', mine: true, mineIntervalMs: 20 }), { logs: testLogs('miner') })
  await node.start()
  const api = createApi(node, { listen: '127.0.0.1:0', token: '' })
  await api.start()
  try {
    const recipient = await runCli(['wallet', 'new', '--data-dir', join(dir, 'alice'), '--network', 'regtest'])
    assert.equal(recipient.code, 0, recipient.stderr)
    const alice = recipient.stdout.trim()
    assert.match(alice, /^regtest:/)

    await waitFor(async () => (await json(`${api.url}/tip`)).body.height >= 12, 'the coinbase to mature', 30_000, 100)
    const tip = (await json(`${api.url}/tip`)).body
    assert.match(tip.hash, /^[0-9a-f]{64}$/)
    assert.match(tip.work, /^\d+$/)
    const b1 = await json(`${api.url}/blocks/1`)
    assert.equal(b1.status, 200)
    assert.equal((await json(`${api.url}/blocks/${b1.body.hash}`)).body.height, 1)
    assert.equal((await json(`${api.url}/blocks/99999`)).status, 404)
    assert.equal((await json(`${api.url}/blocks/xyz`)).status, 400)

    const before = (await json(`${api.url}/wallet`)).body
    assert.ok(BigInt(before.balance.spendable) > 1000n)

    const send = await runCli(['tx', 'send', '--api', api.url, '--to', alice, '--amount', '1000', '--fee', '500', '--json'])
    assert.equal(send.code, 0, send.stderr)
    const sent = JSON.parse(send.stdout)
    assert.equal(sent.status, 'accepted')
    const inPool = await json(`${api.url}/tx/${sent.txid}`)
    assert.equal(inPool.status, 200)

    const mined = await waitFor(async () => {
      const t = (await json(`${api.url}/tx/${sent.txid}`)).body
      return t.blockHash != null ? t : undefined
    }, 'the send to be mined', 30_000, 100)
    assert.ok(mined.height > 0)

    // alice's coins are in the UTXO set: ask the chain through the devchain helper
    const aliceCoins = await node.devchain!.listUnspent(node.devchain!.addressToPkh(alice))
    assert.equal(aliceCoins.reduce((s, u) => s + u.amount, 0n), 1000n)

    const bad = await json(`${api.url}/wallet/send`, { method: 'POST', body: JSON.stringify({ to: 'nonsense', amount: '5' }) })
    assert.equal(bad.status, 400)
    assert.equal((await json(`${api.url}/tx`, { method: 'POST', body: JSON.stringify({ tx: 'zz' }) })).status, 400)
    const garbage = await json(`${api.url}/tx`, { method: 'POST', body: JSON.stringify({ tx: '00ff' }) })
    assert.equal(garbage.status, 422)
    assert.equal(garbage.body.status, 'invalid')
  } finally {
    await api.stop()
    await node.stop()
    await cleanup()
  }
})
