/**
 * BIP152 short ids against vectors computed with OpenSSL, an implementation
 * independent of ours (fixtures/short-ids.json says how).
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { shortId, shortIdKey } from '../../../src/protocols/compact-blocks/short-ids.ts'
import { sipHash24Bytes, sipKeyFromBytes } from '../../../src/protocols/compact-blocks/siphash.ts'

interface ShortIdCase { header: string, nonce: string, txid: string, key: string, siphash: string, shortId: number }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/short-ids.json', import.meta.url), 'utf8')) as { cases: ShortIdCase[] }

describe('BIP152 short ids', () => {
  for (const [i, c] of fixture.cases.entries()) {
    it(`vector ${i}: ${c.header.length / 2}-byte header, nonce ${c.nonce}`, () => {
      const key = shortIdKey(Buffer.from(c.header, 'hex'), BigInt(c.nonce))
      assert.deepEqual(key, sipKeyFromBytes(Buffer.from(c.key, 'hex')), 'key = SHA256(header || nonce LE)[0..16]')
      const txid = Buffer.from(c.txid, 'hex')
      assert.equal(Buffer.from(sipHash24Bytes(key, txid)).toString('hex'), c.siphash)
      assert.equal(shortId(key, txid), c.shortId)
      assert.ok(c.shortId < 2 ** 48)
    })
  }

  it('changes with the nonce, so an attacker cannot precompute collisions', () => {
    const header = new Uint8Array(84)
    const txid = new Uint8Array(32).fill(7)
    assert.notEqual(shortId(shortIdKey(header, 1n), txid), shortId(shortIdKey(header, 2n), txid))
  })
})
