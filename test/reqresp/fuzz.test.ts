/**
 * Random bytes into the engine's inbound streams: the only outcomes allowed
 * are typed errors reported with their verdicts, a closed stream, and the
 * handler left alone unless the bytes happen to be a valid request. No
 * unhandled rejection (it would fail this file), no hang (every run must end).
 */
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { service } from '../../src/service/index.ts'
import { FrameCode, encodeFrame, protobufCodecs, protocolId } from '../../src/wire/index.ts'
import { memoryNetwork, memoryNode, readAll } from '../helpers/reqresp.ts'
import { samples } from '../helpers/samples.ts'

const RUNS = Math.max(1, Math.floor(Number(process.env.FUZZ_RUNS ?? 10_000) / 10))
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed)

const TYPED = new Set([
  'FrameTooLargeError', 'VarintTooLongError', 'InvalidFrameError', 'TruncatedFrameError', 'TrailingBytesError',
  'DecodeError', 'ChunkLimitError', 'ChunkSequenceError', 'InvalidRequestError'
])

describe('engine under random inbound bytes', async () => {
  const net = memoryNetwork()
  const victim = await memoryNode(net, { peerTotals: false, protocols: { status: { quota: { byPeer: { messages: { quota: 1e9, periodMs: 1000 } } } } } as any })
  const attacker = await memoryNode(net)
  let invoked = 0
  await victim.rr.register('status', service(async (req) => {
    invoked++
    return [req.body]
  }))
  after(async () => {
    await victim.rr.stop()
    await attacker.rr.stop()
  })

  const valid = encodeFrame(FrameCode.MESSAGE, protobufCodecs.Status.encode(samples.Status)).subarray()
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 256 }),
    fc.tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat()).map(([flips, cut]) => {
      const b = new Uint8Array(valid)
      for (const [pos, v] of flips) b[pos % b.length] = v
      return b.subarray(0, 1 + cut % b.length)
    })
  )

  it(`only typed errors and a closed stream, for ${RUNS} random requests`, async () => {
    await fc.assert(fc.asyncProperty(input, async (bytes) => {
      const before = victim.reporter.reports.length
      const invokedBefore = invoked
      const stream = await net.openRaw(attacker.peerId, victim.peerId, protocolId('testnet', 'status', 1))
      if (bytes.byteLength > 0) stream.send(bytes)
      await stream.close()
      await readAll(stream, 5000)
      const reports = victim.reporter.reports.slice(before)
      if (invoked > invokedBefore) {
        // the bytes were a valid request: served, nobody reported
        assert.deepEqual(reports, [])
      } else {
        assert.equal(reports.length, 1, JSON.stringify(reports))
        assert.ok(TYPED.has(reports[0].reason), reports[0].reason)
        assert.equal(reports[0].verdict, 'fatal')
      }
    }), { numRuns: RUNS, seed: SEED })
    assert.equal(victim.rr.stats().inboundStreams, 0)
    assert.equal(victim.rr.stats().reassemblyBytes, 0)
  })
})
