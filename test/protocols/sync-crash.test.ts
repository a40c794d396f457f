/**
 * A node killed with SIGKILL in the middle of a sync resumes from what it
 * stored when restarted on the same data dir: it opens above genesis, fetches
 * only the rest, and ends on the tip with a consistent store.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { after, describe, it } from 'node:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CHAIN_DIR } from '../../src/config/constants.ts'
import { createDevchain } from '../../src/devchain/index.ts'
import { buildChainDir, chainConfig, hexOf, seedChain, startChainNode } from './helpers.ts'
import type { ChainDir } from './helpers.ts'
import type { ChainwireNode } from '../../src/node/index.ts'
import type { ChildProcess } from 'node:child_process'

const FIXTURE = fileURLToPath(new URL('./fixtures/sync-node.ts', import.meta.url))
const HEIGHT = 5_000

interface Child {
  proc: ChildProcess
  /** Resolves with the first line matching `pred`, rejects on exit or timeout. */
  next (pred: (line: any) => boolean, timeoutMs?: number): Promise<any>
  exited: Promise<number | null>
}

function run (cfg: object, peers: string[]): Child {
  const proc = spawn(process.execPath, [FIXTURE, JSON.stringify(cfg), JSON.stringify(peers), String(HEIGHT)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines: any[] = []
  const waiters: Array<() => void> = []
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (l) => {
    try { lines.push(JSON.parse(l)) } catch { return }
    for (const w of waiters.splice(0)) w()
  })
  const exited = new Promise<number | null>(resolve => { proc.on('exit', (code) => { resolve(code); for (const w of waiters.splice(0)) w() }) })
  return {
    proc,
    exited,
    async next (pred, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs
      for (;;) {
        const i = lines.findIndex(pred)
        if (i >= 0) return lines.splice(0, i + 1)[i]
        if (proc.exitCode != null || proc.signalCode != null) throw new Error(`the child exited (${proc.exitCode ?? proc.signalCode}) first`)
        if (Date.now() > end) throw new Error('timed out waiting for the child')
        await new Promise<void>(resolve => {
          const t = setTimeout(resolve, Math.max(1, end - Date.now()))
          waiters.push(() => { clearTimeout(t); resolve() })
        })
      }
    }
  }
}

describe('block sync: crash and resume', () => {
  let root: string
  let base: ChainDir
  let honest: ChainwireNode | undefined
  const children: Child[] = []

  after(async () => {
    for (const c of children) if (c.proc.exitCode == null && c.proc.signalCode == null) c.proc.kill('SIGKILL')
    await honest?.stop()
    await rm(root, { recursive: true, force: true })
    await base?.cleanup()
  })

  it('resumes from its stored state after SIGKILL mid-sync, with no corruption', async () => {
    root = await mkdtemp(join(tmpdir(), 'cw-crash-'))
    base = await buildChainDir(HEIGHT)
    const honestDir = join(root, 'honest')
    await seedChain(honestDir, base)
    honest = await startChainNode(honestDir, {}, {}, 'honest')
    const addr = honest.status().addrs[0]
    const dir = join(root, 'victim')
    const cfg = chainConfig(dir)

    const first = run(cfg, [addr])
    children.push(first)
    assert.equal((await first.next(l => l.event === 'ready')).height, 0)
    // kill it while blocks are arriving
    const seen = await first.next(l => l.event === 'height' && l.height >= 1_000)
    first.proc.kill('SIGKILL')
    await first.exited
    assert.ok(seen.height < HEIGHT)

    const second = run(cfg, [addr])
    children.push(second)
    const reopened = (await second.next(l => l.event === 'ready')).height
    assert.ok(reopened >= seen.height && reopened < HEIGHT, `reopened at ${reopened} (killed after ${seen.height})`)
    const synced = await second.next(l => l.event === 'height' && l.height === HEIGHT, 45_000)
    assert.equal(synced.hash, hexOf(base.built.tip.hash))
    // no full restart: only what was missing was fetched
    assert.ok(synced.fetched <= HEIGHT - reopened + 1_024, `fetched ${synced.fetched} blocks after reopening at ${reopened}`)
    second.proc.kill('SIGTERM')
    assert.equal(await second.exited, 0)

    const chain = await createDevchain({ dataDir: join(dir, CHAIN_DIR), network: 'regtest' })
    try {
      const audit = await chain.audit()
      assert.deepEqual(audit.errors, [])
      assert.equal(audit.height, HEIGHT)
      assert.equal(hexOf(chain.tip().hash), hexOf(base.built.tip.hash))
    } finally {
      await chain.close()
    }
  })
})
