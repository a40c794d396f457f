import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { createStreamReader } from '../../src/reqresp/stream-reader.ts'
import { manualClock, systemClock } from '../../src/service/index.ts'
import { FrameCode, encodeFrame } from '../../src/wire/index.ts'
import { waitFor } from '../helpers/reqresp.ts'

const limits = { maxPayload: (code: number) => code === FrameCode.MESSAGE ? 1 << 20 : undefined, label: 'test' }

describe('stream reader', () => {
  it('pauses a fast sender once more than the high-water mark is unread, and loses nothing at the end', async () => {
    const [out, inb] = await streamPair({ delay: 0 })
    const reader = createStreamReader(inb, { ...limits, clock: systemClock, highWaterBytes: 50_000 })
    const frames = 10
    for (let i = 0; i < frames; i++) out.send(encodeFrame(FrameCode.MESSAGE, new Uint8Array(100_000).fill(i)))
    await out.close()
    // nobody reads: the reader must pause the stream rather than buffer everything
    await waitFor(() => inb.readStatus === 'paused', 2000, 'the stream to be paused')
    for (let i = 0; i < frames; i++) {
      const f = await reader.next()
      assert.equal(f?.payload.byteLength, 100_000)
      assert.equal(f?.payload.get(0), i)
    }
    assert.equal(await reader.next(), undefined, 'a clean end after the last frame')
    reader.close()
  })

  it('does not pause while a large frame is still arriving', async () => {
    const [out, inb] = await streamPair({ delay: 0 })
    const reader = createStreamReader(inb, { ...limits, clock: systemClock, highWaterBytes: 1000 })
    const frame = encodeFrame(FrameCode.MESSAGE, new Uint8Array(500_000)).subarray()
    const pending = reader.next()
    let paused = false
    const pause = inb.pause.bind(inb)
    inb.pause = () => {
      paused = true
      pause()
    }
    for (let o = 0; o < frame.byteLength; o += 10_000) out.send(frame.subarray(o, o + 10_000))
    assert.equal((await pending)?.payload.byteLength, 500_000)
    assert.equal(paused, false)
    reader.close()
  })

  it('fails with the deadline error when nothing arrives in time', async () => {
    const clock = manualClock()
    const [, inb] = await streamPair({ delay: 0 })
    const reader = createStreamReader(inb, { ...limits, clock, highWaterBytes: 1000 })
    const p = reader.next(() => ({ at: 100, error: () => Object.assign(new Error('late'), { name: 'LateError' }) }))
    clock.advance(100)
    await assert.rejects(p, (err: Error) => err.name === 'LateError')
    reader.close()
  })

  it('reports a reset stream as StreamResetError', async () => {
    const [out, inb] = await streamPair({ delay: 0 })
    const reader = createStreamReader(inb, { ...limits, clock: systemClock, highWaterBytes: 1000 })
    const p = reader.next()
    out.abort(new Error('gone'))
    await assert.rejects(p, (err: Error) => err.name === 'StreamResetError')
    reader.close()
  })

  it('a FIN in the middle of a frame is the remote\'s fault: TruncatedFrameError', async () => {
    const [out, inb] = await streamPair({ delay: 0 })
    const reader = createStreamReader(inb, { ...limits, clock: systemClock, highWaterBytes: 1000 })
    out.send(encodeFrame(FrameCode.MESSAGE, new Uint8Array(100)).subarray().subarray(0, 50))
    await out.close()
    await assert.rejects(reader.next(), (err: Error) => err.name === 'TruncatedFrameError')
    reader.close()
  })

  it('a stream closed under us (its connection closed, no FIN) is StreamResetError, not the remote\'s fault', async () => {
    const [out, inb] = await streamPair({ delay: 0 })
    const reader = createStreamReader(inb, { ...limits, clock: systemClock, highWaterBytes: 1000 })
    out.send(encodeFrame(FrameCode.MESSAGE, new Uint8Array(100)).subarray().subarray(0, 50))
    await waitFor(() => inb.readBufferLength > 0 || (reader.bytesRead > 0), 2000, 'the partial frame to arrive')
    // what a muxer does to its streams when the connection closes
    ;(inb as unknown as { onTransportClosed: () => void }).onTransportClosed()
    await assert.rejects(reader.next(), (err: Error) => err.name === 'StreamResetError' && /closed before the remote ended it, 50 bytes into a frame/.test(err.message))
    reader.close()
  })

  it('a stream closed under us between frames is StreamResetError, not a clean end', async () => {
    const [out, inb] = await streamPair({ delay: 0 })
    const reader = createStreamReader(inb, { ...limits, clock: systemClock, highWaterBytes: 1000 })
    out.send(encodeFrame(FrameCode.MESSAGE, new Uint8Array(10)))
    assert.equal((await reader.next())?.payload.byteLength, 10)
    ;(inb as unknown as { onTransportClosed: () => void }).onTransportClosed()
    await assert.rejects(reader.next(), (err: Error) => err.name === 'StreamResetError')
    reader.close()
  })

  it('waits for a large frame without waking per chunk: one timer for the first byte, one for the rest', async () => {
    const [out, inb] = await streamPair({ delay: 0 })
    let timers = 0
    const clock = { ...systemClock, setTimeout: (fn: () => void, ms: number) => { timers++; return systemClock.setTimeout(fn, ms) } }
    const reader = createStreamReader(inb, { ...limits, clock, highWaterBytes: 1 << 20 })
    let firstSeen: number | undefined
    // the deadline moves once the first byte is in, as a requester's TTFB deadline does
    const pending = reader.next(() => {
      firstSeen ??= reader.firstByteAt
      return { at: clock.now() + 5000, error: () => new Error('late') }
    })
    const frame = encodeFrame(FrameCode.MESSAGE, new Uint8Array(512 * 1024)).subarray()
    for (let o = 0; o < frame.byteLength; o += 8 * 1024) {
      out.send(frame.subarray(o, o + 8 * 1024))
      await new Promise(resolve => setImmediate(resolve))
    }
    assert.equal((await pending)?.payload.byteLength, 512 * 1024)
    assert.ok(firstSeen != null, 'woken by the first byte, so the deadline could move')
    assert.ok(timers <= 3, `${timers} waits for 64 chunks`)
    reader.close()
  })
})
