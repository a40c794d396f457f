/**
 * Block propagation across a 10-node devnet, compact blocks against full
 * blocks, in the same run: two devnets on 127.0.0.1 (one process each in
 * turn, regtest devchain, inv tx relay at the devnet's trickle means), one on
 * `blockRelay: compact` (the default), one on `blockRelay: full`. In each,
 * a generator injects transactions at random nodes at a steady rate and a
 * random node mines a block of its mempool at a fixed interval. Measured:
 *
 * - per block and receiving node: time from the miner's acceptance (its
 *   chain's `tip` event) to the node's (p50/p95/p99/max);
 * - per block: time until the last node has it (p50/p95/p99/max);
 * - bytes written on the block-relay streams (block_announce, get_headers,
 *   get_blocks_by_hash, get_blocks_by_range, sendcmpct, cmpctblock,
 *   getblocktxn; libp2p's per-protocol counters, before yamux and noise),
 *   per block per receiving node, against the mean block size.
 *
 * Writes bench/results/propagation.{json,md}.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { DEVNET_INBOUND_TRICKLE_MS, DEVNET_OUTBOUND_TRICKLE_MS } from '../src/protocols/tx-relay/constants.ts'
import { startChainNet } from '../test/protocols/devnet.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { recordFirstSeen, sentSince, snapshot } from './transfer.ts'
import type { BlockRelayMode } from '../src/config/options.ts'
import type { CompactBlocks } from '../src/protocols/compact-blocks/index.ts'
import type { Devchain } from '../src/devchain/index.ts'
import { percentile } from './stats.ts'

const NODES = Number(process.env.BENCH_PROP_NODES ?? 10)
const BLOCKS = Number(process.env.BENCH_PROP_BLOCKS ?? 20)
const RATE = Number(process.env.BENCH_PROP_TX_RATE ?? 50) // transactions per second
const INTERVAL_MS = Number(process.env.BENCH_PROP_BLOCK_MS ?? 3000)

const BLOCK_PROTOCOLS = /\/chainwire\/regtest\/(block_announce|get_headers|get_blocks_by_hash|get_blocks_by_range|sendcmpct|cmpctblock|getblocktxn)\/1$/

function pcts (xs: number[]): { p50: number, p95: number, p99: number, max: number } {
  return { p50: Math.round(percentile(xs, 0.5)), p95: Math.round(percentile(xs, 0.95)), p99: Math.round(percentile(xs, 0.99)), max: Math.round(Math.max(...xs)) }
}

interface ModeResult {
  mode: BlockRelayMode
  nodes: number
  blocks: number
  avgBlockBytes: number
  avgBlockTxs: number
  /** Miner's acceptance → each other node's acceptance. */
  nodeDelayMs: ReturnType<typeof pcts>
  /** Miner's acceptance → the last node's acceptance. */
  allNodesMs: ReturnType<typeof pcts>
  bytesPerBlockPerNode: number
  protocols: Record<string, number>
  /** Compact mode: blocks rebuilt with 0 / 1 extra round trips, and fallbacks to the full block. */
  compact?: { zero: number, one: number, fallbacks: number, highBandwidth: number }
}

async function runMode (mode: BlockRelayMode): Promise<ModeResult> {
  const net = await startChainNet(NODES, {
    blocks: 60,
    txsPerBlock: 20,
    config: () => ({ blockRelay: mode, txTrickleInboundMs: DEVNET_INBOUND_TRICKLE_MS, txTrickleOutboundMs: DEVNET_OUTBOUND_TRICKLE_MS })
  })
  const atTip = (hash: Uint8Array): boolean => net.nodes.every(n => Buffer.compare(n.chain?.tip().hash ?? new Uint8Array(0), hash) === 0)
  try {
    // coins for the generator: fan 15 coins out into 400 each, confirmed everywhere
    const fan = Array.from({ length: 15 }, () => net.makeTx({ outputs: 400 }))
    for (const t of fan) await net.nodes[0].chain?.mempool.add(t.tx)
    const fanChain = net.nodes[0].devchain as Devchain
    const fanned = await fanChain.submitBlock(await fanChain.mineBlock(await fanChain.createBlockTemplate({ pkh: net.key.pkh })) as Uint8Array)
    if (fanned.status !== 'accepted') throw new Error(`fan-out block ${fanned.status}`)
    await waitFor(() => atTip(fanned.hash), 'the fan-out block everywhere', 20_000)
    net.coins.unshift(...fan.flatMap(t => t.outputs))

    // acceptance times of blocks at each node
    const { seen: accepted, stop: stopRecording } = recordFirstSeen(net.nodes, 'tip')
    let stop = false
    const generator = (async () => {
      const started = performance.now()
      let i = 0
      while (!stop && net.coins.length > 0) {
        const t = net.makeTx()
        await net.nodes[Math.floor(Math.random() * NODES)].chain?.mempool.add(t.tx)
        const wait = started + (++i) * 1000 / RATE - performance.now()
        if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
      }
    })()
    // bytes from here on (the chain's setup and the fan-out moved blocks too)
    const before = await snapshot(net.nodes)
    const mined: Array<{ hex: string, miner: number, bytes: number, txs: number }> = []
    for (let b = 0; b < BLOCKS; b++) {
      await new Promise(resolve => setTimeout(resolve, INTERVAL_MS))
      const m = Math.floor(Math.random() * NODES)
      const chain = net.nodes[m].devchain as Devchain
      const block = await chain.mineBlock(await chain.createBlockTemplate({ pkh: net.key.pkh })) as Uint8Array
      const r = await chain.submitBlock(block)
      if (r.status !== 'accepted') throw new Error(`block ${r.status}`)
      mined.push({ hex: Buffer.from(r.hash).toString('hex'), miner: m, bytes: block.byteLength, txs: chain.splitBlock(block).txs.length })
      await waitFor(() => atTip(r.hash), `block ${b} everywhere`, 30_000)
    }
    stop = true
    await generator
    stopRecording()

    const nodeDelays: number[] = []
    const allNodes: number[] = []
    for (const b of mined) {
      const times = accepted.get(b.hex) as Map<number, number>
      const t0 = times.get(b.miner) as number
      let last = 0
      for (const [node, t] of times) {
        if (node === b.miner) continue
        nodeDelays.push(t - t0)
        last = Math.max(last, t - t0)
      }
      allNodes.push(last)
    }
    const protocols: Record<string, number> = {}
    let total = 0
    for (const [p, bytes] of await sentSince(net.nodes, before)) {
      if (!BLOCK_PROTOCOLS.test(p)) continue
      protocols[p] = bytes
      total += bytes
    }
    let compact: ModeResult['compact']
    if (mode === 'compact') {
      compact = { zero: 0, one: 0, fallbacks: 0, highBandwidth: 0 }
      for (const n of net.nodes) {
        const s = (n.protocols.get('compact-blocks') as CompactBlocks).stats()
        const mine = s.recent.filter(r => mined.some(b => b.hex === r.hash))
        compact.zero += mine.filter(r => r.roundTrips === 0).length
        compact.one += mine.filter(r => r.roundTrips === 1).length
        compact.highBandwidth += mine.filter(r => r.highBandwidth).length
        compact.fallbacks += Object.values(s.fallbacks).reduce((a, x) => a + x, 0)
      }
    }
    return {
      mode,
      nodes: NODES,
      blocks: mined.length,
      avgBlockBytes: Math.round(mined.reduce((a, b) => a + b.bytes, 0) / mined.length),
      avgBlockTxs: Math.round(mined.reduce((a, b) => a + b.txs, 0) / mined.length),
      nodeDelayMs: pcts(nodeDelays),
      allNodesMs: pcts(allNodes),
      bytesPerBlockPerNode: Math.round(total / (mined.length * (NODES - 1))),
      protocols,
      compact
    }
  } finally {
    await net.stop()
  }
}

const results: ModeResult[] = []
for (const mode of ['compact', 'full'] as const) {
  console.log(`propagation bench: ${mode} blocks, ${NODES} nodes, ${BLOCKS} blocks every ${INTERVAL_MS} ms, transactions at ${RATE}/s`)
  const r = await runMode(mode)
  console.log(r)
  results.push(r)
}

const meta = { date: new Date().toISOString(), node: process.version, cpus: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}` }
const dir = new URL('./results/', import.meta.url)
mkdirSync(dir, { recursive: true })
writeFileSync(new URL('propagation.json', dir), JSON.stringify({ ...meta, rate: RATE, intervalMs: INTERVAL_MS, results }, null, 2) + '\n')
const [c, f] = results
const row = (label: string, get: (r: ModeResult) => string | number): string => `| ${label} | ${get(c)} | ${get(f)} |`
const md = `# block propagation benchmark

${meta.date}, Node ${meta.node}, ${meta.cpus}. Command: \`npm run bench -- propagation\`.

${NODES} nodes on 127.0.0.1 in one process (regtest devchain; a fixed sparse topology plus a bootstrap
star), one devnet per mode, run one after the other. Transactions at ${RATE}/s by inv relay (devnet
trickles, ${DEVNET_INBOUND_TRICKLE_MS} / ${DEVNET_OUTBOUND_TRICKLE_MS} ms) at random nodes; every ${INTERVAL_MS} ms a random node mines its
mempool; ${BLOCKS} blocks per mode. Delays run from the miner's acceptance to each node's (its chain's
\`tip\` event), on one clock.

| | compact (default) | full |
|---|---:|---:|
${row('blocks', r => r.blocks)}
${row('block size (mean)', r => `${r.avgBlockBytes} B, ${r.avgBlockTxs} txs`)}
${row('**per node: p50 (ms)**', r => `**${r.nodeDelayMs.p50}**`)}
${row('per node: p95 (ms)', r => r.nodeDelayMs.p95)}
${row('per node: p99 (ms)', r => r.nodeDelayMs.p99)}
${row('per node: max (ms)', r => r.nodeDelayMs.max)}
${row('all nodes: p50 (ms)', r => r.allNodesMs.p50)}
${row('all nodes: p95 (ms)', r => r.allNodesMs.p95)}
${row('all nodes: p99 (ms)', r => r.allNodesMs.p99)}
${row('block-relay bytes per block per receiving node', r => r.bytesPerBlockPerNode)}
${row('… as % of the block', r => `${(100 * r.bytesPerBlockPerNode / r.avgBlockBytes).toFixed(1)} %`)}

Compact mode: ${c.compact?.zero ?? 0} receptions rebuilt with no extra round trip, ${c.compact?.one ?? 0} with one getblocktxn,
${c.compact?.highBandwidth ?? 0} of them pushed in high-bandwidth mode; ${c.compact?.fallbacks ?? 0} fallbacks to the full block.

Block-relay bytes are what the block protocols' streams carried (announcements, header requests, compact
blocks and fill-ins, full blocks), summed over all nodes, over blocks × receiving nodes; they include
announcements to nodes that already had the block.
`
writeFileSync(new URL('propagation.md', dir), md)
console.log(md)
