/**
 * A read cache, and optionally a write-behind buffer, in front of the node's
 * LevelDB datastore, for the records libp2p reads and rewrites on every
 * stream.
 *
 * libp2p 3.x merges the negotiated protocol into the peer store each time a
 * stream opens, on both sides, under a per-peer write lock: a LevelDB read
 * (a trip through libuv's thread pool) and a decode before the stream reaches
 * its handler. During header sync that merge took 1.5–3 ms of a 7–10 ms
 * get_headers round trip, and serving the record from memory raised header
 * sync by ~15 % (median of runs, bench/sync.bench.ts's header phase). Peer records
 * under `/peers/` are therefore served from a bounded LRU. Without
 * `writeBehindMs`, writes go through to LevelDB first, so the store on disk
 * stays the truth.
 *
 * A read that overlaps a write of any key is not cached, so a slow read can
 * never put an older value in the cache than the write that finished before
 * it.
 *
 * The same merge also *writes* the record back on every stream (libp2p
 * stamps it with the time), and the stream waits for that LevelDB write too:
 * ~150 µs on an idle machine, far more when the thread pool is busy. With
 * `writeBehindMs` set, writes under the prefix complete in memory and reach
 * the store in one batch at most that many milliseconds later (or as soon as
 * `maxPending` keys wait), coalesced per key. Reads see pending writes,
 * queries flush them first, and the node flushes before it closes the store.
 * A crash loses at most the last interval of peer-record updates: addresses
 * and protocols that identify and the next streams learn again. Bans and
 * anchors live under other prefixes and are always written through.
 *
 * @module
 */
import { NotFoundError } from '@libp2p/interface'
import type { AbortOptions } from '@libp2p/interface'
import type { Batch, Datastore, Key, KeyQuery, Pair, Query } from 'interface-datastore'

export interface DatastoreCacheInit {
  /** Entries kept at most; the least recently used go first. */
  maxEntries: number
  /** Only keys under this prefix are cached. @default '/peers/' */
  prefix?: string
  /**
   * Delay writes under the prefix by up to this many ms, coalescing them per
   * key; 0 writes through. @default 0
   */
  writeBehindMs?: number
  /**
   * Keys waiting that start a flush at once; with twice as many waiting (a
   * store slower than the writes), writers wait for a flush. @default maxEntries
   */
  maxPending?: number
  /** Called when a deferred write fails (nobody awaits it). */
  onWriteError?: (err: Error) => void
}

/** A datastore with a read cache, and its counters (for tests and metrics). */
export interface CachedDatastore extends Datastore {
  readonly cacheStats: { entries: number, hits: number, misses: number, pending: number }
  /** Write every deferred write to the store now; resolves when they are written. */
  flush (): Promise<void>
  /**
   * Flush, then stop deferring: call it before closing the store. A write that
   * comes later (a stopped libp2p can still finish one) goes to the store and
   * fails as the closed store fails it, instead of waiting on a timer that
   * holds the node in memory and then writes to a closed store.
   */
  close (): Promise<void>
}

/** A deferred write: a value, or `null` for a delete. */
interface Pending { key: Key, value: Uint8Array | null }

/**
 * Wrap `store` with an LRU read cache for keys under `prefix`, and optionally
 * defer their writes.
 *
 * Values are returned as stored, not copied: callers must not modify them
 * (libp2p's peer store only decodes them).
 *
 * @example
 * ```ts
 * const level = new LevelDatastore(path)
 * await level.open()
 * const datastore = cachedDatastore(level, { maxEntries: PEER_RECORD_CACHE_ENTRIES, writeBehindMs: PEER_RECORD_WRITE_BEHIND_MS })
 * // ... and before level.close():
 * await datastore.flush()
 * ```
 */
export function cachedDatastore (store: Datastore, init: DatastoreCacheInit): CachedDatastore {
  const prefix = init.prefix ?? '/peers/'
  const max = Math.max(0, init.maxEntries)
  const deferMs = Math.max(0, init.writeBehindMs ?? 0)
  const maxPending = Math.max(1, init.maxPending ?? max)
  const cache = new Map<string, Uint8Array>()
  // deferred writes, in the order they were made (a key moves to the end when written again)
  const pending = new Map<string, Pending>()
  let flushTimer: ReturnType<typeof setTimeout> | undefined
  let flushing: Promise<void> = Promise.resolve()
  let queued: Promise<void> | undefined
  // bumped at the start and at the end of every write: a read that saw it change overlapped a write
  let writes = 0
  let hits = 0
  let misses = 0

  const cacheable = (k: string): boolean => max > 0 && k.startsWith(prefix)
  let closed = false
  const deferrable = (k: string): boolean => deferMs > 0 && !closed && k.startsWith(prefix)

  function remember (k: string, value: Uint8Array): void {
    cache.delete(k)
    cache.set(k, value)
    while (cache.size > max) cache.delete(cache.keys().next().value as string)
  }

  /**
   * Write what is pending, after any flush already running: flushes never
   * overlap, and at most one waits behind the running one (later callers
   * share it, since it takes everything pending when it starts).
   */
  function flush (): Promise<void> {
    if (flushTimer != null) {
      clearTimeout(flushTimer)
      flushTimer = undefined
    }
    if (queued != null) return queued
    const run = flushing.then(async () => {
      queued = undefined
      if (pending.size === 0) return
      const taken = [...pending.values()]
      const b = store.batch()
      for (const w of taken) {
        if (w.value == null) b.delete(w.key)
        else b.put(w.key, w.value)
      }
      writes++
      try {
        await b.commit()
      } catch (err: any) {
        init.onWriteError?.(err)
      } finally {
        writes++
        // written (or lost): forget them unless they were written again meanwhile
        for (const w of taken) {
          const k = w.key.toString()
          if (pending.get(k) === w) pending.delete(k)
        }
      }
    })
    flushing = run
    queued = run
    return run
  }

  function defer (w: Pending): void {
    const k = w.key.toString()
    writes++
    pending.delete(k)
    pending.set(k, w)
    if (w.value == null) cache.delete(k)
    else if (cacheable(k)) remember(k, w.value)
    writes++
    // closed meanwhile (the caller waited for a flush): no timer, write it now
    if (pending.size >= maxPending || closed) void flush()
    else if (flushTimer == null) {
      flushTimer = setTimeout(() => { flushTimer = undefined; void flush() }, deferMs)
      // a pending write does not keep the process alive: whoever closes the store flushes first
      flushTimer.unref?.()
    }
  }

  async function put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    const k = key.toString()
    if (deferrable(k)) {
      // backpressure: with twice maxPending keys waiting (a slow store), wait for a flush;
      // the check and the write are one synchronous step
      while (pending.size >= 2 * maxPending) await flush()
      defer({ key, value })
      return key
    }
    writes++
    try {
      await store.put(key, value, options)
    } catch (err) {
      cache.delete(k)
      throw err
    } finally {
      writes++
    }
    if (cacheable(k)) remember(k, value)
    return key
  }

  async function get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const k = key.toString()
    if (!cacheable(k) && !deferrable(k)) return await store.get(key, options)
    const cached = cache.get(k)
    if (cached !== undefined) {
      hits++
      // most recently used
      cache.delete(k)
      cache.set(k, cached)
      return cached
    }
    const w = pending.get(k)
    if (w != null) {
      if (w.value == null) throw new NotFoundError(`no record for ${k}`)
      return w.value
    }
    misses++
    const seen = writes
    const value = await store.get(key, options)
    if (writes === seen && cacheable(k)) remember(k, value)
    return value
  }

  async function del (key: Key, options?: AbortOptions): Promise<void> {
    const k = key.toString()
    if (deferrable(k)) {
      while (pending.size >= 2 * maxPending) await flush()
      defer({ key, value: null })
      return
    }
    writes++
    cache.delete(k)
    try {
      await store.delete(key, options)
    } finally {
      cache.delete(k)
      writes++
    }
  }

  const ds: CachedDatastore = {
    get cacheStats () {
      return { entries: cache.size, hits, misses, pending: pending.size }
    },

    flush,

    async close () {
      closed = true
      await flush()
    },

    async has (key, options) {
      const k = key.toString()
      if (cache.has(k)) return true
      const w = pending.get(k)
      if (w != null) return w.value != null
      return await store.has(key, options)
    },

    put,
    get,
    delete: del,

    async * putMany (source: Iterable<Pair> | AsyncIterable<Pair>, options?: AbortOptions) {
      for await (const { key, value } of source) yield await put(key, value, options)
    },

    async * getMany (source: Iterable<Key> | AsyncIterable<Key>, options?: AbortOptions) {
      for await (const key of source) yield { key, value: await get(key, options) }
    },

    async * deleteMany (source: Iterable<Key> | AsyncIterable<Key>, options?: AbortOptions) {
      for await (const key of source) {
        await del(key, options)
        yield key
      }
    },

    batch (): Batch {
      // stores differ in how a batch orders a put and a delete of one key, so
      // a committed batch only drops the keys it touched: the next read asks the store
      const touched = new Set<string>()
      const inner = store.batch()
      return {
        put (key, value) {
          touched.add(key.toString())
          inner.put(key, value)
        },
        delete (key) {
          touched.add(key.toString())
          inner.delete(key)
        },
        async commit (options?: AbortOptions) {
          // deferred writes were made first: they reach the store first
          await flush()
          writes++
          for (const k of touched) cache.delete(k)
          try {
            await inner.commit(options)
          } finally {
            for (const k of touched) cache.delete(k)
            writes++
          }
        }
      }
    },

    async * query (q: Query, options?: AbortOptions) {
      await flush()
      yield * store.query(q, options)
    },

    async * queryKeys (q: KeyQuery, options?: AbortOptions) {
      await flush()
      yield * store.queryKeys(q, options)
    }
  }
  return ds
}

