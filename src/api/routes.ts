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
 * | GET    | /bans         |                                       | bans: id, kind, target, reason, source, created, expires |
 * | POST   | /bans         | `{ peer \| ip \| cidr, duration?, reason }` | the ban |
 * | DELETE | /bans/:id     | (URL-encode a subnet's `/`)           | the removed ban |
 *
 * `encoding` is `utf8` (default), `hex` or `base64`, for `data` and `reply`.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.ts'
import type { ApiServer } from './server.ts'
import type { ChainwireNode, PeerSummary } from '../node/index.ts'
import type { PeerInfo } from '../peers/index.ts'

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

/**
 * Parse a ban duration: a number of seconds, or a string with a unit
 * (`90s`, `30m`, `24h`, `7d`). Returns milliseconds.
 */
export function parseDuration (value: unknown, name = 'duration'): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.round(value * 1000)
  if (typeof value === 'string') {
    const m = /^(\d{1,9})(s|m|h|d)$/.exec(value.trim())
    if (m != null) {
      const n = Number(m[1])
      const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd']
      if (n > 0) return n * unit
    }
  }
  throw new InvalidArgumentError(`${name} must be a positive number of seconds or a string like "30m", "24h", "7d", got ${JSON.stringify(value)}`)
}

/** Peer manager facts for one peer, merged into `GET /peers`. */
function peerExtras (info: PeerInfo | undefined): Record<string, unknown> {
  if (info == null) return {}
  return { score: info.score, ip: info.ip, subnet: info.subnet, netgroup: info.netgroup, banned: info.banned, allowListed: info.allowListed, connections: info.connections }
}

/** Register the node endpoints. */
export function nodeRoutes (api: ApiServer, node: ChainwireNode): void {
  api.route('GET', '/status', () => node.status())

  api.route('GET', '/peers', () => {
    const byId = new Map(node.peerManager.list().map(p => [p.id, p]))
    return node.peers().map((p: PeerSummary) => ({ ...p, ...peerExtras(byId.get(p.id)) }))
  })

  api.route('GET', '/bans', () => node.peerManager.bans())

  api.route('POST', '/bans', async (req) => {
    const body = objectBody(req.body)
    const targets = ['peer', 'ip', 'cidr'].filter(k => body[k] != null)
    if (targets.length !== 1) throw new InvalidArgumentError(`give exactly one of peer, ip or cidr, got ${targets.length === 0 ? 'none' : targets.join(' and ')}`)
    const key = targets[0]
    return await node.peerManager.ban({
      [key]: stringField(body, key, 256),
      durationMs: body.duration != null ? parseDuration(body.duration) : undefined,
      reason: stringField(body, 'reason', 256)
    })
  })

  api.route('DELETE', '/bans/:id', async (req) => await node.peerManager.unban(req.params.id))

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
