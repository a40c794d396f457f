import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { Key } from 'interface-datastore'
import { connectionGater, peerGuard } from '../../src/peers/guard.ts'
import { parseIp } from '../../src/peers/ip.ts'
import { fakeClock, fakeConnection, fakeMaConn, logger, memoryDatastore, newPeerId, peerIds, recordingMetrics } from './helpers.ts'
import type { PeerManagerInit } from '../../src/peers/config.ts'
import type { GuardHost, PeerGuard } from '../../src/peers/guard.ts'
import type { FakeConnection, FakeMaConn } from './helpers.ts'
import type { ConnectionGater } from '@libp2p/interface'

function setup (init: PeerManagerInit = {}): { guard: PeerGuard, gater: Required<ConnectionGater>, clock: ReturnType<typeof fakeClock>, refused: string[], metrics: ReturnType<typeof recordingMetrics>, datastore: ReturnType<typeof memoryDatastore> } {
  const clock = fakeClock()
  const metrics = recordingMetrics()
  const datastore = memoryDatastore()
  const guard = peerGuard(init)({ datastore, logger, metrics, clock })
  const refused: string[] = []
  guard.addEventListener('connection:refused', (evt) => { refused.push(evt.detail.reason) })
  return { guard, gater: connectionGater(guard) as Required<ConnectionGater>, clock, refused, metrics, datastore }
}

/** Accept `addr` through every inbound gate as `peer`; returns the first gate that refused, or undefined. */
async function acceptInbound (gater: Required<ConnectionGater>, maConn: FakeMaConn, peer?: Awaited<ReturnType<typeof newPeerId>>): Promise<string | undefined> {
  if (await gater.denyInboundConnection(maConn)) return 'connection'
  const id = peer ?? await newPeerId()
  if (await gater.denyInboundEncryptedConnection(id, maConn)) return 'encrypted'
  if (await gater.denyInboundUpgradedConnection(id, maConn)) return 'upgraded'
  return undefined
}

describe('peers/guard (connection gater)', () => {
  it('enforces persisted bans before the peer manager exists, loading them lazily', async () => {
    const datastore = memoryDatastore()
    const clock = fakeClock()
    const banned = await newPeerId()
    const record = (id: string, kind: string): Uint8Array => new TextEncoder().encode(JSON.stringify({ id, kind, target: id, reason: 'r', source: 'manual', created: clock.now, expires: clock.now + 60_000 }))
    await datastore.put(new Key(`/chainwire/bans/peer/${banned.toString()}`), record(banned.toString(), 'peer'))
    await datastore.put(new Key(`/chainwire/bans/cidr/${encodeURIComponent('10.7.0.0/16')}`), record('10.7.0.0/16', 'cidr'))
    const guard = peerGuard()({ datastore, logger, clock })
    const gater = connectionGater(guard) as Required<ConnectionGater>
    assert.equal(await gater.denyDialPeer(banned), true)
    assert.equal(await gater.denyDialPeer(await newPeerId()), false)
    assert.equal(await gater.denyInboundConnection(fakeMaConn('/ip4/10.7.3.3/tcp/5000')), true)
    assert.equal(await gater.denyInboundConnection(fakeMaConn('/ip4/10.8.3.3/tcp/5000')), false)
    assert.equal(await gater.denyDialMultiaddr(multiaddr('/ip4/10.7.0.1/tcp/1')), true)
    assert.equal(await gater.denyDialMultiaddr(multiaddr(`/ip4/10.8.0.1/tcp/1/p2p/${banned.toString()}`)), true)
    assert.equal(await gater.filterMultiaddrForPeer(banned, multiaddr('/ip4/10.7.0.1/tcp/1')), false, 'do not store banned addresses')
    assert.equal(await gater.filterMultiaddrForPeer(banned, multiaddr('/ip4/10.8.0.1/tcp/1')), true)
    const id = await newPeerId()
    const maConn = fakeMaConn('/ip4/10.8.3.4/tcp/5000')
    assert.equal(await gater.denyInboundConnection(maConn), false)
    assert.equal(await gater.denyInboundEncryptedConnection(banned, maConn), true, 'a banned peer from a clean address')
    assert.equal(await gater.denyOutboundEncryptedConnection(banned, fakeMaConn('/ip4/10.8.3.5/tcp/1')), true)
    assert.equal(await gater.denyInboundEncryptedConnection(id, fakeMaConn('/ip4/10.8.3.6/tcp/1')), false)
    assert.equal(await gater.denyInboundRelayReservation(banned), true)
    assert.equal(await gater.denyInboundRelayedConnection(id, banned), true)
  })

  it('caps inbound connections per IP, counting pending ones, and frees the slot on close', async () => {
    const { gater, refused, metrics } = setup({ maxInboundPerIp: 2 })
    const a = fakeMaConn('/ip4/203.0.113.5/tcp/1')
    const b = fakeMaConn('/ip4/203.0.113.5/tcp/2')
    const c = fakeMaConn('/ip4/203.0.113.5/tcp/3')
    assert.equal(await gater.denyInboundConnection(a), false)
    assert.equal(await gater.denyInboundConnection(b), false, 'still pending, but counted')
    assert.equal(await gater.denyInboundConnection(c), true)
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/203.0.113.6/tcp/1')), undefined, 'another address is fine')
    a.fakeClose()
    assert.equal(await gater.denyInboundConnection(fakeMaConn('/ip4/203.0.113.5/tcp/4')), false)
    assert.deepEqual(refused, ['per-ip'])
    assert.equal(metrics.counts.chainwire_peers_refused_total['per-ip'], 1)
  })

  it('caps inbound per IPv4 /24 and /16 and per IPv6 /48 and /64', async () => {
    const { gater, refused } = setup({ maxInboundPerIp: 100, maxInboundPerIpv4Subnet24: 3, maxInboundPerIpv4Subnet16: 5, maxInboundPerIpv6Subnet48: 2 })
    for (let i = 1; i <= 3; i++) assert.equal(await acceptInbound(gater, fakeMaConn(`/ip4/198.51.1.${i}/tcp/1`)), undefined)
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/198.51.1.99/tcp/1')), 'connection')
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/198.51.2.1/tcp/1')), undefined)
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/198.51.3.1/tcp/1')), undefined)
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/198.51.4.1/tcp/1')), 'connection')
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip6/2001:db8:1:1::1/tcp/1')), undefined)
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip6/2001:db8:1:2::1/tcp/1')), undefined)
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip6/2001:db8:1:3::1/tcp/1')), 'connection')
    assert.deepEqual(refused, ['per-ipv4-24', 'per-ipv4-16', 'per-ipv6-48'])

    const v6 = setup({ maxInboundPerIp: 1 })
    assert.equal(await acceptInbound(v6.gater, fakeMaConn('/ip6/2001:db8:1:1::1/tcp/1')), undefined)
    assert.equal(await acceptInbound(v6.gater, fakeMaConn('/ip6/2001:db8:1:1::ffff/tcp/1')), 'connection', 'one /64 is one host')
  })

  it('lets allow-listed addresses past every cap', async () => {
    const { gater } = setup({ maxInboundPerIp: 1, maxPendingInbound: 1, allowList: ['203.0.113.0/24'] })
    for (let i = 0; i < 5; i++) assert.equal(await gater.denyInboundConnection(fakeMaConn(`/ip4/203.0.113.9/tcp/${i}`)), false)
    assert.equal(await gater.denyInboundConnection(fakeMaConn('/ip4/203.0.114.9/tcp/1')), false)
    assert.equal(await gater.denyInboundConnection(fakeMaConn('/ip4/203.0.114.10/tcp/1')), true, 'pending cap for the rest')
  })

  it('caps pending inbound handshakes, and forgets a reservation whose connection went away', async () => {
    const { gater, guard, clock, refused } = setup({ maxPendingInbound: 2 })
    const a = fakeMaConn('/ip4/192.0.2.1/tcp/1')
    const b = fakeMaConn('/ip4/192.0.2.2/tcp/1')
    assert.equal(await gater.denyInboundConnection(a), false)
    assert.equal(await gater.denyInboundConnection(b), false)
    assert.equal(await gater.denyInboundConnection(fakeMaConn('/ip4/192.0.2.3/tcp/1')), true)
    assert.deepEqual(guard.counts(), { inbound: 0, outbound: 0, pendingInbound: 2 })
    ;(a as any).status = 'aborted' // no close event: counted as gone anyway
    assert.equal(await gater.denyInboundConnection(fakeMaConn('/ip4/192.0.2.4/tcp/1')), false)
    clock.advance(60_000) // pending for longer than any upgrade may take
    assert.deepEqual(guard.counts(), { inbound: 0, outbound: 0, pendingInbound: 0 })
    assert.deepEqual(refused, ['pending-inbound'])
  })

  it('when inbound is full, admits a newcomer only by evicting someone the host picks', async () => {
    const { guard, gater, refused } = setup({ maxInbound: 2 })
    const evicted: string[] = []
    const offer: { victim?: FakeConnection } = {}
    const conns: FakeConnection[] = []
    const host: GuardHost = {
      selfId: () => '0',
      connections: () => conns,
      selectEvictee: () => offer.victim,
      evict: (v) => { evicted.push(v.id) },
      score: () => 0
    }
    guard.attach(host)
    const peers = await peerIds(4)
    for (let i = 0; i < 2; i++) {
      const maConn = fakeMaConn(`/ip4/10.0.${i}.1/tcp/1`)
      assert.equal(await acceptInbound(gater, maConn, peers[i]), undefined)
      conns.push(fakeConnection(peers[i], `/ip4/10.0.${i}.1/tcp/1`, 'inbound', 0, { timeline: maConn.timeline }))
    }
    assert.deepEqual(guard.counts(), { inbound: 2, outbound: 0, pendingInbound: 0 })
    // full and nobody evictable: refused before the handshake
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/10.0.9.1/tcp/1'), peers[2]), 'connection')
    // full, the host offers a victim: admitted, and the victim stops counting at once
    offer.victim = conns[0]
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/10.0.9.1/tcp/2'), peers[2]), undefined)
    assert.deepEqual(evicted, [conns[0].id])
    assert.equal(guard.isClosing(conns[0]), true)
    assert.deepEqual(guard.counts(), { inbound: 2, outbound: 0, pendingInbound: 0 })
    assert.deepEqual(refused, ['inbound-full'])
  })

  it('admits an allow-listed peer id when inbound is full and nobody can be evicted', async () => {
    const [friend, stranger, a] = await peerIds(3)
    const { guard, gater, refused } = setup({ maxInbound: 1, allowList: [friend.toString()] })
    const host: GuardHost = { selfId: () => '0', connections: () => [], selectEvictee: () => undefined, evict: () => {}, score: () => 0 }
    guard.attach(host)
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/10.1.0.1/tcp/1'), a), undefined)
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/10.2.0.1/tcp/1'), stranger), 'upgraded')
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/10.2.0.2/tcp/1'), friend), undefined)
    assert.deepEqual(refused, ['inbound-full'])
    assert.deepEqual(guard.counts(), { inbound: 2, outbound: 0, pendingInbound: 0 })
  })

  it('refuses a discouraged address when full, instead of evicting for it', async () => {
    const { guard, gater, refused } = setup({ maxInbound: 1 })
    const conns: FakeConnection[] = []
    const host: GuardHost = { selfId: () => '0', connections: () => conns, selectEvictee: () => conns[0], evict: () => {}, score: () => 0 }
    guard.attach(host)
    const [a, b] = await peerIds(2)
    const maConn = fakeMaConn('/ip4/10.1.0.1/tcp/1')
    assert.equal(await acceptInbound(gater, maConn, a), undefined)
    conns.push(fakeConnection(a, '/ip4/10.1.0.1/tcp/1', 'inbound', 0, { timeline: maConn.timeline }))
    guard.discourage(parseIp('10.3.0.1')!)
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/10.3.0.1/tcp/1'), b), 'connection')
    assert.deepEqual(refused, ['discouraged'])
  })

  it('limits connections per peer and refuses peers whose score is too low', async () => {
    const { guard, gater, refused } = setup({ maxPerPeer: 1 })
    const [a, b] = await peerIds(2)
    const conns = [fakeConnection(a, '/ip4/10.1.0.1/tcp/1', 'outbound', 0)]
    const host: GuardHost = { selfId: () => '0', connections: () => conns, selectEvictee: () => undefined, evict: () => {}, score: (p) => (p === b.toString() ? -30 : 0) }
    guard.attach(host)
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/10.1.0.1/tcp/2'), a), 'encrypted')
    assert.equal(await gater.denyOutboundEncryptedConnection(a, fakeMaConn('/ip4/10.1.0.1/tcp/3')), true)
    assert.equal(await gater.denyDialPeer(a), true)
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/10.2.0.1/tcp/2'), b), 'encrypted')
    assert.deepEqual(refused, ['per-peer', 'per-peer', 'per-peer', 'score-too-low'])
    assert.deepEqual(guard.counts(), { inbound: 0, outbound: 1, pendingInbound: 0 }, 'refused reservations are released')
  })

  it('resolves simultaneous dials: admits the connection dialed by the lower peer id', async () => {
    const { guard, gater } = setup({ maxPerPeer: 1 })
    const [a] = await peerIds(1)
    const conns = [fakeConnection(a, '/ip4/10.1.0.1/tcp/1', 'outbound', 0)]
    // we are "z…", higher than any peer id: their dial wins over ours, so it is admitted
    guard.attach({ selfId: () => 'z', connections: () => conns, selectEvictee: () => undefined, evict: () => {}, score: () => 0 })
    assert.equal(await acceptInbound(gater, fakeMaConn('/ip4/10.1.0.1/tcp/2'), a), undefined)
    // and an outbound dial of ours loses to their existing inbound connection
    conns[0] = fakeConnection(a, '/ip4/10.1.0.1/tcp/2', 'inbound', 0)
    assert.equal(await gater.denyOutboundEncryptedConnection(a, fakeMaConn('/ip4/10.1.0.1/tcp/3')), true)
  })

  it('refuses dials beyond max connections', async () => {
    const { guard, gater } = setup({ maxConnections: 2, maxInbound: 1, outboundTarget: 1 })
    const [a, b, c] = await peerIds(3)
    const conns = [fakeConnection(a, '/ip4/10.1.0.1/tcp/1', 'outbound', 0), fakeConnection(b, '/ip4/10.2.0.1/tcp/1', 'outbound', 0)]
    guard.attach({ selfId: () => '0', connections: () => conns, selectEvictee: () => undefined, evict: () => {}, score: () => 0 })
    assert.equal(await gater.denyDialPeer(c), true)
    conns.pop()
    assert.equal(await gater.denyDialPeer(c), false)
  })
})
