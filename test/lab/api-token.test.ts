import { it } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { createLab, jsonLines } from '../helpers/netns.ts'
import { tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

const NODE = fileURLToPath(new URL('./fixtures/node.ts', import.meta.url))
const FETCH = fileURLToPath(new URL('./fixtures/fetch.ts', import.meta.url))

it('an API bound to a non-loopback address refuses requests without the token', async () => {
  const lab = createLab()
  const { dir, cleanup } = await tempDir()
  try {
    const ns = await lab.ns('api')
    // a non-loopback address that exists only inside the test's own namespace
    await lab.addLoopbackAddr(ns, '10.202.0.1/32')
    const cfg = JSON.stringify({ network: 'labnet', dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], dht: false, api: '10.202.0.1:18080', apiToken: 'lab-token', chain: 'none', logLevel: 'error' })
    const node = jsonLines(lab.exec(ns, process.execPath, [NODE, cfg]))
    const ready = await waitFor(() => node.lines.find(l => l.event === 'ready'), `node ready\n${node.text()}`, 20_000)
    assert.equal(ready.api, 'http://10.202.0.1:18080')

    const get = async (token?: string): Promise<{ status: number, body: string }> => {
      const c = jsonLines(lab.exec(ns, process.execPath, [FETCH, `${ready.api}/status`, ...(token != null ? [token] : [])]))
      return await waitFor(() => c.lines[0], `fetch result\n${c.text()}`, 20_000)
    }
    const none = await get()
    assert.equal(none.status, 401)
    const wrong = await get('nope')
    assert.equal(wrong.status, 401)
    const right = await get('lab-token')
    assert.equal(right.status, 200)
    assert.equal(JSON.parse(right.body).peerId, ready.peerId)
  } finally {
    await lab.destroy()
    await cleanup()
  }
})
