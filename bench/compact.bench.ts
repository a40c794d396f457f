/**
 * Compact blocks (BIP152), two measurements:
 *
 * (a) Bytes on the wire for one ~1 MB devchain block (about 2,300 signed
 *     transactions) sent as a compact block, with the receiver's mempool
 *     holding 100 %, 99 % and 90 % of its transactions (a random subset),
 *     against the full block. Frames as the request/response engine writes
 *     them: the cmpctblock, and when something is missing the getblocktxn
 *     request and the blocktxn answer; the full block as a get_blocks_by_hash
 *     request and its Block answer. Goal at 100 %: ≤ 2 % of the full size.
 * (b) A 10-node devnet on 127.0.0.1 (one process, regtest devchain, inv tx
 *     relay at the devnet's trickle means), transactions generated at a
 *     steady rate and blocks mined at random nodes: the share of blocks
 *     received in high-bandwidth mode that needed no extra round trip, and
 *     the bytes received per block against its full size.
 *
 * Writes bench/results/compact.{json,md}.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildChain, createDevchain } from '../src/devchain/index.ts'
import { signTx, signedTxSize } from '../src/devchain/tx.ts'
import { buildCompactBlock, reconstruct } from '../src/protocols/compact-blocks/index.ts'
import { DEVNET_INBOUND_TRICKLE_MS, DEVNET_OUTBOUND_TRICKLE_MS } from '../src/protocols/tx-relay/constants.ts'
import { encodeFrame, FrameCode } from '../src/wire/framing.ts'
import { protobufCodecs } from '../src/wire/protobuf.ts'
import { startChainNet } from '../test/protocols/devnet.ts'
import { waitFor } from '../test/helpers/wait.ts'
import type { CompactBlocks, CompactBlockRecord } from '../src/protocols/compact-blocks/index.ts'
import type { Devchain, KeyPair } from '../src/devchain/index.ts'

const OVERLAPS = [1, 0.99, 0.9]
const LIVE_NODES = Number(process.env.BENCH_COMPACT_NODES ?? 10)
const LIVE_BLOCKS = Number(process.env.BENCH_COMPACT_BLOCKS ?? 40)
const LIVE_TX_RATE = Number(process.env.BENCH_COMPACT_TX_RATE ?? 60)
const LIVE_BLOCK_MS = Number(process.env.BENCH_COMPACT_BLOCK_MS ?? 1000)

const frame = (payload: Uint8Array): number => encodeFrame(FrameCode.MESSAGE, payload).byteLength

// ---------------------------------------------------------------- (a) one 1 MB block

interface Spend { txid: Uint8Array, vout: number, amount: bigint }

function spend (chain: Devchain, key: KeyPair, coin: Spend, outputs: number, feePerByte = 2n): { tx: Uint8Array, outs: Spend[] } {
  const fee = BigInt(signedTxSize(1, outputs)) * feePerByte
  const rest = coin.amount - fee
  const each = rest / BigInt(outputs)
  const outs = Array.from({ length: outputs }, (_, i) => ({ amount: i === 0 ? rest - each * BigInt(outputs - 1) : each, pkh: key.pkh }))
  const tx = signTx({ version: 1, inputs: [{ prevTxid: coin.txid, vout: coin.vout, unlock: new Uint8Array(0) }], outputs: outs }, [key], chain.genesisHash)
  return { tx: tx.bytes, outs: outs.map((o, vout) => ({ txid: tx.txid, vout, amount: o.amount })) }
}

async function mineAll (chain: Devchain, key: KeyPair): Promise<Uint8Array> {
  const template = await chain.createBlockTemplate({ pkh: key.pkh })
  const block = await chain.mineBlock(template) as Uint8Array
  const r = await chain.submitBlock(block)
  if (r.status !== 'accepted') throw new Error(`block ${r.status}`)
  return block
}

async function oneMegabyteBlock (): Promise<{ rows: Array<Record<string, number | string>>, block: { bytes: number, txs: number } }> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-compact-'))
  const chain = await createDevchain({ dataDir: dir, network: 'regtest' })
  try {
    const built = await buildChain(chain, 12)
    const key = built.key
    const coinbase = (await chain.listUnspent(key.pkh)).find(c => c.coinbase && chain.tip().height + 1 - c.height >= chain.params.coinbaseMaturity)
    if (coinbase == null) throw new Error('no mature coinbase')
    // fan out: 1 → 12 → 12 × 220 coins, confirmed in one block
    const level1 = spend(chain, key, coinbase, 12)
    await chain.mempool.add(level1.tx)
    const coins: Spend[] = []
    for (const c of level1.outs) {
      const l2 = spend(chain, key, c, 220)
      await chain.mempool.add(l2.tx)
      coins.push(...l2.outs)
    }
    await mineAll(chain, key)
    // ~420-byte payments, more than a block holds: the template fills 1 MB
    for (const c of coins) {
      const r = await chain.mempool.add(spend(chain, key, c, 10).tx)
      if (r.status !== 'accepted') throw new Error(`payment ${r.status}`)
    }
    const template = await chain.createBlockTemplate({ pkh: key.pkh })
    const block = await chain.mineBlock(template) as Uint8Array
    const parts = chain.splitBlock(block)
    const txids = parts.txs.map(t => chain.txId(t))
    const fullBytes = frame(protobufCodecs.GetBlocksByHash.encode({ hashes: [chain.decodeHeader(parts.header).hash] })) +
      frame(protobufCodecs.Block.encode({ block }))
    const cmpct = buildCompactBlock({ header: parts.header, txs: parts.txs, txids }, { nonce: 0x5eedn })
    const compactBytes = frame(protobufCodecs.CmpctBlock.encode(cmpct))
    const rows: Array<Record<string, number | string>> = []
    for (const overlap of OVERLAPS) {
      // the receiver's mempool: a random subset of the block's transactions
      const idx = parts.txs.map((_, i) => i).slice(1)
      for (let i = idx.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1))
        ;[idx[i], idx[j]] = [idx[j], idx[i]]
      }
      const keep = idx.slice(0, Math.round(idx.length * overlap))
      const r = reconstruct(cmpct, keep.map(i => ({ txid: txids[i], tx: parts.txs[i] })))
      if (r.status !== 'ok') throw new Error('collision')
      const missing = r.partial.missing
      let fill = 0
      if (missing.length > 0) {
        fill = frame(protobufCodecs.GetBlockTxn.encode({ blockHash: txids[0], indexes: [...missing] })) +
          frame(protobufCodecs.BlockTxn.encode({ blockHash: txids[0], txs: missing.map(i => parts.txs[i]) }))
        const rebuilt = r.partial.fill(missing.map(i => parts.txs[i]))
        if (Buffer.compare(chain.assembleBlock({ header: parts.header, txs: rebuilt }), block) !== 0) throw new Error('rebuilt block differs')
      } else if (Buffer.compare(chain.assembleBlock({ header: parts.header, txs: r.partial.txs() }), block) !== 0) {
        throw new Error('rebuilt block differs')
      }
      rows.push({
        overlap: `${Math.round(overlap * 100)}%`,
        missing: missing.length,
        compactBytes,
        fillBytes: fill,
        totalBytes: compactBytes + fill,
        fullBytes,
        percentOfFull: Number((100 * (compactBytes + fill) / fullBytes).toFixed(2)),
        roundTrips: missing.length > 0 ? 1 : 0
      })
    }
    return { rows, block: { bytes: block.byteLength, txs: parts.txs.length } }
  } finally {
    await chain.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------- (b) a live devnet

interface Scenario { blockMs: number, blocks: number }

/** Two regimes: blocks as fast as the devnet's (~1 s, the mempools never converge) and a slower pace. */
const SCENARIOS: Scenario[] = [
  { blockMs: LIVE_BLOCK_MS, blocks: LIVE_BLOCKS },
  { blockMs: Number(process.env.BENCH_COMPACT_SLOW_BLOCK_MS ?? 5000), blocks: Number(process.env.BENCH_COMPACT_SLOW_BLOCKS ?? 15) }
]

type LiveResult = Record<string, number>

function summarize (s: Scenario, records: CompactBlockRecord[], fallbacks: number): LiveResult {
  const hbRecs = records.filter(r => r.highBandwidth)
  const sum = (xs: CompactBlockRecord[], f: (r: CompactBlockRecord) => number): number => xs.reduce((a, r) => a + f(r), 0)
  const n = Math.max(1, records.length)
  return {
    blockMs: s.blockMs,
    blocks: s.blocks,
    receptions: records.length,
    highBandwidthReceptions: hbRecs.length,
    highBandwidthNoRoundTripPercent: Number((100 * hbRecs.filter(r => r.roundTrips === 0).length / Math.max(1, hbRecs.length)).toFixed(1)),
    allNoRoundTripPercent: Number((100 * records.filter(r => r.roundTrips === 0).length / n).toFixed(1)),
    avgTransactionsPerBlock: Math.round(sum(records, r => r.transactions) / n),
    avgFullBytes: Math.round(sum(records, r => r.fullBytes) / n),
    avgReceivedBytes: Math.round(sum(records, r => r.compactBytes + r.blocktxnBytes) / n),
    receivedPercentOfFull: Number((100 * sum(records, r => r.compactBytes + r.blocktxnBytes) / Math.max(1, sum(records, r => r.fullBytes))).toFixed(2)),
    avgPrefilled: Number((sum(records, r => r.prefilled) / n).toFixed(2)),
    avgMissing: Number((sum(records, r => r.missing) / n).toFixed(2)),
    fallbacks
  }
}

async function liveDevnet (): Promise<LiveResult[]> {
  const net = await startChainNet(LIVE_NODES, {
    blocks: 60,
    txsPerBlock: 20,
    config: () => ({ txTrickleInboundMs: DEVNET_INBOUND_TRICKLE_MS, txTrickleOutboundMs: DEVNET_OUTBOUND_TRICKLE_MS })
  })
  const compactOf = (n: typeof net.nodes[number]): CompactBlocks => n.protocols.get('compact-blocks') as CompactBlocks
  try {
    // enough coins for the generator: fan 25 coins out into 400 each, confirmed everywhere
    const fan = Array.from({ length: 25 }, () => net.makeTx({ outputs: 400 }))
    for (const t of fan) await net.nodes[0].chain?.mempool.add(t.tx)
    const fanChain = net.nodes[0].devchain as Devchain
    const fanBlock = await fanChain.mineBlock(await fanChain.createBlockTemplate({ pkh: net.key.pkh })) as Uint8Array
    const fanned = await fanChain.submitBlock(fanBlock)
    if (fanned.status !== 'accepted') throw new Error(`fan-out block ${fanned.status}`)
    await waitFor(() => net.nodes.every(n => Buffer.compare(n.chain?.tip().hash ?? new Uint8Array(0), fanned.hash) === 0), 'the fan-out block everywhere', 20_000)
    net.coins.unshift(...fan.flatMap(t => t.outputs))
    let stop = false
    const generator = (async () => {
      while (!stop && net.coins.length > 0) {
        const t = net.makeTx()
        await net.nodes[Math.floor(Math.random() * LIVE_NODES)].chain?.mempool.add(t.tx)
        await new Promise(resolve => setTimeout(resolve, 1000 / LIVE_TX_RATE))
      }
    })()
    // let transactions spread before the first block
    await new Promise(resolve => setTimeout(resolve, 2000))
    const out: LiveResult[] = []
    for (const sc of SCENARIOS) {
      const seen = new Set(net.nodes.flatMap(n => compactOf(n).stats().recent.map(r => `${n.peerId.toString()}:${r.hash}`)))
      const fallbacksBefore = net.nodes.reduce((a, n) => a + Object.values(compactOf(n).stats().fallbacks).reduce((x, y) => x + y, 0), 0)
      for (let b = 0; b < sc.blocks; b++) {
        const miner = net.nodes[Math.floor(Math.random() * LIVE_NODES)]
        const chain = miner.devchain as Devchain
        const template = await chain.createBlockTemplate({ pkh: net.key.pkh })
        const block = await chain.mineBlock(template) as Uint8Array
        const r = await chain.submitBlock(block)
        if (r.status !== 'accepted') continue
        const hash = r.hash
        await waitFor(() => net.nodes.every(n => Buffer.compare(n.chain?.tip().hash ?? new Uint8Array(0), hash) === 0), `block ${b} everywhere`, 20_000)
        await new Promise(resolve => setTimeout(resolve, sc.blockMs))
      }
      const records = net.nodes.flatMap(n => compactOf(n).stats().recent.filter(r => !seen.has(`${n.peerId.toString()}:${r.hash}`)))
      const fallbacks = net.nodes.reduce((a, n) => a + Object.values(compactOf(n).stats().fallbacks).reduce((x, y) => x + y, 0), 0) - fallbacksBefore
      out.push(summarize(sc, records, fallbacks))
      console.log(out.at(-1))
    }
    stop = true
    await generator
    return out
  } finally {
    await net.stop()
  }
}

console.log('compact bench: one 1 MB block')
const single = await oneMegabyteBlock()
console.table(single.rows)
console.log(`compact bench: live devnet, ${LIVE_NODES} nodes`)
const live = await liveDevnet()

const meta = { date: new Date().toISOString(), node: process.version, cpus: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}` }
const dir = new URL('./results/', import.meta.url)
mkdirSync(dir, { recursive: true })
writeFileSync(new URL('compact.json', dir), JSON.stringify({ ...meta, block: single.block, overlap: single.rows, live }, null, 2) + '\n')
const md = `# compact block benchmark

${meta.date}, Node ${meta.node}, ${meta.cpus}. Command: \`npm run bench -- compact\`.

## Bytes on the wire for one ${(single.block.bytes / 1e6).toFixed(2)} MB block (${single.block.txs} transactions)

High-bandwidth mode (the compact block pushed unasked); the receiver's mempool holds a random share of
the block's transactions; only the coinbase is prefilled. Frames as the request/response engine writes them.

| overlap | missing | compact (B) | getblocktxn + blocktxn (B) | total (B) | full block (B) | % of full | extra round trips |
|---|---:|---:|---:|---:|---:|---:|---:|
${single.rows.map(r => `| ${r.overlap} | ${r.missing} | ${r.compactBytes} | ${r.fillBytes} | ${r.totalBytes} | ${r.fullBytes} | ${r.percentOfFull} | ${r.roundTrips} |`).join('\n')}

## Live devnet: ${LIVE_NODES} nodes

Transactions at ${LIVE_TX_RATE}/s by inv relay (devnet trickles, ${DEVNET_INBOUND_TRICKLE_MS} / ${DEVNET_OUTBOUND_TRICKLE_MS} ms), blocks mined
at random nodes, each one after the previous reached every node plus the pause below; blocks travel by
sync's announcements and compact blocks (the full block is the fallback). Prefill: the coinbase, what the sender lacked itself, what waits in its announcement
queue to the peer, and what reached it within two inbound trickle means unless the peer announced it.

| | ${live.map(l => `pause ${l.blockMs} ms`).join(' | ')} |
|---|${live.map(() => '---:').join('|')}|
| blocks | ${live.map(l => l.blocks).join(' | ')} |
| block receptions (all nodes) | ${live.map(l => l.receptions).join(' | ')} |
| of which pushed in high-bandwidth mode | ${live.map(l => l.highBandwidthReceptions).join(' | ')} |
| **high-bandwidth receptions with no extra round trip** | ${live.map(l => `**${l.highBandwidthNoRoundTripPercent} %**`).join(' | ')} |
| all receptions with no extra round trip | ${live.map(l => `${l.allNoRoundTripPercent} %`).join(' | ')} |
| transactions per block (mean) | ${live.map(l => l.avgTransactionsPerBlock).join(' | ')} |
| transactions missing per reception (mean) | ${live.map(l => l.avgMissing).join(' | ')} |
| prefilled per compact block (mean, coinbase included) | ${live.map(l => l.avgPrefilled).join(' | ')} |
| bytes received per block (compact + fill-in, mean) | ${live.map(l => l.avgReceivedBytes).join(' | ')} |
| full block size (mean) | ${live.map(l => l.avgFullBytes).join(' | ')} |
| received as % of full | ${live.map(l => `${l.receivedPercentOfFull} %`).join(' | ')} |
| fallbacks to the full block | ${live.map(l => l.fallbacks).join(' | ')} |
`
writeFileSync(new URL('compact.md', dir), md)
console.log(md)
