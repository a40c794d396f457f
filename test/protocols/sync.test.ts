/**
 * Initial block download between real nodes on loopback: a fresh node syncs
 * a 5,000-block regtest chain from several peers, and still does when one of
 * them serves invalid blocks or stalls mid-range. An honest peer is always
 * among them.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildChain, createDevchain } from '../../src/devchain/index.ts'
import { encodeFrame, FrameCode, protobufWireFormat, readVarint } from '../../src/wire/index.ts'
import { hexOf, chainOf, seedChain, startChainNode, syncOf, waitForTip } from './helpers.ts'
import { waitFor } from '../helpers/wait.ts'
import type { ChainDir } from './helpers.ts'
import type { ChainwireNode } from '../../src/node/index.ts'
import type { BuiltChain } from '../../src/devchain/index.ts'

const EMPTY_BLOCKS = 4_900
const TX_BLOCKS = 100
const HEIGHT = EMPTY_BLOCKS + TX_BLOCKS

describe('block sync', () => {
  let root: string
  let chainDir: ChainDir
  let built: BuiltChain
  const nodes: ChainwireNode[] = []

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'cw-sync-'))
    const dir = join(root, 'built')
    const chain = await createDevchain({ dataDir: dir, network: 'regtest' })
    await buildChain(chain, EMPTY_BLOCKS)
    // a UTXO set worth comparing: the builder's coins split by transactions
    built = await buildChain(chain, TX_BLOCKS, { txsPerBlock: 5 })
    await chain.close()
    chainDir = { dir, built, cleanup: async () => {} }
  })

  after(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await rm(root, { recursive: true, force: true })
  })

  async function server (name: string): Promise<ChainwireNode> {
    const dir = join(root, name)
    await seedChain(dir, chainDir)
    const node = await startChainNode(dir, {}, {}, name)
    nodes.push(node)
    assert.equal(chainOf(node).tip().height, HEIGHT)
    return node
  }

  async function fresh (name: string, peers: ChainwireNode[], sync: Record<string, number> = {}): Promise<ChainwireNode> {
    const node = await startChainNode(join(root, name), {}, { protocols: { sync } }, name)
    nodes.push(node)
    await Promise.all(peers.map(async p => await node.dial(p.status().addrs[0])))
    return node
  }

  it('a fresh node syncs 5,000 blocks from 3 peers and ends with the same tip and UTXO set', async () => {
    const servers = await Promise.all(['s1', 's2', 's3'].map(server))
    const node = await fresh('f1', servers)
    const states: string[] = []
    syncOf(node).addEventListener('state', (evt) => { states.push(evt.detail.to) })
    await waitForTip(node, hexOf(built.tip.hash), 45_000)

    const chain = chainOf(node)
    const reference = chainOf(servers[0])
    assert.equal(chain.tip().height, HEIGHT)
    assert.equal(chain.tip().work, reference.tip().work)
    // every coin of the chain pays the builder (coinbases and its transactions), so its
    // unspent outputs are the whole UTXO set; the audit replays our store against it
    const coins = async (c: typeof chain): Promise<string[]> => (await c.listUnspent(built.key.pkh)).map(u => `${hexOf(u.txid)}:${u.vout}:${u.amount}:${u.height}:${u.coinbase}`).sort()
    const [a, b, audit] = await Promise.all([coins(chain), coins(reference), chain.audit()])
    assert.ok(a.length > HEIGHT, 'the builder owns coinbases and coins split by transactions')
    assert.deepEqual(a, b)
    assert.deepEqual(audit.errors, [])
    assert.equal(audit.ok, true)
    assert.equal(audit.utxos, a.length)

    await waitFor(() => syncOf(node).state().state === 'synced', 'synced state', 5_000)
    const st = syncOf(node).state()
    assert.ok(states.includes('blocks'), `went through the blocks state (${states.join(' → ')})`)
    assert.deepEqual(st.penalties, {})
    assert.equal(st.stalls, 0)
    assert.equal(st.blocks.height, HEIGHT)
    assert.equal(st.peers.ready, 3)
    // the download was spread: more than one peer served blocks, and they add up
    const served = st.peerList.filter(p => p.blocks > 0)
    assert.ok(served.length >= 2, `blocks from ${served.length} peer(s)`)
    assert.equal(st.peerList.reduce((n, p) => n + p.blocks, 0) >= HEIGHT, true)
    assert.equal(st.inFlight.bufferedBlocks, 0)
    assert.equal(st.inFlight.targetHeaders, 0)
    const metrics = await node.metrics()
    assert.match(metrics, new RegExp(`chainwire_sync_blocks_total ${HEIGHT}\\b`))
    assert.match(metrics, /chainwire_sync_state\{state="synced"\} 1/)
    assert.match(metrics, /chainwire_status_ready_peers 3/)
  })

  it('a peer serving invalid blocks is banned, and sync completes from the others', async () => {
    const honest = await Promise.all(['s4', 's5'].map(server))
    const attacker = await server('bad')
    let served = 0
    // the same chain and headers, but every block's last byte flipped (its merkle root no longer matches)
    await attacker.reqresp.register('get_blocks_by_range', {
      async call (req) {
        served++
        const blocks = await chainOf(attacker).getBlocksByRange(req.body.startHeight, req.body.count)
        return blocks.map(b => {
          const bad = new Uint8Array(b)
          bad[bad.length - 1] ^= 0xff
          return { block: bad }
        })
      }
    })
    // the attacker first, so it certainly gets ranges; the honest peers join once it has served some
    const node = await fresh('f2', [attacker])
    await waitFor(() => served > 0, 'the attacker asked for blocks', 15_000)
    for (const h of honest) await node.dial(h.status().addrs[0])
    await waitForTip(node, hexOf(built.tip.hash), 45_000)
    await waitFor(() => node.peerManager.isBanned(attacker.peerId), 'the attacker is banned', 5_000)
    const st = syncOf(node).state()
    assert.ok((st.penalties.InvalidBlockError ?? 0) >= 1, JSON.stringify(st.penalties))
    assert.ok(st.reassignments >= 1)
    assert.equal(node.peerManager.isBanned(honest[0].peerId), false)
    assert.equal(node.peerManager.isBanned(honest[1].peerId), false)
    const audit = await chainOf(node).audit()
    assert.deepEqual(audit.errors, [])
    assert.equal(audit.height, HEIGHT)
  })

  it('a peer that stalls mid-range loses the range to another peer, and sync completes', async () => {
    const honest = await server('s6')
    const staller = await server('slow')
    let stalled = 0
    // serves the first three blocks of every range, then nothing until the requester gives up
    await staller.reqresp.register('get_blocks_by_range', {
      call (req) {
        const chain = chainOf(staller)
        return Promise.resolve((async function * () {
          const blocks = await chain.getBlocksByRange(req.body.startHeight, Math.min(3, req.body.count))
          for (const block of blocks) yield { block }
          stalled++
          await new Promise<void>(resolve => { req.signal.addEventListener('abort', () => { resolve() }, { once: true }) })
        })())
      }
    })
    // the staller first, so it certainly holds a range; the honest peer joins once it stalls
    const node = await fresh('f3', [staller])
    await waitFor(() => stalled > 0, 'the staller holding a range', 15_000)
    await node.dial(honest.status().addrs[0])
    await waitForTip(node, hexOf(built.tip.hash), 45_000)
    const st = syncOf(node).state()
    assert.ok(st.stalls >= 1, `stalls: ${st.stalls}`)
    assert.ok(st.reassignments >= 1, `reassignments: ${st.reassignments}`)
    assert.ok((st.penalties.SyncStallError ?? 0) >= 1, JSON.stringify(st.penalties))
    const slow = st.peerList.find(p => p.id === staller.peerId.toString())
    assert.ok(slow != null && slow.stallTimeoutMs > 2_000, `the staller's stall timeout grew (${slow?.stallTimeoutMs})`)
    // a stall is a graded fault, not a ban
    assert.equal(node.peerManager.isBanned(staller.peerId), false)
    const audit = await chainOf(node).audit()
    assert.deepEqual(audit.errors, [])
  })

  it('keeps at most maxHeadersAhead headers beyond its blocks, and still syncs without faulting anyone', async () => {
    // a tip at a multiple of 2000 makes the last pipelined headers answer empty
    const dir = join(root, 's7')
    await seedChain(dir, chainDir)
    const extra = await createDevchain({ dataDir: join(dir, 'chain'), network: 'regtest' })
    const longer = await buildChain(extra, 1_000)
    await extra.close()
    const peer = await startChainNode(dir, {}, {}, 's7')
    nodes.push(peer)
    assert.equal(chainOf(peer).tip().height, 6_000)
    const node = await startChainNode(join(root, 'f4'), {}, { protocols: { sync: { maxHeadersAhead: 2_500 } } }, 'f4')
    nodes.push(node)
    // count the headers sync validates: each should be validated about once, not again for every few blocks connected
    let validated = 0
    const chain = chainOf(node)
    const validate = chain.validateHeaders.bind(chain)
    Object.assign(chain, { validateHeaders: async (h: Uint8Array[], p?: any) => { validated += h.length; return await validate(h, p) } })
    await node.dial(peer.status().addrs[0])
    let most = 0
    const sample = setInterval(() => { most = Math.max(most, syncOf(node).state().inFlight.targetHeaders) }, 5)
    try {
      await waitForTip(node, hexOf(longer.tip.hash), 45_000)
    } finally {
      clearInterval(sample)
    }
    assert.ok(most > 0 && most <= 2_500, `most headers held: ${most}`)
    assert.ok(validated >= 6_000 && validated <= 7_500, `headers validated: ${validated}`)
    const st = syncOf(node).state()
    assert.deepEqual(st.penalties, {})
    assert.ok(st.peerList.every(p => p.failures === 0 && !p.excluded))
  })

  it('a peer answering a range with one block too many is banned (the engine\'s fatal verdict), and sync completes', async () => {
    const honest = await server('s9')
    const attacker = await server('over')
    const codec = protobufWireFormat.methods.get_blocks_by_range
    let served = 0
    // a raw handler: reads the request, answers with count + 1 blocks
    await attacker.libp2p.handle('/chainwire/regtest/get_blocks_by_range/1', async (stream) => {
      const chunks: Uint8Array[] = []
      for await (const c of stream) chunks.push(c instanceof Uint8Array ? c : c.subarray())
      const bytes = Buffer.concat(chunks)
      const len = readVarint(bytes, 1)
      if (len == null) return
      const req = codec.request.decode(bytes.subarray(1 + len.bytes, 1 + len.bytes + len.value))
      served++
      const blocks = await chainOf(attacker).getBlocksByRange(req.startHeight, req.count + 1)
      for (const block of blocks) stream.send(encodeFrame(FrameCode.MESSAGE, codec.response.encode({ block })))
      await stream.close().catch(() => {})
    }, { force: true })
    const node = await startChainNode(join(root, 'f5'), {}, {}, 'f5')
    nodes.push(node)
    const faults: string[] = []
    node.peerManager.addEventListener('peer:score', (evt) => { if (evt.detail.peer === attacker.peerId.toString()) faults.push(`${evt.detail.verdict}:${evt.detail.reason}`) })
    // the attacker first, so it certainly gets a range; the honest peer joins once it has answered one
    await node.dial(attacker.status().addrs[0])
    await waitFor(() => served > 0, 'the attacker asked for blocks', 15_000)
    await node.dial(honest.status().addrs[0])
    await waitForTip(node, hexOf(built.tip.hash), 45_000)
    await waitFor(() => node.peerManager.isBanned(attacker.peerId), 'the attacker is banned', 5_000)
    assert.ok(faults.includes('fatal:InvalidResponseError'), faults.join(', '))
    assert.equal(node.peerManager.isBanned(honest.peerId), false)
    const audit = await chainOf(node).audit()
    assert.deepEqual(audit.errors, [])
  })
})
