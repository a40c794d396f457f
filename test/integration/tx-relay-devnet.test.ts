/**
 * Transaction relay across a devnet on 127.0.0.1 (inv mode): ten honest
 * nodes on one regtest chain, a transaction generator injecting at random
 * nodes, plus two hand-steered peers: one serves invalid transactions, one
 * only low-fee transactions.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { startChainNet } from '../protocols/devnet.ts'
import { waitFor } from '../helpers/wait.ts'
import type { ChainNet, MadeTx } from '../protocols/devnet.ts'
import type { ChainwireNode } from '../../src/node/index.ts'
import type { TxRelay } from '../../src/protocols/tx-relay/index.ts'
import type { InvItem } from '../../src/wire/messages.ts'

const HONEST = 10
const TXS = 120
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const relayOf = (n: ChainwireNode): TxRelay => n.protocols.get('tx-relay') as TxRelay

/** Turn `node` into a peer that announces and serves `txs`, and relays nothing else. */
async function steer (node: ChainwireNode, txs: MadeTx[]): Promise<void> {
  await relayOf(node).stop()
  const byHex = new Map(txs.map(t => [t.hex, t.tx]))
  await node.reqresp.register('inv', { async call () {} })
  await node.reqresp.register('feefilter', { async call () {} })
  await node.reqresp.register('tx', { async call () {} })
  await node.reqresp.register('getdata', {
    async call (req) {
      const out: any[] = []
      const missing: InvItem[] = []
      for (const i of req.body.items) {
        const tx = byHex.get(hex(i.hash))
        if (tx != null) out.push({ type: 'tx', tx })
        else missing.push(i)
      }
      if (missing.length > 0) out.push({ type: 'notfound', items: missing })
      return out
    }
  })
  const items = txs.map(t => ({ type: 'tx' as const, hash: t.txid }))
  for (const p of node.peers()) await node.reqresp.notify(peerIdFromString(p.id), 'inv', { items }).catch(() => {})
}

describe('tx relay on a 10-node devnet (inv mode)', () => {
  let net: ChainNet
  before(async () => { net = await startChainNet(HONEST + 2, { blocks: 30, txsPerBlock: 12 }) })
  after(async () => { await net?.stop() })

  it('gets every valid transaction into every mempool once, relays no invalid one, and penalizes only the invalid sender', async () => {
    const honest = net.nodes.slice(0, HONEST)
    const [evil, cheap] = net.nodes.slice(HONEST)
    const evilId = evil.peerId.toString()
    const cheapId = cheap.peerId.toString()

    // the adversaries' transactions spend coins of their own, so nothing conflicts
    const invalid = Array.from({ length: 5 }, () => {
      const t = net.makeTx()
      const tx = Uint8Array.from(t.tx)
      tx[100] ^= 0xff // inside the signature
      return { ...t, tx, txid: new Uint8Array(32), hex: '' }
    }).map(t => {
      const txid = evil.chain?.txId(t.tx) as Uint8Array
      return { ...t, txid, hex: hex(txid) }
    })
    const lowFee = Array.from({ length: 5 }, () => net.makeTx({ feePerByte: 0n }))
    await steer(evil, invalid)
    await steer(cheap, lowFee)

    // the generator: parents spending confirmed coins at random nodes, and a
    // few children spending a parent's output injected at another node
    const valid: MadeTx[] = []
    for (let i = 0; i < TXS; i++) {
      const parent = valid.length > 10 && i % 8 === 0 ? valid[valid.length - 5] : undefined
      const t = parent != null ? net.makeTx({ coin: parent.outputs[1] }) : net.makeTx()
      valid.push(t)
      const at = honest[(i * 7) % HONEST]
      const r = await at.chain?.mempool.add(t.tx)
      assert.ok(r?.status === 'accepted' || r?.status === 'orphan', `generated tx ${i}: ${r?.status}`)
      if (i % 10 === 0) await new Promise(resolve => setTimeout(resolve, 20))
    }

    await waitFor(() => honest.every(n => valid.every(t => n.chain?.mempool.has(t.txid))), 'every valid transaction in every honest mempool', 30_000)

    for (const n of honest) {
      for (const t of [...invalid, ...lowFee]) assert.equal(n.chain?.mempool.has(t.txid), false, 'no invalid or low-fee transaction entered a mempool')
    }
    // only the evil peer's direct neighbours ever saw an invalid transaction
    await waitFor(() => honest.filter(n => relayOf(n).stats().received.invalid > 0).every(n => n.peerManager.isBanned(evilId)), 'the evil peer banned by every node it reached', 10_000)
    for (const n of honest) {
      const s = relayOf(n).stats()
      if (s.received.invalid > 0) assert.ok(n.peerManager.isBanned(evilId))
      assert.ok(s.received.invalid <= invalid.length, 'each invalid transaction fetched at most once per node')
      assert.equal(n.peerManager.isBanned(cheapId), false, 'low fees are not punished')
      assert.equal(n.peerManager.score(cheapId), 0, 'low fees cost no score')
    }
    const victims = honest.filter(n => relayOf(n).stats().received.invalid > 0)
    assert.ok(victims.length > 0, 'the evil peer reached somebody')
    assert.ok(honest.some(n => relayOf(n).stats().received['fee-too-low'] > 0), 'the cheap peer reached somebody')

    // duplicate suppression: each node downloads each transaction about once
    let bodies = 0
    let invs = 0
    for (const n of honest) {
      const s = relayOf(n).stats()
      const got = s.received.accepted + s.received.duplicate + s.received.orphan
      bodies += got
      invs += s.invItemsReceived
      assert.ok(s.received.duplicate <= Math.ceil(TXS * 0.05), `node received ${s.received.duplicate} duplicate bodies of ${TXS} transactions`)
      assert.ok(got <= TXS * 1.1, `node received ${got} bodies for ${TXS} transactions`)
    }
    const perNode = bodies / (HONEST * TXS)
    assert.ok(perNode <= 1.05, `bodies per transaction per node ${perNode.toFixed(3)} (bound 1.05)`)
    // announcements are cheap and redundant by design; bodies are not
    assert.ok(invs / (HONEST * TXS) > perNode)
  })
})
