import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { murmur3, rollingBloomFilter } from '../../../src/protocols/tx-relay/index.ts'

describe('MurmurHash3 (x86, 32-bit)', () => {
  // Bitcoin Core's src/test/hash_tests.cpp, murmurhash3
  const vectors: Array<[number, number, string]> = [
    [0x00000000, 0x00000000, ''],
    [0x6a396f08, 0xFBA4C795, ''],
    [0x81f16f39, 0xffffffff, ''],
    [0x514e28b7, 0x00000000, '00'],
    [0xea3f0b17, 0xFBA4C795, '00'],
    [0xfd6cf10d, 0x00000000, 'ff'],
    [0x16c6b7ab, 0x00000000, '0011'],
    [0x8eb51c3d, 0x00000000, '001122'],
    [0xb4471bf8, 0x00000000, '00112233'],
    [0xe2301fa8, 0x00000000, '0011223344'],
    [0xfc2e4a15, 0x00000000, '001122334455'],
    [0xb074502c, 0x00000000, '00112233445566'],
    [0x8034d2a0, 0x00000000, '0011223344556677'],
    [0xb4698def, 0x00000000, '001122334455667788']
  ]
  for (const [want, seed, hex] of vectors) {
    it(`seed 0x${seed.toString(16)}, data "${hex}"`, () => {
      assert.equal(murmur3(seed, Buffer.from(hex, 'hex')), want)
    })
  }
})

describe('rolling bloom filter', () => {
  it('remembers the last n keys, with no false negatives', () => {
    const f = rollingBloomFilter(1000, 0.000001)
    const keys = Array.from({ length: 5000 }, () => randomBytes(32))
    for (let i = 0; i < keys.length; i++) {
      f.insert(keys[i])
      // the newest n keys are always there
      if (i % 97 === 0) for (let j = Math.max(0, i - 999); j <= i; j++) assert.ok(f.contains(keys[j]), `key ${j} after ${i} inserts`)
    }
  })

  it('forgets old keys: after 3n more inserts they are gone (up to false positives)', () => {
    const f = rollingBloomFilter(1000, 0.001)
    const old = Array.from({ length: 1000 }, () => randomBytes(32))
    for (const k of old) f.insert(k)
    for (let i = 0; i < 3000; i++) f.insert(randomBytes(32))
    const remembered = old.filter(k => f.contains(k)).length
    assert.ok(remembered < 20, `${remembered} of 1000 old keys still reported`)
  })

  it('keeps its false-positive rate near the target', () => {
    const f = rollingBloomFilter(10_000, 0.001)
    for (let i = 0; i < 10_000; i++) f.insert(randomBytes(32))
    let fp = 0
    const probes = 20_000
    for (let i = 0; i < probes; i++) if (f.contains(randomBytes(32))) fp++
    assert.ok(fp / probes < 0.005, `false-positive rate ${fp / probes}`)
  })

  it('is sized as Bitcoin Core sizes it, and reset() empties it', () => {
    const f = rollingBloomFilter(50_000, 0.000001)
    // 20 hash functions, 75,000 entries: ceil(20 · 75000 / -ln(1 - e^(ln(1e-6)/20))) bits, in 64-bit word pairs
    assert.ok(f.bytes > 500_000 && f.bytes < 600_000, `${f.bytes} bytes`)
    const k = randomBytes(32)
    f.insert(k)
    assert.ok(f.contains(k))
    f.reset()
    assert.equal(f.contains(k), false)
  })

  it('rejects absurd sizes', () => {
    assert.throws(() => rollingBloomFilter(0, 0.01), (e: Error) => e.name === 'InvalidArgumentError')
    assert.throws(() => rollingBloomFilter(10_000_000, 0.01), (e: Error) => e.name === 'InvalidArgumentError')
    assert.throws(() => rollingBloomFilter(10, 1), (e: Error) => e.name === 'InvalidArgumentError')
  })
})
