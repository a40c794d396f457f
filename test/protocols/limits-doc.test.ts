import { it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as status from '../../src/protocols/status/constants.ts'
import * as sync from '../../src/protocols/sync/constants.ts'
import * as relay from '../../src/protocols/tx-relay/constants.ts'
import * as compact from '../../src/protocols/compact-blocks/constants.ts'

const limits = readFileSync(new URL('../../docs/LIMITS.md', import.meta.url), 'utf8')
const protocol = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8')

it('LIMITS.md names every status and sync limit', () => {
  const names = [...Object.keys(status), ...Object.keys(sync)].filter(n => !['STATUS_COMPONENT', 'SYNC_COMPONENT', 'BLOCKS_TOPIC'].includes(n))
  assert.deepEqual(names.filter(n => !limits.includes(`\`${n}\``)), [])
})

it('PROTOCOL.md documents the blocks gossip topic and the status handshake', () => {
  assert.ok(protocol.includes(`/chainwire/<network>/${sync.BLOCKS_TOPIC}/1`))
  assert.match(protocol, /### Status handshake/)
})

it('LIMITS.md names every tx-relay and compact-block limit, in its section', () => {
  const names = new Set(['TX_RELAY_COMPONENT', 'TX_RELAY_PROTOCOL', 'TX_TOPIC_NAME', 'COMPACT_BLOCKS_COMPONENT', 'COMPACT_BLOCKS_PROTOCOL'])
  const section = limits.slice(limits.indexOf('## Transaction relay and compact blocks'))
  const missing = [...Object.keys(relay), ...Object.keys(compact)].filter(n => !names.has(n) && !section.includes(`\`${n}\``))
  assert.deepEqual(missing, [])
})
