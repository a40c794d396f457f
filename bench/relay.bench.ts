/**
 * Transaction relay, `inv` against `gossip`, in the same run: a 10-node
 * devnet on 127.0.0.1 (in one process, regtest devchain, the devnet's
 * trickle means), a generator injecting transactions at random nodes at a
 * steady rate. Measured per mode:
 *
 * - bytes per transaction per node: bytes sent on the relay protocols'
 *   streams (libp2p's per-protocol stream counters: inv, getdata, tx and
 *   feefilter in inv mode; gossipsub's stream in gossip mode, its heartbeats
 *   included), summed over nodes, over transactions × nodes;
 * - transaction bodies received per transaction per node (duplicates);
 * - announcement-to-acceptance latency: from the origin's acceptance to each
 *   other node's acceptance (p50/p95/p99).
 *
 * Writes bench/results/relay.{json,md}.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { DEVNET_INBOUND_TRICKLE_MS, DEVNET_OUTBOUND_TRICKLE_MS } from '../src/protocols/tx-relay/constants.ts'
import { startChainNet } from '../test/protocols/devnet.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { recordFirstSeen, sentSince, snapshot } from './transfer.ts'
import type { TxRelay } from '../src/protocols/tx-relay/index.ts'
import type { TxRelayMode } from '../src/config/options.ts'
import { percentile } from './stats.ts'

const NODES = Number(process.env.BENCH_RELAY_NODES ?? 10)
const TXS = Number(process.env.BENCH_RELAY_TXS ?? 400)
const RATE = Number(process.env.BENCH_RELAY_RATE ?? 100) // transactions per second

interface ModeResult {
  mode: TxRelayMode
  nodes: number
  txs: number
  seconds: number
  bytesPerTxPerNode: number
  /** Mean serialised transaction size. */
  txBytes: number
  bodiesPerTxPerNode: number
  latencyMs: { p50: number, p95: number, p99: number, max: number }
  protocols: Record<string, number>
}

async function runMode (mode: TxRelayMode): Promise<ModeResult> {
  const net = await startChainNet(NODES, {
    blocks: 40,
    txsPerBlock: 14,
    config: () => ({ txRelay: mode, txTrickleInboundMs: DEVNET_INBOUND_TRICKLE_MS, txTrickleOutboundMs: DEVNET_OUTBOUND_TRICKLE_MS })
  })
  try {
    if (mode === 'gossip') {
      await waitFor(() => net.nodes.every(n => n.libp2p.services.pubsub.getSubscribers('/chainwire/regtest/tx/1').length >= 2), 'tx topic mesh', 20_000)
      // let gossipsub graft its mesh
      await new Promise(resolve => setTimeout(resolve, 2000))
    }
    // bytes from here on (the chain's setup relayed transactions too)
    const before = await snapshot(net.nodes)
    const { seen: accepted, stop: stopRecording } = recordFirstSeen(net.nodes, 'tx:added')
    const origin = new Map<string, { node: number, at: number }>()
    const started = performance.now()
    const hexes: string[] = []
    let txBytes = 0
    for (let i = 0; i < TXS; i++) {
      const t = net.makeTx()
      txBytes += t.tx.byteLength
      const at = Math.floor(Math.random() * NODES)
      hexes.push(t.hex)
      const r = await net.nodes[at].chain?.mempool.add(t.tx)
      if (r?.status !== 'accepted') throw new Error(`generated tx: ${r?.status}`)
      origin.set(t.hex, { node: at, at: accepted.get(t.hex)?.get(at) ?? performance.now() })
      const due = started + (i + 1) * 1000 / RATE
      const wait = due - performance.now()
      if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
    }
    await waitFor(() => hexes.every(h => (accepted.get(h)?.size ?? 0) === NODES), 'every transaction at every node', 120_000)
    const seconds = (performance.now() - started) / 1000
    stopRecording()

    const latencies: number[] = []
    for (const h of hexes) {
      const o = origin.get(h) as { node: number, at: number }
      for (const [node, t] of accepted.get(h) as Map<number, number>) if (node !== o.node) latencies.push(t - o.at)
    }
    const relayProtocols = mode === 'inv'
      ? (p: string) => /\/chainwire\/regtest\/(inv|getdata|tx|feefilter)\/1$/.test(p)
      : (p: string) => p.startsWith('/meshsub/')
    const protocols: Record<string, number> = {}
    let total = 0
    for (const [p, b] of await sentSince(net.nodes, before)) {
      protocols[p] = b
      if (relayProtocols(p)) total += b
    }
    let bodies = 0
    for (const n of net.nodes) {
      const s = (n.protocols.get('tx-relay') as TxRelay).stats()
      bodies += s.received.accepted + s.received.duplicate + s.received.orphan + s.gossip.ignore
    }
    return {
      mode,
      nodes: NODES,
      txs: TXS,
      seconds: Number(seconds.toFixed(2)),
      bytesPerTxPerNode: Math.round(total / (TXS * NODES)),
      txBytes: Math.round(txBytes / TXS),
      bodiesPerTxPerNode: Number((bodies / (TXS * (NODES - 1))).toFixed(3)),
      latencyMs: {
        p50: Math.round(percentile(latencies, 0.5)),
        p95: Math.round(percentile(latencies, 0.95)),
        p99: Math.round(percentile(latencies, 0.99)),
        max: Math.round(Math.max(...latencies))
      },
      protocols: Object.fromEntries(Object.entries(protocols).filter(([p]) => relayProtocols(p)))
    }
  } finally {
    await net.stop()
  }
}

const results: ModeResult[] = []
for (const mode of ['inv', 'gossip'] as const) {
  console.log(`relay bench: ${mode} mode, ${NODES} nodes, ${TXS} transactions at ${RATE}/s`)
  const r = await runMode(mode)
  console.log(r)
  results.push(r)
}

const meta = { date: new Date().toISOString(), node: process.version, cpus: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}` }
const dir = new URL('./results/', import.meta.url)
mkdirSync(dir, { recursive: true })
writeFileSync(new URL('relay.json', dir), JSON.stringify({ ...meta, trickleMs: { inbound: DEVNET_INBOUND_TRICKLE_MS, outbound: DEVNET_OUTBOUND_TRICKLE_MS }, results }, null, 2) + '\n')
const [inv, gossip] = results
const md = `# transaction relay benchmark

${meta.date}, Node ${meta.node}, ${meta.cpus}. Command: \`npm run bench -- relay\`.

${NODES} nodes on 127.0.0.1 in one process (regtest devchain; a fixed sparse topology plus a bootstrap
star), ${TXS} transactions injected at random nodes at ${RATE}/s. Inv mode uses the devnet trickle means
(${DEVNET_INBOUND_TRICKLE_MS} ms inbound, ${DEVNET_OUTBOUND_TRICKLE_MS} ms outbound).

| | inv | gossip |
|---|---:|---:|
| bytes per transaction per node (relay streams) | ${inv.bytesPerTxPerNode} | ${gossip.bytesPerTxPerNode} |
| … in transaction sizes (mean size ${inv.txBytes} B) | ${(inv.bytesPerTxPerNode / inv.txBytes).toFixed(1)} × | ${(gossip.bytesPerTxPerNode / gossip.txBytes).toFixed(1)} × |
| transaction bodies received per transaction per node | ${inv.bodiesPerTxPerNode} | ${gossip.bodiesPerTxPerNode} (validated; gossipsub drops further duplicates before validation) |
| latency p50 (ms) | ${inv.latencyMs.p50} | ${gossip.latencyMs.p50} |
| latency p95 (ms) | ${inv.latencyMs.p95} | ${gossip.latencyMs.p95} |
| latency p99 (ms) | ${inv.latencyMs.p99} | ${gossip.latencyMs.p99} |
| latency max (ms) | ${inv.latencyMs.max} | ${gossip.latencyMs.max} |

Latency runs from the origin's acceptance to each other node's acceptance. Bytes are those written on the
relay protocols' streams (before yamux and noise framing), summed over all nodes; gossip's include its
heartbeat and control traffic.
`
writeFileSync(new URL('relay.md', dir), md)
console.log(md)
