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
import type { Frame, FrameLimits, FrameParser } from '../wire/framing.ts'
import type { Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

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
  return new DefaultStreamReader(stream, init)
}

/** The reader behind {@link createStreamReader}: a class, so every reader shares one shape on a hot path. */
class DefaultStreamReader implements StreamReader {
  private readonly stream: Stream
  private readonly init: StreamReaderInit
  private readonly parser: FrameParser
  private ended: boolean
  /**
   * Whether the remote ended its side (FIN). A stream can also end without
   * one: when its connection closes (our hang-up, an eviction, a shutdown, a
   * dropped transport). `undefined` for a stream type that does not say.
   */
  private remoteEnded: boolean | undefined
  private failure: Error | undefined
  private paused = false
  private wake: (() => void) | undefined
  private closed = false
  /** expectEnd() is waiting: any byte is trailing garbage. */
  private awaitingEnd = false
  firstByteAt: number | undefined
  bytesRead = 0

  constructor (stream: Stream, init: StreamReaderInit) {
    this.stream = stream
    this.init = init
    this.parser = createFrameParser(init)
    // data still buffered in the stream is delivered when our listener is
    // added, so a closed stream has only ended once its buffer is empty
    this.ended = stream.readableEnded || (stream.status !== 'open' && stream.readBufferLength === 0)
    this.failure = stream.status === 'reset' || stream.status === 'aborted' ? new StreamResetError(`stream ${stream.status}`) : undefined
    // libp2p's streams keep the remote's write status; a FIN before we attached is already in it
    const remoteWrite = (stream as { remoteWriteStatus?: unknown }).remoteWriteStatus
    this.remoteEnded = typeof remoteWrite === 'string' ? remoteWrite === 'closed' && stream.status === 'open' : undefined
    stream.addEventListener('message', this.onMessage as any)
    stream.addEventListener('remoteCloseWrite', this.onRemoteCloseWrite)
    stream.addEventListener('end', this.onEnd)
    stream.addEventListener('close', this.onClose)
  }

  private notify (): void {
    const w = this.wake
    this.wake = undefined
    w?.()
  }

  private readonly onMessage = (evt: { data: Uint8Array | Uint8ArrayList }): void => {
    const data = evt.data
    if (data.byteLength === 0) return
    const first = this.firstByteAt == null
    if (first) this.firstByteAt = this.init.clock.now()
    this.bytesRead += data.byteLength
    const parser = this.parser
    parser.push(data)
    try {
      // learn the size of the frame in progress, so it is not mistaken for excess
      parser.prepare()
    } catch {
      // a bad header: next() throws it again
    }
    if (!this.paused && parser.excess > this.init.highWaterBytes) {
      try {
        this.stream.pause()
        this.paused = true
      } catch {
        // the readable end is closing: nothing more will arrive anyway
      }
    }
    // Wake a waiting reader only when it can act: a frame may be complete, the
    // first byte may move its deadline (TTFB to response), or any byte is news
    // to expectEnd. While a large frame arrives chunk by chunk, waking on each
    // would cost a promise, a timer and a parse attempt per chunk for nothing.
    if (first || parser.pending === 0 || this.awaitingEnd) this.notify()
  }

  private readonly onRemoteCloseWrite = (): void => {
    this.remoteEnded = true
  }

  private readonly onEnd = (): void => {
    this.ended = true
    this.notify()
  }

  private readonly onClose = (evt: Event): void => {
    const err = (evt as Event & { error?: Error }).error
    if (err != null && this.failure == null) this.failure = new StreamResetError(`stream closed: ${err.message}`, { cause: err })
    this.ended = true
    this.notify()
  }

  private resume (): void {
    if (!this.paused) return
    this.paused = false
    try {
      this.stream.resume()
    } catch {
      // the readable end is closing: the end event follows
    }
  }

  /** Wait for an event or the deadline. */
  private async wait (deadline?: () => Deadline | undefined): Promise<void> {
    const d = deadline?.()
    const clock = this.init.clock
    let timer: TimerHandle | undefined
    let timedOut = false
    await new Promise<void>((resolve) => {
      this.wake = resolve
      if (d != null) {
        const ms = d.at - clock.now()
        if (ms <= 0) {
          timedOut = true
          this.wake = undefined
          resolve()
          return
        }
        timer = clock.setTimeout(() => {
          timedOut = true
          this.notify()
        }, ms)
      }
    })
    if (timer != null) clock.clearTimeout(timer)
    if (timedOut && d != null) throw d.error()
  }

  async next (deadline?: () => Deadline | undefined): Promise<Frame | undefined> {
    for (;;) {
      if (this.closed) throw new StreamResetError('reader closed')
      const frame = this.parser.next()
      if (frame != null) return frame
      if (this.failure != null) throw this.failure
      if (this.paused) {
        // the stream may hold data (and its end) we have not let through yet
        this.resume()
        continue
      }
      if (this.ended) {
        if (this.remoteEnded === false) {
          // the stream was closed under us, not ended by the remote: whatever
          // was cut short is nobody's protocol fault (and not a complete message)
          throw new StreamResetError(`${this.init.label ?? 'stream'}: closed before the remote ended it${this.parser.buffered > 0 ? `, ${this.parser.buffered} bytes into a frame` : ''}`)
        }
        this.parser.end()
        return undefined
      }
      await this.wait(deadline)
    }
  }

  async expectEnd (what: string, deadline?: () => Deadline | undefined): Promise<void> {
    this.awaitingEnd = true
    try {
      for (;;) {
        if (this.closed) throw new StreamResetError('reader closed')
        this.parser.assertEmpty(what)
        if (this.failure != null) throw this.failure
        if (this.paused) {
          this.resume()
          continue
        }
        if (this.ended) return
        await this.wait(deadline)
      }
    } finally {
      this.awaitingEnd = false
    }
  }

  assertNothingBuffered (what: string): void {
    this.parser.assertEmpty(what)
  }

  close (): void {
    if (this.closed) return
    this.closed = true
    this.stream.removeEventListener('message', this.onMessage as any)
    this.stream.removeEventListener('remoteCloseWrite', this.onRemoteCloseWrite)
    this.stream.removeEventListener('end', this.onEnd)
    this.stream.removeEventListener('close', this.onClose)
    this.parser.clear()
    this.notify()
  }
}
