/**
 * Building and rebuilding compact blocks as data, and the small parts:
 * high-bandwidth peer choice and the extra pool.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import {
  blockTxnBytes, buildCompactBlock, createExtraPool, createHighBandwidthPeers, reconstruct, shortId, shortIdKey
} from '../../../src/protocols/compact-blocks/index.ts'
import { protobufCodecs } from '../../../src/wire/protobuf.ts'
import * as pbRelay from '../../../src/wire/pb/gen/relay.js'
import type { BlockTxs } from '../../../src/protocols/compact-blocks/index.ts'

function fakeBlock (n: number): BlockTxs {
  const txs = Array.from({ length: n }, (_, i) => randomBytes(100 + (i % 50)))
  return { header: randomBytes(84), txs, txids: txs.map(t => new Uint8Array(createHash('sha256').update(t).digest())) }
}
const pool = (b: BlockTxs, idx: number[]): Array<{ txid: Uint8Array, tx: Uint8Array }> => idx.map(i => ({ txid: b.txids[i], tx: b.txs[i] }))
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i)

describe('compact block building', () => {
  it('prefills the coinbase and sends the rest as 6-byte short ids', () => {
    const b = fakeBlock(50)
    const c = buildCompactBlock(b, { nonce: 42n })
    assert.deepEqual(c.prefilled.map(p => p.index), [0])
    assert.equal(c.shortIds.length, 49)
    const key = shortIdKey(b.header, 42n)
    assert.deepEqual(c.shortIds, b.txids.slice(1).map(t => shortId(key, t)))
    // on the wire: header + nonce + 6 bytes per id + the coinbase
    const wire = protobufCodecs.CmpctBlock.encode(c)
    assert.ok(wire.byteLength < 84 + 12 + 49 * 6 + b.txs[0].byteLength + 20, `${wire.byteLength} bytes`)
  })

  it('prefills what the predicate picks, within the byte budget', () => {
    const b = fakeBlock(20)
    const c = buildCompactBlock(b, { nonce: 1n, prefill: (i) => i % 5 === 0, maxPrefillBytes: 250 })
    // indexes 5, 10, 15 are wanted; only the first two fit 250 bytes (each 100..149)
    assert.deepEqual(c.prefilled.map(p => p.index), [0, 5, 10])
    assert.equal(c.shortIds.length, 17)
  })

  it('carries prefilled and getblocktxn indexes differentially on the wire (BIP152)', () => {
    const b = fakeBlock(1000)
    const c = buildCompactBlock(b, { nonce: 1n, prefill: (i) => i === 500 || i === 501 || i === 999 })
    const raw = pbRelay.CmpctBlock.decode(protobufCodecs.CmpctBlock.encode(c))
    assert.deepEqual(raw.prefilled.map(p => p.index), [0, 499, 0, 497])
    assert.deepEqual(protobufCodecs.CmpctBlock.decode(protobufCodecs.CmpctBlock.encode(c)).prefilled.map(p => p.index), [0, 500, 501, 999])
    const req = { blockHash: new Uint8Array(32), indexes: [3, 4, 900, 99_999] }
    assert.deepEqual(pbRelay.GetBlockTxn.decode(protobufCodecs.GetBlockTxn.encode(req)).indexes, [3, 0, 895, 99_098])
    assert.deepEqual(protobufCodecs.GetBlockTxn.decode(protobufCodecs.GetBlockTxn.encode(req)).indexes, req.indexes)
  })
})

describe('compact block reconstruction', () => {
  it('rebuilds the block from a full mempool with nothing missing', () => {
    const b = fakeBlock(100)
    const r = reconstruct(buildCompactBlock(b, { nonce: 5n }), pool(b, range(1, 100)))
    assert.equal(r.status, 'ok')
    if (r.status !== 'ok') return
    assert.deepEqual(r.partial.missing, [])
    assert.equal(r.partial.fromMempool, 99)
    assert.deepEqual(r.partial.txs(), b.txs)
  })

  it('lists exactly what the mempool lacks, and fills it from a blocktxn', () => {
    const b = fakeBlock(100)
    const have = range(1, 100).filter(i => i % 10 !== 3)
    const r = reconstruct(buildCompactBlock(b, { nonce: 5n }), pool(b, have), [])
    assert.equal(r.status, 'ok')
    if (r.status !== 'ok') return
    const missing = range(1, 100).filter(i => i % 10 === 3)
    assert.deepEqual(r.partial.missing, missing)
    assert.throws(() => r.partial.txs(), (e: Error) => e.name === 'BlockTxnMismatchError')
    assert.throws(() => r.partial.fill(missing.slice(1).map(i => b.txs[i])), (e: Error) => e.name === 'BlockTxnMismatchError')
    assert.deepEqual(r.partial.fill(missing.map(i => b.txs[i])), b.txs)
    assert.equal(blockTxnBytes({ blockHash: new Uint8Array(32), txs: missing.map(i => b.txs[i]) }),
      protobufCodecs.BlockTxn.encode({ blockHash: new Uint8Array(32), txs: missing.map(i => b.txs[i]) }).byteLength)
  })

  it('uses the extra pool, and one transaction in both pools is no collision', () => {
    const b = fakeBlock(30)
    const r = reconstruct(buildCompactBlock(b, { nonce: 9n }), pool(b, range(1, 20)), pool(b, range(15, 30)))
    assert.equal(r.status, 'ok')
    if (r.status !== 'ok') return
    assert.deepEqual(r.partial.missing, [])
    assert.equal(r.partial.fromMempool, 19)
    assert.equal(r.partial.fromExtra, 10)
  })

  it('reports a collision when two short ids of the compact block are equal', () => {
    const b = fakeBlock(10)
    const c = buildCompactBlock(b, { nonce: 3n })
    c.shortIds[4] = c.shortIds[2]
    assert.equal(reconstruct(c, pool(b, range(1, 10))).status, 'collision')
  })

  it('ignores transactions of ours that match no short id', () => {
    const b = fakeBlock(10)
    const other = fakeBlock(50)
    const r = reconstruct(buildCompactBlock(b, { nonce: 3n }), [...pool(other, range(0, 50)), ...pool(b, range(1, 5))])
    assert.equal(r.status, 'ok')
    if (r.status === 'ok') assert.deepEqual(r.partial.missing, range(5, 10))
  })

  it('rejects compact blocks that describe no block', () => {
    const b = fakeBlock(5)
    const c = buildCompactBlock(b, { nonce: 3n })
    assert.throws(() => reconstruct({ ...c, prefilled: [{ index: 5, tx: b.txs[0] }] }, []), (e: Error) => e.name === 'InvalidCompactBlockError')
    assert.throws(() => reconstruct({ ...c, shortIds: [], prefilled: [] }, []), (e: Error) => e.name === 'InvalidCompactBlockError')
  })
})

describe('high-bandwidth peers', () => {
  it('keeps the three most recent first-deliverers, demoting the oldest', () => {
    const hb = createHighBandwidthPeers(3)
    assert.deepEqual(hb.promote('a', true), [{ peer: 'a', announce: true }])
    hb.promote('b', true)
    hb.promote('c', true)
    assert.deepEqual(hb.promote('d', true), [{ peer: 'a', announce: false }, { peer: 'd', announce: true }])
    assert.deepEqual(hb.list(), ['b', 'c', 'd'])
    assert.deepEqual(hb.promote('c', true), [], 'already one: it becomes the newest')
    assert.deepEqual(hb.list(), ['b', 'd', 'c'])
  })

  it('never lets an inbound newcomer push out the last outbound peer', () => {
    const hb = createHighBandwidthPeers(3)
    hb.promote('out', true)
    hb.promote('in1', false)
    hb.promote('in2', false)
    assert.deepEqual(hb.promote('in3', false), [{ peer: 'in1', announce: false }, { peer: 'in3', announce: true }])
    assert.deepEqual(hb.list(), ['out', 'in2', 'in3'])
    // an outbound newcomer may replace the outbound one
    assert.deepEqual(hb.promote('out2', true), [{ peer: 'out', announce: false }, { peer: 'out2', announce: true }])
    hb.remove('in2')
    assert.deepEqual(hb.list(), ['in3', 'out2'])
  })
})

describe('extra pool', () => {
  it('keeps the newest transactions within its count and byte caps', () => {
    const x = createExtraPool(3, 1000)
    const t = (n: number, size = 100): [Uint8Array, Uint8Array] => [new Uint8Array(32).fill(n), new Uint8Array(size)]
    for (let i = 1; i <= 5; i++) x.add(...t(i))
    assert.deepEqual([...x.entries()].map(e => e.txid[0]), [3, 4, 5])
    x.add(...t(6, 900))
    assert.deepEqual([...x.entries()].map(e => e.txid[0]), [5, 6], 'the oldest go until 900 more bytes fit')
    assert.equal(x.bytes, 1000)
    x.add(...t(7, 2000))
    assert.equal(x.size, 2, 'a transaction larger than the pool is not kept')
  })
})
