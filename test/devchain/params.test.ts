import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ChainStoreError, createDevchain, genesisBlock, resolveParams } from '../../src/devchain/index.ts'
import { toHex } from '../../src/devchain/codec.ts'
import { InvalidConfigError } from '../../src/errors.ts'

describe('devchain params and network identity', () => {
  it('gives every network and every rule change its own genesis hash', () => {
    const devnet = toHex(genesisBlock(resolveParams('devnet')).hash)
    const regtest = toHex(genesisBlock(resolveParams('regtest')).hash)
    const other = toHex(genesisBlock(resolveParams('othernet')).hash)
    const slower = toHex(genesisBlock(resolveParams('devnet', { targetSpacing: 2 })).hash)
    assert.equal(new Set([devnet, regtest, other, slower]).size, 4)
    // identities are stable: changing the format or a rule splits every running network
    assert.equal(devnet, '6684c2a042f9c50f25adc6ec69cafec3e0826e80dd2f37f5c0f6f55e1a765cbc')
    assert.equal(regtest, '32af6cd7e388c759a5d9936d7851292506c032e20e5e9d0944eff29df95fbcc6')
  })

  it('rejects bad params', () => {
    assert.throws(() => resolveParams('Dev/Net'), (e: Error) => e.name === InvalidConfigError.name)
    assert.throws(() => resolveParams('devnet', { genesisBits: 0x21008000 }), (e: Error) => e.name === InvalidConfigError.name)
    assert.throws(() => resolveParams('devnet', { coinbaseMaturity: -1 }), (e: Error) => e.name === InvalidConfigError.name)
  })

  it('refuses to open a data dir holding another network', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainwire-devchain-'))
    try {
      const a = await createDevchain({ dataDir: dir, network: 'regtest' })
      await a.close()
      await assert.rejects(createDevchain({ dataDir: dir, network: 'devnet' }), (e: ChainStoreError) => e.name === ChainStoreError.name && e.rule === 'network-mismatch')
      const b = await createDevchain({ dataDir: dir, network: 'regtest' })
      assert.equal(b.tip().height, 0)
      await b.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('devchain store opening', () => {
  it('refuses a data dir another chain instance holds open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainwire-devchain-'))
    const a = await createDevchain({ dataDir: dir, network: 'regtest' })
    try {
      await assert.rejects(createDevchain({ dataDir: dir, network: 'regtest' }), (e: ChainStoreError) => e.name === ChainStoreError.name && e.rule === 'open-failed')
    } finally {
      await a.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
