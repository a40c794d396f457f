/**
 * Reads frames from a libp2p stream with bounded memory and deadlines.
 *
 * The reader listens to the stream's `message` events (not its async
 * iterator, whose internal queue is unbounded) and feeds a
 * {@link FrameParser}. Once more than a frame's worth is buffered the stream
 * is paused, so a fast sender cannot make us buffer more than one frame plus
 * one high-water mark; it is resumed whenever the reader needs more bytes.
 *
 * @module
 */
import { createFrameParser } from '../wire/framing.ts'
import { StreamResetError } from './errors.ts'
import type { Clock, TimerHandle } from '../service/clock.ts'
import type { Frame, FrameLimits } from '../wire/framing.ts'
import type { Stream } from '@libp2p/interface'

/** A deadline and the error to fail with when it passes. */
export interface Deadline {
  /** On the reader's clock, ms. */
  at: number
  error (): Error
}

export interface StreamReaderInit extends FrameLimits {
  clock: Clock
  /** Bytes buffered beyond the frame in progress before the stream is paused. */
  highWaterBytes: number
}

export interface StreamReader {
  /**
   * The next complete frame, or `undefined` at a clean end of stream.
   * `deadline` is re-evaluated whenever the reader waits, so it can move
   * (e.g. from a TTFB deadline to a response deadline after the first byte).
   */
  next (deadline?: () => Deadline | undefined): Promise<Frame | undefined>
  /** Throws {@link TrailingBytesError} if any byte is buffered beyond the frames returned so far. */
  assertNothingBuffered (what: string): void
  /** Wait for the end of the stream; any byte before it is {@link TrailingBytesError}. */
  expectEnd (what: string, deadline?: () => Deadline | undefined): Promise<void>
  /** When the first byte arrived, on the reader's clock, if one has. */
  readonly firstByteAt: number | undefined
  /** Bytes received so far. */
  readonly bytesRead: number
  /** Stop listening to the stream and drop buffered bytes. */
  close (): void
}

export function createStreamReader (stream: Stream, init: StreamReaderInit): StreamReader {
  const { clock } = init
  const parser = createFrameParser(init)
  // data still buffered in the stream is delivered when our listener is
  // added, so a closed stream has only ended once its buffer is empty
  let ended = stream.readableEnded || (stream.status !== 'open' && stream.readBufferLength === 0)
  let failure: Error | undefined = stream.status === 'reset' || stream.status === 'aborted'
    ? new StreamResetError(`stream ${stream.status}`)
    : undefined
  let firstByteAt: number | undefined
  let bytesRead = 0
  let paused = false
  let wake: (() => void) | undefined
  let closed = false

  const notify = (): void => {
    const w = wake
    wake = undefined
    w?.()
  }

  const onMessage = (evt: { data: Uint8Array | { byteLength: number } }): void => {
    const data = evt.data as Parameters<typeof parser.push>[0]
    if (data.byteLength === 0) return
    if (firstByteAt == null) firstByteAt = clock.now()
    bytesRead += data.byteLength
    parser.push(data)
    try {
      // learn the size of the frame in progress, so it is not mistaken for excess
      parser.prepare()
    } catch {
      // a bad header: next() throws it again
    }
    if (!paused && parser.excess > init.highWaterBytes) {
      try {
        stream.pause()
        paused = true
      } catch {
        // the readable end is closing: nothing more will arrive anyway
      }
    }
    notify()
  }
  const onEnd = (): void => {
    ended = true
    notify()
  }
  const onClose = (evt: Event): void => {
    const err = (evt as Event & { error?: Error }).error
    if (err != null && failure == null) failure = new StreamResetError(`stream closed: ${err.message}`, { cause: err })
    ended = true
    notify()
  }

  stream.addEventListener('message', onMessage as any)
  stream.addEventListener('end', onEnd)
  stream.addEventListener('close', onClose)

  function resume (): void {
    if (!paused) return
    paused = false
    try {
      stream.resume()
    } catch {
      // the readable end is closing: the end event follows
    }
  }

  /** Wait for an event or the deadline. */
  async function wait (deadline?: () => Deadline | undefined): Promise<void> {
    const d = deadline?.()
    let timer: TimerHandle | undefined
    let timedOut = false
    await new Promise<void>((resolve) => {
      wake = resolve
      if (d != null) {
        const ms = d.at - clock.now()
        if (ms <= 0) {
          timedOut = true
          wake = undefined
          resolve()
          return
        }
        timer = clock.setTimeout(() => {
          timedOut = true
          notify()
        }, ms)
      }
    })
    if (timer != null) clock.clearTimeout(timer)
    if (timedOut && d != null) throw d.error()
  }

  return {
    async next (deadline) {
      for (;;) {
        if (closed) throw new StreamResetError('reader closed')
        const frame = parser.next()
        if (frame != null) return frame
        if (failure != null) throw failure
        if (paused) {
          // the stream may hold data (and its end) we have not let through yet
          resume()
          continue
        }
        if (ended) {
          parser.end()
          return undefined
        }
        await wait(deadline)
      }
    },
    async expectEnd (what, deadline) {
      for (;;) {
        if (closed) throw new StreamResetError('reader closed')
        parser.assertEmpty(what)
        if (failure != null) throw failure
        if (paused) {
          resume()
          continue
        }
        if (ended) return
        await wait(deadline)
      }
    },
    assertNothingBuffered (what) {
      parser.assertEmpty(what)
    },
    get firstByteAt () { return firstByteAt },
    get bytesRead () { return bytesRead },
    close () {
      if (closed) return
      closed = true
      stream.removeEventListener('message', onMessage as any)
      stream.removeEventListener('end', onEnd)
      stream.removeEventListener('close', onClose)
      parser.clear()
      notify()
    }
  }
}
