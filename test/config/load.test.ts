import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadConfig, splitHostPort } from '../../src/config/load.ts'
import { defaultConfig } from '../../src/config/options.ts'
import * as C from '../../src/config/constants.ts'
import { tempDir } from '../helpers/nodes.ts'

const isConfigError = (field: string, text: RegExp) => (err: any): boolean => {
  assert.equal(err.name, 'InvalidConfigError')
  assert.equal(err.field, field)
  assert.match(err.message, text)
  return true
}

describe('config', () => {
  it('has the seed spec defaults', () => {
    const d = defaultConfig()
    assert.equal(d.outboundTarget, 8)
    assert.equal(C.MAX_MESSAGE_BYTES, 10 * 1024 * 1024)
    assert.equal(C.MAX_CHUNK_BYTES, 1024 * 1024)
    assert.equal(d.connectionTimeoutMs, 30_000)
    assert.equal(d.heartbeatMs, 60_000)
    assert.equal(C.MAX_BLOCKS_PER_RESPONSE, 500)
    assert.equal(C.RATE_LIMIT_MESSAGES_PER_SEC, 100)
    assert.equal(C.RATE_LIMIT_BYTES_PER_SEC, 1024 * 1024)
    assert.deepEqual(d.listen.filter(a => a.includes('0.0.0.0')), [], 'never listens on all interfaces by default')
  })

  it('applies file < env < flags precedence', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const file = join(dir, 'c.json')
      await writeFile(file, JSON.stringify({ network: 'fromfile', maxConnections: 50, outboundTarget: 4, mdns: true }))
      const cfg = await loadConfig({
        file,
        env: { CHAINWIRE_NETWORK: 'fromenv', CHAINWIRE_MAX_CONNECTIONS: '60' },
        flags: { 'max-connections': '70', 'max-inbound': '20' }
      })
      assert.equal(cfg.network, 'fromenv')
      assert.equal(cfg.maxConnections, 70)
      assert.equal(cfg.maxInbound, 20)
      assert.equal(cfg.outboundTarget, 4)
      assert.equal(cfg.mdns, true)
    } finally {
      await cleanup()
    }
  })

  it('names the bad field and why', async () => {
    await assert.rejects(loadConfig({ flags: { 'max-connections': 'abc' } }), isConfigError('maxConnections', /^--max-connections must be an integer between 1 and 100000, got "abc"$/))
    await assert.rejects(loadConfig({ env: { CHAINWIRE_MAX_CONNECTIONS: '0' } }), isConfigError('maxConnections', /^CHAINWIRE_MAX_CONNECTIONS must be an integer/))
    await assert.rejects(loadConfig({ flags: { network: 'Bad/Net' } }), isConfigError('network', /--network must be lowercase letters/))
    await assert.rejects(loadConfig({ flags: { 'log-level': 'loud' } }), isConfigError('logLevel', /one of error, warn, info, debug, trace/))
    await assert.rejects(loadConfig({ flags: { bootstrap: ['/ip4/127.0.0.1/tcp/1'] } }), isConfigError('bootstrap', /ending in \/p2p\/<peer id>/))
    await assert.rejects(loadConfig({ flags: { api: 'nonsense' } }), isConfigError('api', /HOST:PORT/))
    await assert.rejects(loadConfig({ flags: { 'max-inbound': '200' } }), isConfigError('maxInbound', /must not exceed maxConnections/))
  })

  it('requires a token for an API off loopback', async () => {
    await assert.rejects(loadConfig({ flags: { api: '10.1.2.3:8080' } }), isConfigError('apiToken', /required when the API is bound to a non-loopback address/))
    const cfg = await loadConfig({ flags: { api: '10.1.2.3:8080', 'api-token': 'secret' } })
    assert.equal(cfg.apiToken, 'secret')
  })

  it('rejects unknown keys and bad JSON in the file', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const typo = join(dir, 'typo.json')
      await writeFile(typo, JSON.stringify({ maxPeer: 3 }))
      await assert.rejects(loadConfig({ file: typo }), isConfigError('maxPeer', /unknown key "maxPeer"/))
      const bad = join(dir, 'bad.json')
      await writeFile(bad, '{ nope')
      await assert.rejects(loadConfig({ file: bad }), isConfigError('config', /not valid JSON/))
      const wrongType = join(dir, 'type.json')
      await writeFile(wrongType, JSON.stringify({ maxConnections: '12' }))
      await assert.rejects(loadConfig({ file: wrongType }), isConfigError('maxConnections', /^maxConnections must be an integer/))
    } finally {
      await cleanup()
    }
  })

  it('parses HOST:PORT including IPv6', () => {
    assert.deepEqual(splitHostPort('127.0.0.1:80'), { host: '127.0.0.1', port: 80 })
    assert.deepEqual(splitHostPort('[::1]:9000'), { host: '::1', port: 9000 })
    assert.equal(splitHostPort('127.0.0.1:99999'), undefined)
    assert.equal(splitHostPort('::1:80'), undefined)
  })
})
