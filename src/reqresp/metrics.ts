/**
 * Request/response metrics on libp2p's `Metrics` registry, so they appear in
 * the node's Prometheus output. Names follow
 * `chainwire_reqresp_<thing>_{total|seconds|bytes}`; latency histogram buckets
 * are fractions of the response timeout.
 *
 * @module
 */
import { RESP_TIMEOUT_MS } from './constants.ts'
import type { ServiceMetrics } from '../service/layers/metrics.ts'
import type { Metrics } from '@libp2p/interface'

/** Latency buckets in seconds: fractions of the response timeout, up to TTFB + response timeout. */
export function latencyBuckets (respTimeoutMs = RESP_TIMEOUT_MS): number[] {
  const fractions = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5]
  return fractions.map(f => Number(((respTimeoutMs / 1000) * f).toPrecision(3)))
}

/** Gauges read when metrics are scraped. */
export interface ReqRespGauges {
  inboundStreams (): number
  outboundRequests (): number
  rateLimiterPeers (): number
  reassemblyBytes (): number
}

export interface ReqRespMetrics extends ServiceMetrics {
  /** An outbound request completed or failed (`error` is the error's name). */
  outbound (method: string, seconds: number, responseBytes: number, error?: string): void
  /** An inbound stream failed before reaching the handler (framing, decoding, timeout). */
  inboundRejected (method: string, error: string): void
}

/** Create the request/response metrics, or no-ops when `registry` is undefined. */
export function createReqRespMetrics (registry: Metrics | undefined, gauges: ReqRespGauges, respTimeoutMs = RESP_TIMEOUT_MS): ReqRespMetrics {
  if (registry == null) {
    return {
      request () {},
      response () {},
      error () {},
      outbound () {},
      inboundRejected () {}
    }
  }
  const buckets = latencyBuckets(respTimeoutMs)
  const p = 'chainwire_reqresp'
  const inRequests = registry.registerCounterGroup(`${p}_inbound_requests_total`, { label: 'method', help: 'Inbound requests that reached the service stack' })
  const inBytes = registry.registerCounterGroup(`${p}_inbound_request_bytes_total`, { label: 'method', help: 'Bytes of inbound requests' })
  const inItems = registry.registerCounterGroup(`${p}_inbound_response_items_total`, { label: 'method', help: 'Response items sent' })
  const inErrors = registry.registerCounterGroup(`${p}_inbound_errors_total`, { label: 'method', help: 'Inbound requests that failed' })
  const inErrorNames = registry.registerCounterGroup(`${p}_inbound_error_names_total`, { label: 'error', help: 'Inbound failures by error name' })
  const inLatency = registry.registerHistogramGroup(`${p}_inbound_seconds`, { label: 'method', buckets, help: 'Inbound request to last response item' })
  const outRequests = registry.registerCounterGroup(`${p}_outbound_requests_total`, { label: 'method', help: 'Outbound requests' })
  const outBytes = registry.registerCounterGroup(`${p}_outbound_response_bytes_total`, { label: 'method', help: 'Bytes of responses received' })
  const outErrors = registry.registerCounterGroup(`${p}_outbound_errors_total`, { label: 'method', help: 'Outbound requests that failed' })
  const outErrorNames = registry.registerCounterGroup(`${p}_outbound_error_names_total`, { label: 'error', help: 'Outbound failures by error name' })
  const outLatency = registry.registerHistogramGroup(`${p}_outbound_seconds`, { label: 'method', buckets, help: 'Outbound request to last response item' })
  registry.registerMetricGroup(`${p}_state`, {
    label: 'what',
    help: 'Sizes of bounded engine state',
    calculate: () => ({
      inbound_streams: gauges.inboundStreams(),
      outbound_requests: gauges.outboundRequests(),
      rate_limiter_peers: gauges.rateLimiterPeers(),
      reassembly_bytes: gauges.reassemblyBytes()
    })
  })
  return {
    request (method, bytes) {
      inRequests.increment({ [method]: true })
      inBytes.increment({ [method]: bytes })
    },
    response (method, items, seconds) {
      inItems.increment({ [method]: items })
      inLatency.observe({ [method]: seconds })
    },
    error (method, error, seconds) {
      inErrors.increment({ [method]: true })
      inErrorNames.increment({ [error]: true })
      inLatency.observe({ [method]: seconds })
    },
    outbound (method, seconds, responseBytes, error) {
      outRequests.increment({ [method]: true })
      outBytes.increment({ [method]: responseBytes })
      outLatency.observe({ [method]: seconds })
      if (error != null) {
        outErrors.increment({ [method]: true })
        outErrorNames.increment({ [error]: true })
      }
    },
    inboundRejected (method, error) {
      inErrors.increment({ [method]: true })
      inErrorNames.increment({ [error]: true })
    }
  }
}
