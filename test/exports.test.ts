/**
 * The package's public entry points: what a chain developer imports.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as chainwire from '../src/index.ts'
import * as devchain from '../src/devchain/index.ts'

const root = new URL('../', import.meta.url).pathname

describe('public API', () => {
  it('every package.json export is built from a source module', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    const entries = Object.entries(pkg.exports as Record<string, { types: string, import: string }>)
    assert.ok(entries.length >= 2)
    for (const [name, target] of entries) {
      // tsconfig.build.json compiles src/X.ts to dist/src/X.js and dist/src/X.d.ts
      const src = target.import.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')
      assert.ok(existsSync(join(root, src)), `${name}: ${target.import} has no source ${src}`)
      assert.equal(target.types, target.import.replace(/\.js$/, '.d.ts'), `${name}: types beside the module`)
    }
  })

  it('the main entry exports the node factory, config, API and errors', () => {
    for (const name of ['createNode', 'loadConfig', 'defaultConfig', 'validateConfig', 'createApi', 'createLogs', 'silentLogs', 'protocolId', 'topicId']) {
      assert.equal(typeof (chainwire as Record<string, unknown>)[name], 'function', name)
    }
    assert.equal(chainwire.constants.DEFAULT_OUTBOUND_TARGET, 8)
    assert.equal(chainwire.constants.MAX_MESSAGE_BYTES, 10 * 1024 * 1024)
    const err = new chainwire.StatusMismatchError('genesis', 'x')
    assert.ok(err instanceof Error)
    assert.equal(err.name, 'StatusMismatchError')
  })

  it('the devchain entry exports the reference chain', () => {
    assert.equal(typeof devchain.createDevchain, 'function')
    assert.equal(typeof devchain.createMiner, 'function')
    assert.equal(typeof devchain.buildChain, 'function')
  })

  it('a node built from the main entry alone starts, reports its status and stops', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chainwire-exports-'))
    try {
      const config = chainwire.validateConfig({ ...chainwire.defaultConfig(), dataDir, chain: 'none', api: '', mdns: false, bootstrap: [] })
      const node = await chainwire.createNode(config, { logs: chainwire.silentLogs() })
      await node.start()
      try {
        const status = node.status()
        assert.equal(status.network, 'devnet')
        assert.ok(status.addrs.length > 0)
        for (const a of status.addrs) assert.match(a, new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+(/ws)?/p2p/${status.peerId}$`))
      } finally {
        await node.stop()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
