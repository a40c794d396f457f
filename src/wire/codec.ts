/**
 * The pluggable codec seam. Protocol code and the request/response engine
 * see messages only as the plain interfaces of `messages.ts` and move bytes
 * only through a {@link Codec}; protobuf is the default implementation
 * (`protobuf.ts`), and a chain can bring its own format by supplying a
 * {@link WireFormat}.
 *
 * @module
 */
import type { Uint8ArrayList } from 'uint8arraylist'
import type { Chunk, MethodTypes, Method } from './messages.ts'

/**
 * Turns one message type into bytes and back.
 *
 * `decode` must throw only typed errors (a {@link DecodeError} with verdict
 * `fatal` for undecodable input or input that breaks a limit of the message
 * type) and must never allocate more than a small multiple of its input.
 */
export interface Codec<T> {
  encode (value: T): Uint8Array
  decode (bytes: Uint8Array | Uint8ArrayList): T
  /**
   * Optional zero-copy encoding: the same bytes as `encode`, as a list that
   * references large fields instead of copying them. The engine prefers it,
   * so a 1 MB payload is not copied on its way to the stream.
   */
  encodeList? (value: T): Uint8ArrayList
}

/** The codecs of one request/response method. */
export interface MethodCodec<Req, Res> {
  request: Codec<Req>
  /** For one-way methods, a codec that rejects everything (no response item is legal). */
  response: Codec<Res>
}

/** A codec for every method, typed by {@link MethodTypes}. */
export type MethodCodecs = { [M in Method]: MethodCodec<MethodTypes[M]['request'], MethodTypes[M]['response']> }

/** Everything the engine needs to put messages on the wire. */
export interface WireFormat {
  /** A short name for logs and metrics, e.g. `protobuf`. */
  name: string
  methods: MethodCodecs
  chunk: Codec<Chunk>
}
