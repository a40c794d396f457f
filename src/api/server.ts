/**
 * A small HTTP/JSON server with typed routes, bounded bodies and bearer-token
 * auth. The control API's endpoints are registered on it (see `routes.ts`);
 * other modules add theirs the same way.
 *
 * @module
 */
import { createServer } from 'node:http'
import { timingSafeEqual, createHash } from 'node:crypto'
import { API_MAX_BODY_BYTES, API_MAX_CONNECTIONS, API_REQUEST_TIMEOUT_MS } from '../config/constants.ts'
import { isLoopbackHost } from '../config/load.ts'
import { ChainwireError, InvalidArgumentError } from '../errors.ts'
import type { Log } from '../logger.ts'
import type { IncomingMessage, ServerResponse, Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'DELETE'

/** What a route handler receives. */
export interface ApiRequest {
  method: HttpMethod
  path: string
  /** Named path parameters (`/tx/:id` → `{ id }`). */
  params: Record<string, string>
  query: URLSearchParams
  /** Parsed JSON body (POST), or undefined. */
  body: unknown
  /** Aborted when the client goes away or the request times out. */
  signal: AbortSignal
}

/** A route's result: a JSON value, or a raw body with its content type. */
export type ApiResult = unknown | { raw: string | Uint8Array, contentType: string, status?: number }

export type RouteHandler = (req: ApiRequest) => Promise<ApiResult> | ApiResult

/** An error with an HTTP status, for handlers to throw. */
export class HttpError extends ChainwireError {
  static override name = 'HttpError'
  readonly status: number
  constructor (status: number, message: string) {
    super(message)
    this.name = 'HttpError'
    this.status = status
  }
}

/** Maps typed errors to HTTP statuses. Unknown errors are bugs: 500. */
const STATUS_BY_ERROR: Record<string, number> = {
  InvalidArgumentError: 400,
  InvalidConfigError: 400,
  InvalidBanError: 400,
  WalletError: 400,
  BanNotFoundError: 404,
  BanListFullError: 503,
  NoHandlerError: 404,
  NotConnectedError: 409,
  NotStartedError: 503,
  DialError: 502,
  RemoteHandlerError: 502,
  UnsupportedProtocolError: 502,
  TimeoutError: 504,
  AbortError: 499
}

export interface ApiServerInit {
  host: string
  port: number
  /** Bearer token; '' means none (allowed on loopback only). */
  token: string
}

export interface ApiServerComponents {
  log: Log
}

export interface ApiServer {
  route (method: HttpMethod, pattern: string, handler: RouteHandler): void
  start (): Promise<void>
  stop (): Promise<void>
  /** `http://host:port`, once started. */
  readonly url: string
  readonly port: number
}

interface Route {
  method: HttpMethod
  parts: string[]
  handler: RouteHandler
}

function matchRoute (route: Route, parts: string[]): Record<string, string> | undefined {
  if (route.parts.length !== parts.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < parts.length; i++) {
    const want = route.parts[i]
    if (want.startsWith(':')) {
      try {
        params[want.slice(1)] = decodeURIComponent(parts[i])
      } catch {
        return undefined
      }
    } else if (want !== parts[i]) {
      return undefined
    }
  }
  return params
}

async function readBody (req: IncomingMessage, signal: AbortSignal): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > API_MAX_BODY_BYTES) throw new HttpError(413, `request body is ${declared} bytes (max ${API_MAX_BODY_BYTES})`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    if (signal.aborted) throw new HttpError(408, 'request timed out')
    size += (chunk as Buffer).byteLength
    if (size > API_MAX_BODY_BYTES) throw new HttpError(413, `request body exceeds ${API_MAX_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  if (size === 0) return undefined
  const text = Buffer.concat(chunks).toString('utf8')
  try {
    return JSON.parse(text)
  } catch (err: any) {
    throw new HttpError(400, `malformed JSON body: ${err.message}`)
  }
}

function sameToken (given: string, want: string): boolean {
  // hash both so the comparison is constant-time regardless of length
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(want).digest()
  return timingSafeEqual(a, b)
}

/** JSON with bigints as decimal strings and bytes as hex. */
export function toJson (value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (typeof v === 'bigint') return v.toString()
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex')
    return v
  })
}

/**
 * Create the API server.
 *
 * @throws InvalidArgumentError when bound off loopback without a token
 */
export function apiServer (init: ApiServerInit): (components: ApiServerComponents) => ApiServer {
  return ({ log }) => {
    if (!isLoopbackHost(init.host) && init.token === '') {
      throw new InvalidArgumentError(`the API may bind to ${init.host} only with a bearer token`)
    }
    const routes: Route[] = []
    let server: Server | undefined
    let port = init.port

    const send = (res: ServerResponse, status: number, body: string | Uint8Array, contentType: string): void => {
      if (res.headersSent) return
      res.writeHead(status, {
        'content-type': contentType,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff'
      })
      res.end(body)
    }
    const sendError = (res: ServerResponse, status: number, name: string, message: string): void => {
      send(res, status, toJson({ error: name, message }), 'application/json')
    }

    const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const ac = new AbortController()
      const timer = setTimeout(() => { ac.abort() }, API_REQUEST_TIMEOUT_MS)
      res.on('close', () => { clearTimeout(timer); ac.abort() })
      try {
        if (init.token !== '') {
          const auth = req.headers.authorization ?? ''
          const m = /^Bearer\s+(\S+)$/i.exec(auth)
          if (m == null || !sameToken(m[1], init.token)) {
            res.setHeader('www-authenticate', 'Bearer')
            sendError(res, 401, 'Unauthorized', 'missing or wrong bearer token')
            return
          }
        }
        const url = new URL(req.url ?? '/', 'http://localhost')
        const parts = url.pathname.split('/').filter(p => p !== '')
        const method = (req.method ?? 'GET').toUpperCase()
        let allowed = false
        for (const route of routes) {
          const params = matchRoute(route, parts)
          if (params == null) continue
          allowed = true
          if (route.method !== method) continue
          const body = method === 'POST' ? await readBody(req, ac.signal) : undefined
          const result = await route.handler({ method: route.method, path: url.pathname, params, query: url.searchParams, body, signal: ac.signal })
          if (result != null && typeof result === 'object' && 'raw' in result && 'contentType' in result) {
            const r = result as { raw: string | Uint8Array, contentType: string, status?: number }
            send(res, r.status ?? 200, r.raw, r.contentType)
          } else {
            send(res, 200, toJson(result ?? { ok: true }), 'application/json')
          }
          return
        }
        if (allowed) sendError(res, 405, 'MethodNotAllowed', `${method} is not allowed on ${url.pathname}`)
        else sendError(res, 404, 'NotFound', `no route for ${url.pathname}`)
      } catch (err: any) {
        const status = err instanceof HttpError ? err.status : STATUS_BY_ERROR[err?.name] ?? 500
        if (status === 500) log.error('API %s %s failed: %e', req.method, req.url, err)
        sendError(res, status, err?.name ?? 'Error', status === 500 ? 'internal error' : String(err?.message))
      } finally {
        clearTimeout(timer)
      }
    }

    const api: ApiServer = {
      route (method, pattern, handler) {
        routes.push({ method, parts: pattern.split('/').filter(p => p !== ''), handler })
      },
      async start () {
        server = createServer((req, res) => { void handle(req, res) })
        server.requestTimeout = API_REQUEST_TIMEOUT_MS
        server.headersTimeout = Math.min(API_REQUEST_TIMEOUT_MS, 10_000)
        server.maxConnections = API_MAX_CONNECTIONS
        await new Promise<void>((resolve, reject) => {
          server?.once('error', reject)
          server?.listen(init.port, init.host, () => { server?.off('error', reject); resolve() })
        })
        port = (server.address() as AddressInfo).port
        log.info('control API on %s', api.url)
      },
      async stop () {
        if (server == null) return
        const s = server
        server = undefined
        s.closeAllConnections()
        await new Promise<void>(resolve => { s.close(() => { resolve() }) })
      },
      get url () {
        const h = init.host.includes(':') ? `[${init.host}]` : init.host
        return `http://${h}:${port}`
      },
      get port () { return port }
    }
    return api
  }
}
