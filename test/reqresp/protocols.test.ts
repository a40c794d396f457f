import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { PROTOCOLS, METHOD_RULES, METHODS } from '../../src/reqresp/index.ts'
import { PEER_BYTES_BURST } from '../../src/service/index.ts'
import { MAX_MESSAGE_BYTES, protobufWireFormat, noResponseCodec } from '../../src/wire/index.ts'
import { samples } from '../helpers/samples.ts'

const capacity = (q: { quota: number, burst?: number }): number => q.burst ?? q.quota

describe('protocol table', () => {
  it('has limits, a quota, timeouts and rules for every method', () => {
    assert.deepEqual(Object.keys(PROTOCOLS).sort(), [...METHODS].sort())
    assert.deepEqual(Object.keys(METHOD_RULES).sort(), [...METHODS].sort())
  })

  for (const m of METHODS) {
    it(`${m}: limits are consistent`, () => {
      const s = PROTOCOLS[m]
      assert.ok(s.versions.length > 0)
      assert.ok(s.maxRequestBytes > 0 && s.maxRequestBytes <= MAX_MESSAGE_BYTES, 'request fits one message')
      assert.ok(s.maxResponseBytes <= MAX_MESSAGE_BYTES, 'response item fits one message')
      // a legal request must always be admissible by a fresh peer
      assert.ok(s.maxRequestBytes <= PEER_BYTES_BURST, 'per-peer byte burst admits the largest request')
      assert.ok(capacity(s.quota.byPeer.messages) >= 1)
      if (s.quota.byPeer.cost != null) assert.ok(capacity(s.quota.byPeer.cost) >= s.maxCost, 'per-peer cost burst admits the costliest request')
      if (s.quota.total?.cost != null) assert.ok(capacity(s.quota.total.cost) >= s.maxCost)
      assert.ok(s.costUnit !== 'bytes' || s.maxCost >= s.maxRequestBytes, 'byte cost covers the largest request')
      // one-way <=> no response items <=> the codec rejects responses
      const oneWay = protobufWireFormat.methods[m].response === noResponseCodec
      assert.equal(s.maxResponseItems === 0, oneWay)
      assert.equal(s.maxResponseBytes === 0, oneWay)
      assert.ok(s.maxConcurrentPerPeer >= 1 && s.maxConcurrentTotal >= s.maxConcurrentPerPeer)
      assert.ok(s.maxInboundStreams >= 1 && s.maxOutboundStreams >= 1)
      assert.ok(s.timeouts.ttfbMs > 0 && s.timeouts.respMs > 0 && s.timeouts.requestMs > 0 && s.timeouts.handlerMs > 0)
    })
  }

  it('charges get_blocks_by_range by the blocks requested', () => {
    assert.equal(METHOD_RULES.get_blocks_by_range.cost({ startHeight: 0, count: 500 }, 5), 500)
    assert.equal(METHOD_RULES.get_blocks_by_range.maxItems?.({ startHeight: 0, count: 7 }), 7)
    assert.equal(METHOD_RULES.direct.cost(samples.DirectMessage, 1234), 1234)
  })

  it('sample requests fit their method limits', () => {
    const pairs: Array<[keyof typeof PROTOCOLS, Uint8Array]> = [
      ['status', protobufWireFormat.methods.status.request.encode(samples.Status)],
      ['get_headers', protobufWireFormat.methods.get_headers.request.encode(samples.GetHeaders)],
      ['inv', protobufWireFormat.methods.inv.request.encode(samples.Inv)]
    ]
    for (const [m, bytes] of pairs) assert.ok(bytes.byteLength <= PROTOCOLS[m].maxRequestBytes, m)
  })
})
