/**
 * The chain's canonical binary format: little-endian fixed-width integers and
 * LEB128 varints for counts and lengths. Decoding is bounds-checked before any
 * allocation and rejects every non-canonical form (over-long varints, trailing
 * bytes), so that one value has exactly one encoding and a hash of the bytes
 * is a hash of the value.
 *
 * @module
 */
import { MalformedError } from './errors.ts'

/** Largest value a varint may carry: counts and lengths are 32-bit. */
export const MAX_VARINT = 0xffffffff

/** Bytes a varint of `n` takes. */
export function varintSize (n: number): number {
  let size = 1
  while (n >= 0x80) {
    n = Math.floor(n / 128)
    size++
  }
  return size
}

/** A forward-only, bounds-checked reader over untrusted bytes. */
export interface Reader {
  /** Current offset. */
  readonly pos: number
  /** Bytes left. */
  remaining (): number
  u8 (what: string): number
  u32 (what: string): number
  u64 (what: string): bigint
  /** A view (not a copy) of the next `n` bytes. */
  bytes (n: number, what: string): Uint8Array
  /** A canonical LEB128 varint, at most {@link MAX_VARINT}. */
  varint (what: string): number
  /** A varint count, checked against `max` before the caller allocates. */
  count (max: number, what: string): number
  /** Throw unless every byte was consumed. */
  end (what: string): void
}

class ByteReader implements Reader {
  readonly #buf: Uint8Array
  readonly #view: DataView
  #pos: number

  constructor (buf: Uint8Array, offset = 0) {
    this.#buf = buf
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    this.#pos = offset
  }

  get pos (): number { return this.#pos }

  remaining (): number { return this.#buf.length - this.#pos }

  #need (n: number, what: string): void {
    if (this.#buf.length - this.#pos < n) {
      throw new MalformedError('truncated', `${what}: needs ${n} bytes at offset ${this.#pos}, ${this.#buf.length - this.#pos} left`)
    }
  }

  u8 (what: string): number {
    this.#need(1, what)
    return this.#buf[this.#pos++]
  }

  u32 (what: string): number {
    this.#need(4, what)
    const v = this.#view.getUint32(this.#pos, true)
    this.#pos += 4
    return v
  }

  u64 (what: string): bigint {
    this.#need(8, what)
    const v = this.#view.getBigUint64(this.#pos, true)
    this.#pos += 8
    return v
  }

  bytes (n: number, what: string): Uint8Array {
    this.#need(n, what)
    const out = this.#buf.subarray(this.#pos, this.#pos + n)
    this.#pos += n
    return out
  }

  varint (what: string): number {
    let result = 0
    let mul = 1
    for (let i = 0; i < 5; i++) {
      this.#need(1, what)
      const b = this.#buf[this.#pos++]
      result += (b & 0x7f) * mul
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) throw new MalformedError('non-canonical-varint', `${what}: over-long varint at offset ${this.#pos - 1}`)
        if (result > MAX_VARINT) throw new MalformedError('varint-overflow', `${what}: varint ${result} exceeds ${MAX_VARINT}`)
        return result
      }
      mul *= 128
    }
    throw new MalformedError('varint-overflow', `${what}: varint longer than 5 bytes at offset ${this.#pos}`)
  }

  count (max: number, what: string): number {
    const n = this.varint(what)
    if (n > max) throw new MalformedError('too-many-items', `${what} has ${n} entries (max ${max})`)
    return n
  }

  end (what: string): void {
    if (this.#pos !== this.#buf.length) {
      throw new MalformedError('trailing-bytes', `${what}: ${this.#buf.length - this.#pos} trailing bytes`)
    }
  }
}

/** A reader over `buf`, starting at `offset`. */
export function reader (buf: Uint8Array, offset = 0): Reader {
  return new ByteReader(buf, offset)
}

/** A writer into a buffer of exactly the size the caller computed. */
export interface Writer {
  readonly pos: number
  u8 (v: number): void
  u32 (v: number): void
  u64 (v: bigint): void
  bytes (b: Uint8Array): void
  varint (n: number): void
  /** The buffer; throws if the computed size was wrong (a local bug, not bad input). */
  finish (): Uint8Array
}

class ByteWriter implements Writer {
  readonly #buf: Uint8Array
  readonly #view: DataView
  #pos = 0

  constructor (size: number) {
    this.#buf = new Uint8Array(size)
    this.#view = new DataView(this.#buf.buffer)
  }

  get pos (): number { return this.#pos }

  u8 (v: number): void { this.#buf[this.#pos++] = v }

  u32 (v: number): void {
    this.#view.setUint32(this.#pos, v, true)
    this.#pos += 4
  }

  u64 (v: bigint): void {
    this.#view.setBigUint64(this.#pos, v, true)
    this.#pos += 8
  }

  bytes (b: Uint8Array): void {
    this.#buf.set(b, this.#pos)
    this.#pos += b.length
  }

  varint (n: number): void {
    while (n >= 0x80) {
      this.#buf[this.#pos++] = (n & 0x7f) | 0x80
      n = Math.floor(n / 128)
    }
    this.#buf[this.#pos++] = n
  }

  finish (): Uint8Array {
    if (this.#pos !== this.#buf.length) throw new Error(`encoder size mismatch: wrote ${this.#pos} of ${this.#buf.length} bytes`)
    return this.#buf
  }
}

/** A writer for exactly `size` bytes. */
export function writer (size: number): Writer {
  return new ByteWriter(size)
}

/** A plain Uint8Array view of `b` (a Buffer from Node APIs compares unequal to Uint8Arrays in strict deep equality). */
export function plainView (b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}

/** The unsigned 32-bit little-endian integer at `offset` of `b`, read in place. */
export function readU32LE (b: Uint8Array, offset: number): number {
  return (b[offset] | (b[offset + 1] << 8) | (b[offset + 2] << 16) | (b[offset + 3] << 24)) >>> 0
}

/** Lowercase hex of bytes. */
export function toHex (b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

/** Bytes of a hex string, or undefined if it is not even-length lowercase/uppercase hex. */
export function fromHex (s: string): Uint8Array | undefined {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined
  return new Uint8Array(Buffer.from(s, 'hex'))
}

/** Byte-wise equality. */
export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Concatenate byte arrays. */
export function concat (parts: Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}
