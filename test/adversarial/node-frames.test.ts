/**
 * Full-node adversarial tests, wire level: a victim started with
 * `createNode`, a hand-written attacker writing raw frames on real libp2p
 * streams, and an honest control peer (another chainwire node) that must be
 * answered within budget throughout. The victim's memory must stay bounded:
 * its engine ends idle and its heap (after a forced GC) does not grow with
 * what the attacker sent.
 *
 * Issue items: 1 (oversize length prefixes), 2 (long varint, truncated
 * payload), 3 (random frames into a live node), 12 (80 max-size junk frames).
 * Stream-level versions with in-memory streams are in test/reqresp/adversarial.test.ts.
 */
import { afterEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { service } from '../../src/service/index.ts'
import {
  FrameCode, MAX_CHUNK_BYTES, encodeFrame, encodeFrameHeader, encodeVarint, protobufCodecs
} from '../../src/wire/index.ts'
import { arena, assertBanned, assertUnharmed, errorFrames, exchange, tryConnect } from '../helpers/attacker.ts'
import { samples } from '../helpers/samples.ts'
import type { Arena, Attacker } from '../helpers/attacker.ts'
import type { NodeConfig } from '../../src/config/options.ts'

let a: Arena | undefined
afterEach(async () => {
  await a?.stop()
  a = undefined
})

async function setup (extra: Partial<NodeConfig> = {}): Promise<Arena> {
  a = await arena(extra)
  return a
}

async function attacker (localAddress: string): Promise<Attacker> {
  assert.ok(a != null)
  return await a.attacker(localAddress)
}

describe('full node under raw frames', () => {
  it('1. a length prefix of 2^31: typed error before allocation, stream reset, peer banned', async () => {
    const t = await setup()
    const atk = await attacker('127.0.1.1')
    const stream = await atk.open(t.victim, 'direct')
    // the header alone, our side left open: were the node to allocate for it, it would need 2 GiB
    const d = await exchange(stream, encodeFrameHeader(FrameCode.MESSAGE, 2 ** 31), { close: false })
    assert.deepEqual(errorFrames(d), [[FrameCode.INVALID_REQUEST, `direct request: MESSAGE frame declares ${2 ** 31} bytes (max ${MAX_CHUNK_BYTES})`]])
    assert.equal(d.how, 'reset', 'the stream is reset after the answer')
    assert.deepEqual(t.j.faults(atk.peerId), [['FrameTooLargeError', 'fatal']])
    await assertBanned(t, atk, 'FrameTooLargeError')
    assert.equal(t.j.directFrom.get(atk.peerId.toString()), undefined, 'the handler never ran')
    await assertUnharmed(t)
  })

  it('1. the per-protocol max + 1 (goodbye, 1 KiB): typed error before the payload is read, stream reset, peer banned', async () => {
    const t = await setup()
    const atk = await attacker('127.0.1.2')
    const max = t.victim.node.reqresp.spec('goodbye').maxRequestBytes
    const stream = await atk.open(t.victim, 'goodbye')
    const d = await exchange(stream, encodeFrame(FrameCode.MESSAGE, new Uint8Array(max + 1)).subarray(), { close: false })
    assert.deepEqual(errorFrames(d), [[FrameCode.INVALID_REQUEST, `goodbye request: MESSAGE frame declares ${max + 1} bytes (max ${max})`]])
    assert.equal(d.how, 'reset')
    assert.deepEqual(t.j.faults(atk.peerId), [['FrameTooLargeError', 'fatal']])
    await assertBanned(t, atk, 'FrameTooLargeError')
    assert.deepEqual(t.j.goodbyes, [], 'the handler never ran: the victim did not take it for a goodbye')
    await assertUnharmed(t)
  })

  it('2. a varint longer than 8 bytes: typed error, handler never invoked, peer banned', async () => {
    const t = await setup()
    const atk = await attacker('127.0.2.1')
    const stream = await atk.open(t.victim, 'direct')
    const d = await exchange(stream, new Uint8Array([FrameCode.MESSAGE, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), { close: false })
    assert.deepEqual(errorFrames(d), [[FrameCode.INVALID_REQUEST, 'direct request: length prefix is longer than 8 bytes']])
    assert.equal(d.how, 'reset')
    assert.deepEqual(t.j.faults(atk.peerId), [['VarintTooLongError', 'fatal']])
    assert.equal(t.j.directFrom.get(atk.peerId.toString()), undefined, 'the handler never ran')
    await assertBanned(t, atk, 'VarintTooLongError')
    await assertUnharmed(t)
  })

  it('2. a truncated payload followed by FIN: typed error, handler never invoked, peer banned', async () => {
    const t = await setup()
    const atk = await attacker('127.0.2.2')
    const stream = await atk.open(t.victim, 'direct')
    const frame = encodeFrame(FrameCode.MESSAGE, protobufCodecs.DirectMessage.encode({ protocol: 'echo', data: new Uint8Array(100) })).subarray()
    const d = await exchange(stream, frame.subarray(0, frame.byteLength - 10))
    assert.equal(errorFrames(d).length, 1)
    assert.equal(errorFrames(d)[0][0], FrameCode.INVALID_REQUEST)
    assert.match(errorFrames(d)[0][1], /stream ended 10 bytes before the end of a \d+-byte frame/)
    assert.deepEqual(t.j.faults(atk.peerId), [['TruncatedFrameError', 'fatal']])
    assert.equal(t.j.directFrom.get(atk.peerId.toString()), undefined, 'the handler never ran')
    await assertBanned(t, atk, 'TruncatedFrameError')
    await assertUnharmed(t)
  })
})

/** Fault reasons random bytes may earn: framing, decoding, chunking and quota errors, nothing else. */
const TYPED_FAULTS = new Set([
  'FrameTooLargeError', 'VarintTooLongError', 'InvalidFrameError', 'TruncatedFrameError', 'TrailingBytesError',
  'DecodeError', 'ChunkLimitError', 'ChunkSequenceError', 'InvalidRequestError', 'RateLimitExceededError', 'ConcurrencyLimitError'
])

/** Runs of the full-node smoke: FUZZ_RUNS/25 (400 in `npm test`, 8,000 under `npm run fuzz`). */
const SMOKE_RUNS = Math.max(50, Math.floor(Number(process.env.FUZZ_RUNS ?? 10_000) / 25))
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed)

describe('full node under random frames', () => {
  it(`3. random frames into a live node's handlers (${SMOKE_RUNS} runs): typed errors only, every stream ends, the control peer is served`, async (tc) => {
    // the attacker is allow-listed (noban) so one node takes every run: it is scored, never banned
    const t = await setup({ allowList: ['127.0.3.1/32'] })
    const atk = await attacker('127.0.3.1')
    const rr = t.victim.node.reqresp
    let served = 0
    await rr.register('status', service(async (req) => { served++; return [req.body] }))
    await rr.register('get_headers', service(async () => { served++; return [{ headers: [] }] }))
    await rr.register('get_blocks_by_range', service(async () => { served++; return [] }))
    await rr.register('tx', service(async () => { served++ }))
    await rr.register('inv', service(async () => { served++ }))
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => { unhandled.push(reason) }
    process.on('unhandledRejection', onUnhandled)

    const valid: Record<string, Uint8Array> = {
      direct: protobufCodecs.DirectMessage.encode({ protocol: 'echo', data: new Uint8Array([1, 2, 3]) }),
      status: protobufCodecs.Status.encode(samples.Status),
      get_headers: protobufCodecs.GetHeaders.encode(samples.GetHeaders),
      get_blocks_by_range: protobufCodecs.GetBlocksByRange.encode(samples.GetBlocksByRange),
      tx: protobufCodecs.Tx.encode(samples.Tx),
      inv: protobufCodecs.Inv.encode(samples.Inv)
    }
    const methods = Object.keys(valid)
    const frameOf = (payload: Uint8Array): Uint8Array => encodeFrame(FrameCode.MESSAGE, payload).subarray()
    const input = fc.tuple(fc.constantFrom(...methods), fc.oneof(
      // noise
      fc.uint8Array({ maxLength: 512 }),
      // a valid request frame with bytes flipped and maybe cut short
      fc.tuple(fc.constantFrom(...methods), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.option(fc.nat())).map(([m, flips, cut]) => {
        const b = frameOf(valid[m])
        for (const [pos, v] of flips) b[pos % b.length] = v
        return cut == null ? b : b.subarray(0, 1 + cut % b.length)
      }),
      // any code, any declared length, a short payload
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.oneof(fc.nat({ max: 300 }), fc.nat(), fc.constant(2 ** 31)), fc.uint8Array({ maxLength: 300 }))
        .map(([code, length, payload]) => {
          const len = encodeVarint(length)
          const out = new Uint8Array(1 + len.byteLength + payload.byteLength)
          out[0] = code
          out.set(len, 1)
          out.set(payload, 1 + len.byteLength)
          return out
        })
    ))

    let runs = 0
    try {
      await fc.assert(fc.asyncProperty(input, async ([method, bytes]) => {
        runs++
        const stream = await atk.open(t.victim, method)
        const d = await exchange(stream, bytes, { timeoutMs: 3000 })
        assert.notEqual(d.how, 'timeout', `the ${method} stream did not end`)
        for (const f of d.frames) assert.ok(f.code === FrameCode.MESSAGE || f.code <= 3 || f.code === FrameCode.RATE_LIMITED, `frame code ${f.code}`)
      }), { numRuns: SMOKE_RUNS, seed: SEED, endOnFailure: true })
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
    assert.deepEqual(unhandled, [])
    for (const [reason] of t.j.faults(atk.peerId)) assert.ok(TYPED_FAULTS.has(reason), `unexpected fault ${reason}`)
    assert.ok(t.j.faults(atk.peerId).length > runs / 2, 'most random frames earn a typed fault')
    assert.ok(atk.connections(t.victim).length > 0, 'the allow-listed attacker was never disconnected')
    const rtts = await assertUnharmed(t)
    tc.diagnostic(`${runs} runs, ${served} valid requests served, ${t.j.faults(atk.peerId).length} faults; ${rtts.length} control pings, max ${Math.max(...rtts).toFixed(1)} ms`)
    assert.ok(rtts.length >= 3, 'the control peer pinged throughout')
  })
})

/** `n` bytes of deterministic junk (xorshift32), undecodable as any request. */
function junk (n: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(n)
  let x = seed >>> 0
  for (let i = 0; i < n; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

describe('full node under a junk flood (Bitcoin Core p2p_invalid_messages)', () => {
  const FRAMES = 80

  it(`12. ${FRAMES} max-size junk frames: every control ping is answered within 2 s, memory stays flat`, async (tc) => {
    // allow-listed (noban), so all the junk reaches the victim instead of the first frame earning a ban
    const t = await setup({ allowList: ['127.0.12.1/32'] })
    const atk = await attacker('127.0.12.1')
    const max = Math.min(t.victim.node.reqresp.spec('direct').maxRequestBytes, MAX_CHUNK_BYTES)
    const payload = junk(max)
    assert.throws(() => protobufCodecs.DirectMessage.decode(payload), { name: 'DecodeError' })
    const frame = encodeFrame(FrameCode.MESSAGE, payload).subarray()
    // as many streams at once as the victim allows per connection
    const parallel = t.victim.node.reqresp.spec('direct').maxInboundStreams

    const started = performance.now()
    const answers: Array<[number, string]> = []
    for (let sent = 0; sent < FRAMES; sent += parallel) {
      const batch = await Promise.all(Array.from({ length: Math.min(parallel, FRAMES - sent) }, async () => {
        return await exchange(await atk.open(t.victim, 'direct'), frame)
      }))
      for (const d of batch) answers.push(...errorFrames(d))
    }
    const floodMs = performance.now() - started

    assert.equal(answers.length, FRAMES)
    for (const [code, msg] of answers) {
      assert.equal(code, FrameCode.INVALID_REQUEST)
      assert.match(msg, /^DirectMessage: /)
    }
    assert.equal(t.j.faults(atk.peerId).length, FRAMES)
    assert.ok(t.j.faults(atk.peerId).every(([reason, verdict]) => reason === 'DecodeError' && verdict === 'fatal'))
    assert.equal(t.victim.node.peerManager.isBanned(atk.peerId), false, 'noban: scored, never banned')
    const rtts = await assertUnharmed(t)
    tc.diagnostic(`${FRAMES} x ${max} B junk in ${floodMs.toFixed(0)} ms; ${rtts.length} control pings, max ${Math.max(...rtts).toFixed(1)} ms`)
    // the flood is most of the test: the control peer pinged during it
    assert.ok(rtts.length >= Math.floor(floodMs / 1000), `${rtts.length} control pings over a ${floodMs.toFixed(0)} ms flood`)
  })

  it(`12. the same flood from a peer without noban: banned at the first frame, the rest cut off`, async () => {
    const t = await setup()
    const atk = await attacker('127.0.12.2')
    assert.equal(await tryConnect(atk, t.victim), true)
    const max = Math.min(t.victim.node.reqresp.spec('direct').maxRequestBytes, MAX_CHUNK_BYTES)
    const frame = encodeFrame(FrameCode.MESSAGE, junk(max)).subarray()
    const parallel = t.victim.node.reqresp.spec('direct').maxInboundStreams
    // all 80 are tried, batch after batch; once banned, even the re-dials are refused
    let answered = 0
    for (let sent = 0; sent < FRAMES; sent += parallel) {
      const batch = await Promise.allSettled(Array.from({ length: parallel }, async () => await exchange(await atk.open(t.victim, 'direct'), frame)))
      answered += batch.filter(r => r.status === 'fulfilled' && errorFrames(r.value).length > 0).length
    }
    await assertBanned(t, atk, 'DecodeError')
    const decoded = t.j.faults(atk.peerId).length
    assert.ok(decoded >= 1 && decoded <= parallel, `the victim decoded ${decoded} junk frames (at most the first batch of ${parallel})`)
    assert.ok(answered <= decoded, `${answered} junk frames were answered`)
    await assertUnharmed(t)
  })
})
