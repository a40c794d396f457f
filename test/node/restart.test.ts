import { it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { createNode } from '../../src/node/index.ts'
import { tempDir, testConfig, testLogs } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

it('a restarted node keeps its peer id and reconnects to remembered peers without bootstrap', async () => {
  const { dir, cleanup } = await tempDir()
  const hub = await createNode(testConfig(join(dir, 'hub'), { dht: false }), { logs: testLogs('hub') })
  await hub.start()
  try {
    const cfg = testConfig(join(dir, 'leaf'), { dht: false })
    const first = await createNode({ ...cfg, bootstrap: [hub.status().addrs[0]] }, { logs: testLogs('leaf') })
    await first.start()
    await waitFor(() => first.peers().length === 1, 'leaf to connect to hub through bootstrap')
    const id = first.peerId.toString()
    await first.stop()
    await waitFor(() => hub.peers().length === 0, 'hub to see the leaf go')

    // same data dir, no bootstrap: identity and peer store come from disk
    const second = await createNode({ ...cfg, bootstrap: [] }, { logs: testLogs('leaf') })
    assert.equal(second.peerId.toString(), id)
    await second.start()
    try {
      await waitFor(() => second.peers().some(p => p.id === hub.peerId.toString()), 'leaf to reconnect to the remembered hub', 20_000)
      assert.equal(second.peers()[0].direction, 'outbound')
    } finally {
      await second.stop()
    }
  } finally {
    await hub.stop()
    await cleanup()
  }
})
