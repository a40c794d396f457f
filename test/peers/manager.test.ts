import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { Key } from 'interface-datastore'
import { peerConstants } from '../../src/peers/index.ts'
import { connectionGater, peerGuard } from '../../src/peers/guard.ts'
import { goodbyeCode, goodbyeReason } from '../../src/peers/goodbye.ts'
import { parseIp } from '../../src/peers/ip.ts'
import { peerManager } from '../../src/peers/manager.ts'
import { BanNotFoundError, InvalidBanError } from '../../src/peers/errors.ts'
import { fakeClock, fakeConnection, fakeMaConn, fakeNetwork, fakePeerStore, flush, logger, memoryDatastore, newPeerId, peerIds, recordingMetrics, tempLevel, waitFor } from './helpers.ts'
import type { PeerManagerInit } from '../../src/peers/config.ts'
import type { PeerDatastore } from '../../src/peers/bans.ts'
import type { PeerGuard } from '../../src/peers/guard.ts'
import type { GoodbyeReason, PeerManager, PeerManagerEvents } from '../../src/peers/types.ts'
import type { ConnectionGater, PeerId } from '@libp2p/interface'

interface Setup {
  self: PeerId
  manager: PeerManager
  guard: PeerGuard
  gater: Required<ConnectionGater>
  net: ReturnType<typeof fakeNetwork>
  store: ReturnType<typeof fakePeerStore>
  clock: ReturnType<typeof fakeClock>
  metrics: ReturnType<typeof recordingMetrics>
  datastore: PeerDatastore
  goodbyes: Array<[string, GoodbyeReason]>
  events: Array<{ type: keyof PeerManagerEvents, detail: any }>
}

async function setup (init: PeerManagerInit = {}, opts: { datastore?: PeerDatastore, self?: PeerId, sayGoodbye?: (signal: AbortSignal) => Promise<void> } = {}): Promise<Setup> {
  const clock = fakeClock()
  const net = fakeNetwork()
  const store = fakePeerStore()
  const metrics = recordingMetrics()
  const datastore = opts.datastore ?? memoryDatastore()
  const self = opts.self ?? await newPeerId()
  const goodbyes: Array<[string, GoodbyeReason]> = []
  const config = { maintenanceIntervalMs: 0, ...init }
  const guard = peerGuard(config)({ datastore, logger, clock })
  const manager = peerManager(config)({
    peerId: self,
    peerStore: store,
    connectionManager: net,
    events: net.events,
    datastore,
    logger,
    metrics,
    guard,
    clock,
    sayGoodbye: async (peer, reason, { signal }) => {
      assert.ok(signal instanceof AbortSignal)
      goodbyes.push([peer.toString(), reason])
      await opts.sayGoodbye?.(signal)
    }
  })
  const events: Setup['events'] = []
  for (const type of ['connection:refused', 'peer:banned', 'peer:unbanned', 'peer:evicted', 'peer:score', 'peer:goodbye', 'peer:dial'] as const) {
    manager.addEventListener(type, (evt: CustomEvent) => { events.push({ type, detail: evt.detail }) })
  }
  await manager.start()
  return { self, manager, guard, gater: connectionGater(guard) as Required<ConnectionGater>, net, store, clock, metrics, datastore, goodbyes, events }
}

describe('peers/manager: report and score', () => {
  it('turns verdicts into score changes and counts penalties by reason', async () => {
    const s = await setup()
    const [p] = await peerIds(1)
    s.manager.report(p, 'ignore', 'Overloaded')
    assert.equal(s.manager.score(p), 0, 'overload penalizes nobody')
    s.manager.report(p, 'high', 'TimeoutError')
    s.manager.report(p, 'mid', 'RateLimitedError')
    assert.equal(s.manager.score(p), -6)
    assert.equal(s.manager.score(p.toString()), -6)
    assert.deepEqual(s.metrics.counts.chainwire_peers_verdicts_total, { ignore: 1, high: 1, mid: 1 })
    assert.deepEqual(s.metrics.counts.chainwire_peers_penalties_total, { TimeoutError: 1, RateLimitedError: 1 })
    assert.deepEqual(s.events.filter(e => e.type === 'peer:score').map(e => [e.detail.verdict, e.detail.delta]), [['high', -1], ['mid', -5]])
    await s.manager.stop()
  })

  it('bounds the reason labels of the penalty metric', async () => {
    const s = await setup()
    const [p] = await peerIds(1)
    for (let i = 0; i < peerConstants.MAX_PENALTY_REASON_LABELS + 10; i++) s.manager.report(p, 'high', `reason-${i}`)
    const labels = Object.keys(s.metrics.counts.chainwire_peers_penalties_total)
    assert.equal(labels.length, peerConstants.MAX_PENALTY_REASON_LABELS + 1)
    assert.equal(s.metrics.counts.chainwire_peers_penalties_total.other, 10)
    await s.manager.stop()
  })

  it('disconnects with score-too-low below the disconnect threshold, with a goodbye first', async () => {
    const s = await setup()
    const [p] = await peerIds(1)
    const conn = fakeConnection(p, '/ip4/10.0.0.1/tcp/1', 'inbound', 0)
    s.net.add(conn)
    s.manager.report(p, 'low', 'BadResponse')
    assert.equal(conn.closed, false)
    s.manager.report(p, 'low', 'BadResponse')
    await waitFor(() => conn.closed, 2000, 'close')
    assert.deepEqual(s.goodbyes, [[p.toString(), 'score-too-low']])
    assert.equal(s.manager.isBanned(p), false)
    // reconnecting before the score decays: closed again
    const again = fakeConnection(p, '/ip4/10.0.0.1/tcp/2', 'inbound', 0)
    s.net.add(again)
    await waitFor(() => again.closed, 2000, 'close again')
    assert.equal(s.events.filter(e => e.type === 'connection:refused').at(-1)?.detail.reason, 'score-too-low')
    await s.manager.stop()
  })

  it('bans at once on a fatal verdict: 24 h, goodbye banned, connections closed, address discouraged', async () => {
    const s = await setup()
    const [p] = await peerIds(1)
    const conn = fakeConnection(p, '/ip4/10.0.0.1/tcp/1', 'inbound', 0)
    s.net.add(conn)
    s.manager.report(p, 'fatal', 'OversizeFrameError')
    assert.equal(s.manager.isBanned(p), true, 'the ban applies synchronously')
    await waitFor(() => conn.closed, 2000, 'close')
    const [ban] = s.manager.bans()
    assert.equal(ban.kind, 'peer')
    assert.equal(ban.source, 'auto')
    assert.equal(ban.expires - ban.created, peerConstants.DEFAULT_FATAL_BAN_MS)
    assert.match(ban.reason, /fatal: OversizeFrameError/)
    assert.deepEqual(s.goodbyes, [[p.toString(), 'banned']])
    assert.equal(s.guard.isDiscouraged(parseIp('10.0.0.1')!), true)
    assert.equal(s.manager.isBanned('10.0.0.1'), false, 'the address is discouraged, not banned')
    assert.equal(s.metrics.counts.chainwire_peers_bans_total.auto, 1)
    assert.equal(await s.gater.denyDialPeer(p), true)
    await s.manager.stop()
  })

  it('bans for 30 min when graded faults reach the ban threshold, and lifts the ban at expiry', async () => {
    const s = await setup()
    const [p] = await peerIds(1)
    for (let i = 0; i < 10; i++) s.manager.report(p, 'mid', 'SlowPeer')
    const [ban] = s.manager.bans()
    assert.equal(ban.expires - ban.created, peerConstants.DEFAULT_SCORE_BAN_MS)
    s.clock.advance(peerConstants.DEFAULT_SCORE_BAN_MS)
    assert.equal(s.manager.isBanned(p), false)
    await s.manager.afterStart()
    await s.manager.maintain()
    assert.deepEqual(s.events.filter(e => e.type === 'peer:unbanned').map(e => e.detail.id), [p.toString()])
    assert.ok(s.manager.score(p) > peerConstants.DEFAULT_DISCONNECT_THRESHOLD, 'the score decayed during the ban')
    await s.manager.stop()
  })

  it('never bans or disconnects an allow-listed peer (Bitcoin Core noban)', async () => {
    const [friend] = await peerIds(1)
    const s = await setup({ allowList: [friend.toString(), '10.9.0.0/16'] })
    const conn = fakeConnection(friend, '/ip4/10.0.0.1/tcp/1', 'inbound', 0)
    s.net.add(conn)
    s.manager.report(friend, 'fatal', 'Whatever')
    const [other] = await peerIds(1)
    const conn2 = fakeConnection(other, '/ip4/10.9.1.1/tcp/1', 'inbound', 0)
    s.net.add(conn2)
    s.manager.report(other, 'fatal', 'Whatever')
    await flush()
    assert.equal(s.manager.score(friend), peerConstants.MIN_SCORE)
    assert.equal(s.manager.isBanned(friend), false)
    assert.equal(s.manager.isBanned(other), false, 'allow-listed by address')
    assert.equal(conn.closed || conn2.closed, false)
    await s.manager.stop()
  })

  it('gives up on a goodbye that hangs and closes anyway', async () => {
    const s = await setup({ goodbyeTimeoutMs: 50 }, {
      sayGoodbye: async (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => { reject(signal.reason) }))
    })
    const [p] = await peerIds(1)
    const conn = fakeConnection(p, '/ip4/10.0.0.1/tcp/1', 'outbound', 0)
    s.net.add(conn)
    const started = Date.now()
    await s.manager.disconnect(p, 'fault')
    assert.equal(conn.closed, true)
    assert.ok(Date.now() - started < 1000)
    await s.manager.stop()
  })
})

describe('peers/manager: bans API', () => {
  it('validates ban requests with typed errors naming the field', async () => {
    const s = await setup()
    const cases: Array<[any, string]> = [
      [{ reason: 'x' }, 'peer'],
      [{ ip: '10.0.0.1', cidr: '10.0.0.0/8', reason: 'x' }, 'cidr'],
      [{ peer: 'not-a-peer', reason: 'x' }, 'peer'],
      [{ peer: 12345, reason: 'x' }, 'peer'],
      [{ peer: { toString: () => '10.0.0.1' }, reason: 'x' }, 'peer'],
      [{ peer: s.self, reason: 'x' }, 'peer'],
      [{ ip: '10.0.0.256', reason: 'x' }, 'ip'],
      [{ ip: 42, reason: 'x' }, 'ip'],
      [{ cidr: '10.0.0.1', reason: 'x' }, 'cidr'],
      [{ cidr: '0.0.0.0/0', reason: 'x' }, 'cidr'],
      [{ ip: '10.0.0.1', reason: '   ' }, 'reason'],
      [{ ip: '10.0.0.1' }, 'reason'],
      [{ ip: '10.0.0.1', reason: 'x'.repeat(peerConstants.MAX_BAN_REASON_LENGTH + 1) }, 'reason'],
      [{ ip: '10.0.0.1', reason: 'x', durationMs: 0 }, 'durationMs'],
      [{ ip: '10.0.0.1', reason: 'x', durationMs: 1.5 }, 'durationMs'],
      [{ ip: '10.0.0.1', reason: 'x', durationMs: '60000' }, 'durationMs'],
      [{ ip: '10.0.0.1', reason: 'x', durationMs: peerConstants.MAX_BAN_DURATION_MS + 1 }, 'durationMs']
    ]
    for (const [req, field] of cases) {
      await assert.rejects(s.manager.ban(req), (err: any) => err.name === InvalidBanError.name && err.field === field, JSON.stringify(req))
    }
    assert.deepEqual(s.manager.bans(), [])
    await s.manager.stop()
  })

  it('bans a peer, an address and a subnet, disconnecting whoever matches', async () => {
    const s = await setup()
    const [a, b, c, d] = await peerIds(4)
    const ca = fakeConnection(a, '/ip4/10.1.0.1/tcp/1', 'inbound', 0)
    const cb = fakeConnection(b, '/ip4/10.2.0.1/tcp/1', 'outbound', 0)
    const cc = fakeConnection(c, '/ip4/10.3.7.1/tcp/1', 'inbound', 0)
    const cd = fakeConnection(d, '/ip4/10.4.0.1/tcp/1', 'inbound', 0)
    for (const conn of [ca, cb, cc, cd]) s.net.add(conn)
    const banA = await s.manager.ban({ peer: a.toString(), reason: 'spam', durationMs: 60_000 })
    assert.deepEqual(banA, { id: a.toString(), kind: 'peer', target: a.toString(), reason: 'spam', source: 'manual', created: s.clock.now, expires: s.clock.now + 60_000 })
    const banB = await s.manager.ban({ ip: '::ffff:10.2.0.1', reason: 'abuse' })
    assert.equal(banB.id, '10.2.0.1')
    assert.equal(banB.expires - banB.created, peerConstants.DEFAULT_MANUAL_BAN_MS)
    const banC = await s.manager.ban({ cidr: '10.3.7.99/24', reason: 'range' })
    assert.equal(banC.id, '10.3.7.0/24')
    await waitFor(() => ca.closed && cb.closed && cc.closed, 2000, 'banned peers closed')
    assert.equal(cd.closed, false)
    assert.deepEqual(new Set(s.goodbyes.map(([p, r]) => `${p}:${r}`)), new Set([a, b, c].map(p => `${p.toString()}:banned`)))
    assert.deepEqual(s.manager.bans().map(b => b.id), [a.toString(), '10.2.0.1', '10.3.7.0/24'])
    assert.equal(s.manager.isBanned(a), true)
    assert.equal(s.manager.isBanned('10.3.7.200'), true)
    assert.equal(s.manager.isBanned('10.3.8.1'), false)
    assert.equal(s.manager.isBanned(d.toString()), false)
    assert.deepEqual(s.events.filter(e => e.type === 'peer:banned').map(e => e.detail.id), [a.toString(), '10.2.0.1', '10.3.7.0/24'])

    // unban by a normalised id
    assert.equal((await s.manager.unban('10.3.7.5/24')).id, '10.3.7.0/24')
    assert.equal((await s.manager.unban('::ffff:10.2.0.1')).id, '10.2.0.1')
    await assert.rejects(s.manager.unban('10.3.7.0/24'), (err: Error) => err.name === BanNotFoundError.name)
    await assert.rejects(s.manager.unban(''), (err: Error) => err.name === BanNotFoundError.name)
    assert.deepEqual(s.manager.bans().map(b => b.id), [a.toString()])
    assert.equal(s.events.filter(e => e.type === 'peer:unbanned').length, 2)
    await s.manager.stop()
  })

  it('keeps bans across a restart on the same LevelDB directory, and the new gater refuses', async () => {
    const tmp = await tempLevel()
    try {
      const [p] = await peerIds(1)
      let ds = await tmp.open()
      const first = await setup({}, { datastore: ds })
      await first.manager.ban({ peer: p, reason: 'restart test', durationMs: 3_600_000 })
      await first.manager.ban({ cidr: '192.0.2.0/24', reason: 'restart test', durationMs: 3_600_000 })
      await first.manager.stop()
      await ds.close()

      ds = await tmp.open()
      const second = await setup({}, { datastore: ds })
      assert.equal(second.manager.isBanned(p), true)
      assert.equal(second.manager.isBanned('192.0.2.77'), true)
      assert.deepEqual(second.manager.bans().map(b => b.reason), ['restart test', 'restart test'])
      assert.equal(await second.gater.denyDialPeer(p), true)
      assert.equal(await second.gater.denyInboundConnection(fakeMaConn('/ip4/192.0.2.77/tcp/1')), true)
      await second.manager.stop()
      await ds.close()
    } finally {
      await tmp.cleanup()
    }
  })
})

describe('peers/manager: connections', () => {
  it('lists connected peers with score, direction, netgroup and subnet', async () => {
    const s = await setup({ allowList: ['10.9.0.0/16'] })
    const [a, b] = await peerIds(2)
    s.net.add(fakeConnection(a, '/ip4/10.1.2.3/tcp/1', 'inbound', 1000, { rtt: 42 }))
    s.net.add(fakeConnection(b, '/ip4/10.9.2.3/tcp/1', 'outbound', 500))
    s.manager.report(a, 'mid', 'x')
    s.manager.markUseful(a, 'tx')
    const list = s.manager.list()
    assert.deepEqual(list.map(p => p.id), [b.toString(), a.toString()], 'oldest first')
    const pa = list[1]
    assert.equal(pa.direction, 'inbound')
    assert.equal(pa.score, -5)
    assert.equal(pa.ip, '10.1.2.3')
    assert.equal(pa.netgroup, '10.1.0.0/16')
    assert.equal(pa.subnet, '10.1.2.0/24')
    assert.equal(pa.latencyMs, 42)
    assert.equal(pa.lastUsefulTx, s.clock.now)
    assert.equal(pa.allowListed, false)
    assert.equal(pa.banned, false)
    assert.deepEqual(pa.addrs, ['/ip4/10.1.2.3/tcp/1'])
    assert.equal(list[0].allowListed, true)
    assert.equal(list[0].direction, 'outbound')
    assert.doesNotThrow(() => JSON.stringify(list))
    await s.manager.stop()
  })

  it('keeps the connection dialed by the lower peer id when both sides dialed at once', async () => {
    const [x, y] = await peerIds(2)
    const [low, high] = x.toString() < y.toString() ? [x, y] : [y, x]
    // we are `low`: our outbound connection is the one both sides keep
    const s = await setup({}, { self: low })
    const inbound = fakeConnection(high, '/ip4/10.0.0.2/tcp/1', 'inbound', 1)
    const outbound = fakeConnection(high, '/ip4/10.0.0.2/tcp/2', 'outbound', 2)
    s.net.add(inbound)
    s.net.add(outbound)
    await waitFor(() => inbound.closed, 1000, 'duplicate closed')
    assert.equal(outbound.closed, false)
    await s.manager.stop()
    // we are `high`: the inbound connection (dialed by `low`) is kept
    const t = await setup({}, { self: high })
    const in2 = fakeConnection(low, '/ip4/10.0.0.1/tcp/1', 'inbound', 2)
    const out2 = fakeConnection(low, '/ip4/10.0.0.1/tcp/2', 'outbound', 1)
    t.net.add(out2)
    t.net.add(in2)
    await waitFor(() => out2.closed, 1000, 'duplicate closed')
    assert.equal(in2.closed, false)
    await t.manager.stop()
  })

  it('evicts from the largest netgroup through the gater, sparing outbound, allow-listed and useful peers', async () => {
    const [friend] = await peerIds(1)
    const s = await setup({
      maxInbound: 5,
      allowList: [friend.toString()],
      evictionProtection: { netgroup: 0, latency: 0, tx: 1, block: 0, uptimeRatio: 0 }
    })
    const peers = await peerIds(7)
    const out = fakeConnection(peers[0], '/ip4/10.2.0.50/tcp/1', 'outbound', 1)
    const lone = fakeConnection(peers[1], '/ip4/10.1.0.1/tcp/1', 'inbound', 2)
    const big = [2, 3, 4].map(i => fakeConnection(peers[i], `/ip4/10.2.0.${i}/tcp/1`, 'inbound', 10 + i))
    const fr = fakeConnection(friend, '/ip4/10.2.0.99/tcp/1', 'inbound', 100)
    for (const c of [out, lone, ...big, fr]) s.net.add(c)
    // the youngest of the big group relayed a novel tx: protected
    s.manager.markUseful(peers[4], 'tx')
    const maConn = fakeMaConn('/ip4/10.3.0.1/tcp/1')
    assert.equal(await s.gater.denyInboundConnection(maConn), false)
    assert.equal(await s.gater.denyInboundEncryptedConnection(peers[5], maConn), false)
    assert.equal(await s.gater.denyInboundUpgradedConnection(peers[5], maConn), false)
    const evicted = s.events.filter(e => e.type === 'peer:evicted').map(e => e.detail)
    assert.deepEqual(evicted, [{ peer: peers[3].toString(), netgroup: '10.2.0.0/16', newcomer: peers[5].toString() }])
    await waitFor(() => big[1].closed, 1000, 'evictee closed')
    assert.deepEqual(s.goodbyes, [[peers[3].toString(), 'too-many-peers']])
    assert.ok(!out.closed && !lone.closed && !fr.closed && !big[0].closed && !big[2].closed)
    assert.equal(s.metrics.counts.chainwire_peers_evictions_total._, 1)
    await s.manager.stop()
  })
})

describe('peers/manager: outbound maintenance', () => {
  async function seed (s: Setup, n: number, netgroups: (i: number) => string): Promise<PeerId[]> {
    const ids = await peerIds(n)
    for (let i = 0; i < n; i++) await s.store.merge(ids[i], { multiaddrs: [multiaddr(`/ip4/${netgroups(i)}/tcp/4001`)] })
    return ids
  }

  it('dials up to the target, preferring new netgroups, within the parallel-dial bound', async () => {
    const s = await setup({ outboundTarget: 3, maxParallelDials: 2 })
    await seed(s, 6, i => `10.${i < 4 ? 1 : i}.0.${i + 1}`) // 4 in 10.1/16, then 10.4 and 10.5
    const pending: Array<() => void> = []
    s.net.onDial = async (peer) => new Promise(resolve => {
      pending.push(() => {
        const addr = s.store.peers.get(peer.toString())!.addresses[0].multiaddr.toString()
        const conn = fakeConnection(peer, addr, 'outbound', s.clock.now)
        s.net.add(conn)
        resolve(conn)
      })
    })
    await s.manager.afterStart()
    await waitFor(() => s.net.dials.length === 2, 1000, 'two dials')
    const groups = (ids: string[]): Set<string> => new Set(ids.map(id => s.store.peers.get(id)!.addresses[0].multiaddr.toString().split('.')[1]))
    assert.equal(groups(s.net.dials).size, 2, 'the first two dials go to two netgroups')
    assert.deepEqual(await s.manager.maintain(), [], 'parallel dials exhausted')
    pending.shift()?.()
    pending.shift()?.()
    await waitFor(() => s.events.filter(e => e.type === 'peer:dial').length === 2, 1000, 'dial results')
    const third = await s.manager.maintain()
    assert.equal(third.length, 1, 'one more to reach the target of 3')
    assert.equal(groups(s.net.dials).size, 3, 'the third dial goes to the third netgroup')
    pending.shift()?.()
    await waitFor(() => s.net.conns.length === 3, 1000, 'three outbound')
    assert.deepEqual(await s.manager.maintain(), [], 'target reached')
    await s.manager.stop()
  })

  it('backs off from a failing peer, and skips banned, discouraged, low-score and self entries', async () => {
    const s = await setup({ outboundTarget: 8, maxParallelDials: 8, dialBackoffBaseMs: 1000 })
    const [good, banned, discouraged, bad] = await seed(s, 4, i => `10.${i + 1}.0.1`)
    await s.store.merge(s.self, { multiaddrs: [multiaddr('/ip4/10.9.0.1/tcp/1')] })
    await s.manager.ban({ peer: banned, reason: 'x' })
    s.guard.discourage(parseIp('10.3.0.1')!)
    for (let i = 0; i < 3; i++) s.manager.report(bad, 'low', 'x')
    assert.ok(discouraged)
    await s.manager.afterStart()
    await waitFor(() => s.events.some(e => e.type === 'peer:dial'), 1000, 'dial result')
    assert.deepEqual(s.net.dials, [good.toString()])
    assert.deepEqual(await s.manager.maintain(), [], 'in back-off')
    s.clock.advance(1000)
    assert.deepEqual(await s.manager.maintain(), [good.toString()])
    await waitFor(() => s.events.filter(e => e.type === 'peer:dial').length === 2, 1000, 'second result')
    s.clock.advance(1999)
    assert.deepEqual(await s.manager.maintain(), [], 'the back-off doubled')
    s.clock.advance(1)
    assert.deepEqual(await s.manager.maintain(), [good.toString()])
    await s.manager.stop()
  })

  it('saves two outbound anchors at stop and dials them first after a restart', async () => {
    const datastore = memoryDatastore()
    const s = await setup({}, { datastore })
    const [o1, o2, o3, i1] = await peerIds(4)
    s.net.add(fakeConnection(o1, `/ip4/10.1.0.1/tcp/1/p2p/${o1.toString()}`, 'outbound', 1))
    s.net.add(fakeConnection(o2, '/ip4/10.2.0.1/tcp/1', 'outbound', 2))
    s.net.add(fakeConnection(o3, '/ip4/10.3.0.1/tcp/1', 'outbound', 3))
    s.net.add(fakeConnection(i1, '/ip4/10.4.0.1/tcp/1', 'inbound', 0))
    await s.manager.stop()
    assert.deepEqual(new Set(s.goodbyes.map(([, r]) => r)), new Set(['shutdown']))
    assert.equal(s.goodbyes.length, 4)
    const saved = JSON.parse(new TextDecoder().decode(datastore.data.get(peerConstants.ANCHORS_KEY)!))
    assert.deepEqual(saved, [
      { peer: o1.toString(), addrs: ['/ip4/10.1.0.1/tcp/1'] },
      { peer: o2.toString(), addrs: ['/ip4/10.2.0.1/tcp/1'] }
    ])

    // restart: other peers are known too, and one anchor is in back-off; anchors still go first
    const t = await setup({ maxParallelDials: 2 }, { datastore })
    assert.equal(datastore.data.has(peerConstants.ANCHORS_KEY), false, 'read once, then deleted')
    for (const p of await peerIds(5)) await t.store.merge(p, { multiaddrs: [multiaddr('/ip4/10.8.0.1/tcp/1')] })
    await t.manager.afterStart()
    await waitFor(() => t.net.dials.length === 2, 1000, 'anchor dials')
    assert.deepEqual(t.net.dials, [o1.toString(), o2.toString()])
    assert.deepEqual(t.store.peers.get(o1.toString())!.addresses.map(a => a.multiaddr.toString()), ['/ip4/10.1.0.1/tcp/1'])
    await waitFor(() => t.events.filter(e => e.type === 'peer:dial').length === 2, 1000, 'results')
    assert.ok(t.events.filter(e => e.type === 'peer:dial').every(e => e.detail.anchor === true))
    await t.manager.stop()
  })

  it('skips an anchors record that is not JSON', async () => {
    const datastore = memoryDatastore()
    await datastore.put(new Key(peerConstants.ANCHORS_KEY), new TextEncoder().encode('garbage'))
    const s = await setup({}, { datastore })
    await s.manager.afterStart()
    assert.deepEqual(await s.manager.maintain(), [])
    assert.equal(datastore.data.has(peerConstants.ANCHORS_KEY), false)
    await s.manager.stop()
  })
})

describe('peers/goodbye', () => {
  it('maps reasons to wire codes and back', () => {
    assert.equal(goodbyeCode('shutdown'), 1)
    assert.equal(goodbyeCode('irrelevant-network'), 2)
    assert.equal(goodbyeCode('fault'), 3)
    assert.equal(goodbyeCode('too-many-peers'), 129)
    assert.equal(goodbyeCode('score-too-low'), 250)
    assert.equal(goodbyeCode('banned'), 251)
    for (const reason of Object.keys(peerConstants.GOODBYE_CODES) as GoodbyeReason[]) assert.equal(goodbyeReason(goodbyeCode(reason)), reason)
    assert.equal(goodbyeReason(7), undefined)
  })
})
