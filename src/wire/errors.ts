/**
 * Errors of the wire format. Each carries the verdict for the peer that sent
 * the offending bytes: every framing or decoding violation is `fatal`, since
 * an honest implementation never produces one; a stalled chunked transfer is
 * graded (`mid`), since a slow link can cause it; our own reassembly budget
 * running out penalises nobody.
 *
 * @module
 */
import { ChainwireError } from '../errors.ts'
import type { Verdict } from '../errors.ts'

/** A length prefix used more than MAX_VARINT_BYTES bytes. */
export class VarintTooLongError extends ChainwireError {
  static override name = 'VarintTooLongError'
  constructor (message: string) {
    super(message, 'fatal')
    this.name = 'VarintTooLongError'
  }
}

/** A frame declared a length above the limit for its kind. Raised before anything is allocated. */
export class FrameTooLargeError extends ChainwireError {
  static override name = 'FrameTooLargeError'
  /** The declared length. */
  readonly length: number
  /** The limit it broke. */
  readonly max: number
  constructor (message: string, length: number, max: number) {
    super(message, 'fatal')
    this.name = 'FrameTooLargeError'
    this.length = length
    this.max = max
  }
}

/** A frame started with a code that is not allowed in this direction. */
export class InvalidFrameError extends ChainwireError {
  static override name = 'InvalidFrameError'
  constructor (message: string) {
    super(message, 'fatal')
    this.name = 'InvalidFrameError'
  }
}

/** The stream ended (FIN) in the middle of a frame. */
export class TruncatedFrameError extends ChainwireError {
  static override name = 'TruncatedFrameError'
  constructor (message: string) {
    super(message, 'fatal')
    this.name = 'TruncatedFrameError'
  }
}

/** Bytes followed the last frame the protocol allows. */
export class TrailingBytesError extends ChainwireError {
  static override name = 'TrailingBytesError'
  constructor (message: string) {
    super(message, 'fatal')
    this.name = 'TrailingBytesError'
  }
}

/**
 * A payload could not be decoded, or decoded to something that breaks a
 * limit of its message type (a hash that is not 32 bytes, a collection over
 * its cap). The message names the field and the limit.
 */
export class DecodeError extends ChainwireError {
  static override name = 'DecodeError'
  /** The message type being decoded, e.g. `Headers`. */
  readonly type: string
  constructor (type: string, message: string, options?: ErrorOptions) {
    super(`${type}: ${message}`, 'fatal', options)
    this.name = 'DecodeError'
    this.type = type
  }
}

/** A chunk arrived out of order, from another transfer, or with fields that contradict earlier chunks. */
export class ChunkSequenceError extends ChainwireError {
  static override name = 'ChunkSequenceError'
  constructor (message: string) {
    super(message, 'fatal')
    this.name = 'ChunkSequenceError'
  }
}

/** A chunked transfer broke a cap: total size, chunk count or chunk size. */
export class ChunkLimitError extends ChainwireError {
  static override name = 'ChunkLimitError'
  constructor (message: string) {
    super(message, 'fatal')
    this.name = 'ChunkLimitError'
  }
}

/** A chunked transfer did not complete in time. Graded: a slow link can cause it. */
export class ChunkTimeoutError extends ChainwireError {
  static override name = 'ChunkTimeoutError'
  constructor (message: string, verdict: Verdict = 'mid') {
    super(message, verdict)
    this.name = 'ChunkTimeoutError'
  }
}

/** Our node-wide reassembly budget is used up. Our overload: penalises nobody. */
export class ReassemblyBudgetError extends ChainwireError {
  static override name = 'ReassemblyBudgetError'
  constructor (message: string) {
    super(message, 'ignore')
    this.name = 'ReassemblyBudgetError'
  }
}
