import { it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as status from '../../src/protocols/status/constants.ts'
import * as sync from '../../src/protocols/sync/constants.ts'

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
