/**
 * Metrics of the status handshake, on the node's Prometheus registry.
 *
 * @module
 */
import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'

/** The outcome of one handshake. */
export type HandshakeResult = 'ready' | 'mismatch' | 'timeout'

export interface StatusMetrics {
  handshake (result: HandshakeResult): void
}

/** Create the status metrics, or no-ops without a registry. */
export function createStatusMetrics (registry: Registry | undefined, readyPeers: () => number): StatusMetrics {
  if (registry == null) return { handshake () {} }
  const handshakes = new Counter({
    name: 'chainwire_status_handshakes_total',
    help: 'Status handshakes by outcome (ready, mismatch, timeout)',
    labelNames: ['result'] as const,
    registers: [registry]
  })
  new Gauge({
    name: 'chainwire_status_ready_peers',
    help: 'Peers that completed the status handshake',
    registers: [registry],
    collect () { this.set(readyPeers()) }
  })
  return {
    handshake (result) { handshakes.inc({ result }) }
  }
}
