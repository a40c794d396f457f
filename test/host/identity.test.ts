import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { stat, writeFile, chmod } from 'node:fs/promises'
import { loadIdentity, identityPath } from '../../src/host/identity.ts'
import { tempDir } from '../helpers/nodes.ts'

describe('identity', () => {
  it('creates an Ed25519 key with mode 0600 and loads the same one again', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const a = await loadIdentity(dir)
      assert.equal(a.created, true)
      assert.equal(a.privateKey.type, 'Ed25519')
      assert.equal((await stat(a.path)).mode & 0o777, 0o600)
      const b = await loadIdentity(dir)
      assert.equal(b.created, false)
      assert.ok(b.peerId.equals(a.peerId))
    } finally {
      await cleanup()
    }
  })

  it('refuses a corrupt key file instead of creating a new identity', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      await writeFile(identityPath(dir), 'not a key\n')
      await assert.rejects(loadIdentity(dir), (err: Error) => err.name === 'IdentityError' && /corrupt/.test(err.message))
      await writeFile(identityPath(dir), 'deadbeef\n')
      await assert.rejects(loadIdentity(dir), (err: Error) => err.name === 'IdentityError' && /corrupt/.test(err.message))
    } finally {
      await cleanup()
    }
  })

  it('refuses an unreadable key file', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      // a directory where the key should be: unreadable as a file, even for root
      const { mkdir } = await import('node:fs/promises')
      await mkdir(identityPath(dir))
      await assert.rejects(loadIdentity(dir), (err: Error) => err.name === 'IdentityError' && /cannot read/.test(err.message))
    } finally {
      await cleanup()
    }
  })

  it('tightens loose permissions and can refuse to create', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      await assert.rejects(loadIdentity(dir, { create: false }), (err: Error) => err.name === 'IdentityError')
      const a = await loadIdentity(dir)
      await chmod(a.path, 0o644)
      await loadIdentity(dir)
      assert.equal((await stat(a.path)).mode & 0o777, 0o600)
    } finally {
      await cleanup()
    }
  })
})
