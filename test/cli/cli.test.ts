import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { chmod, readFile, writeFile, mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { CLI, runCli } from '../helpers/cli.ts'
import { NODE_V8_FLAGS } from '../../src/config/constants.ts'
import { tempDir } from '../helpers/nodes.ts'
import { identityPath } from '../../src/host/identity.ts'

describe('chainwire CLI', () => {
  it('prints complete help for each command', async () => {
    const top = await runCli(['--help'])
    assert.equal(top.code, 0)
    for (const cmd of ['node', 'devnet', 'id', 'status', 'peers']) assert.match(top.stdout, new RegExp(`\\n  ${cmd} `))
    const node = await runCli(['node', '--help'])
    assert.equal(node.code, 0)
    for (const flag of ['--network', '--listen', '--bootstrap', '--data-dir', '--api', '--config', '--log-level', '--[no-]mdns']) {
      assert.ok(node.stdout.includes(flag), `node --help mentions ${flag}`)
    }
    const devnet = await runCli(['devnet', '--help'])
    assert.match(devnet.stdout, /--nodes <n>/)
  })

  it('rejects unknown commands and flags with exit code 2', async () => {
    const a = await runCli(['frobnicate'])
    assert.equal(a.code, 2)
    assert.match(a.stderr, /unknown command "frobnicate"/)
    const b = await runCli(['node', '--no-such-flag'])
    assert.equal(b.code, 2)
    assert.match(b.stderr, /Unknown option '--no-such-flag'/)
  })

  it('rejects a bad flag value with a message naming the flag', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const r = await runCli(['node', '--data-dir', dir, '--max-connections', 'abc'])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /--max-connections must be an integer between 1 and 100000, got "abc"/)
      assert.equal(r.stdout, '')
    } finally {
      await cleanup()
    }
  })

  it('rejects a bad config file', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const file = join(dir, 'cfg.json')
      await writeFile(file, JSON.stringify({ network: 'devnet', outboundTarget: -1 }))
      const r = await runCli(['node', '--data-dir', dir, '--config', file])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /outboundTarget must be an integer between 0 and 1000, got -1/)
      const missing = await runCli(['node', '--data-dir', dir, '--config', join(dir, 'nope.json')])
      assert.equal(missing.code, 1)
      assert.match(missing.stderr, /cannot read config file .*nope\.json: ENOENT/)
    } finally {
      await cleanup()
    }
  })

  it('refuses to start with a corrupt key file', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      await mkdir(dir, { recursive: true })
      await writeFile(identityPath(dir), 'garbage')
      const r = await runCli(['node', '--data-dir', dir, '--api', ''])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /identity key file .* is corrupt/)
      const id = await runCli(['id', '--data-dir', dir])
      assert.equal(id.code, 1)
      assert.match(id.stderr, /is corrupt/)
    } finally {
      await cleanup()
    }
  })

  it('the command starts Node with the V8 flags of a node process', async () => {
    const shebang = (await readFile(CLI, 'utf8')).split('\n')[0]
    const { dir, cleanup } = await tempDir()
    try {
      // the same first line on a script that shows what Node was started with
      const probe = join(dir, 'probe.js')
      await writeFile(probe, `${shebang}\nconsole.log(JSON.stringify(process.execArgv))\n`)
      await chmod(probe, 0o755)
      const path = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`
      const { stdout } = await promisify(execFile)(probe, [], { env: { ...process.env, PATH: path } })
      assert.deepEqual(JSON.parse(stdout), [...NODE_V8_FLAGS])
    } finally {
      await cleanup()
    }
  })

  it('chainwire id creates the identity once and shows the same id after', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const first = await runCli(['id', '--data-dir', dir, '--json'])
      assert.equal(first.code, 0)
      const a = JSON.parse(first.stdout)
      assert.equal(a.created, true)
      assert.match(a.peerId, /^12D3KooW/)
      const second = await runCli(['id', '--data-dir', dir])
      assert.equal(second.stdout.trim(), a.peerId)
    } finally {
      await cleanup()
    }
  })
})
