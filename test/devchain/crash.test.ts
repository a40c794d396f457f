import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDevchain } from '../../src/devchain/index.ts'
import { fromHex } from '../../src/devchain/codec.ts'

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url))
const ITERATIONS = 24

interface Run { acked: { height: number, hash: string } | undefined, opened: boolean, exit: { code: number | null, signal: string | null } }

/**
 * Start the writer and SIGKILL it at a random moment: most runs a random
 * 0–60 ms after its first acknowledged block (mid-stream), some at a random
 * time after spawn (possibly while it opens and recovers the store).
 */
async function runAndKill (dir: string, i: number): Promise<Run> {
  const child = spawn(process.execPath, [WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] })
  const run: Run = { acked: undefined, opened: false, exit: { code: null, signal: null } }
  let stderr = ''
  let buf = ''
  let timer: NodeJS.Timeout | undefined
  const kill = (): void => { child.kill('SIGKILL') }
  const exited = new Promise<void>(resolve => child.once('exit', (code, signal) => { run.exit = { code, signal }; resolve() }))
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const duringStartup = i % 4 === 3
  if (duringStartup) timer = setTimeout(kill, 50 + Math.random() * 400)
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString()
    let nl
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      const [kind, h, hash] = line.split(' ')
      if (kind === 'open') run.opened = true
      if (kind === 'ok') {
        run.acked = { height: Number(h), hash }
        if (timer === undefined) timer = setTimeout(kill, Math.random() * 60)
      }
    }
  })
  // a writer that neither acknowledges nor dies in 20 s is a failure, not a hang
  const guard = setTimeout(kill, 20_000)
  await exited
  clearTimeout(guard)
  if (timer !== undefined) clearTimeout(timer)
  assert.equal(run.exit.signal, 'SIGKILL', `writer exited on its own (code ${run.exit.code}): ${stderr}`)
  return run
}

describe('devchain crash safety', () => {
  it(`reopens consistent after SIGKILL at random moments, ${ITERATIONS} times`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainwire-crash-'))
    try {
      let lastAcked: { height: number, hash: string } | undefined
      let kills = 0
      for (let i = 0; i < ITERATIONS; i++) {
        const run = await runAndKill(dir, i)
        kills++
        if (run.acked !== undefined) lastAcked = run.acked
        const chain = await createDevchain({ dataDir: dir, network: 'regtest' })
        try {
          const audit = await chain.audit()
          assert.ok(audit.ok, `iteration ${i}: ${audit.errors.join('\n')}`)
          if (lastAcked !== undefined) {
            // acknowledged blocks survive the kill and the chain never goes backwards
            assert.ok(chain.tip().height >= lastAcked.height, `iteration ${i}: tip ${chain.tip().height} below acknowledged ${lastAcked.height}`)
            assert.ok(await chain.getHeaderInfo(fromHex(lastAcked.hash) as Uint8Array), `iteration ${i}: acknowledged block lost`)
          }
          lastAcked = { height: chain.tip().height, hash: Buffer.from(chain.tip().hash).toString('hex') }
        } finally {
          await chain.close()
        }
      }
      assert.equal(kills, ITERATIONS)
      assert.ok((lastAcked?.height ?? 0) > 20, 'the writer made progress across the kills')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
