import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHashPool } from '../../src/devchain/hash-pool.ts'
import { concat } from '../../src/devchain/codec.ts'
import { sha256d } from '../../src/devchain/crypto.ts'
import { HASH_WORKER_BOOT_MS } from '../../src/devchain/constants.ts'

/** The records in one fresh buffer, as the devchain packs a run of headers. */
const packed = (records: Uint8Array[]): Uint8Array<ArrayBuffer> => concat(records) as Uint8Array<ArrayBuffer>

describe('devchain hash pool', () => {
  it('is not ready while its worker boots, and ready once it reports, or once the boot time has passed', async () => {
    const pool = createHashPool({ workers: 1 })
    try {
      assert.equal(pool.ready, false, 'a worker takes tens of ms to boot')
      const deadline = Date.now() + 10_000
      while (!pool.ready) {
        assert.ok(Date.now() < deadline, 'the worker never came online')
        await new Promise(resolve => setTimeout(resolve, 5))
      }
    } finally {
      await pool.close()
    }
    assert.equal(pool.ready, false, 'a closed pool is not ready')
    // a caller that never lets the event loop turn never hears the worker report
    const busy = createHashPool({ workers: 1 })
    try {
      const start = performance.now()
      while (performance.now() - start < HASH_WORKER_BOOT_MS + 20) { /* keep the event loop busy */ }
      assert.equal(busy.ready, true)
    } finally {
      await busy.close()
    }
  })

  it('returns the double SHA-256 of every record, in order, from one or several workers', async () => {
    for (const workers of [1, 2]) {
      const pool = createHashPool({ workers })
      try {
        for (const size of [84, 1, 200]) {
          const records = Array.from({ length: 257 }, () => new Uint8Array(randomBytes(size)))
          const jobs = await Promise.all([0, 1, 2].map(async () => await pool.hashRecords(packed(records), size)))
          for (const out of jobs) {
            assert.ok(out != null)
            assert.equal(out.byteLength, records.length * 32)
            records.forEach((r, i) => { assert.deepEqual(out.subarray(i * 32, (i + 1) * 32), sha256d(r), `record ${i} of ${size} bytes`) })
          }
        }
        assert.equal(pool.pending, 0)
      } finally {
        await pool.close()
      }
    }
  })

  it('hashes a view into a larger buffer from its offset', async () => {
    const pool = createHashPool()
    try {
      const buf = new Uint8Array(randomBytes(84 * 4))
      const view = buf.subarray(84, 84 * 3)
      const expected = [sha256d(buf.subarray(84, 168)), sha256d(buf.subarray(168, 252))]
      const out = await pool.hashRecords(view, 84)
      assert.ok(out != null)
      assert.deepEqual([out.subarray(0, 32), out.subarray(32)], expected)
    } finally {
      await pool.close()
    }
  })

  it('declines what it cannot take, so the caller hashes inline: a partial record, too many jobs, a closed pool', async () => {
    const pool = createHashPool({ maxJobs: 1 })
    assert.equal(await pool.hashRecords(new Uint8Array(85), 84), undefined)
    const first = pool.hashRecords(new Uint8Array(84 * 100), 84)
    assert.equal(await pool.hashRecords(new Uint8Array(84), 84), undefined, 'over maxJobs')
    assert.ok(await first != null)
    // closing answers a pending job with undefined, and every later one
    const pending = pool.hashRecords(new Uint8Array(84 * 1000), 84)
    await pool.close()
    assert.equal(await pending, undefined)
    assert.equal(await pool.hashRecords(new Uint8Array(84), 84), undefined)
    assert.equal(pool.pending, 0)
  })

  it('an idle pool left open does not hold the process, nor end its event loop early', async () => {
    // a node:test file that leaves a used pool open: the runner must see its test pass and end
    const dir = await mkdtemp(join(tmpdir(), 'cw-hashpool-'))
    try {
      const file = join(dir, 'idle.test.mjs')
      await writeFile(file, `
        import { it } from 'node:test'
        import { createHashPool } from ${JSON.stringify(new URL('../../src/devchain/hash-pool.ts', import.meta.url).href)}
        it('uses a pool and leaves it open', async () => {
          const pool = createHashPool()
          await pool.hashRecords(new Uint8Array(84 * 200), 84)
        })`)
      const run = await new Promise<{ code: number | null, out: string }>((resolve) => {
        // without the parent runner's context, or the child reports to it instead of to stdout
        const env = { ...process.env }
        delete env.NODE_TEST_CONTEXT
        execFile(process.execPath, ['--test', '--test-reporter=tap', file], { timeout: 20_000, env }, (err, stdout) => { resolve({ code: err == null ? 0 : (err as any).code ?? null, out: stdout }) })
      })
      assert.match(run.out, /# pass 1/, run.out)
      assert.match(run.out, /# cancelled 0/, run.out)
      assert.equal(run.code, 0, run.out)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('a job in flight keeps the process alive until its answer, with nothing else to wait for', async () => {
    const script = `
      import { createHashPool } from ${JSON.stringify(new URL('../../src/devchain/hash-pool.ts', import.meta.url).href)}
      const pool = createHashPool()
      const out = await pool.hashRecords(new Uint8Array(84 * 2000), 84)
      console.log(out?.byteLength)`
    const run = await new Promise<{ code: number | null, out: string }>((resolve) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (err, stdout) => { resolve({ code: err == null ? 0 : (err as any).code ?? null, out: stdout }) })
    })
    assert.equal(run.out.trim(), String(2000 * 32), 'the job answered before the process ended')
    assert.equal(run.code, 0)
  })
})
