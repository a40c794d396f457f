/**
 * With default limits, a 10-node devnet on 127.0.0.1 fully meshes through
 * outbound maintenance alone: the per-IP cap (16) leaves room for 9 peers
 * from one address, and simultaneous dials in both directions collapse to
 * one connection per pair.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { waitFor } from '../peers/helpers.ts'
import { startHub, stopAll } from '../peers/libp2p.ts'
import type { Hub } from '../peers/libp2p.ts'

const N = 10

describe('peers integration: devnet mesh on 127.0.0.1', () => {
  const hubs: Hub[] = []
  after(async () => { await stopAll(hubs) })

  it(`meshes ${N} nodes with default caps, one connection per pair`, async () => {
    // every node wants all the others as outbound peers, so most pairs dial each other at once
    for (let i = 0; i < N; i++) hubs.push(await startHub({ outboundTarget: N - 1, maxParallelDials: N - 1, maintenanceIntervalMs: 100 }))
    for (const h of hubs) {
      for (const other of hubs) {
        if (other !== h) await h.node.peerStore.merge(other.node.peerId, { multiaddrs: [other.addr.decapsulateCode(421)] })
      }
    }
    await Promise.all(hubs.map(async h => h.peers.maintain()))
    const peersOf = (h: Hub): Set<string> => new Set(h.node.getConnections().filter(c => c.status === 'open').map(c => c.remotePeer.toString()))
    await waitFor(() => hubs.every(h => peersOf(h).size === N - 1), 15_000, 'a full mesh')
    await waitFor(() => hubs.every(h => h.node.getConnections().filter(c => c.status === 'open').length === N - 1), 5000, 'duplicates closed')
    for (const h of hubs) {
      const reasons = new Set(h.refusals.map(r => r.reason))
      reasons.delete('per-peer') // a simultaneous dial that lost the race
      assert.deepEqual([...reasons], [], 'no cap refused a devnet peer')
      assert.ok(h.peers.list().every(p => p.connections === 1 && p.ip === '127.0.0.1'))
    }
  })
})
