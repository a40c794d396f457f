/**
 * The status handshake with stub components on an in-memory network: ready in
 * both directions, the status book, advertisements, the genesis mismatch
 * (goodbye and a short automatic ban) and the timeout (a manual clock).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TypedEventEmitter } from 'main-event'
import { manualClock } from '../../src/service/clock.ts'
import { statusProtocol, STATUS_MISMATCH_BAN_MS, STATUS_TIMEOUT_MS } from '../../src/protocols/status/index.ts'
import { memoryNetwork, memoryNode, noopLogger, hash, waitFor } from '../helpers/reqresp.ts'
import type { ProtocolHostEvents } from '../../src/node/chain-protocols.ts'
import type { StatusProtocol, ReadyPeer } from '../../src/protocols/status/index.ts'
import type { BanRequest, GoodbyeReason } from '../../src/peers/types.ts'
import type { PeerId } from '@libp2p/interface'
import type { TestNode } from '../helpers/reqresp.ts'

interface Side {
  node: TestNode
  status: StatusProtocol
  events: TypedEventEmitter<ProtocolHostEvents>
  goodbyes: Array<{ peer: string, reason: GoodbyeReason }>
  bans: BanRequest[]
  ready: ReadyPeer[]
}

async function side (net: ReturnType<typeof memoryNetwork>, opts: { genesis?: number, height?: number | (() => number), clock?: ReturnType<typeof manualClock>, register?: boolean } = {}): Promise<Side> {
  const node = await memoryNode(net)
  const events = new TypedEventEmitter<ProtocolHostEvents>()
  const goodbyes: Side['goodbyes'] = []
  const bans: BanRequest[] = []
  const ready: ReadyPeer[] = []
  const status = statusProtocol()({
    reqresp: node.rr,
    peers: {
      async disconnect (peer: PeerId, reason: GoodbyeReason) { goodbyes.push({ peer: peer.toString(), reason }) },
      async ban (req: BanRequest) { bans.push(req); return {} as any }
    },
    chain: { networkId: 'testnet', genesisHash: hash(opts.genesis ?? 1), tip: () => ({ hash: hash(9), height: typeof opts.height === 'function' ? opts.height() : opts.height ?? 7, work: 1234n }) },
    events,
    logger: noopLogger,
    clock: opts.clock
  })
  status.addEventListener('peer:ready', (evt) => { ready.push(evt.detail) })
  if (opts.register !== false) await status.start()
  return { node, status, events, goodbyes, bans, ready }
}

function connect (a: Side, b: Side): void {
  a.events.safeDispatchEvent('peer:connect', { detail: { peer: b.node.peerId, direction: 'outbound', addr: '/memory/b' } })
  b.events.safeDispatchEvent('peer:connect', { detail: { peer: a.node.peerId, direction: 'inbound', addr: '/memory/a' } })
}

describe('status handshake', () => {
  it('makes both peers ready with each other\'s status, once, and forgets them on disconnect', async () => {
    const net = memoryNetwork()
    const a = await side(net, { height: 7 })
    const b = await side(net, { height: 42 })
    connect(a, b)
    await waitFor(() => a.ready.length === 1 && b.ready.length === 1, 2000, 'both ready')
    assert.equal(a.status.get(b.node.peerId)?.bestHeight, 42)
    assert.equal(b.status.get(a.node.peerId.toString())?.bestHeight, 7)
    assert.equal(a.ready[0].status.network, 'testnet')
    assert.deepEqual(a.status.ready().map(r => r.peer.toString()), [b.node.peerId.toString()])
    // both sides requested: the second status is an update, not a second ready
    await new Promise(resolve => setTimeout(resolve, 20))
    assert.equal(a.ready.length, 1)
    // the status carries what we speak and offer
    const st = a.status.get(b.node.peerId)
    assert.ok(st?.protocols.some(p => p.name === 'status' && p.majors.includes(1)))
    assert.equal(st?.capabilities.sendHeaders, true)
    assert.equal(st?.userAgent.startsWith('chainwire/'), true)

    const gone: string[] = []
    a.status.addEventListener('peer:gone', (evt) => { gone.push(evt.detail.peer.toString()) })
    a.events.safeDispatchEvent('peer:disconnect', { detail: { peer: b.node.peerId } })
    assert.deepEqual(gone, [b.node.peerId.toString()])
    assert.equal(a.status.get(b.node.peerId), undefined)
    assert.deepEqual(a.goodbyes, [])
    await a.status.stop()
    await b.status.stop()
  })

  it('advertises capabilities and compact-block versions added by other modules', async () => {
    const net = memoryNetwork()
    const a = await side(net, { register: false })
    a.status.advertise({ capabilities: { sendHeaders: false }, compactBlockVersions: [2, 1] })
    await a.status.start()
    const b = await side(net)
    connect(a, b)
    await waitFor(() => b.ready.length === 1, 2000, 'b ready')
    const st = b.status.get(a.node.peerId)
    assert.equal(st?.capabilities.sendHeaders, false)
    assert.equal(st?.capabilities.txRelay, true)
    assert.deepEqual(st?.compactBlockVersions, [2, 1])
    assert.deepEqual(a.status.local().compactBlockVersions, [2, 1])
    const refreshed = await b.status.refresh(a.node.peerId)
    assert.equal(refreshed.bestHeight, 7)
    await a.status.stop()
    await b.status.stop()
  })

  it('says goodbye to a peer with another genesis and bans it briefly (automatic ban)', async () => {
    const net = memoryNetwork()
    const a = await side(net, { genesis: 1 })
    const b = await side(net, { genesis: 2 })
    connect(a, b)
    await waitFor(() => a.bans.length === 1 && b.bans.length === 1, 2000, 'bans on both sides')
    assert.deepEqual(a.goodbyes, [{ peer: b.node.peerId.toString(), reason: 'irrelevant-network' }])
    assert.equal(a.bans[0].peer?.toString(), b.node.peerId.toString())
    assert.equal(a.bans[0].durationMs, STATUS_MISMATCH_BAN_MS)
    assert.equal(a.bans[0].source, 'auto')
    assert.match(a.bans[0].reason, /genesis/)
    assert.ok(STATUS_MISMATCH_BAN_MS >= 15 * 60_000 && STATUS_MISMATCH_BAN_MS <= 60 * 60_000)
    assert.equal(a.ready.length, 0)
    assert.equal(a.status.get(b.node.peerId), undefined)
    await a.status.stop()
    await b.status.stop()
  })

  it('drops a peer that never completes status at the timeout, and not before', async () => {
    const net = memoryNetwork()
    const clock = manualClock()
    const a = await side(net, { clock })
    // b speaks reqresp but never registered status: every request fails without a verdict
    const b = await side(net, { register: false })
    a.events.safeDispatchEvent('peer:connect', { detail: { peer: b.node.peerId, direction: 'outbound', addr: '/memory/b' } })
    await new Promise(resolve => setTimeout(resolve, 20))
    clock.advance(STATUS_TIMEOUT_MS - 1)
    await new Promise(resolve => setTimeout(resolve, 20))
    assert.deepEqual(a.goodbyes, [])
    clock.advance(1)
    assert.deepEqual(a.goodbyes, [{ peer: b.node.peerId.toString(), reason: 'fault' }])
    assert.equal(a.ready.length, 0)
    await a.status.stop()
  })

  it('a later status from a ready peer is an update (peer:status), not a second ready', async () => {
    const net = memoryNetwork()
    let height = 10
    const a = await side(net)
    const b = await side(net, { height: () => height })
    connect(a, b)
    await waitFor(() => a.ready.length === 1, 2000, 'a ready')
    const updates: number[] = []
    a.status.addEventListener('peer:status', (evt) => { updates.push(evt.detail.status.bestHeight) })
    height = 11
    const st = await a.status.refresh(b.node.peerId)
    assert.equal(st.bestHeight, 11)
    assert.equal(a.status.get(b.node.peerId)?.bestHeight, 11)
    assert.equal(a.ready.length, 1)
    assert.ok(updates.includes(11))
    await a.status.stop()
    await b.status.stop()
  })
})
