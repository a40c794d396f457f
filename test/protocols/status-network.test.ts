/**
 * The status handshake between real nodes: same chain → ready on both sides;
 * another genesis on the same network id → goodbye `irrelevant-network` and a
 * short automatic ban, while the node keeps its other peers.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDevchain } from '../../src/devchain/index.ts'
import { STATUS_MISMATCH_BAN_MS } from '../../src/protocols/status/index.ts'
import { startChainNode } from './helpers.ts'
import { nextEvent, waitFor } from '../helpers/wait.ts'
import type { ChainwireNode } from '../../src/node/index.ts'
import type { PeerStatusBook } from '../../src/protocols/status/index.ts'

const book = (n: ChainwireNode): PeerStatusBook => n.protocols.get('status') as unknown as PeerStatusBook

describe('status handshake between nodes', () => {
  const nodes: ChainwireNode[] = []
  let root: string

  after(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    if (root != null) await rm(root, { recursive: true, force: true })
  })

  it('makes same-chain peers ready, and bans a peer with another genesis for a short while', async () => {
    root = await mkdtemp(join(tmpdir(), 'cw-status-'))
    const a = await startChainNode(join(root, 'a'), {}, {}, 'a')
    const b = await startChainNode(join(root, 'b'), {}, {}, 'b')
    // same network id, different genesis
    const other = await createDevchain({ dataDir: join(root, 'c', 'chain'), network: 'regtest', params: { genesisMessage: 'another regtest' } })
    const c = await startChainNode(join(root, 'c'), {}, { chain: other }, 'c')
    nodes.push(a, b, c)
    assert.notDeepEqual(other.genesisHash, a.chain?.genesisHash)

    const ready = nextEvent<{ peer: { toString: () => string } }>(book(a), 'peer:ready', (d) => d.peer.toString() === b.peerId.toString())
    await a.dial(b.status().addrs[0])
    await ready
    assert.equal(book(a).get(b.peerId)?.bestHeight, 0)
    await waitFor(() => book(b).get(a.peerId) != null, 'b has a ready')

    const goodbye = nextEvent<{ peer: string, reason: string }>(a.peerManager, 'peer:goodbye', (d) => d.peer === c.peerId.toString())
    await a.dial(c.status().addrs[0]).catch(() => {})
    assert.equal((await goodbye).reason, 'irrelevant-network')
    await waitFor(() => a.peerManager.isBanned(c.peerId), 'c banned by a')
    const ban = a.peerManager.bans().find(x => x.id === c.peerId.toString())
    assert.equal(ban?.source, 'auto')
    assert.ok(ban != null && Math.abs(ban.expires - ban.created - STATUS_MISMATCH_BAN_MS) < 1000)
    assert.equal(book(a).get(c.peerId), undefined)
    await waitFor(() => a.libp2p.getConnections(c.peerId).length === 0, 'c disconnected')
    // the same-chain peer is untouched
    assert.ok(book(a).get(b.peerId) != null)
    assert.ok(a.libp2p.getConnections(b.peerId).length > 0)
  })
})
