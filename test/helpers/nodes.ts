import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNode } from '../../src/node/index.ts'
import { createLogs } from '../../src/logger.ts'
import type { ChainwireNode } from '../../src/node/index.ts'
import type { NodeConfig } from '../../src/config/options.ts'

/** A temporary directory removed by the returned cleanup. */
export async function tempDir (prefix = 'cw-test-'): Promise<{ dir: string, cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return { dir, cleanup: async () => { await rm(dir, { recursive: true, force: true }) } }
}

/** Test-node defaults: loopback TCP only, quiet logs, no API. */
export function testConfig (dataDir: string, extra: Partial<NodeConfig> = {}): Partial<NodeConfig> {
  return {
    network: 'testnet',
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    api: '',
    chain: 'none',
    logLevel: 'error',
    ...extra
  }
}

/** Quiet logs, or stderr when CW_TEST_LOG is set (e.g. CW_TEST_LOG=debug). */
export function testLogs (name: string): ReturnType<typeof createLogs> {
  const level = process.env.CW_TEST_LOG as any
  return level != null ? createLogs({ level, prefix: name }) : createLogs({ level: 'error', sink: () => {} })
}

/** A set of started nodes with one cleanup. */
export interface TestNet {
  nodes: ChainwireNode[]
  dirs: string[]
  stop (): Promise<void>
}

/** Start `n` nodes; node i>0 bootstraps from node 0 unless `bootstrap` is false. */
export async function startNet (n: number, extra: (i: number) => Partial<NodeConfig> = () => ({}), bootstrap = true): Promise<TestNet> {
  const { dir, cleanup } = await tempDir()
  const nodes: ChainwireNode[] = []
  const dirs: string[] = []
  try {
    for (let i = 0; i < n; i++) {
      const d = join(dir, `n${i}`)
      dirs.push(d)
      const boot = bootstrap && i > 0 ? [nodes[0].status().addrs[0]] : []
      const node = await createNode(testConfig(d, { bootstrap: boot, ...extra(i) }), { logs: testLogs(`n${i}`) })
      await node.start()
      nodes.push(node)
    }
  } catch (err) {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await cleanup()
    throw err
  }
  return {
    nodes,
    dirs,
    async stop () {
      await Promise.all(nodes.map(async n => { await n.stop() }))
      await cleanup()
    }
  }
}
