/**
 * Adversarial scenarios against the peer manager with real libp2p nodes on
 * loopback. Clients dial from chosen 127.0.0.0/8 source addresses so the hub
 * sees them come from chosen IPs, /24s and /16s. In every scenario an honest
 * control peer stays connected.
 */
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { waitFor } from '../peers/helpers.ts'
import { startClient, startHub, stopAll, tryConnect } from '../peers/libp2p.ts'
import type { Hub } from '../peers/libp2p.ts'
import type { Libp2p } from '@libp2p/interface'
import type { Socket } from 'node:net'

describe('peers adversarial: floods and eviction', () => {
  const nodes: Array<Hub | Libp2p> = []
  const sockets: Socket[] = []
  after(async () => {
    for (const s of sockets) s.destroy()
    await stopAll(nodes)
  })

  async function client (localAddress: string, opts: Parameters<typeof startClient>[1] = {}): Promise<Libp2p> {
    const c = await startClient(localAddress, opts)
    nodes.push(c)
    return c
  }

  async function hub (init: Parameters<typeof startHub>[0]): Promise<Hub> {
    const h = await startHub(init)
    nodes.push(h)
    return h
  }

  /** A raw TCP connection that never starts a handshake (a slowloris flood). */
  async function rawSocket (h: Hub, localAddress: string): Promise<Socket> {
    const port = Number(h.addr.getComponents().find(c => c.name === 'tcp')?.value)
    const socket = connect({ host: '127.0.0.1', port, localAddress })
    socket.on('error', () => {})
    sockets.push(socket)
    // a refused socket may be reset before 'connect' fires; socket.closed tells them apart
    await new Promise<void>((resolve) => { socket.once('connect', resolve); socket.once('close', () => { resolve() }) })
    return socket
  }

  it('caps a flood from one IP and from one /24; the honest peer stays and an allow-listed address still gets in', async () => {
    const h = await hub({ maxInboundPerIp: 3, maxInboundPerIpv4Subnet24: 4, allowList: ['127.0.7.200/32'] })
    const honest = await client('127.0.0.1')
    assert.equal(await tryConnect(honest, h), true)

    // six peers from one address at once: three get in
    const sameIp = await Promise.all(Array.from({ length: 6 }, async () => client('127.0.8.8')))
    const ipResults = await Promise.all(sameIp.map(async c => tryConnect(c, h)))
    assert.equal(ipResults.filter(Boolean).length, 3)
    await h.refused('per-ip', 3)

    // six peers from six addresses of one /24: four get in
    const sameSubnet = await Promise.all(Array.from({ length: 6 }, async (_, i) => client(`127.0.7.${i + 1}`)))
    const subnetResults = await Promise.all(sameSubnet.map(async c => tryConnect(c, h)))
    assert.equal(subnetResults.filter(Boolean).length, 4)
    await h.refused('per-ipv4-24', 2)

    // the /24 is full, but an allow-listed address in it gets in
    const friend = await client('127.0.7.200')
    assert.equal(await tryConnect(friend, h), true)

    // the honest peer was never disturbed
    assert.ok(h.inbound().has(honest.peerId.toString()))
    assert.ok(honest.getConnections(h.node.peerId).some(c => c.status === 'open'))
    assert.equal(h.inbound().size, 1 + 3 + 4 + 1)
    assert.deepEqual(new Set(h.refusals.map(r => r.reason)), new Set(['per-ip', 'per-ipv4-24']))
  })

  it('caps raw sockets that never handshake, per IP and in total pending; others still get in', async () => {
    const h = await hub({ maxInboundPerIp: 2, maxPendingInbound: 4, allowList: ['127.0.12.1/32'] })
    const honest = await client('127.0.0.1')
    assert.equal(await tryConnect(honest, h), true)

    const sameIp = await Promise.all(Array.from({ length: 4 }, async () => rawSocket(h, '127.0.9.9')))
    await h.refused('per-ip', 2)
    await waitFor(() => sameIp.filter(s => s.closed).length === 2, 5000, 'two sockets closed by the hub')

    // two stalled handshakes are pending; two more fill the pending cap, the next is refused
    await rawSocket(h, '127.0.10.1')
    await rawSocket(h, '127.0.10.2')
    const over = await rawSocket(h, '127.0.10.3')
    await h.refused('pending-inbound')
    await waitFor(() => over.closed, 5000, 'the socket over the pending cap closed')
    assert.equal(h.guard.counts().pendingInbound, 4)

    // a real peer from an allow-listed address is admitted while the pending cap is full
    const friend = await client('127.0.12.1')
    assert.equal(await tryConnect(friend, h), true)
    assert.ok(h.inbound().has(honest.peerId.toString()))
  })

  it('when inbound is full, a same-subnet flood only evicts its own netgroup; outbound and protected peers survive', async () => {
    const h = await hub({
      maxInbound: 4,
      outboundTarget: 1,
      // protect one peer by recent novel transactions; no other protection, so small numbers suffice
      evictionProtection: { netgroup: 0, latency: 0, tx: 1, block: 0, uptimeRatio: 0 }
    })
    const out = await client('127.0.0.1', { listen: true })
    const outConn = await h.node.dial(out.getMultiaddrs()[0])
    assert.equal(outConn.direction, 'outbound')

    const lone = await client('127.1.0.1')
    assert.equal(await tryConnect(lone, h), true)
    const group: Libp2p[] = []
    for (let i = 1; i <= 3; i++) {
      const c = await client(`127.2.0.${i}`)
      assert.equal(await tryConnect(c, h), true)
      group.push(c)
    }
    assert.equal(h.inbound().size, 4, 'inbound is full')
    // the youngest of the big group just relayed a novel transaction: protected
    h.peers.markUseful(group[2].peerId, 'tx')

    // more peers from the same /16 arrive one by one: each evicts the youngest unprotected member of that /16
    const expected: string[] = [group[1].peerId.toString()]
    for (let i = 4; i <= 5; i++) {
      const c = await client(`127.2.0.${i}`)
      assert.equal(await tryConnect(c, h), true)
      await waitFor(() => h.evictions.length === i - 3, 3000, `eviction ${i - 3}`)
      group.push(c)
      expected.push(c.peerId.toString())
    }
    // then a peer from a new /16: the evictee still comes from the largest netgroup
    const newcomer = await client('127.3.0.1')
    assert.equal(await tryConnect(newcomer, h), true)
    await waitFor(() => h.evictions.length === 3, 3000, 'third eviction')

    assert.deepEqual(h.evictions.map(e => e.peer), expected)
    assert.ok(h.evictions.every(e => e.netgroup === '127.2.0.0/16'))
    await waitFor(() => h.inbound().size === 4, 3000, 'evictees gone')
    assert.deepEqual(h.inbound(), new Set([lone, group[0], group[2], newcomer].map(c => c.peerId.toString())))
    assert.ok(h.node.getConnections(out.peerId).some(c => c.status === 'open' && c.direction === 'outbound'), 'the outbound peer survives')
  })

  it('refuses a newcomer when every inbound peer is protected, but admits an allow-listed peer id', async () => {
    const friendKey = await generateKeyPair('Ed25519')
    // Bitcoin Core's protection counts protect the first 20 inbound peers outright
    const h = await hub({ maxInbound: 2, allowList: [peerIdFromPrivateKey(friendKey).toString()] })
    const a = await client('127.1.0.1')
    const b = await client('127.2.0.1')
    assert.equal(await tryConnect(a, h), true)
    assert.equal(await tryConnect(b, h), true)
    const stranger = await client('127.3.0.1')
    assert.equal(await tryConnect(stranger, h), false)
    await h.refused('inbound-full')
    const friend = await client('127.3.0.2', { privateKey: friendKey })
    assert.equal(await tryConnect(friend, h), true)
    assert.deepEqual(h.inbound(), new Set([a, b, friend].map(c => c.peerId.toString())))
    assert.equal(h.evictions.length, 0)
  })
})
