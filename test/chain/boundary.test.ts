/**
 * The layering rule (CONVENTIONS §1): protocols/, peers/, service/ and wire/
 * see a chain only through src/chain/. This test reads every source file
 * there, lists its imports (static, type-only, re-exports, dynamic import()
 * and require(), via the TypeScript pre-processor so comments and strings do
 * not confuse it), resolves relative paths and fails on anything that lands
 * in src/devchain/.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))
const GUARDED = ['protocols', 'peers', 'service', 'wire']
const FORBIDDEN = 'devchain'
const SOURCE = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/

interface Violation { file: string, specifier: string }

async function sourceFiles (dir: string): Promise<string[]> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (err: any) {
    if (err?.code === 'ENOENT') return []
    throw err
  }
  const out: string[] = []
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...await sourceFiles(p))
    else if (SOURCE.test(e.name)) out.push(p)
  }
  return out
}

/** Every module specifier a file imports, re-exports or loads dynamically. */
function specifiers (source: string): string[] {
  const info = ts.preProcessFile(source, true, true)
  const found = info.importedFiles.map(f => f.fileName)
  // require('x') is not reported by preProcessFile for .ts files: scan the AST for it
  const sf = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, false)
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' &&
      n.arguments.length === 1 && ts.isStringLiteralLike(n.arguments[0])) found.push(n.arguments[0].text)
    ts.forEachChild(n, visit)
  }
  visit(sf)
  return [...new Set(found)]
}

/** Imports from the guarded folders of `srcRoot` that resolve into `srcRoot/devchain`. */
async function scan (srcRoot: string): Promise<{ files: number, violations: Violation[] }> {
  const forbidden = resolve(srcRoot, FORBIDDEN)
  const violations: Violation[] = []
  let files = 0
  for (const area of GUARDED) {
    for (const file of await sourceFiles(join(srcRoot, area))) {
      files++
      for (const spec of specifiers(await readFile(file, 'utf8'))) {
        let hit: boolean
        if (spec.startsWith('.') || spec.startsWith('/')) {
          const target = resolve(dirname(file), spec)
          const rel = relative(forbidden, target)
          hit = rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel))
        } else {
          // a bare specifier reaching the chain through the package name (chainwire/devchain, #devchain, …)
          hit = spec.split('/').includes(FORBIDDEN) || spec.includes(`#${FORBIDDEN}`)
        }
        if (hit) violations.push({ file: relative(srcRoot, file), specifier: spec })
      }
    }
  }
  return { files, violations }
}

describe('import boundary between the network layer and the reference chain', () => {
  it('no file under protocols/, peers/, service/ or wire/ imports src/devchain', async () => {
    const { files, violations } = await scan(SRC)
    assert.ok(files > 0, 'scanned no files: the scan is looking in the wrong place')
    assert.deepEqual(violations, [], violations.map(v => `${v.file} imports ${v.specifier}`).join('\n'))
  })

  it('the scanner catches every import form and ignores comments and the seam', async () => {
    const root = await mkdtemp(join(tmpdir(), 'chainwire-boundary-'))
    try {
      await mkdir(join(root, 'protocols', 'sync'), { recursive: true })
      await mkdir(join(root, 'devchain'), { recursive: true })
      await writeFile(join(root, 'protocols', 'sync', 'a.ts'), [
        "import { createDevchain } from '../../devchain/index.ts'",
        "import type { Devchain } from '../../devchain/devchain.ts'",
        "export * from '../../devchain/errors.ts'",
        "const m = await import('../../devchain/miner.ts')",
        "const r = require('../../devchain')",
        "import type { ChainAdapter } from '../../chain/index.ts'",
        "// import { x } from '../../devchain/index.ts'",
        "const s = 'import from ../../devchain'",
        "import { y } from 'chainwire/devchain'"
      ].join('\n'))
      await writeFile(join(root, 'devchain', 'index.ts'), "import { z } from '../protocols/sync/a.ts'\n")
      const { files, violations } = await scan(root)
      assert.equal(files, 1)
      assert.deepEqual(violations.map(v => v.specifier).sort(), [
        '../../devchain/index.ts', '../../devchain/devchain.ts', '../../devchain/errors.ts',
        '../../devchain/miner.ts', 'chainwire/devchain', '../../devchain'
      ].sort())
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
