/**
 * Header attacks against a syncing node, each with an honest peer present
 * whose sync must not suffer: a headers answer over the 2000 limit, a
 * low-work header chain that does not connect to anything we asked about,
 * and a connected low-work chain from a peer that claimed more work.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildChain, createDevchain } from '../../src/devchain/index.ts'
import { encodeFrame, encodeVarint, FrameCode } from '../../src/wire/index.ts'
import { MAX_HEADERS_PER_MESSAGE } from '../../src/wire/constants.ts'
import { chainOf, hexOf, seedChain, startChainNode, syncOf, waitForTip } from './helpers.ts'
import { waitFor } from '../helpers/wait.ts'
import type { ChainDir } from './helpers.ts'
import type { ChainwireNode } from '../../src/node/index.ts'
import type { BuiltChain, Devchain } from '../../src/devchain/index.ts'
import type { Status } from '../../src/wire/messages.ts'

const HONEST = 2_500

/** A Headers message with any number of entries, encoded by hand (our encoder refuses more than 2000). */
function rawHeaders (headers: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = []
  for (const h of headers) parts.push(Uint8Array.of(0x0a), encodeVarint(h.byteLength), h)
  return Buffer.concat(parts)
}

async function allHeaders (chain: Devchain): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  let locator = [chain.genesisHash]
  for (;;) {
    const batch = await chain.getHeaders(locator, undefined, MAX_HEADERS_PER_MESSAGE)
    if (batch.length === 0) return out
    out.push(...batch)
    locator = [chain.decodeHeader(batch[batch.length - 1]).hash]
  }
}

describe('block sync: header attacks', () => {
  let root: string
  let honestDir: ChainDir
  let built: BuiltChain
  /** Headers 101..600 of a branch from genesis that the honest chain does not have. */
  let foreign: Uint8Array[]
  /** 400 headers of a branch from genesis. */
  let lowWork: Uint8Array[]
  const nodes: ChainwireNode[] = []

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'cw-sync-headers-'))
    const dir = join(root, 'honest-built')
    const chain = await createDevchain({ dataDir: dir, network: 'regtest' })
    built = await buildChain(chain, HONEST)
    await chain.close()
    honestDir = { dir, built, cleanup: async () => {} }
    const side = await createDevchain({ dataDir: join(root, 'side'), network: 'regtest' })
    await buildChain(side, 600, { branch: 7 })
    const sideHeaders = await allHeaders(side)
    foreign = sideHeaders.slice(100, 600)
    lowWork = sideHeaders.slice(0, 400)
    await side.close()
  })

  after(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await rm(root, { recursive: true, force: true })
  })

  /** A node with the honest chain, plus `extra` blocks of its own so it claims more work. */
  async function peer (name: string, extra = 0): Promise<ChainwireNode> {
    const dir = join(root, name)
    await seedChain(dir, honestDir)
    if (extra > 0) {
      const chain = await createDevchain({ dataDir: join(dir, 'chain'), network: 'regtest' })
      await buildChain(chain, extra, { branch: 9 })
      await chain.close()
    }
    const node = await startChainNode(dir, {}, {}, name)
    nodes.push(node)
    return node
  }

  it('bans a peer that floods 2001 headers and one that answers with an unconnected low-work chain; the honest peer serves the sync', async () => {
    const honest = await peer('honest')
    const flooder = await peer('flooder', 20)
    const stranger = await peer('stranger', 20)
    let floods = 0
    let strays = 0
    // the flooder answers get_headers with 2001 valid-looking headers in one raw frame
    const flood = rawHeaders([...(await allHeaders(chainOf(honest))).slice(0, MAX_HEADERS_PER_MESSAGE + 1)])
    await flooder.libp2p.handle('/chainwire/regtest/get_headers/1', async (stream) => {
      floods++
      stream.send(encodeFrame(FrameCode.MESSAGE, flood))
      await stream.close().catch(() => {})
    }, { force: true })
    // the stranger answers with headers whose parent is not one of our locator hashes
    await stranger.reqresp.register('get_headers', {
      async call () {
        strays++
        return [{ headers: foreign }]
      }
    })

    const victim = await startChainNode(join(root, 'victim1'), {}, {}, 'victim1')
    nodes.push(victim)
    for (const p of [flooder, stranger, honest]) await victim.dial(p.status().addrs[0])
    await waitForTip(victim, hexOf(built.tip.hash), 30_000)
    await waitFor(() => victim.peerManager.isBanned(flooder.peerId) && victim.peerManager.isBanned(stranger.peerId), 'both attackers banned', 10_000)
    assert.ok(floods > 0 && strays > 0, `both attackers were asked (${floods}, ${strays})`)

    const st = syncOf(victim).state()
    assert.ok((st.penalties.InvalidResponseError ?? 0) >= 1, JSON.stringify(st.penalties))
    assert.ok((st.penalties.UnconnectedHeadersError ?? 0) >= 1, JSON.stringify(st.penalties))
    assert.equal(victim.peerManager.isBanned(honest.peerId), false)
    const h = st.peerList.find(p => p.id === honest.peerId.toString())
    assert.ok(h != null, 'the honest peer is still in use')
    assert.equal(h.failures, 0)
    assert.equal(h.excluded, false)
    // exactly 2000 headers per answer is fine: the honest peer sent full answers and was never penalised
    assert.ok(HONEST > MAX_HEADERS_PER_MESSAGE)
    assert.equal(chainOf(victim).tip().height, HONEST)
  })

  it('bans a peer that claims more work and serves a connected chain with less work than ours', async () => {
    const honest = await peer('honest2')
    const victim = await startChainNode(join(root, 'victim2'), {}, {}, 'victim2')
    nodes.push(victim)
    await victim.dial(honest.status().addrs[0])
    await waitForTip(victim, hexOf(built.tip.hash), 30_000)

    const liar = await startChainNode(join(root, 'liar'), {}, {}, 'liar')
    nodes.push(liar)
    let served = 0
    // claims far more work than anyone, then serves 400 headers forking from genesis. Its own status
    // module is stopped: otherwise its honest status request races the victim's, and the victim,
    // taking whichever status comes first, may never see the lie
    const liarStatus = liar.protocols.get('status') as any
    const honestStatus: Status = liarStatus.local()
    await liarStatus.stop()
    await liar.reqresp.register('status', {
      async call () {
        const st: Status = { ...honestStatus, bestHeight: 1_000_000, bestWork: 10n ** 12n, bestHash: new Uint8Array(32).fill(7) }
        return [st]
      }
    })
    await liar.reqresp.register('get_headers', {
      async call () {
        served++
        return [{ headers: lowWork }]
      }
    })
    await victim.dial(liar.status().addrs[0])
    await waitFor(() => victim.peerManager.isBanned(liar.peerId), 'the liar is banned', 10_000)
    assert.ok(served > 0)
    const st = syncOf(victim).state()
    assert.ok((st.penalties.LowWorkHeadersError ?? 0) >= 1, JSON.stringify(st.penalties))
    // nothing of the low-work chain was kept, and we stayed on our tip
    assert.equal(chainOf(victim).tip().height, HONEST)
    assert.equal(st.inFlight.targetHeaders, 0)
    assert.equal(victim.peerManager.isBanned(honest.peerId), false)
  })
})
