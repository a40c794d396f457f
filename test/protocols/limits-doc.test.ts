import { it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as relay from '../../src/protocols/tx-relay/constants.ts'
import * as compact from '../../src/protocols/compact-blocks/constants.ts'

const limits = readFileSync(new URL('../../docs/LIMITS.md', import.meta.url), 'utf8')
const NAMES = new Set(['TX_RELAY_COMPONENT', 'TX_RELAY_PROTOCOL', 'TX_TOPIC_NAME', 'COMPACT_BLOCKS_COMPONENT', 'COMPACT_BLOCKS_PROTOCOL'])

it('LIMITS.md names every tx-relay and compact-block limit', () => {
  const section = limits.slice(limits.indexOf('## Transaction relay and compact blocks'))
  const missing = [...Object.keys(relay), ...Object.keys(compact)].filter(n => !NAMES.has(n) && !section.includes(`\`${n}\``))
  assert.deepEqual(missing, [])
})
