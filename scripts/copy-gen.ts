/**
 * Part of `npm run build`: tsc does not emit the generated protobuf
 * JavaScript (it is not TypeScript), so copy `src/wire/pb/gen` into
 * `dist/src/wire/pb/gen` next to the compiled code that imports it.
 */
import { cpSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const from = fileURLToPath(new URL('../src/wire/pb/gen/', import.meta.url))
const to = fileURLToPath(new URL('../dist/src/wire/pb/gen/', import.meta.url))
rmSync(to, { recursive: true, force: true })
cpSync(from, to, { recursive: true })
console.log(`copied ${from} to ${to}`)
