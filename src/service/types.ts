/**
 * Tower-style services and layers.
 *
 * A {@link Service} turns a request into a response; a {@link Layer} wraps a
 * service into another one that adds a concern (rate limiting, timeouts,
 * metrics, …). Handlers are plain services, so they can be unit-tested
 * without sockets, and the protection around them is composed, not written
 * into each one.
 *
 * @module
 */
import type { PeerId } from '@libp2p/interface'

/** Something that answers requests. */
export interface Service<Req, Res> {
  call (req: Req): Promise<Res>
}

/** Wraps a service of type `In` into one of type `Out`. */
export type Layer<In, Out = In> = (inner: In) => Out

/** An inbound request with its context, as it passes through the layers. */
export interface InboundRequest<Req = unknown> {
  /** The remote peer. */
  peer: PeerId
  /** The remote address of the connection, when known. */
  remoteAddr?: string
  /** The method name, e.g. `get_headers`. */
  method: string
  /** The negotiated libp2p protocol id. */
  protocol: string
  /** The negotiated major version. */
  version: number
  /** The decoded request. */
  body: Req
  /** Bytes of the encoded request. */
  sizeBytes: number
  /** Rate-limit cost in the method's unit (items requested, or bytes). */
  cost: number
  /** Aborted when the stream closes, the node stops, or a layer times out. */
  signal: AbortSignal
  /** When the request was received, on the engine clock (ms). */
  receivedAt: number
}

/**
 * What an inbound handler returns: the response items, as an array or a
 * (possibly async) iterable for streamed responses, or nothing for one-way
 * methods.
 */
export type InboundResult<Res> = Iterable<Res> | AsyncIterable<Res> | void

/** An inbound handler or a layered stack around one. */
export type InboundService<Req = any, Res = any> = Service<InboundRequest<Req>, InboundResult<Res>>

/** A layer that works for every request and response type. */
export type InboundLayer = <Req, Res>(inner: InboundService<Req, Res>) => InboundService<Req, Res>

/** Make a service from a function. */
export function service<Req, Res> (fn: (req: Req) => Promise<Res> | Res): Service<Req, Res> {
  return { call: async (req) => fn(req) }
}
