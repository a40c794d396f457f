import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as wire from '../../src/wire/constants.ts'
import * as reqresp from '../../src/reqresp/constants.ts'
import * as svc from '../../src/service/constants.ts'
import { METHODS } from '../../src/reqresp/index.ts'

const limits = readFileSync(new URL('../../docs/LIMITS.md', import.meta.url), 'utf8')
const protocol = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8')

describe('docs', () => {
  it('LIMITS.md names every wire, reqresp and service limit', () => {
    const names = [...Object.keys(wire), ...Object.keys(reqresp), ...Object.keys(svc)].filter(n => n !== 'REQRESP_COMPONENT')
    const missing = names.filter(n => !limits.includes(`\`${n}\``))
    assert.deepEqual(missing, [])
  })

  it('LIMITS.md and PROTOCOL.md list every method', () => {
    for (const m of METHODS) {
      assert.ok(limits.includes(`| \`${m}\``), `LIMITS.md lacks ${m}`)
      assert.ok(protocol.includes(`/chainwire/<network>/${m}/1`), `PROTOCOL.md lacks the id of ${m}`)
    }
  })
})
