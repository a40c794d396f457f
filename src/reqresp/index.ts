/**
 * The request/response engine: protocol table, typed requests and
 * notifications over libp2p streams, handlers behind the service layers.
 *
 * @module
 */
export { reqResp } from './engine.ts'
export type {
  ReqResp, ReqRespComponents, ReqRespInit, ReqRespRegistrar, ReqRespDialer, RequestOptions, RegisterOptions,
  Handler, ReqRespStats
} from './engine.ts'
export { PROTOCOLS, METHOD_RULES, resolveProtocols } from './protocols.ts'
export type { MethodSpec, MethodTimeouts, MethodRules, CostUnit } from './protocols.ts'
export * from './constants.ts'
export * from './errors.ts'
export { createReqRespMetrics, latencyBuckets } from './metrics.ts'
export type { ReqRespMetrics, ReqRespGauges } from './metrics.ts'
export { METHODS } from '../wire/messages.ts'
export type { Method, MethodTypes, RequestOf, ResponseOf, OneWayMethod, RequestMethod } from '../wire/messages.ts'
