/**
 * Compact block relay between real regtest devchains over the in-memory
 * request/response network: reconstruction at 100 %, 99 % and 90 % mempool
 * overlap, low- and high-bandwidth modes, the full-block fallbacks, and the
 * verdicts for invalid headers, invalid transactions and bad blocktxn.
 */
import { afterEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildCompactBlock, shortId, shortIdKey } from '../../../src/protocols/compact-blocks/index.ts'
import { waitFor } from '../../helpers/reqresp.ts'
import { compactNet, link } from '../compact-harness.ts'
import type { CompactNet, CompactNode } from '../compact-harness.ts'

const nets: CompactNet[] = []
afterEach(async () => {
  for (const n of nets.splice(0)) await n.stop()
})

async function start (n: number, opts: Parameters<typeof compactNet>[1] = {}): Promise<CompactNet> {
  const net = await compactNet(n, opts)
  nets.push(net)
  return net
}

const tipIs = (node: CompactNode, hash: Uint8Array): boolean => Buffer.compare(node.chain.tip().hash, hash) === 0

/** Fill `sender`'s mempool with `count` transactions and `receiver`'s with the first `overlap` of them. */
async function fillMempools (net: CompactNet, sender: CompactNode, receiver: CompactNode, count: number, overlap: number): Promise<Uint8Array[]> {
  const txs: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const t = net.makeTx()
    txs.push(t.tx)
    assert.equal((await sender.chain.mempool.add(t.tx)).status, 'accepted')
    if (i < overlap) assert.equal((await receiver.chain.mempool.add(t.tx)).status, 'accepted')
  }
  return txs
}

/** Make `b` a high-bandwidth receiver of `a`'s blocks. */
async function askHighBandwidth (receiver: CompactNode, sender: CompactNode): Promise<void> {
  // after the connect-time sendcmpct (one may be in flight per peer)
  await waitFor(() => sender.cb.peer(receiver.peerId)?.compact === true, 2000, 'the connect-time sendcmpct')
  await receiver.rr.notify(sender.peerId, 'sendcmpct', { announce: true, version: 1 })
  await waitFor(() => sender.cb.peer(receiver.peerId)?.highBandwidthTo === true, 2000, 'high-bandwidth mode')
}

describe('compact blocks: reconstruction', () => {
  for (const [overlap, label] of [[200, '100%'], [198, '99%'], [180, '90%']] as const) {
    it(`rebuilds a pushed block at ${label} mempool overlap, fetching what is missing in one round trip`, async () => {
      const net = await start(2, { blocks: 30, txsPerBlock: 10 })
      const [s, r] = net.nodes
      link(s, r)
      await askHighBandwidth(r, s)
      await fillMempools(net, s, r, 200, overlap)
      const { hash, block } = await net.mine(0)
      await waitFor(() => tipIs(r, hash), 5000, 'the receiver to connect the block')
      const st = r.cb.stats()
      const rec = st.recent.at(-1)
      assert.ok(rec != null)
      assert.equal(rec.highBandwidth, true)
      assert.equal(rec.transactions, 201)
      assert.equal(rec.missing, 200 - overlap)
      assert.equal(rec.roundTrips, overlap === 200 ? 0 : 1)
      assert.equal(s.cb.stats().served.blocktxn, overlap === 200 ? 0 : 1, 'one getblocktxn for everything missing')
      assert.equal(rec.fullBytes, block.byteLength)
      assert.ok(rec.compactBytes < block.byteLength / 10, `compact ${rec.compactBytes} of ${block.byteLength} bytes`)
      assert.deepEqual(st.fallbacks, { collision: 0, invalid: 0, error: 0, notfound: 0, malformed: 0 })
      assert.deepEqual(r.peers.reports, [])
      assert.deepEqual(r.peers.useful, [{ peer: s.peerId.toString(), kind: 'block' }])
    })
  }

  it('fills from the extra pool what the mempool lacks', async () => {
    const net = await start(2)
    const [s, r] = net.nodes
    link(s, r)
    await askHighBandwidth(r, s)
    const txs = await fillMempools(net, s, r, 20, 18)
    for (const tx of txs.slice(18)) r.cb.addExtraTx(r.chain.txId(tx), tx)
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the block')
    const rec = r.cb.stats().recent.at(-1)
    assert.equal(rec?.roundTrips, 0)
    assert.equal(rec?.fromExtra, 2)
    assert.equal(rec?.fromMempool, 18)
  })

  it('prefills what the receiver probably lacks', async () => {
    const pending = new Set<string>()
    const net = await start(2, { txKnowledge: () => ({ peerHas: () => false, pendingFor: (_p, txid) => pending.has(Buffer.from(txid).toString('hex')) }) })
    const [s, r] = net.nodes
    link(s, r)
    await askHighBandwidth(r, s)
    const txs = await fillMempools(net, s, r, 20, 17)
    // three transactions still wait in the sender's announcement queue to the receiver
    for (const tx of txs.slice(17)) pending.add(Buffer.from(s.chain.txId(tx)).toString('hex'))
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the block')
    const rec = r.cb.stats().recent.at(-1)
    assert.equal(rec?.prefilled, 4, 'the coinbase and the three pending')
    assert.equal(rec?.roundTrips, 0)
  })
  it('prefills transactions that reached the sender very recently, unless the peer announced them', async () => {
    const net = await start(2, { init: () => ({ prefillRecentMs: 60_000 }) })
    const [s, r] = net.nodes
    link(s, r)
    await askHighBandwidth(r, s)
    await fillMempools(net, s, r, 12, 9)
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the block')
    const rec = r.cb.stats().recent.at(-1)
    assert.equal(rec?.prefilled, 13, 'everything that arrived within the window')
    assert.equal(rec?.roundTrips, 0)
  })

  it('passes on in full what it lacked itself: the next hop needs no round trip', async () => {
    const net = await start(3)
    const [a, b, c] = net.nodes
    link(a, b)
    link(b, c)
    await askHighBandwidth(b, a)
    await askHighBandwidth(c, b)
    // b and c hold the same 90 %: b must fetch the rest, and c lacks exactly that
    const txs = await fillMempools(net, a, b, 30, 27)
    for (const tx of txs.slice(0, 27)) await c.chain.mempool.add(tx)
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(c, hash), 5000, 'the block two hops away')
    assert.equal(b.cb.stats().recent.at(-1)?.roundTrips, 1)
    const atC = c.cb.stats().recent.at(-1)
    assert.equal(atC?.roundTrips, 0)
    assert.equal(atC?.prefilled, 4, 'the coinbase and the three b had to fetch')
  })

  it('keeps taking announcements after many for blocks it already has', async () => {
    const net = await start(2)
    const [s, r] = net.nodes
    link(s, r)
    await waitFor(() => s.cb.peer(r.peerId)?.compact === true && r.cb.peer(s.peerId)?.compact === true, 2000, 'sendcmpct both ways')
    const old = await s.chain.getLocator()
    await s.rr.notify(r.peerId, 'inv', { items: old.map(hash => ({ type: 'block' as const, hash })) })
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the new block')
  })
})

describe('compact blocks: negotiation and modes', () => {
  it('low-bandwidth mode: announce, then the peer asks for the compact block', async () => {
    const net = await start(2)
    const [s, r] = net.nodes
    link(s, r)
    await fillMempools(net, s, r, 10, 10)
    await waitFor(() => s.cb.peer(r.peerId)?.compact === true, 2000, 'the connect-time sendcmpct')
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the block')
    const rec = r.cb.stats().recent.at(-1)
    assert.equal(rec?.highBandwidth, false)
    assert.equal(rec?.roundTrips, 0)
    assert.equal(s.cb.stats().sent.lowBandwidth, 1)
    assert.equal(s.cb.stats().sent.highBandwidth, 0)
  })

  it('asks the peer that first gave it a new block for high-bandwidth mode, at most three, keeping an outbound one', async () => {
    const net = await start(6)
    const [r, ...others] = net.nodes
    // r dials o0 (outbound); o1..o4 dial r (inbound)
    link(r, others[0])
    for (const o of others.slice(1)) link(o, r)
    await waitFor(() => others.every(o => o.cb.peer(r.peerId)?.compact === true), 2000, 'the connect-time sendcmpct')
    const order = [0, 1, 2, 3, 4]
    for (const i of order) {
      const sender = others[i]
      // the block reaches r from `sender` first: only it announces it to r
      const { hash } = await net.mine(i + 1)
      await waitFor(() => tipIs(r, hash), 5000, `block from node ${i + 1}`)
      // keep the other nodes on the same chain without relaying to r
      for (const o of others) if (o !== sender) await o.chain.submitBlock((await sender.chain.getBlocksByHash([hash]))[0] as Uint8Array)
    }
    const hbList = r.cb.stats().highBandwidthPeers
    assert.equal(hbList.length, 3)
    assert.ok(hbList.includes(others[0].peerId.toString()), 'the only outbound one stays')
    assert.deepEqual(hbList.slice(1), [others[3].peerId.toString(), others[4].peerId.toString()].slice(-2), 'the most recent first-deliverers')
    // the demoted and promoted peers were told: the next block from o4 comes pushed
    await waitFor(() => others[4].cb.peer(r.peerId)?.highBandwidthTo === true && others[2].cb.peer(r.peerId)?.highBandwidthTo === false, 2000, 'sendcmpct changes')
    assert.equal(others[1].cb.peer(r.peerId)?.highBandwidthTo, false, 'demoted')
    const { hash } = await net.mine(5)
    await waitFor(() => tipIs(r, hash), 5000, 'the pushed block')
    assert.equal(r.cb.stats().recent.at(-1)?.highBandwidth, true)
  })
})

describe('compact blocks: catching up', () => {
  it('does not announce a tip more than a day old (initial block download)', async () => {
    // the sender's wall clock runs two days ahead of its blocks' times, then catches up
    let skew = 2 * 86_400_000
    const net = await start(2, { wallClock: (i) => i === 0 ? () => Date.now() + skew : undefined })
    const [s, r] = net.nodes
    link(s, r)
    await askHighBandwidth(r, s)
    await net.mine(0)
    await net.mine(0)
    skew = 0
    const { hash } = await net.mine(0)
    // only the recent block went out, and it does not connect: the two old ones were never sent
    await waitFor(() => r.cb.stats().unconnectable === 1, 5000, 'the recent block to arrive')
    assert.deepEqual(s.cb.stats().sent, { highBandwidth: 1, lowBandwidth: 0 })
    assert.equal(tipIs(r, hash), false)
  })
})

describe('compact blocks: fallbacks and verdicts', () => {
  it('falls back to the full block on a short-id collision in the compact block', async () => {
    const net = await start(2, { init: (i) => ({ enabled: i !== 0 }) })
    const [s, r] = net.nodes
    link(s, r)
    await fillMempools(net, s, r, 10, 10)
    const { hash, block } = await net.mine(0)
    const parts = s.chain.splitBlock(block)
    const cmpct = buildCompactBlock({ ...parts, txids: parts.txs.map(t => s.chain.txId(t)) }, { nonce: 7n })
    cmpct.shortIds[1] = cmpct.shortIds[0]
    await s.rr.notify(r.peerId, 'cmpctblock', cmpct)
    await waitFor(() => tipIs(r, hash), 5000, 'the block via the full-block fallback')
    assert.equal(r.cb.stats().fallbacks.collision, 1)
    assert.equal(s.fullBlocksServed, 1)
    assert.deepEqual(r.peers.reports, [])
  })

  it('falls back to the full block when a short id matched the wrong transaction', async () => {
    const net = await start(2, { init: (i) => ({ enabled: i !== 0 }) })
    const [s, r] = net.nodes
    link(s, r)
    await fillMempools(net, s, r, 10, 10)
    // a transaction only the receiver has, which the crafted compact block claims
    const decoy = net.makeTx()
    await r.chain.mempool.add(decoy.tx)
    const { hash, block } = await net.mine(0)
    const parts = s.chain.splitBlock(block)
    const cmpct = buildCompactBlock({ ...parts, txids: parts.txs.map(t => s.chain.txId(t)) }, { nonce: 9n })
    cmpct.shortIds[3] = shortId(shortIdKey(cmpct.header, 9n), decoy.txid)
    await s.rr.notify(r.peerId, 'cmpctblock', cmpct)
    await waitFor(() => tipIs(r, hash), 5000, 'the block via the fallback')
    assert.equal(r.cb.stats().fallbacks.invalid, 1)
    assert.deepEqual(r.peers.reports, [], 'a collision is nobody\'s fault')
  })

  it('does not punish a relayer for invalid transactions inside a compact block', async () => {
    const net = await start(2, { init: (i) => ({ enabled: i !== 0 }) })
    const [s, r] = net.nodes
    link(s, r)
    const bad = Uint8Array.from(net.makeTx().tx)
    bad[100] ^= 0xff
    const template = await s.chain.createBlockTemplate({ pkh: net.key.pkh, txs: [bad] })
    const block = await s.chain.mineBlock(template) as Uint8Array
    const parts = s.chain.splitBlock(block)
    const cmpct = buildCompactBlock({ ...parts, txids: parts.txs.map(t => s.chain.txId(t)) }, { nonce: 1n, prefill: () => true })
    // the sender serves the full block too, from a chain that never accepted it: stand in for it
    await s.rr.register('get_blocks_by_hash', { async call () { return [{ block }] } })
    await s.rr.notify(r.peerId, 'cmpctblock', cmpct)
    await waitFor(() => r.cb.stats().fallbacks.invalid === 1 && r.cb.stats().partialBlocks === 0, 5000, 'the rebuilt block rejected and the full one tried')
    assert.equal(tipIs(r, r.chain.decodeHeader(parts.header).hash), false)
    assert.equal(r.cb.stats().reconstructed.zero + r.cb.stats().reconstructed.one, 0)
    assert.deepEqual(r.peers.reports, [])
  })

  it('punishes an invalid header', async () => {
    const net = await start(2, { init: (i) => ({ enabled: i !== 0 }) })
    const [s, r] = net.nodes
    link(s, r)
    // a block whose time is not after the median time past: its header is invalid
    const template = await s.chain.createBlockTemplate({ pkh: net.key.pkh, txs: [], time: 1 })
    const block = await s.chain.mineBlock(template) as Uint8Array
    const parts = s.chain.splitBlock(block)
    const cmpct = buildCompactBlock({ ...parts, txids: parts.txs.map(t => s.chain.txId(t)) }, { nonce: 1n })
    await assert.rejects(s.rr.notify(r.peerId, 'cmpctblock', cmpct), (e: Error) => e.name === 'RequestRejectedError')
    assert.deepEqual(r.peers.reports.map(x => [x.verdict, x.reason]), [['fatal', 'InvalidHeaderError']])
    assert.equal(r.cb.stats().partialBlocks, 0)
  })

  it('punishes a blocktxn that does not answer the request', async () => {
    const net = await start(2)
    const [s, r] = net.nodes
    link(s, r)
    await askHighBandwidth(r, s)
    await fillMempools(net, s, r, 10, 8)
    // the sender answers getblocktxn with one transaction too few
    await s.rr.register('getblocktxn', {
      async call (req) {
        const block = (await s.chain.getBlocksByHash([req.body.blockHash]))[0] as Uint8Array
        const txs = s.chain.splitBlock(block).txs
        return [{ blockHash: req.body.blockHash, txs: req.body.indexes.slice(1).map(i => txs[i]) }]
      }
    })
    await net.mine(0)
    await waitFor(() => r.peers.reports.length > 0, 5000, 'a report')
    assert.deepEqual(r.peers.reports.map(x => [x.verdict, x.reason]), [['fatal', 'BlockTxnMismatchError']])
  })

  it('serves getblocktxn only for recent blocks and in range, punishing indexes past the end', async () => {
    const net = await start(2)
    const [s, r] = net.nodes
    link(s, r)
    const { hash } = await net.mine(0)
    const [answer] = await r.rr.request(s.peerId, 'getblocktxn', { blockHash: hash, indexes: [0] })
    assert.equal(answer.txs.length, 1)
    await assert.rejects(r.rr.request(s.peerId, 'getblocktxn', { blockHash: hash, indexes: [0, 5] }), (e: Error) => e.name === 'RequestRejectedError')
    assert.deepEqual(s.peers.reports.map(x => [x.verdict, x.reason]), [['fatal', 'BlockTxnIndexError']])
    // the genesis block is far deeper than MAX_BLOCKTXN_DEPTH
    await assert.rejects(r.rr.request(s.peerId, 'getblocktxn', { blockHash: s.chain.genesisHash, indexes: [0] }), (e: Error) => e.name === 'ResourceUnavailableError')
    assert.equal(s.peers.reports.length, 1, 'asking for an old block is no fault')
  })
})
