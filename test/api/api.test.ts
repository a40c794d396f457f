import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startNet } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'
import { createApi, apiServer } from '../../src/api/index.ts'
import { silentLogs } from '../../src/logger.ts'
import type { TestNet } from '../helpers/nodes.ts'
import type { ApiServer } from '../../src/api/index.ts'

async function call (url: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number, json: any, text: string }> {
  const res = await fetch(url + path, { method, body, headers: { 'content-type': 'application/json', ...headers } })
  const text = await res.text()
  let json: any
  try { json = JSON.parse(text) } catch { json = undefined }
  return { status: res.status, json, text }
}

describe('control API', () => {
  let net: TestNet
  let api: ApiServer
  before(async () => {
    net = await startNet(2, () => ({ dht: false }), false)
    api = createApi(net.nodes[0], { listen: '127.0.0.1:0', token: '' })
    await api.start()
  })
  after(async () => {
    await api?.stop()
    await net?.stop()
  })

  it('GET /status returns identity, full addrs, peers, uptime and version', async () => {
    const { status, json } = await call(api.url, 'GET', '/status')
    assert.equal(status, 200)
    const node = net.nodes[0]
    assert.equal(json.peerId, node.peerId.toString())
    assert.equal(json.network, 'testnet')
    assert.ok(json.addrs.length > 0)
    for (const a of json.addrs) assert.ok(a.endsWith(`/p2p/${json.peerId}`), a)
    assert.equal(typeof json.peers, 'number')
    assert.equal(typeof json.uptime, 'number')
    assert.equal(json.version, '0.1.0')
  })

  it('POST /dial connects, GET /peers lists the peer', async () => {
    const target = net.nodes[1].status().addrs[0]
    const { status, json } = await call(api.url, 'POST', '/dial', JSON.stringify({ addr: target }))
    assert.equal(status, 200, JSON.stringify(json))
    assert.equal(json.id, net.nodes[1].peerId.toString())
    await waitFor(() => net.nodes[0].peers().length === 1, 'the peer to be admitted')
    const peers = await call(api.url, 'GET', '/peers')
    assert.equal(peers.status, 200)
    assert.equal(peers.json.length, 1)
    const p = peers.json[0]
    assert.equal(p.id, net.nodes[1].peerId.toString())
    assert.equal(p.direction, 'outbound')
    assert.ok(Array.isArray(p.addrs) && Array.isArray(p.protocols))
    assert.ok('latency' in p && 'streams' in p)
  })

  it('POST /broadcast publishes and GET /messages shows what arrived', async () => {
    await waitFor(() => net.nodes[0].libp2p.services.pubsub.getSubscribers('/chainwire/testnet/broadcast/general/1').length === 1, 'the subscription to propagate')
    const got = await call(api.url, 'POST', '/broadcast', JSON.stringify({ topic: 'general', data: 'aGk=', encoding: 'base64' }))
    assert.equal(got.status, 200, got.text)
    assert.equal(got.json.recipients, 1)
    const other = createApi(net.nodes[1], { listen: '127.0.0.1:0', token: '' })
    await other.start()
    try {
      await waitFor(async () => (await call(other.url, 'GET', '/messages?since=0')).json.some((m: any) => m.data === 'hi'), 'the broadcast to arrive')
    } finally {
      await other.stop()
    }
  })

  it('GET /metrics serves Prometheus text with libp2p and process metrics', async () => {
    const res = await fetch(api.url + '/metrics')
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/)
    const text = await res.text()
    assert.match(text, /^libp2p_/m)
    assert.match(text, /^process_cpu_user_seconds_total/m)
    assert.match(text, /^nodejs_heap_size_total_bytes/m)
  })

  it('answers malformed requests with 400 and a message, never 500', async () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['POST', '/dial', '{not json'],
      ['POST', '/dial', '[]'],
      ['POST', '/dial', '{"addr": 42}'],
      ['POST', '/dial', '{"addr": "not-a-multiaddr"}'],
      ['POST', '/dial', '{"addr": "/ip4/1.2.3/tcp/x"}'],
      ['POST', '/broadcast', '{"topic": "bad topic!", "data": "x"}'],
      ['POST', '/broadcast', '{"topic": "general", "data": 5}'],
      ['POST', '/broadcast', '{"topic": "general", "data": "zz", "encoding": "hex"}'],
      ['POST', '/broadcast', '{"topic": "general", "data": "x", "encoding": "rot13"}'],
      ['POST', '/send', '{"peer": "nope", "protocol": "echo", "data": "x"}'],
      ['POST', '/hangup', '{}'],
      ['POST', '/broadcast', undefined],
      ['GET', '/messages?since=-1', undefined]
    ]
    for (const [method, path, body] of cases) {
      const r = await call(api.url, method, path, body)
      assert.equal(r.status, 400, `${method} ${path} ${body}: ${r.status} ${r.text}`)
      assert.equal(typeof r.json?.message, 'string')
      assert.ok(r.json.message.length > 0)
    }
    assert.equal((await call(api.url, 'GET', '/nope')).status, 404)
    assert.equal((await call(api.url, 'DELETE', '/status')).status, 405)
  })

  it('refuses requests without the right bearer token when a token is set', async () => {
    const guarded = createApi(net.nodes[0], { listen: '127.0.0.1:0', token: 's3cret' })
    await guarded.start()
    try {
      assert.equal((await call(guarded.url, 'GET', '/status')).status, 401)
      assert.equal((await call(guarded.url, 'GET', '/status', undefined, { authorization: 'Bearer wrong' })).status, 401)
      assert.equal((await call(guarded.url, 'GET', '/status', undefined, { authorization: 'Bearer s3cret' })).status, 200)
    } finally {
      await guarded.stop()
    }
  })

  it('GET /peers includes score, subnet and ban state', async () => {
    const peers = await call(api.url, 'GET', '/peers')
    const p = peers.json[0]
    assert.equal(p.score, 0)
    assert.equal(p.subnet, '127.0.0.0/24')
    assert.equal(p.banned, false)
  })

  it('bans: add, list, refuse bad requests, remove', async () => {
    const victim = net.nodes[1].peerId.toString()
    const added = await call(api.url, 'POST', '/bans', JSON.stringify({ peer: victim, duration: '1h', reason: 'test' }))
    assert.equal(added.status, 200, added.text)
    assert.equal(added.json.id, victim)
    assert.ok(added.json.expires - added.json.created === 3_600_000)
    await waitFor(() => net.nodes[0].peers().length === 0, 'the banned peer to be disconnected')
    const list = await call(api.url, 'GET', '/bans')
    assert.deepEqual(list.json.map((b: any) => b.id), [victim])
    const subnet = await call(api.url, 'POST', '/bans', JSON.stringify({ cidr: '10.1.2.3/24', duration: 60, reason: 'noisy' }))
    assert.equal(subnet.json.id, '10.1.2.0/24')
    for (const bad of ['{}', '{"peer":"x","ip":"1.2.3.4","reason":"r"}', '{"ip":"1.2.3.4"}', '{"ip":"1.2.3.999","reason":"r"}', '{"ip":"1.2.3.4","reason":"r","duration":"forever"}']) {
      const r = await call(api.url, 'POST', '/bans', bad)
      assert.equal(r.status, 400, `${bad}: ${r.text}`)
    }
    assert.equal((await call(api.url, 'DELETE', `/bans/${encodeURIComponent('10.1.2.0/24')}`)).status, 200)
    assert.equal((await call(api.url, 'DELETE', `/bans/${victim}`)).status, 200)
    assert.equal((await call(api.url, 'DELETE', `/bans/${victim}`)).status, 404)
    assert.deepEqual((await call(api.url, 'GET', '/bans')).json, [])
  })

  it('will not bind off loopback without a token', () => {
    assert.throws(() => apiServer({ host: '10.9.8.7', port: 0, token: '' })({ log: silentLogs().forComponent('t') }), (err: Error) => err.name === 'InvalidArgumentError')
  })
})
