/**
 * Stream-level attacks on the engine with a hand-written peer writing raw
 * frames (the full-node versions live in test/adversarial/). After every
 * attack an honest peer must still be served.
 */
import { describe, it, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { Uint8ArrayList } from 'uint8arraylist'
import { manualClock, service } from '../../src/service/index.ts'
import { InvalidResponseError, RequestTimeoutError } from '../../src/reqresp/index.ts'
import {
  FrameCode, encodeFrame, encodeFrameHeader, protobufCodecs, protocolId, decodeFrames, splitChunks,
  MAX_CHUNK_BYTES, FrameTooLargeError
} from '../../src/wire/index.ts'
import { hash, memoryNetwork, memoryNode, readAll, waitFor } from '../helpers/reqresp.ts'
import type { TestNode } from '../helpers/reqresp.ts'
import type { Clock } from '../../src/service/index.ts'
import type { Stream } from '@libp2p/interface'

const started: TestNode[] = []
afterEach(async () => {
  for (const n of started.splice(0)) await n.rr.stop()
})

const anyCode = { maxPayload: () => 1 << 20 }

interface Setup {
  net: ReturnType<typeof memoryNetwork>
  victim: TestNode
  honest: TestNode
  attacker: TestNode
  invoked: () => number
}

/** A victim serving `direct`, `status` and `get_blocks_by_range`, an honest peer and an attacker. */
async function setup (clock?: Clock): Promise<Setup> {
  const net = memoryNetwork()
  const extra = clock == null ? {} : { clock }
  const victim = await memoryNode(net, {}, extra)
  const honest = await memoryNode(net, {}, extra)
  const attacker = await memoryNode(net, {}, extra)
  started.push(victim, honest, attacker)
  let calls = 0
  await victim.rr.register('direct', service(async (req) => {
    calls++
    return [{ data: req.body.data }]
  }))
  await victim.rr.register('status', service(async (req) => {
    calls++
    return [req.body]
  }))
  return { net, victim, honest, attacker, invoked: () => calls }
}

async function raw (s: Setup, method: string): Promise<Stream> {
  return s.net.openRaw(s.attacker.peerId, s.victim.peerId, protocolId('testnet', method, 1))
}

/** The honest control peer is still served. */
async function controlServed (s: Setup): Promise<void> {
  const before = s.invoked()
  const [reply] = await s.honest.rr.request(s.victim.peerId, 'direct', { protocol: 'ok', data: new Uint8Array([42]) })
  assert.deepEqual(reply.data, new Uint8Array([42]))
  assert.equal(s.invoked(), before + 1)
  assert.deepEqual(s.victim.reporter.reports.filter(r => r.peer === s.honest.peerId.toString()), [])
}

function reportsFor (s: Setup): Array<[string, string]> {
  return s.victim.reporter.reports.filter(r => r.peer === s.attacker.peerId.toString()).map(r => [r.reason, r.verdict])
}

describe('adversarial requesters (raw frames into the responder)', () => {
  it('a length prefix of 2^31: FrameTooLargeError before allocation, fatal, handler never invoked', async () => {
    const s = await setup()
    const stream = await raw(s, 'direct')
    stream.send(encodeFrameHeader(FrameCode.MESSAGE, 2 ** 31))
    const answer = decodeFrames(await readAll(stream), anyCode)
    assert.equal(answer[0].code, FrameCode.INVALID_REQUEST)
    assert.match(new TextDecoder().decode(answer[0].payload.subarray()), /declares 2147483648 bytes \(max 1048576\)/)
    assert.deepEqual(reportsFor(s), [['FrameTooLargeError', 'fatal']])
    assert.equal(s.invoked(), 0)
    await controlServed(s)
  })

  it('the per-protocol max + 1: FrameTooLargeError', async () => {
    const s = await setup()
    const max = s.victim.rr.spec('status').maxRequestBytes
    const stream = await raw(s, 'status')
    stream.send(encodeFrameHeader(FrameCode.MESSAGE, max + 1))
    await readAll(stream)
    assert.deepEqual(reportsFor(s), [['FrameTooLargeError', 'fatal']])
    assert.equal(s.invoked(), 0)
    await controlServed(s)
  })

  it('a varint longer than 8 bytes: VarintTooLongError, handler never invoked', async () => {
    const s = await setup()
    const stream = await raw(s, 'direct')
    stream.send(new Uint8Array([FrameCode.MESSAGE, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))
    await stream.close()
    await readAll(stream)
    assert.deepEqual(reportsFor(s), [['VarintTooLongError', 'fatal']])
    assert.equal(s.invoked(), 0)
    await controlServed(s)
  })

  it('a truncated payload followed by FIN: TruncatedFrameError, handler never invoked', async () => {
    const s = await setup()
    const stream = await raw(s, 'direct')
    const frame = encodeFrame(FrameCode.MESSAGE, protobufCodecs.DirectMessage.encode({ protocol: 'x', data: new Uint8Array(100) })).subarray()
    stream.send(frame.subarray(0, frame.byteLength - 10))
    await stream.close()
    await readAll(stream)
    assert.deepEqual(reportsFor(s), [['TruncatedFrameError', 'fatal']])
    assert.equal(s.invoked(), 0)
    await controlServed(s)
  })

  it('trailing bytes after the request: TrailingBytesError, handler never invoked', async () => {
    const s = await setup()
    const stream = await raw(s, 'direct')
    stream.send(new Uint8ArrayList(encodeFrame(FrameCode.MESSAGE, protobufCodecs.DirectMessage.encode({ protocol: 'x', data: new Uint8Array(1) })), new Uint8Array([0])))
    await stream.close()
    await readAll(stream)
    assert.deepEqual(reportsFor(s), [['TrailingBytesError', 'fatal']])
    assert.equal(s.invoked(), 0)
    await controlServed(s)
  })

  it('an undecodable request: DecodeError, fatal, answered INVALID_REQUEST', async () => {
    const s = await setup()
    const stream = await raw(s, 'direct')
    stream.send(encodeFrame(FrameCode.MESSAGE, new Uint8Array([0x0a, 0x05, 0x41])))
    await stream.close()
    const answer = decodeFrames(await readAll(stream), anyCode)
    assert.equal(answer[0].code, FrameCode.INVALID_REQUEST)
    assert.deepEqual(reportsFor(s), [['DecodeError', 'fatal']])
    assert.equal(s.invoked(), 0)
  })

  it('an error code or a chunk where none is allowed: InvalidFrameError', async () => {
    const s = await setup()
    const a = await raw(s, 'direct')
    a.send(encodeFrame(FrameCode.RATE_LIMITED, new Uint8Array(1)))
    await readAll(a)
    // status requests fit one frame, so chunks are not allowed at all
    const b = await raw(s, 'status')
    b.send(encodeFrame(FrameCode.CHUNK, new Uint8Array(1)))
    await readAll(b)
    assert.deepEqual(reportsFor(s), [['InvalidFrameError', 'fatal'], ['InvalidFrameError', 'fatal']])
    assert.equal(s.invoked(), 0)
  })

  it('slowloris (opens, never sends): closed at the request timeout, slot freed, graded penalty', async () => {
    const clock = manualClock()
    const s = await setup(clock)
    const stream = await raw(s, 'direct')
    await waitFor(() => s.victim.rr.stats().inboundStreams === 1)
    clock.advance(4999)
    assert.equal(s.victim.rr.stats().inboundStreams, 1)
    clock.advance(1)
    await waitFor(() => s.victim.rr.stats().inboundStreams === 0, 2000, 'the stream to be closed')
    await waitFor(() => stream.status !== 'open', 2000, 'the attacker stream to be reset')
    assert.deepEqual(reportsFor(s), [[RequestTimeoutError.name, 'high']])
    assert.equal(s.invoked(), 0)
    await controlServed(s)
  })

  it('slowloris (one byte per second): closed at the request timeout', async () => {
    const clock = manualClock()
    const s = await setup(clock)
    const stream = await raw(s, 'direct')
    const frame = encodeFrame(FrameCode.MESSAGE, protobufCodecs.DirectMessage.encode({ protocol: 'x', data: new Uint8Array(50) })).subarray()
    for (let i = 0; i < 5; i++) {
      stream.send(frame.subarray(i, i + 1))
      await new Promise(resolve => setTimeout(resolve, 5))
      clock.advance(1000)
    }
    await waitFor(() => s.victim.rr.stats().inboundStreams === 0, 2000, 'the stream to be closed')
    assert.deepEqual(reportsFor(s), [[RequestTimeoutError.name, 'high']])
    assert.equal(s.invoked(), 0)
  })

  it('a chunked transfer that never completes: cleaned up at its timeout, peer penalised', async () => {
    const clock = manualClock()
    const s = await setup(clock)
    const stream = await raw(s, 'direct')
    const big = protobufCodecs.DirectMessage.encode({ protocol: 'x', data: new Uint8Array(MAX_CHUNK_BYTES) })
    const chunks = splitChunks(big, 77)
    stream.send(encodeFrame(FrameCode.CHUNK, protobufCodecs.Chunk.encode(chunks[0])))
    await waitFor(() => s.victim.rr.stats().reassemblyBytes === MAX_CHUNK_BYTES, 2000, 'the first chunk to be buffered')
    clock.advance(10_001)
    await waitFor(() => s.victim.rr.stats().inboundStreams === 0, 2000, 'the stream to be closed')
    assert.equal(s.victim.rr.stats().reassemblyBytes, 0, 'a partial transfer leaves nothing behind')
    assert.deepEqual(reportsFor(s), [['ChunkTimeoutError', 'mid']])
    assert.equal(s.invoked(), 0)
    await controlServed(s)
  })

  it('a chunked transfer over the cap: refused on its first chunk, before buffering, fatal', async () => {
    const s = await setup()
    const stream = await raw(s, 'direct')
    const max = s.victim.rr.spec('direct').maxRequestBytes
    stream.send(encodeFrame(FrameCode.CHUNK, protobufCodecs.Chunk.encode({ transferId: 1, index: 0, count: 16, totalSize: max + 1, data: new Uint8Array(10) })))
    await readAll(stream)
    assert.deepEqual(reportsFor(s), [['ChunkLimitError', 'fatal']])
    assert.equal(s.victim.rr.stats().reassemblyBytes, 0)
    assert.equal(s.invoked(), 0)
  })

  it('a chunk out of order: ChunkSequenceError, fatal', async () => {
    const s = await setup()
    const stream = await raw(s, 'direct')
    const chunk = { transferId: 5, count: 3, totalSize: 300, data: new Uint8Array(100) }
    stream.send(encodeFrame(FrameCode.CHUNK, protobufCodecs.Chunk.encode({ ...chunk, index: 0 })))
    stream.send(encodeFrame(FrameCode.CHUNK, protobufCodecs.Chunk.encode({ ...chunk, index: 2 })))
    await readAll(stream)
    assert.deepEqual(reportsFor(s), [['ChunkSequenceError', 'fatal']])
    assert.equal(s.victim.rr.stats().reassemblyBytes, 0)
  })

  it('a flood of streams from one peer is rate limited, the honest peer is not', async () => {
    const s = await setup()
    const msg = { protocol: 'x', data: new Uint8Array(1) }
    const results = await Promise.allSettled(Array.from({ length: 150 }, async () => s.attacker.rr.request(s.victim.peerId, 'direct', msg)))
    assert.ok(results.some(r => r.status === 'rejected' && (r.reason.name === 'RateLimitedError')))
    assert.ok(reportsFor(s).length > 0)
    for (const [reason, verdict] of reportsFor(s)) {
      assert.ok((reason === 'RateLimitExceededError' && verdict === 'mid') || (reason === 'ConcurrencyLimitError' && verdict === 'high'), reason)
    }
    await controlServed(s)
  })
})

describe('adversarial responders (raw frames into the requester)', () => {
  async function evil (respond: (stream: Stream) => Promise<void> | void): Promise<{ a: TestNode, peer: TestNode }> {
    const net = memoryNetwork()
    const a = await memoryNode(net)
    const peer = await memoryNode(net)
    started.push(a, peer)
    for (const m of ['get_blocks_by_hash', 'direct', 'tx']) {
      peer.endpoint.handlers.set(protocolId('testnet', m, 1), {
        handler: async (stream: Stream) => {
          // read the request to its end, then answer with whatever the test writes
          for await (const _ of stream) { /* drain */ }
          await respond(stream)
        }
      } as any)
    }
    return { a, peer }
  }

  it('an oversize response frame header: InvalidResponseError (fatal) before allocation', async () => {
    const { a, peer } = await evil(async (stream) => {
      stream.send(encodeFrameHeader(FrameCode.MESSAGE, 2 ** 31))
      await stream.close()
    })
    await assert.rejects(a.rr.request(peer.peerId, 'direct', { protocol: 'x', data: new Uint8Array(0) }),
      (err: any) => err.name === InvalidResponseError.name && err.verdict === 'fatal' && err.cause?.name === FrameTooLargeError.name)
    assert.deepEqual(a.reporter.reports.map(r => [r.reason, r.verdict]), [['InvalidResponseError', 'fatal']])
  })

  it('more items than requested: InvalidResponseError', async () => {
    const { a, peer } = await evil(async (stream) => {
      for (let i = 0; i < 3; i++) stream.send(encodeFrame(FrameCode.MESSAGE, protobufCodecs.Block.encode({ block: new Uint8Array([i]) })))
      await stream.close()
    })
    // the extra item is caught whether it is already buffered (thrown to the
    // caller) or arrives after the last allowed one (reported in the background)
    try {
      const items = await a.rr.request(peer.peerId, 'get_blocks_by_hash', { hashes: [hash(1), hash(2)] })
      assert.equal(items.length, 2)
    } catch (err: any) {
      assert.equal(err.name, InvalidResponseError.name)
    }
    await waitFor(() => a.reporter.reports.length === 1, 2000, 'the report')
    assert.deepEqual(a.reporter.reports.map(r => [r.reason, r.verdict]), [['InvalidResponseError', 'fatal']])
  })

  it('garbage, a truncated item, or an item for a one-way message: InvalidResponseError', async () => {
    let mode = 0
    const { a, peer } = await evil(async (stream) => {
      if (mode === 0) stream.send(new Uint8Array([0x07, 0x01, 0x02]))
      if (mode === 1) stream.send(encodeFrame(FrameCode.MESSAGE, new Uint8Array(10)).subarray().subarray(0, 5))
      if (mode === 2) stream.send(encodeFrame(FrameCode.MESSAGE, new Uint8Array(1)))
      await stream.close()
    })
    await assert.rejects(a.rr.request(peer.peerId, 'direct', { protocol: 'x', data: new Uint8Array(0) }), (err: any) => err.name === InvalidResponseError.name && err.cause?.name === 'InvalidFrameError')
    mode = 1
    await assert.rejects(a.rr.request(peer.peerId, 'direct', { protocol: 'x', data: new Uint8Array(0) }), (err: any) => err.name === InvalidResponseError.name && err.cause?.name === 'TruncatedFrameError')
    mode = 2
    await assert.rejects(a.rr.notify(peer.peerId, 'tx', { tx: new Uint8Array(1) }), (err: any) => err.name === InvalidResponseError.name)
    assert.equal(a.rr.stats().outboundRequests, 0)
  })
})
