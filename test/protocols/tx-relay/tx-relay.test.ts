/**
 * Transaction relay on the in-memory network: real engines and codecs, a
 * fake chain, and a manual clock driving the Poisson trickle and the
 * request timeouts (no real sleeps).
 */
import { afterEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { manualClock } from '../../../src/service/clock.ts'
import { reqResp } from '../../../src/reqresp/index.ts'
import { splitChunks } from '../../../src/wire/chunking.ts'
import { MAX_INV_ITEMS } from '../../../src/wire/constants.ts'
import { encodeFrame, FrameCode } from '../../../src/wire/framing.ts'
import { protocolId } from '../../../src/wire/protocol-id.ts'
import { protobufCodecs } from '../../../src/wire/protobuf.ts'
import * as pbRelay from '../../../src/wire/pb/gen/relay.js'
import { readAll, waitFor } from '../../helpers/reqresp.ts'
import { makePeerId, memoryNetwork, noopLogger, recordingReporter } from '../../helpers/reqresp.ts'
import { connect, fakeTx, relayNode, settle } from '../relay-helpers.ts'
import type { FakeTx, RelayNode } from '../relay-helpers.ts'
import type { ReqResp } from '../../../src/reqresp/index.ts'
import type { ManualClock } from '../../../src/service/clock.ts'
import type { InvItem } from '../../../src/wire/messages.ts'
import type { PeerId } from '@libp2p/interface'

const stops: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s()
})

async function node (net: ReturnType<typeof memoryNetwork>, clock: ManualClock, init = {}): Promise<RelayNode> {
  const n = await relayNode(net, clock, init)
  stops.push(n.stop)
  return n
}

/** A hand-written peer: a bare engine that announces what we tell it and serves getdata with `serve`. */
async function rawPeer (net: ReturnType<typeof memoryNetwork>, serve: (items: InvItem[], signal: AbortSignal) => AsyncIterable<any> | Iterable<any>): Promise<{ peerId: PeerId, rr: ReqResp, asked: InvItem[][] }> {
  const peerId = await makePeerId()
  const ep = net.endpoint(peerId)
  const rr = reqResp({ network: 'testnet' })({ registrar: ep.registrar, dialer: ep.dialer, peers: recordingReporter(), logger: noopLogger, clock: manualClock() })
  const asked: InvItem[][] = []
  await rr.register('getdata', {
    async call (req) {
      asked.push(req.body.items)
      return serve(req.body.items, req.signal)
    }
  })
  await rr.register('inv', { async call () {} })
  await rr.register('feefilter', { async call () {} })
  await rr.start()
  stops.push(async () => { await rr.stop() })
  return { peerId, rr, asked }
}

/** A getdata handler that never answers: it waits until the requester gives up. */
async function * neverAnswer (_items: InvItem[], signal: AbortSignal): AsyncGenerator<never> {
  await new Promise(resolve => signal.addEventListener('abort', resolve, { once: true }))
  yield * []
}

/** Advance the shared clock in steps, letting streams run between steps, until `cond` or `maxMs`. */
async function run (clock: ManualClock, maxMs: number, cond: () => boolean = () => false, stepMs = 100): Promise<void> {
  for (let t = 0; ; t += stepMs) {
    await settle()
    if (cond() || t >= maxMs) return
    clock.advance(Math.min(stepMs, maxMs - t))
  }
}

const has = (n: RelayNode, tx: FakeTx): boolean => n.fake.pool.has(tx.hex)

describe('tx relay (inv mode)', () => {
  it('trickles a new transaction to peers, which fetch, validate and relay it once', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const a = await node(net, clock)
    const b = await node(net, clock)
    const c = await node(net, clock)
    connect(a, b)
    connect(b, c)
    await run(clock, 0)
    const tx = fakeTx()
    assert.equal((await a.fake.addLocal(tx)).status, 'accepted')
    await settle()
    assert.equal(a.relay.pendingFor(b.peerId, tx.txid), true, 'queued for the next trickle, not sent at once')
    assert.equal(has(b, tx), false)

    await run(clock, 10_000, () => has(c, tx))
    assert.ok(has(b, tx) && has(c, tx), 'the transaction crossed two hops')
    // B knew A had it and C knew B had it: nothing was announced back
    assert.equal(a.relay.stats().invItemsReceived, 0)
    assert.equal(c.relay.stats().announced, 0)
    for (const n of [b, c]) {
      const s = n.relay.stats()
      assert.equal(s.received.accepted, 1)
      assert.equal(s.received.duplicate, 0)
      assert.equal(s.requested, 1)
    }
    assert.deepEqual(b.peers.useful, [{ peer: a.peerId.toString(), kind: 'tx' }])
    assert.deepEqual([...a.peers.reports, ...b.peers.reports, ...c.peers.reports], [])
  })

  it('waits for the trickle: an inbound peer after the shared inbound delay', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const a = await node(net, clock, { inboundTrickleMs: 5000, outboundTrickleMs: 2000 })
    const b = await node(net, clock)
    connect(b, a) // b dialed a: b is a's inbound peer
    await run(clock, 0)
    const tx = fakeTx()
    await a.fake.addLocal(tx)
    // random() = 0.5: the next inbound trickle is 5000 · ln 2 ≈ 3466 ms after start
    await run(clock, 3300, () => b.relay.stats().invItemsReceived > 0)
    assert.equal(b.relay.stats().invItemsReceived, 0, 'no announcement before the inbound trickle')
    await run(clock, 400, () => b.relay.stats().invItemsReceived > 0)
    assert.equal(b.relay.stats().invItemsReceived, 1)
  })

  it('announces at most a batch per trickle, highest fee rate first', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const a = await node(net, clock, { invBroadcastTarget: 10 })
    const b = await node(net, clock)
    connect(a, b)
    await run(clock, 0)
    const txs: FakeTx[] = []
    for (let i = 0; i < 25; i++) {
      const tx = fakeTx({ feeRate: 1000 + i * 100 })
      txs.push(tx)
      await a.fake.addLocal(tx)
    }
    await run(clock, 5000, () => b.relay.stats().invItemsReceived > 0)
    assert.equal(b.relay.stats().invItemsReceived, 10)
    await run(clock, 3000, () => b.relay.stats().received.accepted === 10)
    // the ten best fee rates came first
    const got = txs.filter(t => has(b, t)).map(t => new DataView(t.bytes.buffer).getUint32(1, true))
    assert.deepEqual(got, [2500, 2600, 2700, 2800, 2900, 3000, 3100, 3200, 3300, 3400])
    await run(clock, 20_000, () => txs.every(t => has(b, t)))
    assert.ok(txs.every(t => has(b, t)), 'the rest followed on later trickles')
  })

  it('honors the peer\'s fee filter', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const a = await node(net, clock)
    const b = await node(net, clock)
    b.fake.minFeeRate = 5000
    connect(a, b)
    await run(clock, 100, () => a.relay.peer(b.peerId)?.feeFilter === 5000)
    assert.equal(a.relay.peer(b.peerId)?.feeFilter, 5000, 'b sent its fee filter at connect')
    assert.equal(b.relay.peer(a.peerId)?.sentFeeFilter, 5000)
    const cheap = fakeTx({ feeRate: 2000 })
    const rich = fakeTx({ feeRate: 6000 })
    await a.fake.addLocal(cheap)
    await a.fake.addLocal(rich)
    await run(clock, 10_000, () => has(b, rich))
    assert.ok(has(b, rich))
    assert.equal(has(b, cheap), false)
    assert.equal(b.relay.stats().invItemsReceived, 1, 'the cheap transaction was never announced')
  })

  it('caps requests in flight to a peer that never answers, and re-requests from another announcer', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const x = await node(net, clock, { getdataTimeoutMs: 60_000 })
    // the silent peer is outbound (preferred): x asks it first
    const silent = await rawPeer(net, neverAnswer)
    x.peers.directions.set(silent.peerId.toString(), 'outbound')
    const honest = await node(net, clock)
    connect(honest, x)
    honest.peers.directions.set(x.peerId.toString(), 'outbound')
    x.peers.directions.set(honest.peerId.toString(), 'inbound')
    await run(clock, 0)
    const txs: FakeTx[] = []
    for (let i = 0; i < 150; i++) {
      const tx = fakeTx()
      txs.push(tx)
      await honest.fake.addLocal(tx)
    }
    await silent.rr.notify(x.peerId, 'inv', { items: txs.map(t => ({ type: 'tx' as const, hash: t.txid })) })
    await settle()
    assert.equal(x.relay.peer(silent.peerId)?.inFlight, 100, 'at most 100 in flight to one peer')
    assert.equal(silent.asked.flat().length, 100)

    // the honest (inbound) announcer serves the other 50 after the non-preferred delay
    await run(clock, 10_000, () => x.fake.pool.size === 50)
    assert.equal(x.fake.pool.size, 50)
    assert.equal(x.relay.peer(silent.peerId)?.inFlight, 100, 'the silent peer still holds its 100')

    // the silent peer's requests time out after 60 s and go to the honest peer
    await run(clock, 60_000, () => x.fake.pool.size === 150, 1000)
    assert.equal(x.fake.pool.size, 150)
    assert.equal(x.relay.peer(silent.peerId)?.inFlight, 0)
    assert.equal(silent.asked.flat().length, 100, 'the silent peer was not asked again')
    assert.deepEqual(x.peers.reports.filter(r => r.peer === silent.peerId.toString()).map(r => r.reason), ['TxRequestTimeoutError'])
    assert.equal(x.relay.stats().requestFailures.timeout, 100)
  })

  it('ignores announcements beyond the per-peer cap', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const x = await node(net, clock, { maxPeerAnnouncements: 20, maxInFlightPerPeer: 5 })
    const silent = await rawPeer(net, neverAnswer)
    x.peers.directions.set(silent.peerId.toString(), 'outbound')
    const txs = Array.from({ length: 30 }, () => fakeTx())
    await silent.rr.notify(x.peerId, 'inv', { items: txs.map(t => ({ type: 'tx' as const, hash: t.txid })) })
    await settle()
    assert.equal(x.relay.peer(silent.peerId)?.announcements, 20)
    assert.equal(x.relay.peer(silent.peerId)?.inFlight, 5)
    assert.equal(x.relay.stats().tracked, 20)
    assert.deepEqual(x.peers.reports, [], 'an over-cap announcement is ignored, not punished')
  })

  it('penalizes invalid transactions with the chain\'s verdict, and not low-fee, conflicting or policy-invalid ones', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const x = await node(net, clock)
    const y = await node(net, clock)
    connect(x, y)
    const bad = fakeTx({ kind: 'invalid' })
    const cheap = fakeTx({ feeRate: 10 })
    const conflict = fakeTx({ kind: 'conflict' })
    const immature = fakeTx({ kind: 'invalid-ignore' })
    const all = [bad, cheap, conflict, immature]
    const byHex = new Map(all.map(t => [t.hex, t]))
    const evil = await rawPeer(net, (items) => items.map(i => ({ type: 'tx', tx: byHex.get(Buffer.from(i.hash).toString('hex'))?.bytes })))
    x.peers.directions.set(evil.peerId.toString(), 'outbound')
    const lowFeeOnly = await rawPeer(net, (items) => items.map(i => ({ type: 'tx', tx: byHex.get(Buffer.from(i.hash).toString('hex'))?.bytes })))
    x.peers.directions.set(lowFeeOnly.peerId.toString(), 'outbound')
    await evil.rr.notify(x.peerId, 'inv', { items: [bad, conflict, immature].map(t => ({ type: 'tx' as const, hash: t.txid })) })
    await lowFeeOnly.rr.notify(x.peerId, 'inv', { items: [{ type: 'tx', hash: cheap.txid }] })
    await run(clock, 5000, () => x.relay.stats().received.invalid === 2 && x.relay.stats().received['fee-too-low'] === 1)
    const s = x.relay.stats()
    assert.equal(s.received.invalid, 2)
    assert.equal(s.received.conflict, 1)
    assert.equal(s.received['fee-too-low'], 1)
    assert.deepEqual(x.peers.reports, [{ peer: evil.peerId.toString(), verdict: 'fatal', reason: 'FakeTxError' }])
    // nothing was relayed, and nothing is fetched again
    await run(clock, 10_000)
    assert.equal(y.relay.stats().invItemsReceived, 0)
    await evil.rr.notify(x.peerId, 'inv', { items: all.map(t => ({ type: 'tx' as const, hash: t.txid })) })
    await run(clock, 3000)
    assert.equal(evil.asked.length, 1, 'rejected transactions are remembered')
  })

  it('penalizes unsolicited transactions', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const x = await node(net, clock)
    const wanted = fakeTx()
    const extra = fakeTx()
    const pusher = await rawPeer(net, () => [{ type: 'tx', tx: extra.bytes }, { type: 'tx', tx: wanted.bytes }])
    x.peers.directions.set(pusher.peerId.toString(), 'outbound')
    // a pushed tx message
    await assert.rejects(pusher.rr.notify(x.peerId, 'tx', { tx: wanted.bytes }), (err: Error) => err.name === 'RequestRejectedError')
    assert.deepEqual(x.peers.reports.map(r => [r.verdict, r.reason]), [['mid', 'UnsolicitedTxError']])
    assert.equal(has(x, wanted), false, 'a pushed transaction is not taken')
    // a getdata answer carrying a transaction that was not asked for
    await pusher.rr.notify(x.peerId, 'inv', { items: [{ type: 'tx', hash: wanted.txid }] })
    await run(clock, 1000, () => has(x, wanted))
    assert.ok(has(x, wanted))
    assert.equal(has(x, extra), false)
    assert.deepEqual(x.peers.reports.map(r => [r.verdict, r.reason]), [['mid', 'UnsolicitedTxError'], ['mid', 'UnsolicitedTxError']])
  })

  it('fetches an orphan\'s parents from the peer that sent it', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const x = await node(net, clock)
    const parent = fakeTx()
    const child = fakeTx({ parent: parent.txid })
    const byHex = new Map([parent, child].map(t => [t.hex, t]))
    const peer = await rawPeer(net, (items) => items.map(i => ({ type: 'tx', tx: byHex.get(Buffer.from(i.hash).toString('hex'))?.bytes })))
    x.peers.directions.set(peer.peerId.toString(), 'outbound')
    await peer.rr.notify(x.peerId, 'inv', { items: [{ type: 'tx', hash: child.txid }] })
    await run(clock, 2000, () => has(x, child))
    assert.ok(has(x, parent) && has(x, child))
    assert.equal(peer.asked.length, 2, 'the child, then its parent')
    assert.equal(x.relay.stats().received.orphan, 1)
    assert.deepEqual(x.peers.reports, [])
  })

  it('does not serve a transaction before its trickle to that peer', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const a = await node(net, clock)
    const b = await node(net, clock)
    connect(a, b)
    await run(clock, 0)
    const tx = fakeTx()
    await a.fake.addLocal(tx)
    const early = await b.rr.request(a.peerId, 'getdata', { items: [{ type: 'tx', hash: tx.txid }] })
    assert.deepEqual(early.map(i => i.type), ['notfound'])
    await run(clock, 5000, () => b.relay.stats().invItemsReceived > 0)
    const later = await b.rr.request(a.peerId, 'getdata', { items: [{ type: 'tx', hash: tx.txid }] })
    assert.deepEqual(later.map(i => i.type), ['tx'])
  })

  it('an inv of more than 50,000 items is fatal at decode and never reaches the relay', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const x = await node(net, clock)
    const attacker = await makePeerId()
    net.endpoint(attacker)
    const hash = new Uint8Array(32).fill(1)
    const payload = pbRelay.Inv.encode({ items: Array.from({ length: MAX_INV_ITEMS + 1 }, () => ({ type: 1, hash })) })
    const stream = await net.openRaw(attacker, x.peerId, protocolId('testnet', 'inv', 1))
    try {
      for (const chunk of splitChunks(payload, 1)) stream.send(encodeFrame(FrameCode.CHUNK, protobufCodecs.Chunk.encode(chunk)))
      await stream.close()
      await readAll(stream, 5000)
    } catch {
      // the victim may reset the stream once it has judged the request
    }
    await waitFor(() => x.peers.reports.length > 0, 5000, 'a report')
    assert.deepEqual(x.peers.reports.map(r => [r.peer, r.reason, r.verdict]), [[attacker.toString(), 'DecodeError', 'fatal']])
    assert.equal(x.relay.stats().invItemsReceived, 0)
    assert.equal(x.relay.stats().tracked, 0)
  })

  it('drops state made for a peer that is not connected on the next sweep', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const x = await node(net, clock)
    // a peer the manager does not list (refused by the network guard, or gone) sends an inv
    const stranger = await rawPeer(net, neverAnswer)
    await stranger.rr.notify(x.peerId, 'inv', { items: [{ type: 'tx', hash: fakeTx().txid }] })
    await settle()
    assert.notEqual(x.relay.peer(stranger.peerId), undefined)
    await run(clock, 30_000, () => x.relay.peer(stranger.peerId) == null, 1000)
    assert.equal(x.relay.peer(stranger.peerId), undefined)
    assert.equal(x.relay.stats().tracked, 0)
    // its getdata, which would never be answered, was ended with it
    await waitFor(() => x.relay.stats().requestFailures.error === 1, 2000, 'the request ended')
  })

  it('drops a peer\'s state when it disconnects', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const x = await node(net, clock)
    const silent = await rawPeer(net, neverAnswer)
    x.peers.directions.set(silent.peerId.toString(), 'outbound')
    await silent.rr.notify(x.peerId, 'inv', { items: Array.from({ length: 5 }, () => ({ type: 'tx' as const, hash: fakeTx().txid })) })
    await settle()
    assert.equal(x.relay.stats().tracked, 5)
    x.events.safeDispatchEvent('peer:disconnect', { detail: { peer: silent.peerId } })
    assert.equal(x.relay.peer(silent.peerId), undefined)
    assert.equal(x.relay.stats().tracked, 0)
    assert.equal(x.relay.stats().peers, 0)
  })
})
