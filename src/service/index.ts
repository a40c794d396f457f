/**
 * Tower-style middleware: {@link Service}, {@link Layer}, a builder that
 * composes them, and the DoS-protection layers (rate limit, concurrency
 * limit, timeout, validation, metrics, peer scoring).
 *
 * @module
 */
export type { Service, Layer, InboundRequest, InboundResult, InboundService, InboundLayer } from './types.ts'
export { service } from './types.ts'
export { serviceBuilder } from './builder.ts'
export type { ServiceBuilder } from './builder.ts'
export { followResult } from './result.ts'
export type { ResultHooks } from './result.ts'
export { systemClock, manualClock } from './clock.ts'
export type { Clock, ManualClock, TimerHandle } from './clock.ts'
export * from './errors.ts'
export * from './constants.ts'
export { createRateLimiter } from './rate-limiter.ts'
export type { Quota, RateLimitRule, RateLimiterInit, RateLimitResult, RateLimiter } from './rate-limiter.ts'
export { rateLimitLayer } from './layers/rate-limit.ts'
export { concurrencyLimit, concurrencyLimitLayer } from './layers/concurrency.ts'
export type { ConcurrencyLimit, ConcurrencyLimitInit } from './layers/concurrency.ts'
export { timeoutLayer } from './layers/timeout.ts'
export type { TimeoutLayerInit } from './layers/timeout.ts'
export { validateLayer } from './layers/validate.ts'
export type { ValidateLayerInit } from './layers/validate.ts'
export { peerScoreLayer, verdictOf } from './layers/peer-score.ts'
export type { PeerScoreLayerInit } from './layers/peer-score.ts'
export { metricsLayer } from './layers/metrics.ts'
export type { ServiceMetrics } from './layers/metrics.ts'
