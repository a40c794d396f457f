/**
 * Prints the config reference (markdown) from the config table, or with
 * `--write` replaces the block between the markers in README.md.
 * `test/docs.test.ts` fails when the README's copy is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { FIELDS, defaultConfig } from '../src/config/options.ts'

export const BEGIN = '<!-- config-table:begin -->'
export const END = '<!-- config-table:end -->'

export function configTable (): string {
  const d = defaultConfig() as unknown as Record<string, unknown>
  const show = (v: unknown): string => Array.isArray(v) ? (v.length === 0 ? '—' : v.map(x => `\`${x}\``).join(', ')) : v === '' ? '—' : `\`${String(v)}\``
  const rows = FIELDS.map(f => `| \`${f.key}\` | \`--${f.flag}\` | \`${f.env}\` | ${show(d[f.key])} | ${f.help.replace(/</g, '&lt;')} |`)
  return ['| key (JSON) | flag | environment | default | meaning |', '|---|---|---|---|---|', ...rows].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--write')) {
    const path = new URL('../README.md', import.meta.url)
    const text = readFileSync(path, 'utf8')
    const a = text.indexOf(BEGIN)
    const b = text.indexOf(END)
    if (a < 0 || b < a) throw new Error('README.md has no config-table markers')
    writeFileSync(path, text.slice(0, a + BEGIN.length) + '\n' + configTable() + '\n' + text.slice(b))
  } else {
    console.log(configTable())
  }
}
