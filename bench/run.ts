/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own process, one after
 * another (benchmarks must not compete for the two cores), or only those whose
 * file name contains one of the arguments: `npm run bench -- reqresp sync`.
 *
 * Each benchmark writes `bench/results/<name>.json` and `bench/results/<name>.md`.
 * Results are ratios measured side by side in one run, so they survive a noisy,
 * shared machine better than absolute figures.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { NODE_V8_FLAGS } from '../src/config/constants.ts'

const dir = fileURLToPath(new URL('.', import.meta.url))
const filters = process.argv.slice(2)
const files = readdirSync(dir)
  .filter(f => f.endsWith('.bench.ts'))
  .filter(f => filters.length === 0 || filters.some(x => f.includes(x)))
  .sort()

let failed = 0
for (const f of files) {
  console.log(`\n=== ${f}`)
  // as a node runs (the flags of the chainwire command); child processes a benchmark starts inherit them
  const r = spawnSync(process.execPath, ['--expose-gc', ...NODE_V8_FLAGS, join(dir, f)], { stdio: 'inherit' })
  if (r.status !== 0) {
    failed++
    console.error(`${f} exited with ${r.status ?? r.signal}`)
  }
}
if (files.length === 0) console.log('no benchmarks matched')
process.exitCode = failed > 0 ? 1 : 0
