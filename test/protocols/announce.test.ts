/**
 * Staying at the tip: a mining node announces each new best block with
 * headers to peers that asked for them (sendHeaders) and on the blocks gossip
 * topic for the others; followers fetch what they lack, relay it onwards with
 * the origin's acceptance time, and measure the propagation delay.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApi } from '../../src/api/index.ts'
import { chainOf, hexOf, startChainNode, syncOf, waitForTip } from './helpers.ts'
import { waitFor } from '../helpers/wait.ts'
import type { ChainwireNode } from '../../src/node/index.ts'
import type { ApiServer } from '../../src/api/index.ts'

function metric (text: string, name: string): number {
  const m = new RegExp(`^${name.replace(/[{}"=]/g, c => `\\${c}`)} (\\S+)$`, 'm').exec(text)
  return m == null ? 0 : Number(m[1])
}

describe('block announcements', () => {
  const nodes: ChainwireNode[] = []
  let api: ApiServer | undefined
  let root: string

  after(async () => {
    await api?.stop()
    await Promise.all(nodes.map(async n => { await n.stop() }))
    if (root != null) await rm(root, { recursive: true, force: true })
  })

  it('relays new blocks by headers and by gossip, onwards with the origin time, and measures propagation', async () => {
    root = await mkdtemp(join(tmpdir(), 'cw-announce-'))
    // full-block relay: compact blocks would replace header announcements to their high-bandwidth
    // peers (test/integration/compact-devnet.test.ts covers that path)
    const full = { blockRelay: 'full' as const }
    const miner = await startChainNode(join(root, 'miner'), { ...full, mine: true, mineIntervalMs: 250 }, {}, 'miner')
    // a asks for header announcements (the default); b does not, so it gets gossip; c hears only from a
    const a = await startChainNode(join(root, 'a'), full, {}, 'a')
    const b = await startChainNode(join(root, 'b'), full, { protocols: { status: { capabilities: { sendHeaders: false } } } }, 'b')
    const c = await startChainNode(join(root, 'c'), full, {}, 'c')
    nodes.push(miner, a, b, c)
    await a.dial(miner.status().addrs[0])
    await b.dial(miner.status().addrs[0])
    await c.dial(a.status().addrs[0])
    // once everyone follows the tip, each new block goes miner → a → c
    await waitFor(() => [a, b, c].every(n => syncOf(n).state().state === 'synced' && chainOf(n).tip().height >= chainOf(miner).tip().height - 1), 'followers at the tip', 20_000)
    const atA = new Map<string, { delayMs: number, hops: number }>()
    const atC = new Map<string, { delayMs: number, hops: number }>()
    syncOf(a).addEventListener('block:propagated', (evt) => { atA.set(evt.detail.hash, evt.detail) })
    syncOf(c).addEventListener('block:propagated', (evt) => { atC.set(evt.detail.hash, evt.detail) })
    const relayed = (): string[] => [...atC.keys()].filter(h => atA.get(h)?.hops === 0 && atC.get(h)?.hops === 1)

    await waitFor(() => relayed().length >= 4 && [a, b, c].every(n => syncOf(n).state().propagation.count >= 4), 'four blocks relayed from the miner through a to c', 30_000)
    // they follow the tip
    await miner.miner?.stop()
    const tip = hexOf(chainOf(miner).tip().hash)
    for (const n of [a, b, c]) await waitForTip(n, tip, 10_000)

    const stA = syncOf(a).state()
    assert.equal(stA.state, 'synced')
    assert.ok(stA.propagation.p50Ms != null && stA.propagation.p95Ms != null && stA.propagation.p50Ms <= stA.propagation.p95Ms)
    assert.ok(stA.propagation.p95Ms < 10_000, `p95 ${stA.propagation.p95Ms} ms`)
    // c heard of these blocks from a, one relay away from the miner, and measured from the miner's time
    for (const h of relayed()) assert.ok((atC.get(h)?.delayMs ?? -1) >= (atA.get(h)?.delayMs ?? Infinity), `delay at c ≥ delay at a for ${h}`)

    const m = await miner.metrics()
    assert.ok(metric(m, 'chainwire_sync_announcements_total{direction="out",via="direct"}') >= 4, 'direct announcements from the miner')
    assert.ok(metric(m, 'chainwire_sync_announcements_total{direction="out",via="gossip"}') >= 4, 'gossip for the peer without sendHeaders')
    assert.ok(metric(await a.metrics(), 'chainwire_sync_announcements_total{direction="in",via="direct"}') >= 4)
    assert.ok(metric(await b.metrics(), 'chainwire_sync_announcements_total{direction="in",via="gossip"}') >= 4)
    assert.equal(metric(await b.metrics(), 'chainwire_sync_announcements_total{direction="in",via="direct"}'), 0)
    const count = metric(await c.metrics(), 'chainwire_sync_block_propagation_seconds_count')
    assert.ok(count >= 4, `histogram count ${count}`)

    // GET /sync
    api = createApi(a, { listen: '127.0.0.1:0' })
    await api.start()
    const res = await fetch(`${api.url}/sync`)
    assert.equal(res.status, 200)
    const body = await res.json() as any
    assert.equal(body.state, 'synced')
    assert.equal(body.tip.height, chainOf(a).tip().height)
    assert.equal(typeof body.rates.blocksPerSec, 'number')
    assert.equal(body.peers.ready, 2)
    assert.ok(body.propagation.count >= 4)
    assert.equal(typeof body.propagation.p95Ms, 'number')
    assert.ok(Array.isArray(body.peerList) && body.peerList.length === 2)
  })
})
