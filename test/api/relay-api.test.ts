import { it } from 'node:test'
import assert from 'node:assert/strict'
import { createNode } from '../../src/node/index.ts'
import { createApi } from '../../src/api/index.ts'
import { tempDir, testConfig, testLogs } from '../helpers/nodes.ts'

it('serves the relay protocols\' state at /relay and /compact-blocks', async () => {
  const { dir, cleanup } = await tempDir()
  const node = await createNode(testConfig(dir, { network: 'regtest', chain: 'devchain', txRelay: 'gossip', blockRelay: 'full' }), { logs: testLogs('n') })
  await node.start()
  const api = createApi(node, { listen: '127.0.0.1:0', token: '' })
  await api.start()
  try {
    assert.deepEqual([...node.protocols.keys()], ['status', 'sync', 'compact-blocks', 'tx-relay'])
    const relay = await (await fetch(`${api.url}/relay`)).json()
    assert.equal(relay.mode, 'gossip')
    assert.equal(relay.peers, 0)
    assert.equal(relay.received.accepted, 0)
    const cb = await (await fetch(`${api.url}/compact-blocks`)).json()
    assert.equal(cb.enabled, false)
    assert.deepEqual(cb.highBandwidthPeers, [])
    const metrics = await node.metrics()
    for (const name of ['chainwire_tx_relay_state', 'chainwire_tx_relay_received_total', 'chainwire_compact_blocks_state', 'chainwire_compact_blocks_reconstructions_total', 'chainwire_compact_blocks_bytes_ratio']) {
      assert.match(metrics, new RegExp(`^# TYPE ${name} `, 'm'), name)
    }
  } finally {
    await api.stop()
    await node.stop()
    await cleanup()
  }
})
