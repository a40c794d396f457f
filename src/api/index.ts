/**
 * The HTTP/JSON control API.
 *
 * @module
 */
import { splitHostPort } from '../config/load.ts'
import { InvalidArgumentError } from '../errors.ts'
import { apiServer } from './server.ts'
import { nodeRoutes } from './routes.ts'
import { chainRoutes } from './chain-routes.ts'
import { dashboardRoutes } from './dashboard.ts'
import type { ApiServer } from './server.ts'
import type { ChainwireNode } from '../node/index.ts'

export type { ApiServer, ApiRequest, RouteHandler, HttpMethod } from './server.ts'
export { apiServer, HttpError, toJson } from './server.ts'

/** Options of {@link createApi}. */
export interface CreateApiOptions {
  /** `HOST:PORT`; defaults to the node's configured `api`. */
  listen?: string
  /** Bearer token; defaults to the node's configured `apiToken`. */
  token?: string
}

/**
 * Build the control API for a node, with every endpoint registered. Call
 * `start()` to listen.
 *
 * @example
 * ```ts
 * const api = createApi(node, { listen: '127.0.0.1:8080' })
 * await api.start()
 * console.log(api.url)
 * ```
 */
export function createApi (node: ChainwireNode, options: CreateApiOptions = {}): ApiServer {
  const listen = options.listen ?? node.config.api
  const hp = splitHostPort(listen)
  if (hp == null) throw new InvalidArgumentError(`API address must be HOST:PORT, got ${JSON.stringify(listen)}`)
  const api = apiServer({ host: hp.host, port: hp.port, token: options.token ?? node.config.apiToken })({ log: node.logs.forComponent('chainwire:api') })
  nodeRoutes(api, node)
  chainRoutes(api, node)
  for (const p of node.protocols.values()) p.routes?.(api)
  dashboardRoutes(api)
  return api
}
