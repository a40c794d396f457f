/**
 * Anchors with real libp2p nodes: the two longest-lived outbound peers are
 * saved at stop and redialed first after a restart on the same LevelDB
 * datastore, even when the peer store holds other candidates.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { tempLevel, waitFor } from '../peers/helpers.ts'
import { startClient, startHub, stopAll } from '../peers/libp2p.ts'
import type { Hub } from '../peers/libp2p.ts'
import type { Libp2p } from '@libp2p/interface'

describe('peers integration: anchors', () => {
  const cleanup: Array<() => Promise<void>> = []
  after(async () => { for (const fn of cleanup.reverse()) await fn() })

  it('reconnects to the saved outbound anchors first after a restart', async () => {
    const tmp = await tempLevel()
    cleanup.push(tmp.cleanup)
    const privateKey = await generateKeyPair('Ed25519')
    const remotes: Libp2p[] = []
    for (let i = 0; i < 3; i++) remotes.push(await startClient('127.0.0.1', { listen: true }))
    let hub: Hub | undefined
    let ds = await tmp.open()
    cleanup.push(async () => { await stopAll([hub, ...remotes]); await ds.close() })

    hub = await startHub({ outboundTarget: 2 }, { datastore: ds, privateKey })
    // connect out in order: the first two are the longest-lived
    for (const r of remotes) await hub.node.dial(r.getMultiaddrs()[0])
    assert.equal(hub.node.getConnections().filter(c => c.direction === 'outbound').length, 3)
    await hub.stop()
    await ds.close()

    // restart with room for two outbound peers: the anchors take them
    ds = await tmp.open()
    hub = await startHub({ outboundTarget: 2 }, { datastore: ds, privateKey })
    const dials = hub.dials
    await waitFor(() => dials.length >= 2, 5000, 'anchor dials')
    assert.deepEqual(dials.map(d => d.peer).sort(), [remotes[0], remotes[1]].map(r => r.peerId.toString()).sort())
    assert.ok(dials.every(d => d.ok && d.anchor))
    assert.deepEqual(
      new Set(hub.node.getConnections().filter(c => c.direction === 'outbound').map(c => c.remotePeer.toString())),
      new Set([remotes[0], remotes[1]].map(r => r.peerId.toString()))
    )
  })
})
