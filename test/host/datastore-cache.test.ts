import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { cachedDatastore } from '../../src/host/datastore-cache.ts'
import type { Datastore } from 'interface-datastore'

const peer = (n: number): Key => new Key(`/peers/p${n}`)
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b)

/** A memory store that counts its reads and can hold one read until released. */
function slowStore (): { store: Datastore, reads: () => number, holdNextRead: () => () => void } {
  const mem = new MemoryDatastore()
  let reads = 0
  let hold: Promise<void> | undefined
  const store = Object.create(mem) as Datastore
  store.get = async (key, options) => {
    reads++
    const value = await mem.get(key, options)
    if (hold != null) {
      const h = hold
      hold = undefined
      await h
    }
    return value
  }
  return {
    store,
    reads: () => reads,
    holdNextRead: () => {
      let release!: () => void
      hold = new Promise<void>(resolve => { release = resolve })
      return release
    }
  }
}

describe('datastore read cache', () => {
  it('serves repeated reads of a peer record from memory, and writes through', async () => {
    const s = slowStore()
    const ds = cachedDatastore(s.store, { maxEntries: 8 })
    await ds.put(peer(1), bytes(1))
    assert.deepEqual(await s.store.get(peer(1)), bytes(1), 'written through to the store')
    const before = s.reads()
    for (let i = 0; i < 5; i++) assert.deepEqual(await ds.get(peer(1)), bytes(1))
    assert.equal(s.reads(), before, 'no read reached the store')
    assert.equal(ds.cacheStats.hits, 5)
    await ds.put(peer(1), bytes(2))
    assert.deepEqual(await ds.get(peer(1)), bytes(2))
    assert.equal(await ds.has(peer(1)), true)
    await ds.delete(peer(1))
    await assert.rejects(async () => await ds.get(peer(1)), { name: 'NotFoundError' })
    assert.equal(await ds.has(peer(1)), false)
  })

  it('leaves keys outside its prefix to the store', async () => {
    const s = slowStore()
    const ds = cachedDatastore(s.store, { maxEntries: 8 })
    const ban = new Key('/chainwire/bans/x')
    await ds.put(ban, bytes(9))
    await ds.get(ban)
    await ds.get(ban)
    assert.equal(s.reads(), 2)
    assert.equal(ds.cacheStats.entries, 0)
  })

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const s = slowStore()
    const ds = cachedDatastore(s.store, { maxEntries: 2 })
    await ds.put(peer(1), bytes(1))
    await ds.put(peer(2), bytes(2))
    await ds.get(peer(1)) // 1 is now the most recently used
    await ds.put(peer(3), bytes(3))
    assert.equal(ds.cacheStats.entries, 2)
    const reads = s.reads()
    await ds.get(peer(1))
    await ds.get(peer(3))
    assert.equal(s.reads(), reads, '1 and 3 cached')
    await ds.get(peer(2))
    assert.equal(s.reads(), reads + 1, '2 was dropped')
  })

  it('never caches a read that overlapped a write: the newer value wins', async () => {
    const s = slowStore()
    const ds = cachedDatastore(s.store, { maxEntries: 8 })
    await s.store.put(peer(1), bytes(1))
    const release = s.holdNextRead()
    const slowRead = ds.get(peer(1)) // reads the old value, then waits
    await new Promise(resolve => setImmediate(resolve))
    await ds.put(peer(1), bytes(2))
    release()
    assert.deepEqual(await slowRead, bytes(1), 'the read returns what it read')
    assert.deepEqual(await ds.get(peer(1)), bytes(2), 'but the cache holds the write')
  })

  it('drops the keys a batch touched, so the next read sees what the store made of it', async () => {
    const s = slowStore()
    const ds = cachedDatastore(s.store, { maxEntries: 8 })
    await ds.put(peer(1), bytes(1))
    await ds.put(peer(2), bytes(2))
    await ds.put(peer(3), bytes(3))
    const b = ds.batch()
    b.put(peer(1), bytes(11))
    b.delete(peer(2))
    await b.commit()
    assert.deepEqual(await ds.get(peer(1)), bytes(11))
    await assert.rejects(async () => await ds.get(peer(2)), { name: 'NotFoundError' })
    const reads = s.reads()
    assert.deepEqual(await ds.get(peer(3)), bytes(3))
    assert.equal(s.reads(), reads, 'an untouched key stays cached')
  })

  it('streams putMany, getMany and deleteMany through the cache, and queries the store', async () => {
    const s = slowStore()
    const ds = cachedDatastore(s.store, { maxEntries: 8 })
    const keys: Key[] = []
    for await (const k of ds.putMany([{ key: peer(1), value: bytes(1) }, { key: peer(2), value: bytes(2) }])) keys.push(k)
    assert.deepEqual(keys.map(String), ['/peers/p1', '/peers/p2'])
    const reads = s.reads()
    const got = []
    for await (const pair of ds.getMany([peer(1), peer(2)])) got.push(pair.value)
    assert.deepEqual(got, [bytes(1), bytes(2)])
    assert.equal(s.reads(), reads)
    const listed = []
    for await (const pair of ds.query({ prefix: '/peers' })) listed.push(pair.key.toString())
    assert.deepEqual(listed.sort(), ['/peers/p1', '/peers/p2'])
    for await (const _ of ds.deleteMany([peer(1)])) { /* drain */ }
    await assert.rejects(async () => await ds.get(peer(1)), { name: 'NotFoundError' })
  })
})
