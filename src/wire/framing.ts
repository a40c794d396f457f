/**
 * Framing: how messages are delimited on a stream.
 *
 * Every frame is `<code: 1 byte><length: unsigned varint><payload: length bytes>`.
 * The code says what the payload is (a whole message, one chunk of a larger
 * one, or an error result); the length is checked against the limit for that
 * code **before** anything is allocated, and a length prefix longer than
 * {@link MAX_VARINT_BYTES} is rejected outright.
 *
 * {@link createFrameParser} is an incremental, allocation-light parser: bytes
 * are appended as they arrive and complete frames come out as zero-copy views
 * of the received buffers. A large frame (at least
 * {@link ASSEMBLE_MIN_FRAME_BYTES}) is gathered into one buffer as it
 * arrives, from the moment half of it is here, so that its payload is
 * contiguous when its last byte lands.
 *
 * @module
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { allocUnsafe } from 'uint8arrays/alloc'
import { ASSEMBLE_MIN_FRAME_BYTES, MAX_VARINT_BYTES } from './constants.ts'
import { FrameTooLargeError, InvalidFrameError, TrailingBytesError, TruncatedFrameError, VarintTooLongError } from './errors.ts'

/**
 * Frame codes. Requests use MESSAGE and CHUNK; responses also use the error
 * results, whose numbers follow Lodestar's (`RATE_LIMITED` is its 139).
 */
export const FrameCode = {
  /** A whole message (in a response: a successful response item). */
  MESSAGE: 0,
  /** The responder judged the request invalid. */
  INVALID_REQUEST: 1,
  /** The responder failed to serve a valid request. */
  SERVER_ERROR: 2,
  /** The responder does not have what was requested. */
  RESOURCE_UNAVAILABLE: 3,
  /** One chunk of a message larger than the max chunk size (payload: a Chunk message). */
  CHUNK: 64,
  /** The request went over a quota, the requester's own or the responder's global one. */
  RATE_LIMITED: 139
} as const

export type FrameCode = typeof FrameCode[keyof typeof FrameCode]

/** The error result codes. */
export type ErrorCode = typeof FrameCode.INVALID_REQUEST | typeof FrameCode.SERVER_ERROR | typeof FrameCode.RESOURCE_UNAVAILABLE | typeof FrameCode.RATE_LIMITED

const ERROR_CODES = new Set<number>([FrameCode.INVALID_REQUEST, FrameCode.SERVER_ERROR, FrameCode.RESOURCE_UNAVAILABLE, FrameCode.RATE_LIMITED])

/** True for the codes of error results. */
export function isErrorCode (code: number): code is ErrorCode {
  return ERROR_CODES.has(code)
}

/** The name of a frame code, for logs and error messages. */
export function frameCodeName (code: number): string {
  for (const [k, v] of Object.entries(FrameCode)) if (v === code) return k
  return `UNKNOWN(${code})`
}

// ---------------------------------------------------------------- varint

/** Bytes needed to encode `value` as an unsigned varint. */
export function varintLength (value: number): number {
  let n = 1
  while (value >= 0x80) {
    value = Math.floor(value / 128)
    n++
  }
  return n
}

/** Write `value` as an unsigned varint into `out` at `offset`; returns the bytes written. */
export function writeVarint (value: number, out: Uint8Array, offset = 0): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint value must be a non-negative safe integer, got ${value}`)
  let i = offset
  while (value >= 0x80) {
    out[i++] = (value % 128) | 0x80
    value = Math.floor(value / 128)
  }
  out[i++] = value
  return i - offset
}

/** Encode `value` as an unsigned varint. */
export function encodeVarint (value: number): Uint8Array {
  const out = new Uint8Array(varintLength(value))
  writeVarint(value, out)
  return out
}

/**
 * Read an unsigned varint from `buf` at `offset`.
 *
 * @returns the value and the bytes it used, or `undefined` when `buf` ends
 * before the varint does
 * @throws VarintTooLongError when the varint runs past `maxBytes`
 */
export function readVarint (buf: Uint8Array | Uint8ArrayList, offset = 0, maxBytes = MAX_VARINT_BYTES): { value: number, bytes: number } | undefined {
  let value = 0
  let scale = 1
  const end = buf.byteLength
  for (let i = 0; i < maxBytes; i++) {
    if (offset + i >= end) return undefined
    const b = buf instanceof Uint8Array ? buf[offset + i] : buf.get(offset + i)
    value += (b & 0x7f) * scale
    if ((b & 0x80) === 0) return { value, bytes: i + 1 }
    scale *= 128
  }
  throw new VarintTooLongError(`length prefix is longer than ${maxBytes} bytes`)
}

// ---------------------------------------------------------------- frames

/** One complete frame. The payload is a view of the received bytes, not a copy. */
export interface Frame {
  code: number
  payload: Uint8ArrayList
}

/** Encode the header (code and length) of a frame. */
export function encodeFrameHeader (code: number, length: number): Uint8Array {
  const out = new Uint8Array(1 + varintLength(length))
  out[0] = code
  writeVarint(length, out, 1)
  return out
}

/** A whole frame as a list of buffers (header, then the payload, uncopied). */
export function encodeFrame (code: number, payload: Uint8Array | Uint8ArrayList): Uint8ArrayList {
  return new Uint8ArrayList(encodeFrameHeader(code, payload.byteLength), payload)
}

/** What a parser accepts. */
export interface FrameLimits {
  /**
   * The largest payload allowed for frames with this code, or `undefined`
   * when the code is not allowed at all. Called once per frame header, before
   * the payload is read.
   */
  maxPayload (code: number): number | undefined
  /** Names the stream in error messages, e.g. `status request`. */
  label?: string
}

/** An incremental frame parser. */
export interface FrameParser {
  /** Append received bytes. */
  push (data: Uint8Array | Uint8ArrayList): void
  /**
   * The next complete frame, or `undefined` when more bytes are needed.
   * Throws a typed error as soon as a header breaks the limits, before the
   * payload arrives.
   */
  next (): Frame | undefined
  /** Bytes received and not yet returned in a frame. */
  readonly buffered: number
  /** Bytes still needed to complete the frame in progress (0 when at a frame boundary or unknown). */
  readonly pending: number
  /**
   * Bytes buffered beyond the frame in progress (or complete but not yet
   * returned): what a reader holds that nobody has asked for yet.
   */
  readonly excess: number
  /**
   * Parse the header of the next frame if enough bytes are buffered, so
   * `pending` is known before the frame is complete. Throws the same typed
   * errors as `next()`.
   */
  prepare (): void
  /**
   * The stream ended: throws {@link TruncatedFrameError} when a frame was in
   * progress. Call after `next()` returned `undefined`.
   */
  end (): void
  /** Throws {@link TrailingBytesError} when any bytes are buffered: for streams that must end after their last frame. */
  assertEmpty (what: string): void
  /** Drop everything buffered. */
  clear (): void
}

/**
 * Create an incremental parser for frames under `limits`.
 *
 * @example
 * ```ts
 * const parser = createFrameParser({ maxPayload: code => code === FrameCode.MESSAGE ? 1024 : undefined })
 * parser.push(bytes)
 * const frame = parser.next()
 * ```
 */
export function createFrameParser (limits: FrameLimits): FrameParser {
  return new DefaultFrameParser(limits)
}

/** The parser behind {@link createFrameParser}: a class, so every parser shares one shape on a hot path. */
class DefaultFrameParser implements FrameParser {
  /** Received bytes: the frame in progress (unless it is being assembled) and whatever follows it. */
  private readonly buf = new Uint8ArrayList()
  private readonly limits: FrameLimits
  private readonly label: string
  // the header of the frame in progress, once known
  private code = 0
  private length = 0
  private headerBytes = 0
  /**
   * The payload of a large frame in progress, gathered as it arrives (its
   * header is consumed from `buf` by then); `filled` bytes of it are here.
   */
  private assembly: Uint8Array | undefined
  private filled = 0

  constructor (limits: FrameLimits) {
    this.limits = limits
    this.label = limits.label ?? 'frame'
  }

  private parseHeader (): boolean {
    const buf = this.buf
    if (buf.byteLength < 1) return false
    const code = buf.get(0)
    const max = this.limits.maxPayload(code)
    if (max == null) throw new InvalidFrameError(`${this.label}: frame code ${frameCodeName(code)} is not allowed here`)
    let v
    try {
      v = readVarint(buf, 1)
    } catch (err) {
      // name the stream, as every other framing error does
      throw new VarintTooLongError(`${this.label}: ${(err as Error).message}`)
    }
    if (v == null) return false
    if (v.value > max) {
      throw new FrameTooLargeError(`${this.label}: ${frameCodeName(code)} frame declares ${v.value} bytes (max ${max})`, v.value, max)
    }
    this.code = code
    this.length = v.value
    this.headerBytes = 1 + v.bytes
    this.maybeAssemble()
    return true
  }

  /**
   * Start gathering a large frame in progress into one buffer once half of
   * it is here: at most twice what the peer sent is allocated, and the
   * rest is copied while it arrives rather than after its last byte.
   */
  private maybeAssemble (): void {
    const payloadHere = this.buf.byteLength - this.headerBytes
    if (this.length < ASSEMBLE_MIN_FRAME_BYTES || payloadHere * 2 < this.length || payloadHere >= this.length) return
    const assembly = allocUnsafe(this.length)
    this.buf.consume(this.headerBytes)
    let filled = 0
    for (const b of this.buf) {
      assembly.set(b, filled)
      filled += b.byteLength
    }
    this.buf.consume(filled)
    this.assembly = assembly
    this.filled = filled
  }

  push (data: Uint8Array | Uint8ArrayList): void {
    if (data.byteLength === 0) return
    const assembly = this.assembly
    if (assembly == null) {
      this.buf.append(data)
      if (this.headerBytes !== 0) this.maybeAssemble()
      return
    }
    // the frame being assembled takes what it still needs; the rest is the next frame's
    const pieces = data instanceof Uint8Array ? [data] : data
    for (const b of pieces) {
      const take = Math.min(b.byteLength, this.length - this.filled)
      if (take > 0) {
        assembly.set(take === b.byteLength ? b : b.subarray(0, take), this.filled)
        this.filled += take
      }
      if (take < b.byteLength) this.buf.append(b.subarray(take))
    }
  }

  next (): Frame | undefined {
    const assembly = this.assembly
    if (assembly != null) {
      if (this.filled < this.length) return undefined
      this.assembly = undefined
      this.headerBytes = 0
      return { code: this.code, payload: new Uint8ArrayList(assembly) }
    }
    if (this.headerBytes === 0 && !this.parseHeader()) return undefined
    if (this.assembly != null) return this.next()
    const total = this.headerBytes + this.length
    if (this.buf.byteLength < total) return undefined
    const payload = this.buf.sublist(this.headerBytes, total)
    this.buf.consume(total)
    this.headerBytes = 0
    return { code: this.code, payload }
  }

  prepare (): void {
    if (this.headerBytes === 0) this.parseHeader()
  }

  get buffered (): number {
    return this.assembly == null ? this.buf.byteLength : this.headerBytes + this.filled + this.buf.byteLength
  }

  get pending (): number {
    if (this.headerBytes === 0) return 0
    if (this.assembly != null) return this.length - this.filled
    return Math.max(0, this.headerBytes + this.length - this.buf.byteLength)
  }

  get excess (): number {
    if (this.headerBytes === 0) return this.buf.byteLength
    if (this.assembly != null) return this.buf.byteLength
    return Math.max(0, this.buf.byteLength - this.headerBytes - this.length)
  }

  end (): void {
    const buffered = this.buffered
    if (buffered === 0) return
    if (this.headerBytes !== 0) {
      throw new TruncatedFrameError(`${this.label}: stream ended ${this.headerBytes + this.length - buffered} bytes before the end of a ${this.length}-byte frame`)
    }
    throw new TruncatedFrameError(`${this.label}: stream ended inside a frame header`)
  }

  assertEmpty (what: string): void {
    const buffered = this.buffered
    if (buffered > 0) throw new TrailingBytesError(`${this.label}: ${buffered} bytes follow the ${what}`)
  }

  clear (): void {
    this.buf.consume(this.buf.byteLength)
    this.assembly = undefined
    this.filled = 0
    this.headerBytes = 0
  }
}

/**
 * Parse a complete byte sequence (a whole stream's worth) into frames. Used
 * by tests and tools; the engine parses incrementally.
 *
 * @param maxFrames - more frames than this is {@link TrailingBytesError}
 */
export function decodeFrames (bytes: Uint8Array | Uint8ArrayList, limits: FrameLimits, maxFrames = Infinity): Frame[] {
  const parser = createFrameParser(limits)
  parser.push(bytes)
  const frames: Frame[] = []
  for (;;) {
    if (frames.length >= maxFrames) {
      parser.assertEmpty(`last of ${maxFrames} frames`)
      return frames
    }
    const f = parser.next()
    if (f == null) break
    frames.push(f)
  }
  parser.end()
  return frames
}
