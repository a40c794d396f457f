import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { genProto } from '../../scripts/gen-proto.ts'

const committed = fileURLToPath(new URL('../../src/wire/pb/gen/', import.meta.url))

describe('generated protobuf code', () => {
  it('is up to date with src/wire/pb/*.proto (run `npm run proto` if this fails)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'chainwire-proto-'))
    try {
      const protos = await genProto(out)
      assert.ok(protos.length > 0)
      const fresh = readdirSync(out).sort()
      assert.deepEqual(readdirSync(committed).sort(), fresh, 'the set of generated files differs')
      for (const f of fresh) {
        assert.equal(readFileSync(join(committed, f), 'utf8'), readFileSync(join(out, f), 'utf8'), `${f} is stale`)
      }
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })
})
