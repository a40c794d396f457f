/**
 * Defaults of the request/response engine, each with its reason. Listed in
 * `docs/LIMITS.md`; the per-method limits are in `protocols.ts`.
 *
 * @module
 */
import { MAX_MESSAGE_BYTES } from '../config/constants.ts'

/** Logger and metric component name. */
export const REQRESP_COMPONENT = 'chainwire:reqresp'

/** Requester: the first response byte must arrive within this after the request is sent (Lodestar TTFB_TIMEOUT). */
export const TTFB_TIMEOUT_MS = 5_000

/** Requester: the whole response must arrive within this after its first byte (Lodestar RESP_TIMEOUT). */
export const RESP_TIMEOUT_MS = 10_000

/**
 * Responder: the whole request, and the requester closing its side, must
 * arrive within this after the stream opens (Lodestar REQUEST_TIMEOUT). This
 * is what closes a slowloris stream.
 */
export const REQUEST_TIMEOUT_MS = 5_000

/** Responder: budget of the handler, streamed items included (the Timeout layer). Matches RESP_TIMEOUT_MS. */
export const HANDLER_TIMEOUT_MS = RESP_TIMEOUT_MS

/** Budget to open a stream and negotiate its protocol (js-libp2p's default negotiation timeout is 10 s). */
export const DIAL_TIMEOUT_MS = 5_000

/**
 * Node-wide cap on bytes held by partially received chunked transfers, in
 * both directions together. Eight concurrent maximal transfers; a transfer
 * that would go over is refused without penalty (our overload).
 */
export const MAX_REASSEMBLY_BYTES = 8 * MAX_MESSAGE_BYTES

/** Bytes kept buffered beyond the frame being read before a stream is paused (one yamux window). */
export const READ_HIGH_WATER_BYTES = 256 * 1024

/**
 * After the last response item, each side waits this long for the other to
 * close its side before resetting the stream (no penalty: it is only late).
 */
export const CLOSE_TIMEOUT_MS = 2_000

