import { it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { configTable, BEGIN, END } from '../scripts/config-table.ts'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

it('README shows the two set-up commands', () => {
  assert.match(readme, /npm install && npm start/)
  assert.match(readme, /npm test/)
})

it('README config reference matches the config table (run `node scripts/config-table.ts --write`)', () => {
  const a = readme.indexOf(BEGIN)
  const b = readme.indexOf(END)
  assert.ok(a >= 0 && b > a, 'README has the config-table markers')
  assert.equal(readme.slice(a + BEGIN.length, b).trim(), configTable().trim())
})
