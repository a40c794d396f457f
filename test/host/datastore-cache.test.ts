import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryDatastore } from 'datastore-core'
import { LevelDatastore } from 'datastore-level'
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

/** A memory store that counts the writes reaching it. */
function countingStore (): { store: Datastore, writes: () => number } {
  const mem = new MemoryDatastore()
  let writes = 0
  const store = Object.create(mem) as Datastore
  store.put = async (key, value, options) => { writes++; return await mem.put(key, value, options) }
  store.delete = async (key, options) => { writes++; await mem.delete(key, options) }
  store.batch = () => {
    const inner = mem.batch()
    let n = 0
    return {
      put (key, value) { n++; inner.put(key, value) },
      delete (key) { n++; inner.delete(key) },
      async commit (options) { writes += n; await inner.commit(options) }
    }
  }
  return { store, writes: () => writes }
}

describe('datastore write-behind', () => {
  it('completes peer-record writes in memory and writes the last of each key once', async () => {
    const s = countingStore()
    const ds = cachedDatastore(s.store, { maxEntries: 8, writeBehindMs: 60_000 })
    for (let i = 1; i <= 5; i++) await ds.put(peer(1), bytes(i))
    await ds.put(peer(2), bytes(20))
    assert.equal(s.writes(), 0, 'nothing reached the store yet')
    assert.equal(await s.store.has(peer(1)), false)
    assert.deepEqual(await ds.get(peer(1)), bytes(5), 'reads see the pending write')
    assert.equal(ds.cacheStats.pending, 2)
    await ds.flush()
    assert.equal(s.writes(), 2, 'five writes of one key coalesced into one')
    assert.deepEqual(await s.store.get(peer(1)), bytes(5))
    assert.deepEqual(await s.store.get(peer(2)), bytes(20))
    assert.equal(ds.cacheStats.pending, 0)
  })

  it('serves a pending write when the cache has dropped it, and a pending delete as not found', async () => {
    const s = countingStore()
    const ds = cachedDatastore(s.store, { maxEntries: 1, writeBehindMs: 60_000 })
    await s.store.put(peer(3), bytes(3))
    await ds.put(peer(1), bytes(1))
    await ds.put(peer(2), bytes(2)) // pushes 1 out of the one-entry cache
    assert.equal(ds.cacheStats.entries, 1)
    assert.deepEqual(await ds.get(peer(1)), bytes(1))
    assert.equal(await ds.has(peer(1)), true)
    await ds.delete(peer(3))
    await assert.rejects(async () => await ds.get(peer(3)), { name: 'NotFoundError' })
    assert.equal(await ds.has(peer(3)), false)
    assert.equal(await s.store.has(peer(3)), true, 'the delete is pending too')
    await ds.flush()
    assert.equal(await s.store.has(peer(3)), false)
    await assert.rejects(async () => await ds.get(peer(3)), { name: 'NotFoundError' })
  })

  it('writes pending records after writeBehindMs, or at once when maxPending keys wait', async () => {
    const s = countingStore()
    const timed = cachedDatastore(s.store, { maxEntries: 8, writeBehindMs: 20 })
    await timed.put(peer(1), bytes(1))
    const deadline = Date.now() + 5000
    while (!(await s.store.has(peer(1)))) {
      assert.ok(Date.now() < deadline, 'the deferred write never reached the store')
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    const full = cachedDatastore(s.store, { maxEntries: 8, writeBehindMs: 60_000, maxPending: 3 })
    await full.put(peer(11), bytes(1))
    await full.put(peer(12), bytes(2))
    assert.equal(await s.store.has(peer(11)), false)
    await full.put(peer(13), bytes(3))
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(await s.store.has(peer(11)), true, 'the third pending key started a flush')
    assert.equal(full.cacheStats.pending, 0)
  })

  it('makes writers wait, not memory grow, when the store falls behind', async () => {
    const s = countingStore()
    const slow = Object.create(s.store) as Datastore
    const held: Array<() => void> = []
    slow.batch = () => {
      const inner = s.store.batch()
      return {
        put (key, value) { inner.put(key, value) },
        delete (key) { inner.delete(key) },
        async commit (options) {
          await new Promise<void>(resolve => held.push(resolve))
          await inner.commit(options)
        }
      }
    }
    const ds = cachedDatastore(slow, { maxEntries: 64, writeBehindMs: 60_000, maxPending: 4 })
    let peak = 0
    let done = 0
    const writers = Array.from({ length: 30 }, async (_, i) => {
      await ds.put(peer(i), bytes(i))
      done++
    })
    for (let spins = 0; done < writers.length; spins++) {
      assert.ok(spins < 1000, 'the writers never finished')
      await new Promise(resolve => setImmediate(resolve))
      peak = Math.max(peak, ds.cacheStats.pending)
      held.shift()?.()
    }
    await Promise.all(writers)
    assert.ok(peak <= 8, `at most twice maxPending keys waited (peak ${peak})`)
    while (held.length > 0 || ds.cacheStats.pending > 0) {
      held.shift()?.()
      await new Promise(resolve => setImmediate(resolve))
      if (held.length === 0 && ds.cacheStats.pending > 0) void ds.flush()
    }
    for (let i = 0; i < 30; i++) assert.deepEqual(await s.store.get(peer(i)), bytes(i), `record ${i} reached the store`)
  })

  it('writes through keys outside its prefix', async () => {
    const s = countingStore()
    const ds = cachedDatastore(s.store, { maxEntries: 8, writeBehindMs: 60_000 })
    const ban = new Key('/chainwire/bans/x')
    await ds.put(ban, bytes(9))
    assert.deepEqual(await s.store.get(ban), bytes(9))
    await ds.delete(ban)
    assert.equal(await s.store.has(ban), false)
    assert.equal(ds.cacheStats.pending, 0)
  })

  it('flushes before a query and before a batch, so both see the writes made before them', async () => {
    const s = countingStore()
    const ds = cachedDatastore(s.store, { maxEntries: 8, writeBehindMs: 60_000 })
    await ds.put(peer(1), bytes(1))
    await ds.put(peer(2), bytes(2))
    const listed = []
    for await (const pair of ds.query({ prefix: '/peers' })) listed.push(pair.key.toString())
    assert.deepEqual(listed.sort(), ['/peers/p1', '/peers/p2'])
    await ds.put(peer(1), bytes(3))
    const b = ds.batch()
    b.put(peer(1), bytes(4))
    await b.commit()
    assert.deepEqual(await s.store.get(peer(1)), bytes(4), 'the batch, made later, wins in the store')
    assert.deepEqual(await ds.get(peer(1)), bytes(4))
  })

  it('leaves deferred records in LevelDB once flushed, for the next start to read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainwire-dscache-'))
    try {
      const level = new LevelDatastore(dir)
      await level.open()
      const ds = cachedDatastore(level, { maxEntries: 8, writeBehindMs: 60_000 })
      await ds.put(peer(1), bytes(1, 2, 3))
      await ds.delete(peer(2))
      await ds.flush()
      await level.close()
      const reopened = new LevelDatastore(dir)
      await reopened.open()
      assert.deepEqual([...await reopened.get(peer(1))], [1, 2, 3])
      await reopened.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('on close writes what is pending and defers nothing after: a later write fails as the closed store fails it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainwire-dscache-'))
    const level = new LevelDatastore(join(dir, 'ds'))
    await level.open()
    try {
      const ds = cachedDatastore(level, { maxEntries: 8, writeBehindMs: 60_000 })
      await ds.put(peer(1), bytes(1))
      assert.equal(await level.has(peer(1)), false, 'deferred')
      await ds.close()
      assert.deepEqual([...await level.get(peer(1))], [1], 'written on close')
      await ds.put(peer(2), bytes(2))
      assert.equal(ds.cacheStats.pending, 0, 'not deferred after close')
      assert.deepEqual([...await level.get(peer(2))], [2])
      await level.close()
      await assert.rejects(async () => { await ds.put(peer(3), bytes(3)) })
      assert.equal(ds.cacheStats.pending, 0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('reports a deferred write that failed and forgets it', async () => {
    const s = countingStore()
    const failing = Object.create(s.store) as Datastore
    failing.batch = () => ({ put () {}, delete () {}, async commit () { throw new Error('disk full') } })
    const errors: string[] = []
    const ds = cachedDatastore(failing, { maxEntries: 8, writeBehindMs: 60_000, onWriteError: (err) => errors.push(err.message) })
    await ds.put(peer(1), bytes(1))
    await ds.flush()
    assert.deepEqual(errors, ['disk full'])
    assert.equal(ds.cacheStats.pending, 0)
  })
})
