/**
 * Double SHA-256 of runs of fixed-size records (block headers) on worker
 * threads, so that header validation during sync leaves the main thread to
 * the network.
 *
 * Hashing is the bulk of checking a header (~2.5 µs of ~4 µs,
 * bench/results/devchain.md); the rest (linkage, heights, bits, median time,
 * lookups in our index) needs the chain state and stays on the main thread.
 * A run is packed into one buffer and transferred, not cloned, both ways.
 *
 * Any failure of a worker (it exits, it cannot start) closes the pool; callers
 * then hash on the main thread, so a broken pool costs speed, never
 * correctness.
 *
 * @module
 */
import { Worker } from 'node:worker_threads'
import { HASH_BYTES, HASH_WORKER_BOOT_MS, MAX_HASH_JOBS } from './constants.ts'

/** Hashes on worker threads. */
export interface HashPool {
  /**
   * `sha256d` of each `size`-byte record of `packed`, concatenated (32 bytes
   * each). Resolves to `undefined` when the pool cannot take the job (closed,
   * broken or at {@link MAX_HASH_JOBS}): hash on the calling thread instead.
   * `packed` is transferred: the caller must not use it afterwards.
   */
  hashRecords (packed: Uint8Array<ArrayBuffer>, size: number): Promise<Uint8Array | undefined>
  /** Jobs sent and not yet answered. */
  readonly pending: number
  /**
   * Whether a worker is running (it takes ~40 ms to boot). A job sent before
   * waits for the boot: callers in a hurry hash inline until then. Also true
   * once {@link HASH_WORKER_BOOT_MS} have passed, for a caller that keeps the
   * event loop too busy to hear that the worker came online.
   */
  readonly ready: boolean
  /** Stop the workers; pending jobs resolve to `undefined`. */
  close (): Promise<void>
}

export interface HashPoolInit {
  /** Worker threads. @default 1 */
  workers?: number
  /** Jobs in flight at most. @default MAX_HASH_JOBS */
  maxJobs?: number
}

/*
 * The worker, as source: no file to resolve, so it runs the same from `src/`
 * (type-stripped .ts) and from `dist/`. It runs as CommonJS or, under
 * `--input-type=module`, as an ES module: it loads built-ins either way.
 */
const WORKER_SOURCE = `
const load = typeof require === 'function' ? require : (name) => process.getBuiltinModule(name)
const { parentPort } = load('node:worker_threads')
const { hash } = load('node:crypto')
parentPort.on('message', (m) => {
  const input = new Uint8Array(m.buf, m.offset, m.length)
  const n = Math.floor(input.byteLength / m.size)
  const out = new Uint8Array(n * ${HASH_BYTES})
  for (let i = 0; i < n; i++) {
    out.set(hash('sha256', hash('sha256', input.subarray(i * m.size, (i + 1) * m.size), 'buffer'), 'buffer'), i * ${HASH_BYTES})
  }
  parentPort.postMessage({ id: m.id, buf: out.buffer }, [out.buffer])
})
`

interface Job { resolve: (out: Uint8Array | undefined) => void, worker: PoolWorker }

/** A worker and its jobs in flight: it keeps the process alive only while it has some. */
interface PoolWorker { thread: Worker, busy: number }

/**
 * Start a hash pool. A worker keeps the process alive only while it has jobs
 * in flight (a caller is awaiting it): an idle pool does not.
 *
 * @example
 * ```ts
 * const pool = createHashPool({ workers: 1 })
 * const hashes = await pool.hashRecords(packedHeaders, 84) ?? hashInline(packedHeaders)
 * ```
 */
export function createHashPool (init: HashPoolInit = {}): HashPool {
  const maxJobs = init.maxJobs ?? MAX_HASH_JOBS
  const jobs = new Map<number, Job>()
  const workers: PoolWorker[] = []
  let next = 0
  let seq = 0
  let closed = false
  let online = 0
  const startedAt = performance.now()

  const settle = (id: number, out: Uint8Array | undefined): void => {
    const job = jobs.get(id)
    if (job == null) return
    jobs.delete(id)
    if (--job.worker.busy === 0) job.worker.thread.unref()
    job.resolve(out)
  }

  const failAll = (): void => {
    for (const id of [...jobs.keys()]) settle(id, undefined)
  }

  const shutDown = (): void => {
    if (closed) return
    closed = true
    failAll()
    for (const w of workers) void w.thread.terminate().catch(() => {})
  }

  for (let i = 0; i < Math.max(1, init.workers ?? 1); i++) {
    const thread = new Worker(WORKER_SOURCE, { eval: true })
    thread.on('message', (m: { id: number, buf: ArrayBuffer }) => { settle(m.id, new Uint8Array(m.buf)) })
    thread.once('online', () => { online++ })
    // a worker that fails takes the pool down: callers hash inline from then on
    thread.on('error', shutDown)
    thread.on('exit', shutDown)
    // after the listeners: a 'message' listener added to an unref'd worker
    // leaves it half ref'd, and an idle pool then upsets the event loop's end
    thread.unref()
    workers.push({ thread, busy: 0 })
  }

  return {
    async hashRecords (packed, size) {
      if (closed || jobs.size >= maxJobs || size <= 0 || packed.byteLength % size !== 0) return undefined
      const id = seq = (seq + 1) >>> 0
      const worker = workers[next]
      next = (next + 1) % workers.length
      return await new Promise<Uint8Array | undefined>((resolve) => {
        jobs.set(id, { resolve, worker })
        // a job in flight keeps the process alive until its answer
        if (worker.busy++ === 0) worker.thread.ref()
        try {
          worker.thread.postMessage({ id, buf: packed.buffer, offset: packed.byteOffset, length: packed.byteLength, size }, [packed.buffer])
        } catch {
          settle(id, undefined)
        }
      })
    },

    get pending () {
      return jobs.size
    },

    get ready () {
      return !closed && (online > 0 || performance.now() - startedAt >= HASH_WORKER_BOOT_MS)
    },

    async close () {
      if (closed) return
      closed = true
      failAll()
      // an unref'd worker would not keep the event loop alive until its exit
      // is reported, and terminate() would never settle
      await Promise.all(workers.map(async w => {
        w.thread.ref()
        await w.thread.terminate()
      }))
    }
  }
}
