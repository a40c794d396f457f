/**
 * A read cache in front of the node's LevelDB datastore, for the records
 * libp2p reads on every stream.
 *
 * libp2p 3.x merges the negotiated protocol into the peer store each time a
 * stream opens, on both sides, under a per-peer write lock: a LevelDB read
 * (a trip through libuv's thread pool) and a decode before the stream reaches
 * its handler. During header sync that merge took 1.5–3 ms of a 7–10 ms
 * get_headers round trip, and serving the record from memory raised header
 * sync by ~15 % (median of runs, bench/sync.bench.ts's header phase). Peer records
 * under `/peers/` are therefore served from a bounded LRU; writes go through
 * to LevelDB first, so the store on disk stays the truth and survives
 * restarts as before.
 *
 * A read that overlaps a write of any key is not cached, so a slow read can
 * never put an older value in the cache than the write that finished before
 * it.
 *
 * @module
 */
import type { AbortOptions } from '@libp2p/interface'
import type { Batch, Datastore, Key, KeyQuery, Pair, Query } from 'interface-datastore'

export interface DatastoreCacheInit {
  /** Entries kept at most; the least recently used go first. */
  maxEntries: number
  /** Only keys under this prefix are cached. @default '/peers/' */
  prefix?: string
}

/** A datastore with a read cache, and its counters (for tests and metrics). */
export interface CachedDatastore extends Datastore {
  readonly cacheStats: { entries: number, hits: number, misses: number }
}

/**
 * Wrap `store` with an LRU read cache for keys under `prefix`.
 *
 * Values are returned as stored, not copied: callers must not modify them
 * (libp2p's peer store only decodes them).
 *
 * @example
 * ```ts
 * const level = new LevelDatastore(path)
 * await level.open()
 * const datastore = cachedDatastore(level, { maxEntries: PEER_RECORD_CACHE_ENTRIES })
 * ```
 */
export function cachedDatastore (store: Datastore, init: DatastoreCacheInit): CachedDatastore {
  const prefix = init.prefix ?? '/peers/'
  const max = Math.max(0, init.maxEntries)
  const cache = new Map<string, Uint8Array>()
  // bumped at the start and at the end of every write: a read that saw it change overlapped a write
  let writes = 0
  let hits = 0
  let misses = 0

  const cacheable = (k: string): boolean => max > 0 && k.startsWith(prefix)

  function remember (k: string, value: Uint8Array): void {
    cache.delete(k)
    cache.set(k, value)
    while (cache.size > max) cache.delete(cache.keys().next().value as string)
  }

  async function put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    const k = key.toString()
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
    if (!cacheable(k)) return await store.get(key, options)
    const cached = cache.get(k)
    if (cached !== undefined) {
      hits++
      // most recently used
      cache.delete(k)
      cache.set(k, cached)
      return cached
    }
    misses++
    const seen = writes
    const value = await store.get(key, options)
    if (writes === seen) remember(k, value)
    return value
  }

  async function del (key: Key, options?: AbortOptions): Promise<void> {
    const k = key.toString()
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
      return { entries: cache.size, hits, misses }
    },

    async has (key, options) {
      if (cache.has(key.toString())) return true
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

    query (q: Query, options?: AbortOptions) {
      return store.query(q, options)
    },

    queryKeys (q: KeyQuery, options?: AbortOptions) {
      return store.queryKeys(q, options)
    }
  }
  return ds
}
