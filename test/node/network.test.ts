import { describe, it, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { startNet } from '../helpers/nodes.ts'
import { waitFor, nextEvent } from '../helpers/wait.ts'
import type { TestNet } from '../helpers/nodes.ts'
import type { ReceivedMessage } from '../../src/node/index.ts'
import type { SingleKadDHT } from '@libp2p/kad-dht'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

describe('a 4-node network', () => {
  let net: TestNet
  before(async () => { net = await startNet(4) })
  after(async () => { await net?.stop() })

  it('nodes that know only one bootstrap address find each other through the DHT and fully connect', async () => {
    await waitFor(() => net.nodes.every(n => n.peers().length === 3), 'a full mesh of 4 nodes', 20_000)
    for (const n of net.nodes) {
      const ids = new Set(n.peers().map(p => p.id))
      for (const other of net.nodes) if (other !== n) assert.ok(ids.has(other.peerId.toString()), `${n.peerId} is connected to ${other.peerId}`)
    }
    // node 2 and node 3 were only told about node 0: their link came from discovery
    assert.ok(net.nodes[2].peers().some(p => p.id === net.nodes[3].peerId.toString()))
  })

  it('a direct message round-trips with its reply', async () => {
    const [a, b] = net.nodes
    b.handle('echo', ({ data, from }) => enc(`${dec(data)} from ${from.toString().slice(-6)}`))
    const got = nextEvent<ReceivedMessage>(b, 'message', m => m.kind === 'direct')
    const reply = await a.send(b.peerId, 'echo', enc('hello'))
    assert.equal(dec(reply), `hello from ${a.peerId.toString().slice(-6)}`)
    const msg = await got
    assert.equal(msg.from, a.peerId.toString())
    assert.equal(msg.protocol, 'echo')
    assert.equal(dec(msg.data), 'hello')
  })

  it('a direct message to a protocol without a handler fails with NoHandlerError', async () => {
    const [a, , c] = net.nodes
    await assert.rejects(a.send(c.peerId, 'nobody-home', enc('x')), (err: Error) => err.name === 'NoHandlerError')
  })

  it('a broadcast reaches every node', async () => {
    const [a, ...rest] = net.nodes
    // gossipsub needs the subscriptions to propagate before a publish reaches everyone
    await waitFor(() => a.libp2p.services.pubsub.getSubscribers('/chainwire/testnet/broadcast/general/1').length === 3, 'subscriptions to propagate')
    const received = rest.map(async n => await nextEvent<ReceivedMessage>(n, 'message', m => m.kind === 'broadcast' && dec(m.data) === 'block 42'))
    const res = await a.broadcast('general', enc('block 42'))
    assert.ok(res.recipients >= 1)
    const msgs = await Promise.all(received)
    for (const m of msgs) {
      assert.equal(m.from, a.peerId.toString())
      assert.equal(m.protocol, 'general')
    }
  })

  it('peers() reports direction, latency, protocols and streams', async () => {
    const [a] = net.nodes
    const peers = a.peers()
    assert.equal(peers.length, 3)
    for (const p of peers) {
      assert.ok(p.direction === 'inbound' || p.direction === 'outbound')
      assert.ok(p.protocols.includes('/chainwire/testnet/direct/1'), `protocols of ${p.id}: ${p.protocols.join(',')}`)
      assert.ok(p.addrs[0].startsWith('/ip4/127.0.0.1/tcp/'))
      assert.equal(typeof p.streams, 'number')
    }
  })
})

describe('transports', () => {
  it('connects over IPv6 loopback and over WebSockets', async () => {
    const net = await startNet(3, (i) => i === 0
      ? { listen: ['/ip6/::1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'], dht: false }
      : { dht: false }, false)
    try {
      const [a, b, c] = net.nodes
      const v6 = a.status().addrs.find(x => x.startsWith('/ip6/::1/tcp/'))
      const ws = a.status().addrs.find(x => x.includes('/ws/'))
      assert.ok(v6 != null && ws != null, `addresses: ${a.status().addrs.join(' ')}`)
      const viaV6 = await b.dial(v6)
      assert.ok(viaV6.addrs[0].startsWith('/ip6/::1/'), viaV6.addrs[0])
      const viaWs = await c.dial(ws)
      assert.ok(viaWs.addrs[0].includes('/ws'), viaWs.addrs[0])
      const reply = await c.send(a.peerId, 'nobody', enc('x')).catch((err: Error) => err.name)
      assert.equal(reply, 'NoHandlerError')
    } finally {
      await net.stop()
    }
  })
})

describe('networks', () => {
  it('nodes with different network ids do not exchange protocol traffic', async () => {
    const net = await startNet(2, (i) => ({ network: i === 0 ? 'alpha' : 'beta' }), false)
    try {
      const [alpha, beta] = net.nodes
      let handled = 0
      alpha.handle('echo', ({ data }) => { handled++; return data })
      const refused = waitFor(() => alpha.libp2p.getConnections().length === 0 && beta.libp2p.getConnections().length === 0, 'the cross-network connection to close')
      await beta.dial(alpha.status().addrs[0]).catch(() => undefined)
      await refused
      assert.equal(alpha.peers().length, 0)
      assert.equal(beta.peers().length, 0)
      // beta cannot open alpha's protocols: the ids carry the network
      await assert.rejects(beta.send(alpha.peerId, 'echo', enc('x')))
      assert.equal(handled, 0)
      // and the DHTs do not mix
      const dht = alpha.libp2p.services.dht as SingleKadDHT | undefined
      assert.ok(dht != null, 'alpha runs a DHT')
      assert.equal(dht.routingTable.size, 0)
    } finally {
      await net.stop()
    }
  })
})

describe('goodbye', () => {
  it('a stopping node says goodbye with a reason before it disconnects', async () => {
    const net = await startNet(2, () => ({ dht: false }))
    const [a, b] = net.nodes
    try {
      await waitFor(() => a.peers().length === 1 && b.peers().length === 1, 'the two nodes to connect')
      const bye = nextEvent<{ peer: { toString: () => string }, reason: string, code: number }>(a, 'peer:goodbye')
      await b.stop()
      const got = await bye
      assert.equal(got.peer.toString(), b.peerId.toString())
      assert.equal(got.reason, 'shutdown')
      assert.equal(got.code, 1)
    } finally {
      await net.stop()
    }
  })
})
