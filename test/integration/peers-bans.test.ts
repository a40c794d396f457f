/**
 * Bans with real libp2p nodes on loopback: the gater refuses a banned peer
 * at dial and at accept, and still does after the node (libp2p, peer
 * manager, LevelDB datastore) restarts.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { tempLevel, waitFor } from '../peers/helpers.ts'
import { startClient, startHub, stopAll, tryConnect } from '../peers/libp2p.ts'
import type { Hub } from '../peers/libp2p.ts'
import type { Libp2p } from '@libp2p/interface'

describe('peers integration: bans survive a restart', () => {
  const cleanup: Array<() => Promise<void>> = []
  after(async () => { for (const fn of cleanup.reverse()) await fn() })

  it('refuses a banned peer and a banned IP at dial and accept, before and after a restart', async () => {
    const tmp = await tempLevel()
    cleanup.push(tmp.cleanup)
    const privateKey = await generateKeyPair('Ed25519')
    let ds = await tmp.open()
    let hub: Hub | undefined = await startHub({}, { datastore: ds, privateKey })
    const bad = await startClient('127.0.0.1', { listen: true })
    const fromBadIp = await startClient('127.0.4.4')
    const honest = await startClient('127.0.5.5')
    const clients: Libp2p[] = [bad, fromBadIp, honest]
    cleanup.push(async () => { await stopAll([hub, ...clients]) })
    const hubId = hub.node.peerId

    // connected, then banned: goodbye-and-close, and the ban is listed
    assert.equal(true, await tryConnect(bad, hub))
    await waitFor(() => hub!.inbound().has(bad.peerId.toString()), 2000, 'bad connected')
    const ban = await hub.peers.ban({ peer: bad.peerId, reason: 'integration test', durationMs: 3_600_000 })
    assert.equal(ban.id, bad.peerId.toString())
    await waitFor(() => hub!.node.getConnections(bad.peerId).length === 0, 3000, 'banned peer disconnected (hub side)')
    await waitFor(() => bad.getConnections(hubId).length === 0, 3000, 'banned peer disconnected (its side)')

    // at accept
    assert.equal(await tryConnect(bad, hub), false)
    await hub.refused('banned-peer')
    assert.equal(hub.refusals.find(r => r.reason === 'banned-peer')?.direction, 'inbound')
    // at dial
    await assert.rejects(hub.node.dial(bad.getMultiaddrs()[0]), (err: Error) => err.name === 'DialDeniedError')
    await assert.rejects(hub.node.dial(bad.peerId), (err: Error) => err.name === 'DialDeniedError')

    // an IP ban refuses before the handshake
    await hub.peers.ban({ ip: '127.0.4.4', reason: 'integration test', durationMs: 3_600_000 })
    assert.equal(await tryConnect(fromBadIp, hub), false)
    await hub.refused('banned-ip')
    assert.equal(true, await tryConnect(honest, hub), 'an honest peer still connects')

    // restart the whole node on the same LevelDB directory (same identity, new port)
    await hub.stop()
    await ds.close()
    hub = undefined
    ds = await tmp.open()
    hub = await startHub({}, { datastore: ds, privateKey })
    cleanup.push(async () => { await hub?.stop(); await ds.close() })
    assert.deepEqual(hub.peers.bans().map(b => b.id).sort(), ['127.0.4.4', bad.peerId.toString()].sort())

    assert.equal(await tryConnect(bad, hub), false)
    await hub.refused('banned-peer')
    assert.equal(await tryConnect(fromBadIp, hub), false)
    await hub.refused('banned-ip')
    await assert.rejects(hub.node.dial(bad.getMultiaddrs()[0]), (err: Error) => err.name === 'DialDeniedError')
    assert.equal(true, await tryConnect(honest, hub), 'the honest peer still connects after the restart')
    assert.deepEqual([...hub.inbound()], [honest.peerId.toString()])

    // unban: the peer gets in again
    await hub.peers.unban(bad.peerId.toString())
    assert.equal(true, await tryConnect(bad, hub))
  })
})
