/**
 * Transaction relay metrics, on the node's Prometheus registry. Names follow
 * `chainwire_tx_relay_<thing>_{total|bytes}`.
 *
 * @module
 */
import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'

/** What happened to a transaction we received. */
export type TxReceiveResult =
  | 'accepted' | 'duplicate' | 'orphan' | 'conflict' | 'fee-too-low' | 'invalid' | 'unsolicited' | 'busy' | 'malformed'

/** Why a request for a transaction did not deliver it. */
export type TxRequestFailure = 'notfound' | 'timeout' | 'error' | 'missing'

/** What happened to one announced txid. */
export type InvResult = 'new' | 'have' | 'tracked' | 'capped'

/** Sizes of bounded state, read when metrics are scraped. */
export interface TxRelayGauges {
  peers (): number
  tracked (): number
  inFlight (): number
  announceQueue (): number
}

export interface TxRelayMetrics {
  invSent (items: number): void
  invReceived (result: InvResult, n?: number): void
  requested (n: number): void
  received (result: TxReceiveResult, bytes: number): void
  requestFailed (reason: TxRequestFailure, n: number): void
  served (found: number, notFound: number): void
  gossip (result: 'accept' | 'ignore' | 'reject' | 'published'): void
  feeFilterSent (): void
}

/** Create the metrics, or no-ops without a registry. */
export function createTxRelayMetrics (registry: Registry | undefined, gauges: TxRelayGauges): TxRelayMetrics {
  if (registry == null) {
    return {
      invSent () {},
      invReceived () {},
      requested () {},
      received () {},
      requestFailed () {},
      served () {},
      gossip () {},
      feeFilterSent () {}
    }
  }
  const p = 'chainwire_tx_relay'
  const registers = [registry]
  const invSent = new Counter({ name: `${p}_inv_sent_items_total`, help: 'Transactions announced to peers', registers })
  const invReceived = new Counter({ name: `${p}_inv_received_items_total`, help: 'Transaction announcements received, by what we did with them', labelNames: ['result'], registers })
  const requested = new Counter({ name: `${p}_requested_total`, help: 'Transactions requested with getdata', registers })
  const received = new Counter({ name: `${p}_received_total`, help: 'Transactions received, by the mempool verdict', labelNames: ['result'], registers })
  const receivedBytes = new Counter({ name: `${p}_received_bytes_total`, help: 'Bytes of transactions received', registers })
  const failed = new Counter({ name: `${p}_request_failures_total`, help: 'Requested transactions not delivered, by reason', labelNames: ['reason'], registers })
  const served = new Counter({ name: `${p}_served_total`, help: 'Transactions served to getdata, found or not', labelNames: ['found'], registers })
  const gossip = new Counter({ name: `${p}_gossip_messages_total`, help: 'Gossip-mode messages, by validation result', labelNames: ['result'], registers })
  const feeFilters = new Counter({ name: `${p}_feefilter_sent_total`, help: 'Fee filter updates sent', registers })
  const state = new Gauge({
    name: `${p}_state`,
    help: 'Sizes of bounded relay state',
    labelNames: ['what'],
    registers,
    collect () {
      this.set({ what: 'peers' }, gauges.peers())
      this.set({ what: 'tracked' }, gauges.tracked())
      this.set({ what: 'in_flight' }, gauges.inFlight())
      this.set({ what: 'announce_queue' }, gauges.announceQueue())
    }
  })
  void state
  return {
    invSent (items) { invSent.inc(items) },
    invReceived (result, n = 1) { invReceived.inc({ result }, n) },
    requested (n) { requested.inc(n) },
    received (result, bytes) {
      received.inc({ result })
      receivedBytes.inc(bytes)
    },
    requestFailed (reason, n) { failed.inc({ reason }, n) },
    served (found, notFound) {
      if (found > 0) served.inc({ found: 'yes' }, found)
      if (notFound > 0) served.inc({ found: 'no' }, notFound)
    },
    gossip (result) { gossip.inc({ result }) },
    feeFilterSent () { feeFilters.inc() }
  }
}
