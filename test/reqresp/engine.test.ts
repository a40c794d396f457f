import { describe, it, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { service, manualClock, ResourceUnavailableError } from '../../src/service/index.ts'
import {
  RateLimitedError, ServerError, TtfbTimeoutError, ResponseTimeoutError, UnsupportedProtocolError, RequestRejectedError
} from '../../src/reqresp/index.ts'
import { MAX_CHUNK_BYTES, MAX_HEADERS_PER_MESSAGE } from '../../src/wire/index.ts'
import { hash, memoryNetwork, memoryNode, waitFor } from '../helpers/reqresp.ts'
import type { TestNode } from '../helpers/reqresp.ts'

const byName = (name: string) => (err: Error) => err.name === name

const started: TestNode[] = []
async function node (...args: Parameters<typeof memoryNode>): Promise<TestNode> {
  const n = await memoryNode(...args)
  started.push(n)
  return n
}

afterEach(async () => {
  for (const n of started.splice(0)) await n.rr.stop()
})

describe('reqresp engine (in-memory streams)', () => {
  it('answers a request and reports nothing', async () => {
    const net = memoryNetwork()
    const a = await node(net)
    const b = await node(net)
    await b.rr.register('direct', service(async (req) => [{ data: new Uint8Array([...req.body.data].reverse()) }]))
    const [reply] = await a.rr.request(b.peerId, 'direct', { protocol: 'echo', data: new Uint8Array([1, 2, 3]) })
    assert.deepEqual(reply.data, new Uint8Array([3, 2, 1]))
    assert.deepEqual(a.reporter.reports, [])
    assert.deepEqual(b.reporter.reports, [])
    await waitFor(() => b.rr.stats().inboundStreams === 0 && a.rr.stats().outboundRequests === 0)
  })

  it('gives handlers the request context', async () => {
    const net = memoryNetwork()
    const a = await node(net)
    const b = await node(net)
    let ctx: any
    await b.rr.register('status', service(async (req) => {
      ctx = req
      return [req.body]
    }))
    const status = { network: 'testnet', genesisHash: hash(1), bestHeight: 1, bestHash: hash(2), bestWork: 5n, protocols: [], capabilities: { sendHeaders: false, txRelay: true, archive: true, masternode: false }, compactBlockVersions: [], userAgent: 'x', timeMs: 0 }
    await a.rr.request(b.peerId, 'status', status)
    assert.equal(ctx.peer.toString(), a.peerId.toString())
    assert.equal(ctx.method, 'status')
    assert.equal(ctx.protocol, '/chainwire/testnet/status/1')
    assert.equal(ctx.version, 1)
    assert.equal(ctx.cost, 1)
    assert.ok(ctx.sizeBytes > 0)
    assert.ok(ctx.signal instanceof AbortSignal)
  })

  it('streams response items as the handler yields them, up to the requested count', async () => {
    const net = memoryNetwork()
    const a = await node(net)
    const b = await node(net)
    await b.rr.register('get_blocks_by_range', service(async (req) => (async function * () {
      for (let i = 0; i < req.body.count; i++) yield { block: new Uint8Array([req.body.startHeight + i]) }
    })()))
    const got: number[] = []
    for await (const item of a.rr.requestStream(b.peerId, 'get_blocks_by_range', { startHeight: 5, count: 40 })) got.push(item.block[0])
    assert.deepEqual(got, Array.from({ length: 40 }, (_, i) => 5 + i))
  })

  it('moves payloads larger than a chunk in both directions (chunked transfer)', async () => {
    const net = memoryNetwork()
    const a = await node(net)
    const b = await node(net)
    await b.rr.register('direct', service(async (req) => [{ data: req.body.data }]))
    const data = new Uint8Array(MAX_CHUNK_BYTES)
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 256
    const [reply] = await a.rr.request(b.peerId, 'direct', { protocol: 'bulk', data })
    assert.deepEqual(reply.data, data)
    // a headers response of 2000 x 1 KiB headers is about 2 MiB: three chunks
    const header = new Uint8Array(1024).fill(3)
    await b.rr.register('get_headers', service(async () => [{ headers: Array.from({ length: MAX_HEADERS_PER_MESSAGE }, () => header) }]))
    const [headers] = await a.rr.request(b.peerId, 'get_headers', { locator: [hash(1)], maxHeaders: 2000 })
    assert.equal(headers.headers.length, 2000)
    assert.deepEqual(headers.headers[1999], header)
    assert.equal(a.rr.stats().reassemblyBytes, 0)
    assert.equal(b.rr.stats().reassemblyBytes, 0)
  })

  it('delivers one-way messages with notify()', async () => {
    const net = memoryNetwork()
    const a = await node(net)
    const b = await node(net)
    const seen: bigint[] = []
    await b.rr.register('feefilter', service(async (req) => { seen.push(req.body.feeRate) }))
    await a.rr.notify(b.peerId, 'feefilter', { feeRate: 1234n })
    assert.deepEqual(seen, [1234n])
  })

  it('turns handler errors into typed errors for the requester', async () => {
    const net = memoryNetwork()
    const a = await node(net)
    const b = await node(net)
    await b.rr.register('get_blocks_by_hash', service(async () => { throw new ResourceUnavailableError('no such block') }))
    await assert.rejects(a.rr.request(b.peerId, 'get_blocks_by_hash', { hashes: [hash(9)] }), (err: any) => err.name === ResourceUnavailableError.name && /no such block/.test(err.message))
    await b.rr.register('pose_challenge', service(async () => { throw new Error('secret internals') }))
    const challenge = { nonce: hash(1), masternodeId: hash(2), height: 1, blockHash: hash(3), issuedAtMs: 1 }
    await assert.rejects(a.rr.request(b.peerId, 'pose_challenge', challenge), (err: any) => err.name === ServerError.name && !/secret/.test(err.message) && err.verdict === 'mid')
    // a handler rejecting the request as invalid penalises the requester on the responder's side
    await b.rr.register('getdata', service(async () => []))
    await assert.rejects(a.rr.request(b.peerId, 'getdata', { items: [{ type: 'block', hash: hash(1) }] }), byName(RequestRejectedError.name))
    assert.deepEqual(b.reporter.reports.map(r => [r.reason, r.verdict]), [['InvalidRequestError', 'mid']])
    // the requester reported the remote's error answers with their verdicts
    assert.deepEqual(a.reporter.reports.map(r => r.reason), ['ServerError', 'RequestRejectedError'])
  })

  it('answers RATE_LIMITED over a per-peer quota and penalises once; refills on the injected clock', async () => {
    const clock = manualClock()
    const net = memoryNetwork()
    const a = await node(net, {}, { clock })
    const b = await node(net, { protocols: { direct: { quota: { byPeer: { messages: { quota: 2, periodMs: 10_000 } } } } as any } }, { clock })
    await b.rr.register('direct', service(async () => [{ data: new Uint8Array(0) }]))
    const msg = { protocol: 'p', data: new Uint8Array(1) }
    await a.rr.request(b.peerId, 'direct', msg)
    await a.rr.request(b.peerId, 'direct', msg)
    await assert.rejects(a.rr.request(b.peerId, 'direct', msg), (err: any) => err.name === RateLimitedError.name && err.verdict === 'ignore')
    assert.deepEqual(b.reporter.reports.map(r => [r.peer, r.verdict, r.reason]), [[a.peerId.toString(), 'mid', 'RateLimitExceededError']])
    assert.deepEqual(a.reporter.reports, [], 'RATE_LIMITED from the remote penalises nobody')
    clock.advance(5000)
    await a.rr.request(b.peerId, 'direct', msg)
    assert.equal(b.reporter.reports.length, 1)
  })

  it('refuses everyone over a global quota and penalises nobody', async () => {
    const clock = manualClock()
    const net = memoryNetwork()
    const b = await node(net, { protocols: { direct: { quota: { byPeer: { messages: { quota: 5, periodMs: 10_000 } }, total: { messages: { quota: 6, periodMs: 10_000 } } } } as any } }, { clock })
    await b.rr.register('direct', service(async () => [{ data: new Uint8Array(0) }]))
    const peers = await Promise.all(Array.from({ length: 4 }, async () => node(net, {}, { clock })))
    const results = await Promise.allSettled(peers.flatMap(p => [1, 2, 3].map(async () => p.rr.request(b.peerId, 'direct', { protocol: 'p', data: new Uint8Array(0) }))))
    const refused = results.filter(r => r.status === 'rejected')
    assert.equal(refused.length, 12 - 6)
    for (const r of refused) assert.equal((r as PromiseRejectedResult).reason.name, RateLimitedError.name)
    assert.deepEqual(b.reporter.reports, [])
    for (const p of peers) assert.deepEqual(p.reporter.reports, [])
  })

  it('times out a silent responder at TTFB and a stalled stream at the response timeout', async () => {
    const clock = manualClock()
    const net = memoryNetwork()
    const a = await node(net, {}, { clock })
    const b = await node(net, {}, { clock })
    let release!: () => void
    await b.rr.register('direct', service(async () => {
      await new Promise<void>(resolve => { release = resolve })
      return [{ data: new Uint8Array(0) }]
    }))
    const p = a.rr.request(b.peerId, 'direct', { protocol: 'p', data: new Uint8Array(0) })
    await waitFor(() => release != null)
    clock.advance(5000)
    await assert.rejects(p, (err: any) => err.name === TtfbTimeoutError.name && err.verdict === 'high')
    assert.deepEqual(a.reporter.reports.map(r => r.reason), ['TtfbTimeoutError'])
    release()

    let step!: () => void
    await b.rr.register('get_blocks_by_range', service(async () => (async function * () {
      yield { block: new Uint8Array([1]) }
      await new Promise<void>(resolve => { step = resolve })
      yield { block: new Uint8Array([2]) }
    })()))
    const items: number[] = []
    const q = (async () => {
      for await (const x of a.rr.requestStream(b.peerId, 'get_blocks_by_range', { startHeight: 0, count: 2 })) items.push(x.block[0])
    })()
    await waitFor(() => items.length === 1 && step != null)
    clock.advance(10_000)
    await assert.rejects(q, byName(ResponseTimeoutError.name))
    step()
  })

  it('respects the caller AbortSignal', async () => {
    const net = memoryNetwork()
    const a = await node(net)
    const b = await node(net)
    let entered = false
    await b.rr.register('direct', service(async (req) => {
      entered = true
      await new Promise((resolve) => { req.signal.addEventListener('abort', resolve) })
      return []
    }))
    const ctrl = new AbortController()
    const p = a.rr.request(b.peerId, 'direct', { protocol: 'p', data: new Uint8Array(0) }, { signal: ctrl.signal })
    await waitFor(() => entered)
    ctrl.abort()
    await assert.rejects(p, byName('AbortError'))
    assert.deepEqual(a.reporter.reports, [])
    await waitFor(() => b.rr.stats().inboundStreams === 0, 2000, 'the responder to free the stream')
  })

  it('negotiates the highest shared major', async () => {
    const net = memoryNetwork()
    const a = await node(net, { versions: { direct: [1, 2] } })
    const b1 = await node(net)
    const b2 = await node(net, { versions: { direct: [2, 1] } })
    const echoVersion = service(async (req: any) => [{ data: new Uint8Array([req.version]) }])
    await b1.rr.register('direct', echoVersion)
    await b2.rr.register('direct', echoVersion)
    assert.deepEqual(a.rr.protocolIds('direct'), ['/chainwire/testnet/direct/2', '/chainwire/testnet/direct/1'])
    const [r1] = await a.rr.request(b1.peerId, 'direct', { protocol: 'v', data: new Uint8Array(0) })
    const [r2] = await a.rr.request(b2.peerId, 'direct', { protocol: 'v', data: new Uint8Array(0) })
    assert.equal(r1.data[0], 1)
    assert.equal(r2.data[0], 2)
  })

  it('fails with UnsupportedProtocolError when the remote does not serve the method', async () => {
    const net = memoryNetwork()
    const a = await node(net)
    const b = await node(net)
    await assert.rejects(a.rr.request(b.peerId, 'masternode_list_request', { height: 0 }), byName(UnsupportedProtocolError.name))
  })

  it('stops: unregisters handlers and aborts in-flight requests', async () => {
    const net = memoryNetwork()
    const a = await node(net)
    const b = await node(net)
    let entered = false
    await b.rr.register('direct', service(async () => {
      entered = true
      await new Promise(() => {})
      return []
    }))
    const p = a.rr.request(b.peerId, 'direct', { protocol: 'p', data: new Uint8Array(0) })
    await waitFor(() => entered)
    await a.rr.stop()
    await assert.rejects(p, byName('AbortError'))
    await b.rr.stop()
    assert.equal(b.endpoint.handlers.size, 0)
    await assert.rejects(a.rr.request(b.peerId, 'direct', { protocol: 'p', data: new Uint8Array(0) }), byName('NotStartedError'))
  })
})
