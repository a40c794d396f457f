import { it } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { createLab, jsonLines } from '../helpers/netns.ts'
import { tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/node.ts', import.meta.url))

it('two nodes with mDNS discover each other with no bootstrap, inside their own namespaces', async () => {
  const lab = createLab()
  const { dir, cleanup } = await tempDir()
  try {
    const a = await lab.ns('mdns-a')
    const b = await lab.ns('mdns-b')
    await lab.link(a, '10.201.0.1/24', b, '10.201.0.2/24', { multicast: true })
    const cfg = (ip: string, d: string): string => JSON.stringify({ network: 'labnet', dataDir: d, listen: [`/ip4/${ip}/tcp/0`], mdns: true, dht: false, api: '', chain: 'none', logLevel: 'error' })
    const na = jsonLines(lab.exec(a, process.execPath, [FIXTURE, cfg('10.201.0.1', `${dir}/a`)]))
    const nb = jsonLines(lab.exec(b, process.execPath, [FIXTURE, cfg('10.201.0.2', `${dir}/b`)]))
    const readyA = await waitFor(() => na.lines.find(l => l.event === 'ready'), 'node a ready', 20_000)
    const readyB = await waitFor(() => nb.lines.find(l => l.event === 'ready'), 'node b ready', 20_000)
    const connA = await waitFor(() => na.lines.find(l => l.event === 'peer:connect'), `node a to discover b over mDNS\n${na.text()}`, 20_000)
    const connB = await waitFor(() => nb.lines.find(l => l.event === 'peer:connect'), `node b to discover a over mDNS\n${nb.text()}`, 20_000)
    assert.equal(connA.peer, readyB.peerId)
    assert.equal(connB.peer, readyA.peerId)
    assert.ok(connA.addr.includes('/ip4/10.201.0.'), connA.addr)
  } finally {
    await lab.destroy()
    await cleanup()
  }
})
