import { it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { createNode } from '../../src/node/index.ts'
import { tempDir, testConfig, testLogs } from '../helpers/nodes.ts'

/**
 * Tests, the simulator and benchmarks start and stop many nodes in one
 * process: anything process-wide that keeps a reference (a GC observer, a
 * timer, a module-level map) keeps a whole stopped node in memory.
 */
it('a stopped node can be collected: nothing process-wide keeps it', async () => {
  const gc = (globalThis as { gc?: () => void }).gc
  assert.ok(gc != null, 'needs --expose-gc (npm test passes it)')
  const { dir, cleanup } = await tempDir()
  try {
    const ref = await (async () => {
      const node = await createNode(testConfig(join(dir, 'a'), { dht: false }), { logs: testLogs('a') })
      await node.start()
      assert.match(await node.metrics(), /^nodejs_heap_size_total_bytes/m, 'process metrics are served')
      await node.stop()
      return new WeakRef(node)
    })()
    // a second node: @libp2p/prometheus-metrics keeps the newest node's metric objects in a module-level map
    const b = await createNode(testConfig(join(dir, 'b'), { dht: false }), { logs: testLogs('b') })
    await b.start()
    await b.stop()
    const deadline = Date.now() + 10_000
    while (ref.deref() != null && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 50))
      gc()
    }
    assert.equal(ref.deref(), undefined, 'the stopped node is still reachable')
  } finally {
    await cleanup()
  }
})
