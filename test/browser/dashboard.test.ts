import { it } from 'node:test'
import assert from 'node:assert/strict'
import { chromium } from 'playwright-core'
import { createApi } from '../../src/api/index.ts'
import { startNet } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

/** Debian's chromium, never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

it('the dashboard shows the node, its peers and its chain, from the API, in a real browser', async () => {
  const net = await startNet(2, (i) => ({ chain: i === 0 ? 'devchain' : 'none', network: 'regtest', dht: false }))
  const [node, peer] = net.nodes
  const api = createApi(node, { listen: '127.0.0.1:0', token: '' })
  await api.start()
  // playwright gives the browser a fresh temporary profile of its own
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 30_000 })
    await waitFor(() => node.peers().length === 1, 'the peer to connect')
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => { errors.push(e.message) })
    await page.goto(api.url + '/')
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 })
    assert.equal(await page.textContent('#peerId'), node.peerId.toString())
    assert.equal(await page.textContent('#network'), 'regtest')
    assert.equal(await page.textContent('#height'), '0')
    await page.waitForFunction((id) => document.querySelector('#peerRows')?.textContent?.includes(id), peer.peerId.toString(), { timeout: 15_000 })
    assert.equal(await page.textContent('#peers'), '1')
    assert.deepEqual(errors, [])
  } finally {
    await browser?.close()
    await api.stop()
    await net.stop()
  }
})
