/**
 * Compact block relay between real regtest devchains over the in-memory
 * request/response network, through real status and sync instances (compact
 * blocks plug into `sync.relay`, as in a node): reconstruction at 100 %, 99 %
 * and 90 % mempool overlap, low- and high-bandwidth modes and their
 * negotiation, the full-block fallbacks, and the verdicts for invalid
 * headers, invalid transactions and bad blocktxn.
 */
import { afterEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildCompactBlock, shortId, shortIdKey } from '../../../src/protocols/compact-blocks/index.ts'
import { SYNCED_SLACK_BLOCKS } from '../../../src/protocols/sync/index.ts'
import { waitFor } from '../../helpers/reqresp.ts'
import { compactNet, link } from '../compact-harness.ts'
import type { CompactNet, CompactNetOptions, CompactNode } from '../compact-harness.ts'
import type { CmpctBlock } from '../../../src/wire/messages.ts'

const nets: CompactNet[] = []
afterEach(async () => {
  for (const n of nets.splice(0)) await n.stop()
})

async function start (n: number, opts: CompactNetOptions = {}): Promise<CompactNet> {
  const net = await compactNet(n, opts)
  nets.push(net)
  return net
}

const tipIs = (node: CompactNode, hash: Uint8Array): boolean => Buffer.compare(node.chain.tip().hash, hash) === 0
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const NO_FALLBACKS = { collision: 0, invalid: 0, error: 0, notfound: 0, malformed: 0 }
/** Full blocks `node` fetched: by hash (an announced block) or by range. */
const fullFetches = (node: CompactNode): number => (node.requests.get_blocks_by_hash ?? 0) + (node.requests.get_blocks_by_range ?? 0)

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

/** Make `receiver` a high-bandwidth receiver of `sender`'s blocks. */
async function askHighBandwidth (receiver: CompactNode, sender: CompactNode): Promise<void> {
  // after the connect-time sendcmpct (one may be in flight per peer)
  await waitFor(() => sender.cb.peer(receiver.peerId)?.compact === true, 2000, 'the connect-time sendcmpct')
  await receiver.rr.notify(sender.peerId, 'sendcmpct', { announce: true, version: 1 })
  await waitFor(() => sender.cb.peer(receiver.peerId)?.highBandwidthTo === true, 2000, 'high-bandwidth mode')
}

/** The compact block of `block`, as a crafting sender builds it. */
function craft (node: CompactNode, block: Uint8Array, nonce: bigint, prefill?: (i: number) => boolean): CmpctBlock {
  const parts = node.chain.splitBlock(block)
  return buildCompactBlock({ ...parts, txids: parts.txs.map(t => node.chain.txId(t)) }, { nonce, prefill })
}

/** A sender that neither announces blocks (sync) nor speaks compact blocks itself: tests push crafted ones. */
const craftingSender: Pick<CompactNetOptions, 'init' | 'sync'> = {
  init: (i) => ({ enabled: i !== 0 }),
  sync: (i) => (i === 0 ? { announce: false } : {})
}

describe('compact blocks: reconstruction through sync', () => {
  for (const [overlap, label] of [[200, '100%'], [198, '99%'], [180, '90%']] as const) {
    it(`rebuilds a pushed block at ${label} mempool overlap, fetching what is missing in one round trip`, async () => {
      const net = await start(2, { blocks: 30, txsPerBlock: 10 })
      const [s, r] = net.nodes
      await link(s, r)
      await askHighBandwidth(r, s)
      await fillMempools(net, s, r, 200, overlap)
      const propagated: Array<{ hash: string, hops: number }> = []
      r.sync.addEventListener('block:propagated', (evt) => { propagated.push(evt.detail) })
      const { hash, block } = await net.mine(0)
      await waitFor(() => tipIs(r, hash), 5000, 'the receiver to connect the block')
      const st = r.cb.stats()
      const rec = st.recent.at(-1)
      assert.ok(rec != null)
      assert.equal(rec.hash, hexOf(hash))
      assert.equal(rec.highBandwidth, true, 'pushed by the announcer, not asked for')
      assert.equal(rec.transactions, 201)
      assert.equal(rec.missing, 200 - overlap)
      assert.equal(rec.roundTrips, overlap === 200 ? 0 : 1)
      assert.equal(s.cb.stats().served.blocktxn, overlap === 200 ? 0 : 1, 'one getblocktxn for everything missing')
      assert.equal(s.cb.stats().served.cmpctblock, 0, 'nobody asked for the compact block')
      assert.equal(fullFetches(r), 0, 'no full block')
      assert.equal(rec.fullBytes, block.byteLength)
      assert.ok(rec.compactBytes + rec.blocktxnBytes < block.byteLength / 5, `compact ${rec.compactBytes} + ${rec.blocktxnBytes} of ${block.byteLength} bytes`)
      assert.deepEqual(st.fallbacks, NO_FALLBACKS)
      assert.deepEqual(r.peers.reports, [])
      assert.deepEqual(r.peers.useful.filter(u => u.kind === 'block'), [{ peer: s.peerId.toString(), kind: 'block' }])
      // the compact block carried the origin's time and hops into sync's propagation measurement
      await waitFor(() => propagated.length === 1, 2000, 'the propagation event')
      assert.deepEqual(propagated.map(p => [p.hash, p.hops]), [[hexOf(hash), 0]])
      assert.equal(r.cb.stats().pending, 0)
    })
  }

  it('fills from the extra pool what the mempool lacks', async () => {
    const net = await start(2)
    const [s, r] = net.nodes
    await link(s, r)
    await askHighBandwidth(r, s)
    const txs = await fillMempools(net, s, r, 20, 18)
    for (const tx of txs.slice(18)) r.cb.addExtraTx(r.chain.txId(tx), tx)
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the block')
    const rec = r.cb.stats().recent.at(-1)
    assert.equal(rec?.roundTrips, 0)
    assert.equal(rec?.fromExtra, 2)
    assert.equal(rec?.fromMempool, 18)
    assert.equal(s.cb.stats().served.blocktxn, 0)
  })

  it('prefills what the receiver probably lacks', async () => {
    const pending = new Set<string>()
    const net = await start(2, { txKnowledge: () => ({ peerHas: () => false, pendingFor: (_p, txid) => pending.has(hexOf(txid)) }) })
    const [s, r] = net.nodes
    await link(s, r)
    await askHighBandwidth(r, s)
    const txs = await fillMempools(net, s, r, 20, 17)
    // three transactions still wait in the sender's announcement queue to the receiver
    for (const tx of txs.slice(17)) pending.add(hexOf(s.chain.txId(tx)))
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the block')
    const rec = r.cb.stats().recent.at(-1)
    assert.equal(rec?.prefilled, 4, 'the coinbase and the three pending')
    assert.equal(rec?.roundTrips, 0)
  })

  it('prefills transactions that reached the sender very recently, unless the peer announced them', async () => {
    const net = await start(2, { init: () => ({ prefillRecentMs: 60_000 }) })
    const [s, r] = net.nodes
    await link(s, r)
    await askHighBandwidth(r, s)
    await fillMempools(net, s, r, 12, 9)
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the block')
    const rec = r.cb.stats().recent.at(-1)
    assert.equal(rec?.prefilled, 13, 'everything that arrived within the window')
    assert.equal(rec?.roundTrips, 0)
  })

  it('passes on in full what it lacked itself: the next hop needs no round trip, and the origin travels', async () => {
    const net = await start(3)
    const [a, b, c] = net.nodes
    await link(a, b)
    await link(b, c)
    await askHighBandwidth(b, a)
    await askHighBandwidth(c, b)
    // b and c hold the same 90 %: b must fetch the rest, and c lacks exactly that
    const txs = await fillMempools(net, a, b, 30, 27)
    for (const tx of txs.slice(0, 27)) await c.chain.mempool.add(tx)
    const hops: number[] = []
    c.sync.addEventListener('block:propagated', (evt) => { hops.push(evt.detail.hops) })
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(c, hash), 5000, 'the block two hops away')
    assert.equal(b.cb.stats().recent.at(-1)?.roundTrips, 1)
    const atC = c.cb.stats().recent.at(-1)
    assert.equal(atC?.highBandwidth, true)
    assert.equal(atC?.roundTrips, 0)
    assert.equal(atC?.prefilled, 4, 'the coinbase and the three b had to fetch')
    await waitFor(() => hops.length === 1, 2000, 'the propagation event at c')
    assert.deepEqual(hops, [1], 'one relay between the origin and c')
    assert.equal(fullFetches(b) + fullFetches(c), 0)
  })

  it('keeps taking announcements after many for blocks it already has', async () => {
    const net = await start(2)
    const [s, r] = net.nodes
    await link(s, r)
    await waitFor(() => s.cb.peer(r.peerId)?.compact === true && r.cb.peer(s.peerId)?.compact === true, 2000, 'sendcmpct both ways')
    const old = await s.chain.getLocator()
    await s.rr.notify(r.peerId, 'inv', { items: old.map(hash => ({ type: 'block' as const, hash })) })
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the new block')
    assert.equal(fullFetches(r), 0)
  })
})

describe('compact blocks: negotiation and modes', () => {
  it('low-bandwidth mode: sync announces the header, then the peer asks for the compact block; the deliverer is promoted', async () => {
    const net = await start(2)
    const [s, r] = net.nodes
    await link(s, r)
    await fillMempools(net, s, r, 10, 10)
    await waitFor(() => s.cb.peer(r.peerId)?.compact === true, 2000, 'the connect-time sendcmpct')
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the block')
    const rec = r.cb.stats().recent.at(-1)
    assert.equal(rec?.highBandwidth, false)
    assert.equal(rec?.roundTrips, 0)
    assert.deepEqual(s.cb.stats().sent, { highBandwidth: 0, lowBandwidth: 1 })
    assert.equal(s.cb.stats().served.cmpctblock, 1)
    assert.equal(fullFetches(r), 0)
    // s gave r a new tip first: r asks it for high-bandwidth mode, and the next block comes pushed
    assert.deepEqual(r.cb.stats().highBandwidthPeers, [s.peerId.toString()])
    await waitFor(() => s.cb.peer(r.peerId)?.highBandwidthTo === true, 2000, 'sendcmpct(announce) to s')
    const next = await net.mine(0)
    await waitFor(() => tipIs(r, next.hash), 5000, 'the second block')
    assert.equal(r.cb.stats().recent.at(-1)?.highBandwidth, true)
    assert.deepEqual(s.cb.stats().sent, { highBandwidth: 1, lowBandwidth: 1 })
  })

  it('a high-bandwidth push that fails is followed by the header announcement: the peer still gets the block now', async () => {
    // r's compact fetch of the announced block fails too (no cmpctblock handler): it takes the full block soon
    const net = await start(2, { init: () => ({ reconstructionTimeoutMs: 300 }) })
    const [s, r] = net.nodes
    await link(s, r)
    await fillMempools(net, s, r, 5, 5)
    await waitFor(() => s.cb.peer(r.peerId)?.compact === true, 2000, 'the connect-time sendcmpct')
    // the first block makes s a high-bandwidth peer of r
    const first = await net.mine(0)
    await waitFor(() => tipIs(r, first.hash), 5000, 'the first block')
    await waitFor(() => s.cb.peer(r.peerId)?.highBandwidthTo === true, 2000, 'sendcmpct(announce) to s')
    // r stops taking cmpctblock messages: s's next push fails
    await r.rr.unregister('cmpctblock')
    const next = await net.mine(0)
    await waitFor(() => s.cb.stats().headerFallbacks === 1, 5000, 'the header announcement after the failed push')
    await waitFor(() => tipIs(r, next.hash), 5000, 'the second block, without a third to announce it')
    assert.equal(s.cb.stats().sent.highBandwidth, 1, 'the push was attempted')
    assert.equal(fullFetches(r), 1, 'taken in full after the announcement')
    assert.deepEqual(r.peers.reports, [], 'nobody is at fault')
  })

  it('asks the peer that first gave it a new block for high-bandwidth mode, at most three, keeping an outbound one', async () => {
    const net = await start(6)
    const [r, ...others] = net.nodes
    // r dials o0 (outbound); o1..o4 dial r (inbound)
    await link(r, others[0])
    for (const o of others.slice(1)) await link(o, r)
    await waitFor(() => others.every(o => o.cb.peer(r.peerId)?.compact === true), 2000, 'the connect-time sendcmpct')
    for (let i = 0; i < others.length; i++) {
      const sender = others[i]
      // the block reaches r from `sender` first: only it has it
      const { hash, block } = await net.mine(i + 1)
      await waitFor(() => tipIs(r, hash), 5000, `block from node ${i + 1}`)
      assert.equal(r.cb.stats().recent.at(-1)?.hash, hexOf(hash), 'rebuilt from a compact block')
      // keep the other nodes on the same chain (r may relay it to them meanwhile)
      for (const o of others) if (o !== sender) await o.chain.submitBlock(block)
      await waitFor(() => others.every(o => tipIs(o, hash)), 5000, 'every node on the block')
    }
    const hbList = r.cb.stats().highBandwidthPeers
    assert.equal(hbList.length, 3)
    assert.ok(hbList.includes(others[0].peerId.toString()), 'the only outbound one stays')
    assert.deepEqual(hbList.slice(1), [others[3].peerId.toString(), others[4].peerId.toString()], 'the most recent first-deliverers')
    // the demoted and promoted peers were told: the next block from o4 comes pushed
    await waitFor(() => others[4].cb.peer(r.peerId)?.highBandwidthTo === true && others[2].cb.peer(r.peerId)?.highBandwidthTo === false, 2000, 'sendcmpct changes')
    assert.equal(others[1].cb.peer(r.peerId)?.highBandwidthTo, false, 'demoted')
    assert.equal(others[0].cb.peer(r.peerId)?.highBandwidthTo, true, 'kept')
    const { hash } = await net.mine(5)
    await waitFor(() => tipIs(r, hash), 5000, 'the pushed block')
    assert.equal(r.cb.stats().recent.at(-1)?.highBandwidth, true)
    assert.equal(fullFetches(r), 0)
  })

  it('a peer without compact blocks gets the full block through sync', async () => {
    const net = await start(2, { init: (i) => ({ enabled: i === 0 }) })
    const [s, r] = net.nodes
    await link(s, r)
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the block')
    assert.deepEqual(s.cb.stats().sent, { highBandwidth: 0, lowBandwidth: 0 })
    assert.equal(r.requests.get_blocks_by_hash, 1)
    assert.equal(r.cb.stats().recent.length, 0)
    assert.equal(s.cb.peer(r.peerId)?.compact, false)
  })
})

describe('compact blocks: catching up', () => {
  it('a node catching up pushes no compact blocks until sync says it is synced', async () => {
    const net = await start(3)
    const [s, r, c] = net.nodes
    await link(r, c)
    await askHighBandwidth(c, r)
    // s mines 20 blocks alone; then r meets it and syncs them
    let last: Uint8Array = new Uint8Array(0)
    for (let i = 0; i < 20; i++) last = (await net.mine(0)).hash
    await link(r, s)
    await waitFor(() => tipIs(r, last) && tipIs(c, last), 10_000, 'r and c to catch up')
    const pushed = r.cb.stats().sent.highBandwidth
    assert.ok(pushed <= SYNCED_SLACK_BLOCKS + 1, `r pushed ${pushed} compact blocks while catching up 20 (slack ${SYNCED_SLACK_BLOCKS})`)
    assert.deepEqual(c.peers.reports, [])
  })
})

describe('compact blocks: fallbacks and verdicts', () => {
  it('falls back to the full block on a short-id collision in the compact block', async () => {
    const net = await start(2, craftingSender)
    const [s, r] = net.nodes
    await link(s, r)
    await fillMempools(net, s, r, 10, 10)
    const { hash, block } = await net.mine(0)
    const cmpct = craft(s, block, 7n)
    cmpct.shortIds[1] = cmpct.shortIds[0]
    await s.rr.notify(r.peerId, 'cmpctblock', cmpct)
    await waitFor(() => tipIs(r, hash), 5000, 'the block via the full-block fallback')
    assert.deepEqual(r.cb.stats().fallbacks, { ...NO_FALLBACKS, collision: 1 })
    assert.equal(r.requests.get_blocks_by_hash, 1, 'one full block from the same peer')
    assert.equal(r.cb.stats().recent.length, 0)
    assert.deepEqual(r.peers.reports, [])
  })

  it('falls back to the full block when a short id matched the wrong transaction (merkle mismatch)', async () => {
    const net = await start(2, craftingSender)
    const [s, r] = net.nodes
    await link(s, r)
    await fillMempools(net, s, r, 10, 10)
    // a transaction only the receiver has, which the crafted compact block claims
    const decoy = net.makeTx()
    await r.chain.mempool.add(decoy.tx)
    const { hash, block } = await net.mine(0)
    const cmpct = craft(s, block, 9n)
    cmpct.shortIds[3] = shortId(shortIdKey(cmpct.header, 9n), decoy.txid)
    await s.rr.notify(r.peerId, 'cmpctblock', cmpct)
    await waitFor(() => tipIs(r, hash), 5000, 'the block via the fallback')
    assert.deepEqual(r.cb.stats().fallbacks, { ...NO_FALLBACKS, invalid: 1 })
    assert.ok(fullFetches(r) >= 1, 'the full block was fetched')
    assert.deepEqual(r.peers.reports, [], 'a collision is nobody\'s fault')
    assert.deepEqual(r.sync.state().penalties, {})
  })

  it('does not punish a relayer for invalid transactions inside a compact block', async () => {
    const net = await start(2, craftingSender)
    const [s, r] = net.nodes
    await link(s, r)
    const bad = Uint8Array.from(net.makeTx().tx)
    bad[100] ^= 0xff
    const template = await s.chain.createBlockTemplate({ pkh: net.key.pkh, txs: [bad] })
    const block = await s.chain.mineBlock(template) as Uint8Array
    const badHash = s.chain.decodeHeader(s.chain.splitBlock(block).header).hash
    // everything prefilled: the block is rebuilt without a round trip, then the chain rejects it
    await s.rr.notify(r.peerId, 'cmpctblock', craft(s, block, 1n, () => true))
    await waitFor(() => r.cb.stats().fallbacks.invalid === 1, 5000, 'the rebuilt block rejected')
    assert.equal(tipIs(r, badHash), false)
    assert.equal(r.cb.stats().reconstructed.zero, 1)
    assert.deepEqual(r.peers.reports, [])
    assert.deepEqual(r.peers.bans, [])
    assert.deepEqual(r.sync.state().penalties, {})
    assert.equal(r.sync.state().peerList.find(p => p.id === s.peerId.toString())?.excluded, false)
    // the relayer's next (valid) block is taken as before
    const { hash, block: good } = await net.mine(0)
    await s.rr.notify(r.peerId, 'cmpctblock', craft(s, good, 2n))
    await waitFor(() => tipIs(r, hash), 5000, 'the next block from the same relayer')
    assert.deepEqual(r.peers.reports, [])
  })

  it('punishes an invalid header', async () => {
    const net = await start(2, craftingSender)
    const [s, r] = net.nodes
    await link(s, r)
    // a block whose time is not after the median time past: its header is invalid
    const template = await s.chain.createBlockTemplate({ pkh: net.key.pkh, txs: [], time: 1 })
    const block = await s.chain.mineBlock(template) as Uint8Array
    await assert.rejects(s.rr.notify(r.peerId, 'cmpctblock', craft(s, block, 1n)), (e: Error) => e.name === 'RequestRejectedError')
    assert.deepEqual(r.peers.reports.map(x => [x.verdict, x.reason]), [['fatal', 'InvalidHeaderError']])
    assert.equal(r.cb.stats().pending, 0, 'the compact block is not kept')
    assert.equal(r.cb.stats().partialBlocks, 0)
    assert.equal(fullFetches(r), 0)
  })

  it('punishes a blocktxn that does not answer the request, and takes the full block', async () => {
    const net = await start(2)
    const [s, r] = net.nodes
    await link(s, r)
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
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the block by the full-block path')
    assert.deepEqual(r.peers.reports.map(x => [x.verdict, x.reason]), [['fatal', 'BlockTxnMismatchError']])
    assert.deepEqual(r.cb.stats().fallbacks, { ...NO_FALLBACKS, error: 1 })
    assert.equal(r.requests.get_blocks_by_hash, 1)
  })

  it('takes the full block when the announcer does not have the compact block', async () => {
    const net = await start(2)
    const [s, r] = net.nodes
    await link(s, r)
    await waitFor(() => r.cb.peer(s.peerId)?.compact === true, 2000, 'the connect-time sendcmpct')
    // the sender answers every getdata with notfound
    await s.rr.register('getdata', {
      async call (req) { return [{ type: 'notfound' as const, items: req.body.items }] }
    })
    const { hash } = await net.mine(0)
    await waitFor(() => tipIs(r, hash), 5000, 'the block by the full-block path')
    assert.deepEqual(r.cb.stats().fallbacks, { ...NO_FALLBACKS, notfound: 1 })
    assert.equal(r.requests.get_blocks_by_hash, 1)
    assert.deepEqual(r.peers.reports, [])
  })

  it('serves getblocktxn only for recent blocks and in range, punishing indexes past the end', async () => {
    const net = await start(2)
    const [s, r] = net.nodes
    await link(s, r)
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
