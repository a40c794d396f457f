/**
 * Transaction relay in gossip mode across a devnet on 127.0.0.1: the topic
 * validator admits what the mempool accepts, so valid transactions reach
 * every mempool and an invalid one stops at the first hop, its publisher
 * penalised.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { startChainNet } from '../protocols/devnet.ts'
import { waitFor } from '../helpers/wait.ts'
import type { ChainNet, MadeTx } from '../protocols/devnet.ts'
import type { ChainwireNode } from '../../src/node/index.ts'
import type { TxRelay } from '../../src/protocols/tx-relay/index.ts'

const N = 8
const TXS = 60
const relayOf = (n: ChainwireNode): TxRelay => n.protocols.get('tx-relay') as TxRelay

describe('tx relay on a devnet (gossip mode)', () => {
  let net: ChainNet
  before(async () => { net = await startChainNet(N + 1, { blocks: 25, txsPerBlock: 8, config: () => ({ txRelay: 'gossip' }) }) })
  after(async () => { await net?.stop() })

  it('validates before forwarding: valid transactions everywhere, invalid ones nowhere', async () => {
    const honest = net.nodes.slice(0, N)
    const evil = net.nodes[N]
    const topic = `/chainwire/regtest/tx/1`
    // wait for the topic mesh: every honest node sees a subscriber on the topic
    await waitFor(() => net.nodes.every(n => n.libp2p.services.pubsub.getSubscribers(topic).length >= 2), 'tx topic subscriptions', 20_000)

    const valid: MadeTx[] = []
    for (let i = 0; i < TXS; i++) {
      const t = net.makeTx()
      valid.push(t)
      const r = await honest[(i * 3) % N].chain?.mempool.add(t.tx)
      assert.equal(r?.status, 'accepted')
    }
    await waitFor(() => honest.every(n => valid.every(t => n.chain?.mempool.has(t.txid))), 'every valid transaction in every honest mempool', 30_000)

    // the evil node publishes invalid transactions straight onto the topic
    const bad = Array.from({ length: 3 }, () => {
      const tx = Uint8Array.from(net.makeTx().tx)
      tx[100] ^= 0xff
      return tx
    })
    for (const tx of bad) await evil.libp2p.services.pubsub.publish(topic, tx)
    const evilId = evil.peerId.toString()
    await waitFor(() => honest.some(n => relayOf(n).stats().gossip.reject > 0), 'a rejection', 10_000)
    await waitFor(() => honest.filter(n => relayOf(n).stats().gossip.reject > 0).every(n => n.peerManager.isBanned(evilId)), 'the publisher banned where it was rejected', 10_000)
    for (const n of honest) {
      for (const tx of bad) assert.equal(n.chain?.mempool.has(n.chain.txId(tx)), false)
      const s = relayOf(n).stats()
      assert.equal(s.received.accepted + s.received.duplicate + s.received.invalid > 0, true)
      // a rejected message is never forwarded, so every rejection came from the publisher itself
      assert.ok(s.gossip.reject <= bad.length)
    }
  })
})
