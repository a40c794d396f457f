/**
 * Two (or three) real libp2p nodes on 127.0.0.1 with tcp + noise + yamux.
 */
import { describe, it, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { service } from '../../src/service/index.ts'
import { RateLimitedError, StreamResetError, UnsupportedProtocolError } from '../../src/reqresp/index.ts'
import { MAX_CHUNK_BYTES } from '../../src/wire/index.ts'
import { connect, libp2pNode } from '../helpers/libp2p.ts'
import { waitFor } from '../helpers/reqresp.ts'
import type { Libp2pTestNode } from '../helpers/libp2p.ts'

const nodes: Libp2pTestNode[] = []
async function node (...args: Parameters<typeof libp2pNode>): Promise<Libp2pTestNode> {
  const n = await libp2pNode(...args)
  nodes.push(n)
  return n
}
afterEach(async () => {
  await Promise.all(nodes.splice(0).map(async n => n.stop()))
})

/** Compare bytes whatever their class (TCP delivers Buffers). */
const bytes = (b: Uint8Array): number[] => [...b]

const msg = (data: Uint8Array = new Uint8Array(0)): { protocol: string, data: Uint8Array } => ({ protocol: 'test', data })

describe('reqresp over libp2p (tcp + noise + yamux on 127.0.0.1)', () => {
  it('answers a request, streams a response and moves a chunked payload', async () => {
    const a = await node()
    const b = await node()
    await b.rr.register('direct', service(async (req) => [{ data: req.body.data }]))
    await b.rr.register('get_blocks_by_range', service(async (req) => (async function * () {
      for (let i = 0; i < req.body.count; i++) yield { block: new Uint8Array(1000).fill(i) }
    })()))
    await connect(a, b)
    const peer = b.node.peerId
    const [echo] = await a.rr.request(peer, 'direct', msg(new Uint8Array([1, 2, 3])))
    assert.deepEqual(bytes(echo.data), [1, 2, 3])
    const blocks = await a.rr.request(peer, 'get_blocks_by_range', { startHeight: 0, count: 100 })
    assert.equal(blocks.length, 100)
    assert.equal(blocks[99].block[0], 99)
    const big = new Uint8Array(MAX_CHUNK_BYTES).map((_, i) => i % 256)
    const [reply] = await a.rr.request(peer, 'direct', msg(big))
    assert.ok(Buffer.from(reply.data).equals(big))
    assert.deepEqual(a.reporter.reports, [])
    assert.deepEqual(b.reporter.reports, [])
  })

  it('negotiates the highest shared major: v1+v2 with v1 gives v1, with v2 gives v2', async () => {
    const a = await node({ versions: { direct: [1, 2] } })
    const onlyV1 = await node()
    const both = await node({ versions: { direct: [1, 2] } })
    const echoVersion = service(async (req: any) => [{ data: new Uint8Array([req.version]) }])
    await onlyV1.rr.register('direct', echoVersion)
    await both.rr.register('direct', echoVersion)
    await connect(a, onlyV1)
    await connect(a, both)
    const [v1] = await a.rr.request(onlyV1.node.peerId, 'direct', msg())
    const [v2] = await a.rr.request(both.node.peerId, 'direct', msg())
    assert.equal(v1.data[0], 1)
    assert.equal(v2.data[0], 2)
    // a node that does not serve the method at all
    await assert.rejects(onlyV1.rr.request(a.node.peerId, 'direct', msg()), (err: any) => err.name === UnsupportedProtocolError.name && err.verdict === 'ignore')
  })

  it('enforces maxInboundStreams per connection: extra streams are reset', async () => {
    // the requester may open 10, the responder accepts 2 at a time
    const a = await node({ protocols: { direct: { maxOutboundStreams: 10, maxConcurrentPerPeer: 10 } } })
    const b = await node({ protocols: { direct: { maxInboundStreams: 2, maxConcurrentPerPeer: 10 } } })
    let entered = 0
    let release!: () => void
    const gate = new Promise<void>(resolve => { release = resolve })
    await b.rr.register('direct', service(async () => {
      entered++
      await gate
      return [{ data: new Uint8Array([7]) }]
    }))
    await connect(a, b)
    const first = [a.rr.request(b.node.peerId, 'direct', msg()), a.rr.request(b.node.peerId, 'direct', msg())]
    await waitFor(() => entered === 2, 5000, 'two requests in the handler')
    await assert.rejects(a.rr.request(b.node.peerId, 'direct', msg()), (err: any) => err.name === StreamResetError.name && err.verdict === 'ignore')
    assert.equal(entered, 2)
    release()
    for (const r of await Promise.all(first)) assert.deepEqual(bytes(r[0].data), [7])
    // the slots are free again
    assert.deepEqual(bytes((await a.rr.request(b.node.peerId, 'direct', msg()))[0].data), [7])
  })

  it('rate limits a peer: RATE_LIMITED to it, one graded penalty on the responder', async () => {
    const a = await node()
    const b = await node({ protocols: { direct: { quota: { byPeer: { messages: { quota: 3, periodMs: 60_000 } } } } as any } })
    await b.rr.register('direct', service(async () => [{ data: new Uint8Array(0) }]))
    await connect(a, b)
    for (let i = 0; i < 3; i++) await a.rr.request(b.node.peerId, 'direct', msg())
    await assert.rejects(a.rr.request(b.node.peerId, 'direct', msg()), (err: any) => err.name === RateLimitedError.name)
    assert.deepEqual(b.reporter.reports.map(r => [r.peer, r.verdict, r.reason]), [[a.node.peerId.toString(), 'mid', 'RateLimitExceededError']])
    assert.deepEqual(a.reporter.reports, [])
  })
})
