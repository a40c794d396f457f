/**
 * The control API's node endpoints.
 *
 * | method | path          | body / query                          | returns |
 * |--------|---------------|---------------------------------------|---------|
 * | GET    | /status       |                                       | peerId, network, addrs, peers, uptime, version, topics |
 * | GET    | /peers        |                                       | per peer: id, addrs, direction, latency, protocols, streams, … |
 * | POST   | /dial         | `{ addr }`                            | the peer |
 * | POST   | /hangup       | `{ peer }`                            | `{ ok }` |
 * | POST   | /send         | `{ peer, protocol, data, encoding? }` | `{ reply }` |
 * | POST   | /broadcast    | `{ topic, data, encoding? }`          | `{ recipients }` |
 * | POST   | /subscribe    | `{ topic }`                           | `{ topics }` |
 * | GET    | /messages     | `?since=<seq>`                        | received messages |
 * | GET    | /metrics      |                                       | Prometheus text |
 *
 * `encoding` is `utf8` (default), `hex` or `base64`, for `data` and `reply`.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.ts'
import type { ApiServer } from './server.ts'
import type { ChainwireNode, PeerSummary } from '../node/index.ts'

/** Encodings for binary payloads in JSON. */
export type Encoding = 'utf8' | 'hex' | 'base64'
const ENCODINGS: readonly Encoding[] = ['utf8', 'hex', 'base64']

/** Read a JSON object body, or throw a 400-mapped error. */
export function objectBody (body: unknown): Record<string, unknown> {
  if (body == null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidArgumentError('request body must be a JSON object')
  }
  return body as Record<string, unknown>
}

/** A required string field. */
export function stringField (body: Record<string, unknown>, name: string, maxLength = 4096): string {
  const v = body[name]
  if (typeof v !== 'string' || v === '') throw new InvalidArgumentError(`${name} must be a non-empty string, got ${JSON.stringify(v) ?? 'nothing'}`)
  if (v.length > maxLength) throw new InvalidArgumentError(`${name} is ${v.length} characters (max ${maxLength})`)
  return v
}

function encodingField (body: Record<string, unknown>): Encoding {
  const e = body.encoding ?? 'utf8'
  if (typeof e !== 'string' || !ENCODINGS.includes(e as Encoding)) {
    throw new InvalidArgumentError(`encoding must be one of ${ENCODINGS.join(', ')}, got ${JSON.stringify(e)}`)
  }
  return e as Encoding
}

/** Decode a payload field in the given encoding. */
export function decodeData (value: unknown, encoding: Encoding, name = 'data'): Uint8Array {
  if (typeof value !== 'string') throw new InvalidArgumentError(`${name} must be a string, got ${JSON.stringify(value) ?? 'nothing'}`)
  if (encoding === 'utf8') return new TextEncoder().encode(value)
  if (encoding === 'hex') {
    if (!/^([0-9a-fA-F]{2})*$/.test(value)) throw new InvalidArgumentError(`${name} is not valid hex`)
    return Buffer.from(value, 'hex')
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw new InvalidArgumentError(`${name} is not valid base64`)
  return Buffer.from(value, 'base64')
}

/** Encode bytes for a JSON response. */
export function encodeData (data: Uint8Array, encoding: Encoding): string {
  return encoding === 'utf8' ? new TextDecoder().decode(data) : Buffer.from(data).toString(encoding)
}

/** Register the node endpoints. */
export function nodeRoutes (api: ApiServer, node: ChainwireNode, extraPeerInfo?: (p: PeerSummary) => Record<string, unknown>): void {
  api.route('GET', '/status', () => node.status())

  api.route('GET', '/peers', () => node.peers().map(p => ({ ...p, ...extraPeerInfo?.(p) })))

  api.route('POST', '/dial', async (req) => {
    const addr = stringField(objectBody(req.body), 'addr')
    return await node.dial(addr, { signal: req.signal })
  })

  api.route('POST', '/hangup', async (req) => {
    const peer = stringField(objectBody(req.body), 'peer')
    await node.hangUp(peer, { signal: req.signal })
    return { ok: true }
  })

  api.route('POST', '/send', async (req) => {
    const body = objectBody(req.body)
    const encoding = encodingField(body)
    const reply = await node.send(stringField(body, 'peer'), stringField(body, 'protocol', 64), decodeData(body.data, encoding), { signal: req.signal })
    return { reply: encodeData(reply, encoding), encoding }
  })

  api.route('POST', '/broadcast', async (req) => {
    const body = objectBody(req.body)
    const data = decodeData(body.data, encodingField(body))
    return await node.broadcast(stringField(body, 'topic', 64), data, { signal: req.signal })
  })

  api.route('POST', '/subscribe', (req) => {
    node.subscribe(stringField(objectBody(req.body), 'topic', 64))
    return { topics: node.status().topics }
  })

  api.route('GET', '/messages', (req) => {
    const raw = req.query.get('since') ?? '0'
    if (!/^\d{1,15}$/.test(raw)) throw new InvalidArgumentError(`since must be a non-negative integer, got ${JSON.stringify(raw)}`)
    return node.messages(Number(raw)).map(m => ({ ...m, data: encodeData(m.data, 'utf8'), dataHex: Buffer.from(m.data).toString('hex') }))
  })

  api.route('GET', '/metrics', async () => ({ raw: await node.metrics(), contentType: node.registry.contentType }))
}
