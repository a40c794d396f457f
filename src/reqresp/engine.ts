/**
 * The request/response engine: one libp2p stream per request, framed with
 * `src/wire/framing.ts`, handlers behind the service layers.
 *
 * Life of an inbound request:
 * 1. libp2p negotiates `/chainwire/<network>/<method>/<major>` and calls the
 *    handler registered for that version (at most `maxInboundStreams` per
 *    connection; extra streams are reset by libp2p).
 * 2. The engine reads one frame. Its length is checked against the method's
 *    limit before a byte of payload is buffered; a CHUNK frame starts a
 *    chunked transfer that is reassembled under caps and a deadline. The
 *    whole request must arrive within the request timeout (slowloris).
 * 3. The payload is decoded, and the request with its context passes the
 *    layers: metrics → peer score → rate limit → concurrency → timeout →
 *    validate → handler. Meanwhile the engine waits for the requester to
 *    close its side: a byte before that FIN is trailing garbage (fatal) and
 *    aborts the handler.
 * 4. Response items are written as frames as the handler yields them, with
 *    write backpressure; an error becomes one error frame (`RATE_LIMITED`,
 *    `INVALID_REQUEST`, …). A watchdog bounds the stream's whole life.
 *
 * Framing and decoding faults are reported to the peer manager by the
 * engine; faults raised inside the layers by the PeerScore layer. Requesters
 * get typed errors; the engine reports their verdicts for the remote too,
 * unless `reportOutboundErrors` is false.
 *
 * @module
 */
import { AbortError, ChainwireError, InvalidArgumentError, NotStartedError } from '../errors.ts'
import { serviceBuilder } from '../service/builder.ts'
import { systemClock } from '../service/clock.ts'
import { ConcurrencyLimitError, OverloadedError, RateLimitExceededError, ResourceUnavailableError } from '../service/errors.ts'
import { concurrencyLimit } from '../service/layers/concurrency.ts'
import { metricsLayer } from '../service/layers/metrics.ts'
import { peerScoreLayer, verdictOf } from '../service/layers/peer-score.ts'
import { rateLimitLayer } from '../service/layers/rate-limit.ts'
import { timeoutLayer } from '../service/layers/timeout.ts'
import { validateLayer } from '../service/layers/validate.ts'
import { createRateLimiter } from '../service/rate-limiter.ts'
import { createChunkAssembler, splitChunks } from '../wire/chunking.ts'
import { CHUNK_OVERHEAD_BYTES, CHUNK_TRANSFER_TIMEOUT_MS, MAX_CHUNK_BYTES, MAX_CHUNKS_PER_TRANSFER, MAX_ERROR_MESSAGE_BYTES } from '../wire/constants.ts'
import { ChunkSequenceError, ChunkTimeoutError, ReassemblyBudgetError, TruncatedFrameError } from '../wire/errors.ts'
import { encodeFrame, FrameCode, frameCodeName, isErrorCode } from '../wire/framing.ts'
import { protocolId, assertNetworkId } from '../wire/protocol-id.ts'
import { protobufWireFormat } from '../wire/protobuf.ts'
import { CLOSE_TIMEOUT_MS, DIAL_TIMEOUT_MS, MAX_REASSEMBLY_BYTES, READ_HIGH_WATER_BYTES, REQRESP_COMPONENT } from './constants.ts'
import {
  DialError, InvalidResponseError, RateLimitedError, RequestRejectedError, RequestTimeoutError, ResponseTimeoutError,
  ServerError, StreamResetError, TtfbTimeoutError, UnsupportedProtocolError
} from './errors.ts'
import { createReqRespMetrics } from './metrics.ts'
import { METHOD_RULES, resolveProtocols } from './protocols.ts'
import { createStreamReader } from './stream-reader.ts'
import type { MethodSpec } from './protocols.ts'
import type { Deadline, StreamReader } from './stream-reader.ts'
import type { PeerReporter } from '../peers/types.ts'
import type { Clock, TimerHandle } from '../service/clock.ts'
import type { ConcurrencyLimit } from '../service/layers/concurrency.ts'
import type { Quota } from '../service/rate-limiter.ts'
import type { InboundLayer, InboundRequest, InboundService } from '../service/types.ts'
import type { WireFormat } from '../wire/codec.ts'
import type { ChunkAssembler } from '../wire/chunking.ts'
import type { Method, OneWayMethod, ProtocolVersions, RequestMethod, RequestOf, ResponseOf } from '../wire/messages.ts'
import type { AbortOptions, ComponentLogger, Logger, Metrics, PeerId, Startable, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

// ---------------------------------------------------------------- public types

/** Where the engine registers its stream handlers: a libp2p node or its registrar. */
export interface ReqRespRegistrar {
  handle (protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
  unhandle (protocols: string | string[], options?: AbortOptions): Promise<void>
}

/** How the engine opens streams: a libp2p node. */
export interface ReqRespDialer {
  dialProtocol (peer: PeerId, protocols: string | string[], options?: AbortOptions & { negotiateFully?: boolean, maxOutboundStreams?: number }): Promise<Stream>
}

export interface ReqRespComponents {
  registrar: ReqRespRegistrar
  dialer: ReqRespDialer
  /** Receives the verdict of every fault a remote peer causes. */
  peers: PeerReporter
  logger: ComponentLogger
  metrics?: Metrics
  /** @default systemClock */
  clock?: Clock
  /** The codecs. @default protobufWireFormat */
  wireFormat?: WireFormat
}

export interface ReqRespInit {
  /** The network id, part of every protocol id. */
  network: string
  /** Majors spoken per method, overriding the table (e.g. `{ status: [1, 2] }`). */
  versions?: Partial<Record<Method, number[]>>
  /** Per-method overrides of the protocol table (limits, quotas, timeouts). */
  protocols?: Partial<Record<Method, Partial<MethodSpec>>>
  /** @default MAX_CHUNK_BYTES (1 MiB) */
  maxChunkBytes?: number
  /** @default MAX_CHUNKS_PER_TRANSFER */
  maxChunksPerTransfer?: number
  /** @default CHUNK_TRANSFER_TIMEOUT_MS */
  chunkTimeoutMs?: number
  /** Node-wide cap on bytes of partial chunked transfers. @default MAX_REASSEMBLY_BYTES */
  maxReassemblyBytes?: number
  /** @default DEFAULT_MAX_TRACKED_PEERS */
  maxTrackedPeers?: number
  /** Per-peer totals across methods; `false` disables them. @default 100 msg/s, 1 MiB/s (seed spec) */
  peerTotals?: { messages: Quota, bytes: Quota } | false
  /** Report the verdicts of outbound failures to `peers`. @default true */
  reportOutboundErrors?: boolean
  /** @default DIAL_TIMEOUT_MS */
  dialTimeoutMs?: number
  /** @default READ_HIGH_WATER_BYTES */
  readHighWaterBytes?: number
}

/** Options of `request()`, `requestStream()` and `notify()`. */
export type RequestOptions = AbortOptions

export interface RegisterOptions {
  /** Extra layers, added inside the default stack (between validate and the handler). */
  layers?: InboundLayer[]
}

/** A handler for method `M`: a plain service over the inbound request. */
export type Handler<M extends Method> = InboundService<RequestOf<M>, ResponseOf<M>>

/** Counters of bounded engine state. */
export interface ReqRespStats {
  inboundStreams: number
  outboundRequests: number
  reassemblyBytes: number
  rateLimiterPeers: number
  /** Requests in flight per registered method. */
  inFlight: Partial<Record<Method, number>>
}

/**
 * The request/response engine.
 *
 * @example
 * ```ts
 * const rr = reqResp({ network: 'devnet' })({ registrar: node, dialer: node, peers, logger: node.logger })
 * await rr.register('get_headers', service(async (req) => [{ headers: await chain.getHeaders(req.body.locator, req.body.stopHash, req.body.maxHeaders) }]))
 * await rr.start()
 * const [headers] = await rr.request(peerId, 'get_headers', { locator, maxHeaders: 2000 })
 * ```
 */
export interface ReqResp extends Startable {
  /** Serve `method` with `handler` behind the default layers. Takes effect at once when started. */
  register<M extends Method> (method: M, handler: Handler<M>, options?: RegisterOptions): Promise<void>
  /** Stop serving `method`. */
  unregister (method: Method): Promise<void>
  /** Send a request and collect every response item. */
  request<M extends RequestMethod> (peer: PeerId, method: M, body: RequestOf<M>, options?: RequestOptions): Promise<Array<ResponseOf<M>>>
  /** Send a request and receive response items as they arrive. */
  requestStream<M extends RequestMethod> (peer: PeerId, method: M, body: RequestOf<M>, options?: RequestOptions): AsyncGenerator<ResponseOf<M>, void, undefined>
  /** Send a one-way message; resolves once the remote has handled it and closed the stream. */
  notify<M extends OneWayMethod> (peer: PeerId, method: M, body: RequestOf<M>, options?: RequestOptions): Promise<void>
  /** The protocol ids of `method` this node speaks, highest major first. */
  protocolIds (method: Method): string[]
  /** The registered methods and their majors, for the status message. */
  supportedProtocols (): ProtocolVersions[]
  /** The effective limits of `method`. */
  spec (method: Method): Readonly<MethodSpec>
  stats (): ReqRespStats
}

/**
 * Create the request/response engine.
 *
 * @example
 * ```ts
 * const rr = reqResp({ network: 'devnet' })({ registrar: node, dialer: node, peers, logger: node.logger, metrics })
 * ```
 */
export function reqResp (init: ReqRespInit): (components: ReqRespComponents) => ReqResp {
  return (components) => createReqResp(init, components)
}

// ---------------------------------------------------------------- implementation

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { fatal: false })

function errorPayload (message: string): Uint8Array {
  const bytes = utf8Encoder.encode(message)
  return bytes.byteLength <= MAX_ERROR_MESSAGE_BYTES ? bytes : bytes.subarray(0, MAX_ERROR_MESSAGE_BYTES)
}

/** The error code answering an error raised while serving a request. */
function errorCodeFor (err: unknown): typeof FrameCode[keyof typeof FrameCode] {
  const name = (err as Error | undefined)?.name
  if (name === RateLimitExceededError.name || name === OverloadedError.name || name === ConcurrencyLimitError.name || name === ReassemblyBudgetError.name) {
    return FrameCode.RATE_LIMITED
  }
  if (name === ResourceUnavailableError.name) return FrameCode.RESOURCE_UNAVAILABLE
  const v = verdictOf(err)
  if (v != null && v !== 'ignore') return FrameCode.INVALID_REQUEST
  return FrameCode.SERVER_ERROR
}

/** Our own engine errors pass through `mapOutboundError` unchanged. */
const OUTBOUND_TYPED = new Set<string>([
  TtfbTimeoutError.name, ResponseTimeoutError.name, RateLimitedError.name, ServerError.name, RequestRejectedError.name,
  ResourceUnavailableError.name, InvalidResponseError.name, StreamResetError.name, UnsupportedProtocolError.name,
  DialError.name, AbortError.name, NotStartedError.name, InvalidArgumentError.name, ReassemblyBudgetError.name
])

function createReqResp (init: ReqRespInit, components: ReqRespComponents): ReqResp {
  assertNetworkId(init.network)
  const network = init.network
  const clock = components.clock ?? systemClock
  const wire = components.wireFormat ?? protobufWireFormat
  const log: Logger = components.logger.forComponent(REQRESP_COMPONENT)
  const maxChunkBytes = init.maxChunkBytes ?? MAX_CHUNK_BYTES
  const maxChunkFrame = maxChunkBytes + CHUNK_OVERHEAD_BYTES
  const maxChunks = init.maxChunksPerTransfer ?? MAX_CHUNKS_PER_TRANSFER
  const chunkTimeoutMs = init.chunkTimeoutMs ?? CHUNK_TRANSFER_TIMEOUT_MS
  const maxReassembly = init.maxReassemblyBytes ?? MAX_REASSEMBLY_BYTES
  const reportOutbound = init.reportOutboundErrors ?? true
  const dialTimeoutMs = init.dialTimeoutMs ?? DIAL_TIMEOUT_MS
  const highWater = init.readHighWaterBytes ?? READ_HIGH_WATER_BYTES

  const specs = resolveProtocols(init.protocols)
  for (const [m, v] of Object.entries(init.versions ?? {}) as Array<[Method, number[]]>) {
    specs[m] = { ...specs[m], versions: v }
  }
  for (const m of Object.keys(specs) as Method[]) {
    const s = specs[m]
    if (s.versions.length === 0 || s.versions.some(v => !Number.isSafeInteger(v) || v < 1)) {
      throw new InvalidArgumentError(`${m}: versions must be positive integers`)
    }
    specs[m] = { ...s, versions: [...new Set(s.versions)].sort((a, b) => b - a) }
  }

  const limiter = createRateLimiter({
    rules: Object.fromEntries((Object.keys(specs) as Method[]).map(m => [m, specs[m].quota])),
    peerTotals: init.peerTotals,
    maxPeers: init.maxTrackedPeers,
    clock
  })

  const handlers = new Map<Method, { stack: InboundService, concurrency: ConcurrencyLimit, ids: string[] }>()
  const inboundStreams = new Set<Stream>()
  const outboundStreams = new Set<Stream>()
  let reassemblyBytes = 0
  let running = false
  let stopController = new AbortController()
  /** Abort callbacks of requests in flight, run by stop(); cheaper than a listener per request. */
  const inFlight = new Set<() => void>()
  let transferSeq = Math.floor(Math.random() * 0x1_0000_0000)

  const metrics = createReqRespMetrics(components.metrics, {
    inboundStreams: () => inboundStreams.size,
    outboundRequests: () => outboundStreams.size,
    rateLimiterPeers: () => limiter.trackedPeers,
    reassemblyBytes: () => reassemblyBytes
  })

  function idsOf (method: Method): string[] {
    return specs[method].versions.map(v => protocolId(network, method, v))
  }

  function nextTransferId (): number {
    transferSeq = (transferSeq + 1) >>> 0
    return transferSeq
  }

  // ---------------------------------------------------------------- writing

  async function send (stream: Stream, data: Uint8ArrayList, signal: AbortSignal): Promise<void> {
    if (!stream.send(data)) await stream.onDrain({ signal })
  }

  /** Write one message: a MESSAGE frame, or CHUNK frames when it is larger than a chunk. */
  async function writeMessage (stream: Stream, payload: Uint8Array | Uint8ArrayList, signal: AbortSignal): Promise<void> {
    if (payload.byteLength <= maxChunkBytes) {
      await send(stream, encodeFrame(FrameCode.MESSAGE, payload), signal)
      return
    }
    const chunkCodec = wire.chunk
    for (const chunk of splitChunks(payload, nextTransferId(), maxChunkBytes)) {
      await send(stream, encodeFrame(FrameCode.CHUNK, chunkCodec.encodeList?.(chunk) ?? chunkCodec.encode(chunk)), signal)
    }
  }

  /**
   * Close our side, or reset the stream if that fails. A close that hangs
   * (a requester that stops reading) is cut off by the inbound watchdog.
   */
  async function closeStream (stream: Stream): Promise<void> {
    try {
      await stream.close()
    } catch (err: any) {
      stream.abort(err instanceof Error ? err : new StreamResetError('close failed'))
    }
  }

  async function sendError (stream: Stream, code: number, message: string): Promise<void> {
    try {
      if (stream.writeStatus !== 'writable') return
      stream.send(encodeFrame(code, errorPayload(message)))
      await closeStream(stream)
    } catch (err: any) {
      stream.abort(err instanceof Error ? err : new StreamResetError(String(err)))
    }
  }

  /** Whether `p` settles within `ms` on the engine clock. */
  async function settlesWithin (p: Promise<unknown>, ms: number): Promise<boolean> {
    let timer: TimerHandle | undefined
    const timedOut = new Promise<boolean>(resolve => { timer = clock.setTimeout(() => { resolve(false) }, ms) })
    try {
      return await Promise.race([p.then(() => true, () => true), timedOut])
    } finally {
      clock.clearTimeout(timer)
    }
  }

  // ---------------------------------------------------------------- reading one message

  /**
   * Read one message (a MESSAGE frame or a whole chunked transfer) with `reader`.
   * Returns `undefined` at a clean end of stream. Chunked bytes are counted
   * against the node-wide reassembly budget while buffered.
   */
  async function readMessage (reader: StreamReader, asm: ChunkAssembler, deadline: () => Deadline | undefined, onFrame?: (code: number, payload: Uint8ArrayList) => void): Promise<Uint8ArrayList | undefined> {
    let reserved = 0
    try {
      for (;;) {
        const frame = await reader.next(deadline)
        if (frame == null) {
          if (asm.active) throw new TruncatedFrameError(`stream ended in the middle of a chunked transfer (${asm.bytes}/${asm.declaredBytes} bytes)`)
          return undefined
        }
        if (frame.code !== FrameCode.CHUNK) {
          if (asm.active) throw new ChunkSequenceError(`${frameCodeName(frame.code)} frame in the middle of a chunked transfer`)
          onFrame?.(frame.code, frame.payload)
          return frame.payload
        }
        const chunk = wire.chunk.decode(frame.payload)
        if (reassemblyBytes + chunk.data.byteLength > maxReassembly) {
          throw new ReassemblyBudgetError(`reassembly budget of ${maxReassembly} bytes is used up`)
        }
        const done = asm.push(chunk, clock.now())
        reassemblyBytes += chunk.data.byteLength
        reserved += chunk.data.byteLength
        if (done != null) return done
      }
    } finally {
      reassemblyBytes -= reserved
      asm.clear()
    }
  }

  // ---------------------------------------------------------------- inbound

  function codeLimitsForRequest (spec: MethodSpec): (code: number) => number | undefined {
    const maxMessage = Math.min(spec.maxRequestBytes, maxChunkBytes)
    const chunked = spec.maxRequestBytes > maxChunkBytes
    return (code) => code === FrameCode.MESSAGE ? maxMessage : code === FrameCode.CHUNK && chunked ? maxChunkFrame : undefined
  }

  async function onInbound (method: Method, version: number, stream: Stream, connection: { remotePeer: PeerId, remoteAddr?: { toString(): string } }): Promise<void> {
    const entry = handlers.get(method)
    if (!running || entry == null) {
      stream.abort(new NotStartedError('reqresp is not serving this protocol'))
      return
    }
    const spec = specs[method]
    const rules = METHOD_RULES[method] as any
    const codec = wire.methods[method]
    const peer = connection.remotePeer
    const openedAt = clock.now()
    const ctrl = new AbortController()
    const onStop = (): void => {
      ctrl.abort(new AbortError('reqresp stopped'))
      stream.abort(new AbortError('reqresp stopped'))
    }
    // a stream closing under a running handler aborts it; once the response is out, closing is the normal end
    let responded = false
    const onClose = (): void => { if (!responded && !ctrl.signal.aborted) ctrl.abort(new StreamResetError('stream closed')) }
    inFlight.add(onStop)
    stream.addEventListener('close', onClose)
    inboundStreams.add(stream)
    stream.maxReadBufferLength = Math.min(stream.maxReadBufferLength, maxChunkFrame + highWater)
    // a hard bound on the stream's whole life, whatever it is waiting for
    const lifetime = spec.timeouts.requestMs + chunkTimeoutMs + spec.timeouts.handlerMs + CLOSE_TIMEOUT_MS
    const watchdog: TimerHandle = clock.setTimeout(() => {
      stream.abort(new RequestTimeoutError(`${method}: inbound stream open longer than ${lifetime} ms`))
    }, lifetime)

    const reader = createStreamReader(stream, { clock, highWaterBytes: highWater, label: `${method} request`, maxPayload: codeLimitsForRequest(spec) })
    let endCheck: Promise<void> | undefined
    let ended = false
    const asm = createChunkAssembler({ maxTotalBytes: spec.maxRequestBytes, maxChunks, maxChunkBytes, timeoutMs: chunkTimeoutMs, label: `${method} request` })
    const requestDeadline = openedAt + spec.timeouts.requestMs
    const deadline = (): Deadline => {
      const chunkDeadline = asm.deadline
      if (chunkDeadline != null && chunkDeadline > requestDeadline) {
        return { at: chunkDeadline, error: () => new ChunkTimeoutError(`${method} request: chunked transfer did not complete within ${chunkTimeoutMs} ms`) }
      }
      return { at: requestDeadline, error: () => new RequestTimeoutError(`${method} request: not received within ${spec.timeouts.requestMs} ms`) }
    }

    try {
      // 1-2: read the request
      let body: unknown
      let sizeBytes: number
      try {
        const payload = await readMessage(reader, asm, deadline)
        if (payload == null) throw new TruncatedFrameError(`${method} request: stream ended before a request`)
        // bytes that came with the request are trailing garbage: refuse before the handler runs
        reader.assertNothingBuffered('request')
        sizeBytes = payload.byteLength
        body = codec.request.decode(payload)
      } catch (err: any) {
        reader.close()
        await rejectInbound(method, stream, peer, err)
        return
      }
      // the requester must now close its side. Its FIN is awaited alongside
      // the handler, not before it, so it adds no latency; a byte before it
      // aborts the handler and is reported like any framing fault. The
      // watchdog, and the bound after the response below, cap the wait
      endCheck = reader.expectEnd('request').then(() => {}, async (err: any) => {
        if (ctrl.signal.aborted && stream.status !== 'open') return
        ctrl.abort(err)
        await rejectInbound(method, stream, peer, err, false)
      }).finally(() => {
        ended = true
        reader.close()
      })

      // 3: the layers and the handler
      const req: InboundRequest<any> = {
        peer,
        remoteAddr: connection.remoteAddr?.toString(),
        method,
        protocol: stream.protocol,
        version,
        body,
        sizeBytes,
        cost: rules.cost(body, sizeBytes),
        signal: ctrl.signal,
        receivedAt: openedAt
      }
      const maxItems = Math.min(spec.maxResponseItems, rules.maxItems?.(body) ?? Infinity)
      let count = 0
      try {
        const result = await entry.stack.call(req)
        // 4: the response items
        if (result != null) {
          for await (const item of result as AsyncIterable<unknown>) {
            if (count >= maxItems) {
              log.error('%s handler yielded more than %d items; the rest is dropped', method, maxItems)
              break
            }
            const bytes = codec.response.encodeList?.(item as never) ?? codec.response.encode(item as never)
            if (bytes.byteLength > spec.maxResponseBytes) {
              throw new ServerError(`${method}: response item of ${bytes.byteLength} bytes (max ${spec.maxResponseBytes})`)
            }
            await writeMessage(stream, bytes, ctrl.signal)
            count++
          }
        }
      } catch (err: any) {
        if (ctrl.signal.aborted && stream.status !== 'open') return
        const code = errorCodeFor(err)
        if (code === FrameCode.SERVER_ERROR) log.error('%s handler failed for %p - %e', method, peer, err)
        const typed = verdictOf(err) != null
        await sendError(stream, code, typed ? String(err.message) : 'internal error')
        return
      }
      responded = true
      await closeStream(stream)
    } catch (err: any) {
      log.error('%s inbound stream from %p failed - %e', method, peer, err)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    } finally {
      // the stream is ours until the requester's side has ended too, which
      // must happen soon after our response
      if (endCheck != null && !ended && !(await settlesWithin(endCheck, CLOSE_TIMEOUT_MS))) {
        stream.abort(new StreamResetError(`${method}: requester did not close its side within ${CLOSE_TIMEOUT_MS} ms of the response`))
        await endCheck
      }
      clock.clearTimeout(watchdog)
      inFlight.delete(onStop)
      stream.removeEventListener('close', onClose)
      inboundStreams.delete(stream)
    }
  }

  /** A request could not be read or decoded: report, answer if useful, close. */
  async function rejectInbound (method: Method, stream: Stream, peer: PeerId, err: any, answer = true): Promise<void> {
    const name = String(err?.name ?? 'Error')
    const verdict = verdictOf(err)
    metrics.inboundRejected(method, name)
    if (name === StreamResetError.name || name === AbortError.name) {
      stream.abort(err)
      return
    }
    if (verdict != null && verdict !== 'ignore') components.peers.report(peer, verdict, name)
    log('rejected %s request from %p: %s', method, peer, err?.message)
    if (!answer || name === RequestTimeoutError.name || name === ChunkTimeoutError.name || verdict == null) {
      // a stalled requester gets no answer: free the stream at once
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      return
    }
    await sendError(stream, errorCodeFor(err), String(err.message))
    // A requester still sending (into a frame declared too large, past a bad
    // header, after its request) is cut off once the answer is out: a reset
    // makes it stop, and frees the protocol's stream slot now. A graceful
    // close would leave the stream half open, outside the watchdog, until the
    // requester chose to close its side.
    if (!stream.readableEnded && (stream.status === 'open' || stream.status === 'closing')) {
      stream.abort(new StreamResetError(`${method} request rejected: ${name}`))
    }
  }

  async function handleMethod (method: Method): Promise<void> {
    const entry = handlers.get(method)
    if (entry == null) return
    const spec = specs[method]
    for (const version of spec.versions) {
      const id = protocolId(network, method, version)
      await components.registrar.handle(id, (stream, connection) => {
        void onInbound(method, version, stream, connection)
      }, {
        maxInboundStreams: spec.maxInboundStreams,
        maxOutboundStreams: spec.maxOutboundStreams,
        force: true
      })
    }
  }

  // ---------------------------------------------------------------- outbound

  function codeLimitsForResponse (spec: MethodSpec, maxItems: number): (code: number) => number | undefined {
    const maxMessage = Math.min(spec.maxResponseBytes, maxChunkBytes)
    const chunked = spec.maxResponseBytes > maxChunkBytes
    return (code) => {
      if (isErrorCode(code)) return MAX_ERROR_MESSAGE_BYTES
      if (maxItems === 0) return undefined
      if (code === FrameCode.MESSAGE) return maxMessage
      if (code === FrameCode.CHUNK && chunked) return maxChunkFrame
      return undefined
    }
  }

  function remoteError (method: Method, code: number, payload: Uint8ArrayList): Error {
    const message = `${method}: ${frameCodeName(code)}: ${utf8Decoder.decode(payload.subarray())}`
    switch (code) {
      case FrameCode.RATE_LIMITED: return new RateLimitedError(message)
      case FrameCode.INVALID_REQUEST: return new RequestRejectedError(message)
      case FrameCode.RESOURCE_UNAVAILABLE: return new ResourceUnavailableError(message)
      default: return new ServerError(message)
    }
  }

  function mapOutboundError (method: Method, err: any, callerSignal: AbortSignal | undefined, stopSignal: AbortSignal, dialing: boolean): Error {
    if (callerSignal?.aborted === true) return new AbortError(`${method}: aborted by the caller`, { cause: err })
    if (stopSignal.aborted) return new AbortError(`${method}: reqresp stopped`, { cause: err })
    const name = String(err?.name ?? 'Error')
    // ours only: libp2p has errors of the same names (UnsupportedProtocolError, StreamResetError)
    if (err instanceof ChainwireError && OUTBOUND_TYPED.has(name)) return err
    if (name === ChunkTimeoutError.name) return new ResponseTimeoutError(`${method}: ${String(err.message)}`, { cause: err })
    const cause = err?.cause
    if (name === 'UnsupportedProtocolError' || cause?.name === 'UnsupportedProtocolError') {
      return new UnsupportedProtocolError(`${method}: the peer does not speak ${idsOf(method).join(', ')}`, { cause: err })
    }
    if (verdictOf(err) != null) {
      // a wire error from the response: framing, decoding, chunking
      return new InvalidResponseError(`${method}: ${String(err.message)}`, verdictOf(err), { cause: err })
    }
    if (dialing) return new DialError(`${method}: could not open a stream: ${String(err?.message ?? err)}`, { cause: err })
    return new StreamResetError(`${method}: ${String(err?.message ?? err)}`, { cause: err })
  }

  /** Half-close in the background; a failed close shows up as a reset on the reader. */
  function closeQuietly (stream: Stream, signal?: AbortSignal): void {
    stream.close({ signal }).catch(() => {})
  }

  /**
   * After the last allowed item the requester returns at once instead of
   * waiting for the responder's FIN. The reader stays on the stream in the
   * background until that FIN: a byte before it means more items than
   * allowed, reported as a fatal {@link InvalidResponseError}; a stream not
   * closed within CLOSE_TIMEOUT_MS is reset.
   */
  function finishInBackground (method: Method, peer: PeerId, stream: Stream, reader: StreamReader): void {
    const until = clock.now() + CLOSE_TIMEOUT_MS
    reader.expectEnd('last response item', () => ({ at: until, error: () => new StreamResetError(`${method}: responder did not close its stream`) }))
      .catch((err: any) => {
        if (err?.name === 'TrailingBytesError') {
          const e = new InvalidResponseError(`${method}: more response items than allowed`, 'fatal', { cause: err })
          if (reportOutbound) components.peers.report(peer, 'fatal', e.name)
          stream.abort(e)
        } else if (stream.status === 'open') {
          stream.abort(err instanceof Error ? err : new StreamResetError(String(err)))
        }
      })
      .finally(() => { reader.close() })
  }

  async function * requestStream (peer: PeerId, method: Method, body: unknown, options: RequestOptions = {}): AsyncGenerator<any, void, undefined> {
    if (!running) throw new NotStartedError('reqresp is not started')
    const spec = specs[method]
    const codec = wire.methods[method]
    const rules = METHOD_RULES[method] as any
    const payload = codec.request.encodeList?.(body as never) ?? codec.request.encode(body as never)
    if (payload.byteLength > spec.maxRequestBytes) {
      throw new InvalidArgumentError(`${method}: request of ${payload.byteLength} bytes (max ${spec.maxRequestBytes})`)
    }
    const maxItems = Math.min(spec.maxResponseItems, rules.maxItems?.(body) ?? Infinity)
    const started = clock.now()
    const stopSignal = stopController.signal
    const ids = idsOf(method)
    let stream: Stream | undefined
    let reader: StreamReader | undefined
    let responseBytes = 0
    let failed: Error | undefined
    let dialing = true
    let complete = false
    let handedOff = false

    const ctrl = new AbortController()
    const onAbort = (): void => {
      const reason = options.signal?.aborted === true ? options.signal.reason : stopSignal.reason
      ctrl.abort(reason)
      stream?.abort(reason instanceof Error ? reason : new AbortError('aborted'))
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    inFlight.add(onAbort)
    try {
      if (options.signal?.aborted === true) throw new AbortError(`${method}: aborted by the caller`)
      const dialTimer = clock.setTimeout(() => { ctrl.abort(new DialError(`${method}: no stream within ${dialTimeoutMs} ms`)) }, dialTimeoutMs)
      try {
        stream = await components.dialer.dialProtocol(peer, ids, {
          signal: ctrl.signal,
          // one version: the stack may write the protocol and the request together. libp2p 3.x's
          // multistream-select (7.x) has no lazy select and ignores this, so every request pays a
          // negotiation round trip (bench/results/reqresp.md: ~0.6 ms of the small-request latency)
          negotiateFully: ids.length > 1,
          maxOutboundStreams: spec.maxOutboundStreams
        })
      } catch (err: any) {
        if (ctrl.signal.reason?.name === DialError.name) throw ctrl.signal.reason
        throw err
      } finally {
        clock.clearTimeout(dialTimer)
      }
      dialing = false
      outboundStreams.add(stream)
      stream.maxReadBufferLength = Math.min(stream.maxReadBufferLength, maxChunkFrame + highWater)
      reader = createStreamReader(stream, { clock, highWaterBytes: highWater, label: `${method} response`, maxPayload: codeLimitsForResponse(spec, maxItems) })

      await writeMessage(stream, payload, ctrl.signal)
      // the request is complete: half-close in the background, the response
      // may already be on its way
      closeQuietly(stream, ctrl.signal)
      const sentAt = clock.now()
      const r = reader
      const asm = createChunkAssembler({ maxTotalBytes: spec.maxResponseBytes, maxChunks, maxChunkBytes, timeoutMs: chunkTimeoutMs, label: `${method} response` })
      const deadline = (): Deadline => {
        const first = r.firstByteAt
        if (first == null) return { at: sentAt + spec.timeouts.ttfbMs, error: () => new TtfbTimeoutError(`${method}: no response within ${spec.timeouts.ttfbMs} ms`) }
        return { at: first + spec.timeouts.respMs, error: () => new ResponseTimeoutError(`${method}: response not complete within ${spec.timeouts.respMs} ms`) }
      }
      let count = 0
      let errorFrame: Error | undefined
      for (;;) {
        const item = await readMessage(r, asm, deadline, (code, p) => {
          if (isErrorCode(code)) errorFrame = remoteError(method, code, p)
        })
        if (item == null) break
        if (errorFrame != null) throw errorFrame
        count++
        if (count > maxItems) throw new InvalidResponseError(`${method}: more than ${maxItems} response items`)
        responseBytes += item.byteLength
        const decoded = codec.response.decode(item)
        if (count === maxItems) {
          // the last item allowed: more bytes already here are one item too many
          r.assertNothingBuffered(`the last of ${maxItems} response items`)
          complete = true
          handedOff = true
          finishInBackground(method, peer, stream, r)
          yield decoded
          return
        }
        yield decoded
      }
      complete = true
    } catch (err: any) {
      failed = mapOutboundError(method, err, options.signal, stopSignal, dialing)
      const verdict = verdictOf(failed)
      if (reportOutbound && verdict != null && verdict !== 'ignore') components.peers.report(peer, verdict, failed.name)
      throw failed
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
      inFlight.delete(onAbort)
      if (!handedOff) reader?.close()
      if (stream != null) {
        outboundStreams.delete(stream)
        // a consumer that stopped early, or an error: do not leave the stream half open
        if (!complete && stream.status === 'open') stream.abort(failed ?? new AbortError('response abandoned'))
      }
      metrics.outbound(method, (clock.now() - started) / 1000, responseBytes, failed?.name)
    }
  }

  const engine: ReqResp = {
    async start () {
      if (running) return
      running = true
      stopController = new AbortController()
      for (const method of handlers.keys()) await handleMethod(method)
    },

    async stop () {
      if (!running) return
      running = false
      stopController.abort(new AbortError('reqresp stopped'))
      for (const abort of [...inFlight]) abort()
      inFlight.clear()
      const ids = [...handlers.values()].flatMap(h => h.ids)
      try {
        await components.registrar.unhandle(ids)
      } catch (err) {
        log.error('unhandle failed - %e', err)
      }
      for (const s of [...inboundStreams, ...outboundStreams]) s.abort(new AbortError('reqresp stopped'))
    },

    async register (method, handler, options = {}) {
      if (specs[method] == null) throw new InvalidArgumentError(`unknown method ${String(method)}`)
      const spec = specs[method]
      const rules = METHOD_RULES[method] as any
      const concurrency = concurrencyLimit({ maxPerPeer: spec.maxConcurrentPerPeer, maxTotal: spec.maxConcurrentTotal })
      let builder = serviceBuilder<InboundService>()
        .layer(metricsLayer(metrics, clock))
        .layer(peerScoreLayer({ peers: components.peers }))
        .layer(rateLimitLayer(limiter))
        .layer(concurrency.layer)
        .layer(timeoutLayer({ timeoutMs: spec.timeouts.handlerMs, clock }))
        .layer(validateLayer({ maxRequestBytes: spec.maxRequestBytes, maxCost: spec.maxCost, validate: rules.validate }))
      for (const layer of options.layers ?? []) builder = builder.layer(layer)
      handlers.set(method, { stack: builder.service(handler as InboundService), concurrency, ids: idsOf(method) })
      if (running) await handleMethod(method)
    },

    async unregister (method) {
      const entry = handlers.get(method)
      if (entry == null) return
      handlers.delete(method)
      if (running) await components.registrar.unhandle(entry.ids)
    },

    async request (peer, method, body, options) {
      const items: any[] = []
      for await (const item of requestStream(peer, method, body, options)) items.push(item)
      return items
    },

    requestStream (peer, method, body, options) {
      return requestStream(peer, method, body, options)
    },

    async notify (peer, method, body, options) {
      for await (const _ of requestStream(peer, method, body, options)) {
        // one-way methods have no items: the response limits reject any
      }
    },

    protocolIds (method) {
      return idsOf(method)
    },

    supportedProtocols () {
      return [...handlers.keys()].map(m => ({ name: m, majors: [...specs[m].versions] }))
    },

    spec (method) {
      return specs[method]
    },

    stats () {
      const inFlight: Partial<Record<Method, number>> = {}
      for (const [m, h] of handlers) inFlight[m] = h.concurrency.inFlight
      return {
        inboundStreams: inboundStreams.size,
        outboundRequests: outboundStreams.size,
        reassemblyBytes,
        rateLimiterPeers: limiter.trackedPeers,
        inFlight
      }
    }
  }
  return engine
}
