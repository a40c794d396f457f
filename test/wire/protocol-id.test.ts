import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { protocolId, parseProtocolId } from '../../src/wire/protocol-id.ts'
import { InvalidArgumentError } from '../../src/errors.ts'

describe('protocolId', () => {
  it('builds /chainwire/<network>/<name>/<major> and parses it back', () => {
    const id = protocolId('devnet', 'status', 1)
    assert.equal(id, '/chainwire/devnet/status/1')
    assert.deepEqual(parseProtocolId(id), { network: 'devnet', name: 'status', major: 1 })
  })
  it('rejects a network id that would break the path', () => {
    assert.throws(() => protocolId('dev/net', 'status', 1), (err: Error) => err.name === InvalidArgumentError.name)
    assert.throws(() => protocolId('', 'status', 1), (err: Error) => err.name === InvalidArgumentError.name)
  })
  it('returns undefined for foreign protocol ids', () => {
    assert.equal(parseProtocolId('/ipfs/kad/1.0.0'), undefined)
  })
})
