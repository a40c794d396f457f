/**
 * Full-node adversarial tests, limits: stream caps, per-peer and global
 * quotas, slowloris, chunked transfers. A victim started with `createNode`
 * (with a manual engine clock where quotas or timeouts are involved, through
 * `NodeComponents.clock`, and tighter limits through
 * `NodeComponents.overrides`), hand-written attackers on real libp2p streams,
 * and an honest control peer answered within budget throughout.
 *
 * Issue items: 4 (maxInboundStreams), 5 (per-peer quota), 6 (global quota),
 * 7 (slowloris), 11 (chunked transfers).
 */
import { afterEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { REQUEST_TIMEOUT_MS } from '../../src/reqresp/index.ts'
import { manualClock, service } from '../../src/service/index.ts'
import {
  CHUNK_TRANSFER_TIMEOUT_MS, FrameCode, MAX_CHUNK_BYTES, encodeFrame, encodeFrameHeader, protobufCodecs
} from '../../src/wire/index.ts'
import { arena, assertBanned, assertUnharmed, countReceived, drain, errorFrames, exchange, tryConnect, victimStreams } from '../helpers/attacker.ts'
import { samples } from '../helpers/samples.ts'
import { waitFor } from '../helpers/wait.ts'
import type { Arena, Attacker, Drained } from '../helpers/attacker.ts'
import type { NodeComponents } from '../../src/node/index.ts'
import type { NodeConfig } from '../../src/config/options.ts'
import type { Chunk } from '../../src/wire/index.ts'
import type { Stream } from '@libp2p/interface'

let a: Arena | undefined
afterEach(async () => {
  await a?.stop()
  a = undefined
})

async function setup (config: Partial<NodeConfig> = {}, components: NodeComponents = {}): Promise<Arena> {
  a = await arena(config, components)
  return a
}

const frameOf = (payload: Uint8Array): Uint8Array => encodeFrame(FrameCode.MESSAGE, payload).subarray()
const echoRequest = (text: string): Uint8Array => frameOf(protobufCodecs.DirectMessage.encode({ protocol: 'echo', data: new TextEncoder().encode(text) }))
const chunkFrame = (c: Chunk): Uint8Array => encodeFrame(FrameCode.CHUNK, protobufCodecs.Chunk.encode(c)).subarray()

/** The single response item of a drained exchange, decoded with `decode`. */
function itemOf<T> (d: Drained, decode: (b: Uint8Array) => T): T {
  assert.deepEqual(errorFrames(d), [])
  assert.equal(d.frames.length, 1, `one response item (got ${d.frames.length} frames)`)
  return decode(d.frames[0].payload.subarray())
}

/** Open a stream the victim is expected to refuse: either the open fails or the stream is reset. */
async function refusedStream (atk: Attacker, a: Arena, method: string): Promise<boolean> {
  let stream: Stream
  try {
    stream = await atk.open(a.victim, method)
  } catch {
    return true
  }
  return (await drain(stream, 3000)).how === 'reset'
}

/** The victim serves `status` (not registered without a chain): echo the request. */
async function serveStatus (a: Arena): Promise<{ served: () => number }> {
  let n = 0
  await a.victim.node.reqresp.register('status', service(async (req) => { n++; return [req.body] }))
  return { served: () => n }
}

const statusRequest = frameOf(protobufCodecs.Status.encode(samples.Status))

describe('full node: stream caps and slowloris', () => {
  it('4. more than maxInboundStreams streams on one protocol: the extra streams are reset; other peers unaffected', async () => {
    const a = await setup({}, { clock: manualClock() })
    const atk = await a.attacker('127.0.4.1')
    const max = a.victim.node.reqresp.spec('direct').maxInboundStreams
    // fill every slot with a stream that never sends
    const held: Stream[] = []
    for (let i = 0; i < max; i++) held.push(await atk.open(a.victim, 'direct'))
    await waitFor(() => victimStreams(a.victim, atk, 'direct').length === max, `${max} held streams`, 5000, 10)
    for (let i = 0; i < 3; i++) assert.equal(await refusedStream(atk, a, 'direct'), true, `extra stream ${i + 1} is reset`)
    assert.equal(victimStreams(a.victim, atk, 'direct').length, max, 'the victim holds no more than the cap')
    // the cap is per connection and protocol: the control peer and other protocols are unaffected
    await a.control.ping()
    await serveStatus(a)
    const reply = itemOf(await exchange(await atk.open(a.victim, 'status'), statusRequest), b => protobufCodecs.Status.decode(b))
    assert.equal(reply.userAgent, samples.Status.userAgent)
    assert.deepEqual(a.j.faults(atk.peerId), [], 'libp2p refuses the extra streams; nobody is scored for them')
    // the attacker leaves: everything it held is released
    await atk.node.hangUp(a.victim.node.peerId)
    assert.ok(held.every(s => s.status !== 'open'))
    await assertUnharmed(a)
  })

  it('4. a rejected request does not keep its stream slot (regression: half-open streams after an error answer)', async () => {
    // an allow-listed peer is never banned, so its connection stays up and its slots are what is at stake
    const a = await setup({ allowList: ['127.0.4.2/32'] })
    const atk = await a.attacker('127.0.4.2')
    const max = a.victim.node.reqresp.spec('direct').maxInboundStreams
    // every slot gets a bad header, and the attacker never closes its side
    for (let i = 0; i < max; i++) {
      const d = await exchange(await atk.open(a.victim, 'direct'), encodeFrameHeader(FrameCode.MESSAGE, 2 ** 31), { close: false })
      assert.equal(d.how, 'reset')
      assert.equal(errorFrames(d)[0][0], FrameCode.INVALID_REQUEST)
    }
    assert.equal(victimStreams(a.victim, atk, 'direct').length, 0, 'no rejected stream is left half open')
    // so a new request still gets a slot
    const reply = itemOf(await exchange(await atk.open(a.victim, 'direct'), echoRequest('still here')), b => protobufCodecs.DirectReply.decode(b))
    assert.equal(new TextDecoder().decode(reply.data), 'still here')
    assert.equal(a.j.faults(atk.peerId).length, max)
    await assertUnharmed(a)
  })

  it('7. slowloris (silent, and 1 byte per second): closed at the request timeout, its slots freed, graded penalty', async () => {
    const clock = manualClock()
    // two slots, so the attack visibly fills them
    const a = await setup({}, { clock, overrides: { reqresp: { protocols: { direct: { maxInboundStreams: 2 } } } } })
    const atk = await a.attacker('127.0.7.1')
    const silent = await atk.open(a.victim, 'direct')
    const trickle = await atk.open(a.victim, 'direct')
    const silentDone = drain(silent, 10_000)
    const trickleDone = drain(trickle, 10_000)
    await waitFor(() => victimStreams(a.victim, atk, 'direct').length === 2, 'both streams open', 5000, 10)
    // count what the victim receives, to send the next byte only once the last one arrived
    const counters = victimStreams(a.victim, atk, 'direct').map(countReceived)
    const received = (): number => counters.reduce((n, c) => n + c(), 0)
    assert.equal(await refusedStream(atk, a, 'direct'), true, 'both slots are taken')

    const request = echoRequest('slow')
    const second = REQUEST_TIMEOUT_MS / 5
    for (let i = 0; i < 4; i++) {
      trickle.send(request.subarray(i, i + 1))
      await waitFor(() => received() === i + 1, `byte ${i + 1} to arrive`, 5000, 5)
      await a.advance(clock, second)
    }
    // one byte a second does not extend the deadline
    await a.advance(clock, REQUEST_TIMEOUT_MS - 4 * second - 1)
    assert.equal(victimStreams(a.victim, atk, 'direct').length, 2, 'still open 1 ms before the timeout')
    await a.advance(clock, 1)
    assert.equal((await silentDone).how, 'reset')
    assert.equal((await trickleDone).how, 'reset')
    await waitFor(() => victimStreams(a.victim, atk, 'direct').length === 0, 'the slots to be freed', 5000, 10)
    assert.deepEqual(a.j.faults(atk.peerId), [['RequestTimeoutError', 'high'], ['RequestTimeoutError', 'high']])
    assert.equal(a.j.directFrom.get(atk.peerId.toString()), undefined, 'the handler never ran')
    // graded: still connected, and its freed slots serve a real request
    assert.equal(a.victim.node.peerManager.isBanned(atk.peerId), false)
    const reply = itemOf(await exchange(await atk.open(a.victim, 'direct'), echoRequest('fast now')), b => protobufCodecs.DirectReply.decode(b))
    assert.equal(new TextDecoder().decode(reply.data), 'fast now')
    await assertUnharmed(a)
  })
})

describe('full node: quotas (manual clock)', () => {
  it('5. per-peer quota exceeded: RATE_LIMITED and one penalty; the quota refills', async () => {
    const clock = manualClock()
    const a = await setup({}, { clock })
    const status = await serveStatus(a)
    const atk = await a.attacker('127.0.5.1')
    const quota = a.victim.node.reqresp.spec('status').quota.byPeer.messages
    const ask = async (): Promise<Drained> => await exchange(await atk.open(a.victim, 'status'), statusRequest)

    for (let i = 0; i < quota.quota; i++) itemOf(await ask(), b => protobufCodecs.Status.decode(b))
    const over = await ask()
    const tokenMs = quota.periodMs / quota.quota
    assert.deepEqual(errorFrames(over), [[FrameCode.RATE_LIMITED, `status: peer over its messages quota (retry in ${tokenMs} ms)`]])
    assert.deepEqual(a.j.faults(atk.peerId), [['RateLimitExceededError', 'mid']], 'exactly one penalty')
    assert.deepEqual(a.j.scores.map(x => [x.delta, x.score]), [[-5, -5]])
    assert.equal(status.served(), quota.quota)
    assert.equal(await tryConnect(atk, a.victim), true, 'a graded penalty: still connected')

    // the control peer's own quota is untouched
    await a.control.ping()
    // one token back after periodMs / quota
    await a.advance(clock, tokenMs)
    itemOf(await ask(), b => protobufCodecs.Status.decode(b))
    // and the whole quota after the period
    await a.advance(clock, quota.periodMs)
    for (let i = 0; i < quota.quota; i++) itemOf(await ask(), b => protobufCodecs.Status.decode(b))
    assert.equal(status.served(), 2 * quota.quota + 1)
    assert.equal(a.j.faults(atk.peerId).length, 1, 'no further penalty')
    await assertUnharmed(a)
  })

  it('6. many peers together exceed a global quota: refused with RATE_LIMITED, nobody penalised', async () => {
    const clock = manualClock()
    const total = 6
    const a = await setup({}, {
      clock,
      overrides: {
        reqresp: {
          protocols: {
            status: {
              quota: { byPeer: { messages: { quota: 5, periodMs: 15_000 } }, total: { messages: { quota: total, periodMs: 15_000 } } },
              maxConcurrentPerPeer: 2
            }
          }
        }
      }
    })
    const status = await serveStatus(a)
    const attackers: Attacker[] = []
    for (let i = 1; i <= 4; i++) attackers.push(await a.attacker(`127.0.6.${i}`))
    // two requests each, all at once: within every peer's quota, over the global one
    const results = await Promise.all(attackers.flatMap(atk => [0, 1].map(async () => await exchange(await atk.open(a.victim, 'status'), statusRequest))))
    const ok = results.filter(d => errorFrames(d).length === 0 && d.frames.length === 1)
    const refused = results.filter(d => errorFrames(d).length > 0)
    assert.equal(ok.length, total)
    assert.equal(refused.length, results.length - total)
    for (const d of refused) assert.deepEqual(errorFrames(d), [[FrameCode.RATE_LIMITED, 'status: global messages quota used up']])
    assert.equal(status.served(), total)
    assert.deepEqual(a.j.scores, [], 'our overload penalises nobody')
    for (const atk of attackers) {
      assert.equal(a.victim.node.peerManager.score(atk.peerId), 0)
      assert.equal(atk.connections(a.victim).length, 1)
    }
    // other methods are not starved by one method's global quota
    await a.control.ping()
    await a.advance(clock, 15_000)
    itemOf(await exchange(await attackers[0].open(a.victim, 'status'), statusRequest), b => protobufCodecs.Status.decode(b))
    await assertUnharmed(a)
  })
})

describe('full node: chunked transfers', () => {
  /** The first chunk of a direct request that would be 1 MiB + 10 bytes in two chunks. */
  const firstChunk = (transferId: number): Chunk => ({ transferId, index: 0, count: 2, totalSize: MAX_CHUNK_BYTES + 10, data: new Uint8Array(MAX_CHUNK_BYTES) })

  it('11. a chunked transfer that never completes: cleaned up at its timeout, peer penalised', async () => {
    const clock = manualClock()
    const a = await setup({}, { clock })
    const atk = await a.attacker('127.0.11.1')
    const stream = await atk.open(a.victim, 'direct')
    const done = exchange(stream, chunkFrame(firstChunk(1)), { close: false, timeoutMs: 10_000 })
    await waitFor(() => a.victim.node.reqresp.stats().reassemblyBytes === MAX_CHUNK_BYTES, 'the first chunk to be buffered', 5000, 10)
    await a.advance(clock, CHUNK_TRANSFER_TIMEOUT_MS - 1)
    assert.equal(a.victim.node.reqresp.stats().reassemblyBytes, MAX_CHUNK_BYTES, 'still waiting 1 ms before the timeout')
    await a.advance(clock, 1)
    assert.equal((await done).how, 'reset', 'a stalled transfer gets no answer, its stream is reset')
    await waitFor(() => a.victim.node.reqresp.stats().reassemblyBytes === 0, 'the partial transfer to be dropped', 5000, 10)
    assert.deepEqual(a.j.faults(atk.peerId), [['ChunkTimeoutError', 'mid']])
    assert.equal(a.victim.node.peerManager.isBanned(atk.peerId), false, 'graded: a slow link can cause it')
    assert.equal(a.j.directFrom.get(atk.peerId.toString()), undefined)
    await assertUnharmed(a)
  })

  it('11. a chunked transfer over its total cap: refused on the first chunk before buffering, peer banned', async () => {
    const a = await setup()
    const atk = await a.attacker('127.0.11.2')
    const max = a.victim.node.reqresp.spec('direct').maxRequestBytes
    const d = await exchange(await atk.open(a.victim, 'direct'), chunkFrame({ transferId: 2, index: 0, count: 16, totalSize: max + 1, data: new Uint8Array(MAX_CHUNK_BYTES) }), { close: false })
    assert.deepEqual(errorFrames(d), [[FrameCode.INVALID_REQUEST, `direct request: transfer declares ${max + 1} bytes (max ${max})`]])
    assert.equal(d.how, 'reset')
    assert.deepEqual(a.j.faults(atk.peerId), [['ChunkLimitError', 'fatal']])
    await assertBanned(a, atk, 'ChunkLimitError')
    await assertUnharmed(a)
  })

  it('11. chunks that add up to more than they declared: cleaned up, peer banned', async () => {
    const a = await setup()
    const atk = await a.attacker('127.0.11.3')
    const stream = await atk.open(a.victim, 'direct')
    const first = firstChunk(3)
    const done = exchange(stream, undefined, { close: false })
    stream.send(chunkFrame(first))
    stream.send(chunkFrame({ ...first, index: 1, data: new Uint8Array(MAX_CHUNK_BYTES) }))
    const d = await done
    assert.deepEqual(errorFrames(d), [[FrameCode.INVALID_REQUEST, `direct request: chunks exceed the declared ${first.totalSize} bytes`]])
    assert.deepEqual(a.j.faults(atk.peerId), [['ChunkLimitError', 'fatal']])
    await assertBanned(a, atk, 'ChunkLimitError')
    await assertUnharmed(a)
  })

  it('11. transfers over the node-wide reassembly budget: refused with RATE_LIMITED, nobody penalised for our limit', async () => {
    const clock = manualClock()
    // room for one partial 1 MiB transfer, not two
    const a = await setup({}, { clock, overrides: { reqresp: { maxReassemblyBytes: MAX_CHUNK_BYTES + MAX_CHUNK_BYTES / 2 } } })
    const first = await a.attacker('127.0.11.4')
    const second = await a.attacker('127.0.11.5')
    const held = exchange(await first.open(a.victim, 'direct'), chunkFrame(firstChunk(4)), { close: false, timeoutMs: 10_000 })
    await waitFor(() => a.victim.node.reqresp.stats().reassemblyBytes === MAX_CHUNK_BYTES, 'the first transfer to be buffered', 5000, 10)
    const d = await exchange(await second.open(a.victim, 'direct'), chunkFrame(firstChunk(5)), { close: false })
    assert.deepEqual(errorFrames(d), [[FrameCode.RATE_LIMITED, `reassembly budget of ${MAX_CHUNK_BYTES + MAX_CHUNK_BYTES / 2} bytes is used up`]])
    assert.equal(d.how, 'reset', 'told to stop sending the rest')
    assert.deepEqual(a.j.faults(second.peerId), [])
    assert.equal(a.victim.node.reqresp.stats().reassemblyBytes, MAX_CHUNK_BYTES, 'the refused transfer buffered nothing')
    // a chainwire requester refused mid-transfer (1 MiB of data and its header: two chunks) reads the answer, not just the reset after it
    await assert.rejects(a.control.node.send(a.victim.node.peerId, 'echo', new Uint8Array(MAX_CHUNK_BYTES)), { name: 'RateLimitedError' })
    assert.deepEqual(a.j.faults(a.control.node.peerId), [])
    // the first one stalls: dropped at its timeout, and the budget is whole again
    await a.advance(clock, CHUNK_TRANSFER_TIMEOUT_MS)
    assert.equal((await held).how, 'reset')
    await waitFor(() => a.victim.node.reqresp.stats().reassemblyBytes === 0, 'the budget to be released', 5000, 10)
    await assertUnharmed(a)
  })
})
