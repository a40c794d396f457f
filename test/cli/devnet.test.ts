import { it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { spawnCli, runCli, alive } from '../helpers/cli.ts'
import { tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'
import { NODE_V8_FLAGS, SHUTDOWN_TIMEOUT_MS } from '../../src/config/constants.ts'

it('chainwire devnet --nodes 4 meshes, answers the client commands and stops cleanly on SIGINT', async () => {
  const { dir, cleanup } = await tempDir('cw-devnet-')
  const devnet = spawnCli(['devnet', '--nodes', '4', '--data-dir', dir])
  let pids: number[] = []
  try {
    const info = await waitFor(async () => {
      const d = JSON.parse(await readFile(join(dir, 'devnet.json'), 'utf8'))
      return d.nodes.every((n: any) => typeof n.pid === 'number') ? d : undefined
    }, 'devnet.json', 30_000)
    pids = info.nodes.map((n: any) => n.pid)
    assert.equal(info.nodes.length, 4)
    // every node runs with the V8 flags of a node process
    for (const pid of pids) {
      const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')
      for (const flag of NODE_V8_FLAGS) assert.ok(argv.includes(flag), `node ${pid} runs with ${flag}: ${argv.join(' ')}`)
    }

    // every node's API shows the three others
    await waitFor(async () => {
      const counts = await Promise.all(info.nodes.map(async (n: any) => (await (await fetch(`${n.apiUrl}/peers`)).json()).length))
      return counts.every((c: number) => c === 3)
    }, 'each node to have 3 peers', 30_000, 250)
    for (const n of info.nodes) {
      const peers = await (await fetch(`${n.apiUrl}/peers`)).json()
      const ids = new Set(peers.map((p: any) => p.id))
      for (const m of info.nodes) if (m !== n) assert.ok(ids.has(m.peerId))
    }
    assert.match(devnet.output(), /node-3\s+12D3KooW/)

    // the client commands read a running node
    const status = await runCli(['status', '--api', info.nodes[1].apiUrl, '--json'])
    assert.equal(status.code, 0, status.stderr)
    assert.equal(JSON.parse(status.stdout).peerId, info.nodes[1].peerId)
    const peers = await runCli(['peers', '--data-dir', info.nodes[2].dir])
    assert.equal(peers.code, 0, peers.stderr)
    assert.equal(peers.stdout.trim().split('\n').length, 4, peers.stdout)

    const t0 = Date.now()
    devnet.kill('SIGINT')
    const code = await new Promise<number | null>(resolve => devnet.on('exit', (c) => { resolve(c) }))
    const took = Date.now() - t0
    assert.equal(code, 0, devnet.output())
    assert.ok(took < SHUTDOWN_TIMEOUT_MS + 1500, `stopped in ${took} ms`)
    for (const pid of pids) assert.equal(alive(pid), false, `node process ${pid} is gone`)
  } finally {
    if (devnet.exitCode == null) devnet.kill('SIGKILL')
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL')
    await cleanup()
  }
})
