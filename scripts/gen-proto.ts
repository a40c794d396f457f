/**
 * `npm run proto`: compile `src/wire/pb/*.proto` into `src/wire/pb/gen/*.js` + `*.d.ts`.
 *
 * protons emits TypeScript that uses `namespace` and `enum`, which the
 * project's erasable-only TypeScript cannot run. So protons writes into a
 * temporary directory and `tsc` turns that into plain JavaScript plus
 * declarations, which are committed. `test/wire/gen-proto.test.ts` runs this
 * script into a temporary directory and fails when the committed output is stale.
 *
 * Usage: `node scripts/gen-proto.ts [--out <dir>]`
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generate } from 'protons'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const pbDir = join(root, 'src', 'wire', 'pb')

/** Generate the JavaScript and declarations for every schema into `outDir`. */
export async function genProto (outDir: string): Promise<string[]> {
  // the temporary directory sits inside the project so that the generated
  // TypeScript resolves protons-runtime from the project's node_modules
  const tmp = mkdtempSync(join(root, '.proto-tmp-'))
  try {
    const protos = readdirSync(pbDir).filter(f => f.endsWith('.proto')).sort()
    for (const p of protos) {
      await generate(join(pbDir, p), { output: tmp })
    }
    const sources = readdirSync(tmp).filter(f => f.endsWith('.ts')).sort().map(f => join(tmp, f))
    mkdirSync(outDir, { recursive: true })
    // protons generates code for the protons-runtime it depends on itself
    // (the typings differ between runtime majors, the JavaScript does not), so
    // the generated code is type-checked against that runtime
    const generatorRuntime = join(root, 'node_modules', 'protons', 'node_modules', 'protons-runtime')
    const tsconfig = join(tmp, 'tsconfig.json')
    writeFileSync(tsconfig, JSON.stringify({
      compilerOptions: {
        declaration: true,
        target: 'ES2023',
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        skipLibCheck: true,
        strict: true,
        newLine: 'lf',
        types: [],
        rootDir: tmp,
        outDir,
        paths: existsSync(generatorRuntime) ? { 'protons-runtime': [join(generatorRuntime, 'dist', 'src', 'index.d.ts')] } : {}
      },
      files: sources
    }, null, 2))
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    execFileSync(process.execPath, [tsc, '-p', tsconfig], { cwd: root, stdio: 'inherit' })
    return protos
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out')
  const out = i > 0 ? resolve(process.argv[i + 1]) : join(pbDir, 'gen')
  const protos = await genProto(out)
  console.log(`generated ${protos.length} schemas into ${out}`)
}
