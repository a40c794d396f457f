import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  protobufCodecs, protobufMethodCodecs, protobufWireFormat, noResponseCodec, METHODS, DecodeError,
  MAX_INV_ITEMS, MAX_HEADERS_PER_MESSAGE, MAX_LOCATOR_HASHES, MAX_GETDATA_ITEMS, MAX_ANNOUNCE_HEADERS, MAX_BLOCKS_BY_HASH
} from '../../src/wire/index.ts'
import * as pbRelay from '../../src/wire/pb/gen/relay.js'
import * as pbSync from '../../src/wire/pb/gen/sync.js'
import * as pbStatus from '../../src/wire/pb/gen/status.js'
import { samples } from '../helpers/samples.ts'
import type { Codec } from '../../src/wire/index.ts'

const isDecodeError = (pattern?: RegExp) => (err: any) => err.name === DecodeError.name && err.verdict === 'fatal' && (pattern == null || pattern.test(err.message))
const isEncodeError = (err: any) => err.name === 'InvalidArgumentError'

/** Edge values for the codecs with a trailing bytes field. */
function variants (name: string): any[] {
  switch (name) {
    case 'DirectMessage': return [{ protocol: 'a', data: new Uint8Array(0) }, { protocol: 'x'.repeat(64), data: new Uint8Array(300).fill(1) }]
    case 'DirectReply': return [{ data: new Uint8Array(0) }, { data: new Uint8Array(200_000).fill(2) }]
    case 'Block': return [{ block: new Uint8Array(1) }, { block: new Uint8Array(70_000).fill(3) }]
    case 'Tx': return [{ tx: new Uint8Array(128).fill(4) }]
    case 'Chunk': return [{ transferId: 0, index: 0, count: 2, totalSize: 1, data: new Uint8Array(1) }, { transferId: 2 ** 32 - 1, index: 15, count: 16, totalSize: 10 * 1024 * 1024, data: new Uint8Array(1024 * 1024) }]
    default: return []
  }
}

describe('protobuf codecs', () => {
  for (const [name, codec] of Object.entries(protobufCodecs) as Array<[keyof typeof samples, Codec<any>]>) {
    it(`round-trips ${name}`, () => {
      const value = samples[name]
      const bytes = codec.encode(value)
      assert.deepEqual(codec.decode(bytes), value)
    })
  }

  it('has a request and a response codec for every method, and one-way methods reject responses', () => {
    for (const m of METHODS) {
      assert.ok(protobufMethodCodecs[m].request != null, m)
      assert.ok(protobufMethodCodecs[m].response != null, m)
    }
    assert.equal(protobufWireFormat.methods.tx.response, noResponseCodec)
    assert.throws(() => noResponseCodec.decode(new Uint8Array(0)), isDecodeError())
  })

  it('rejects hashes that are not 32 bytes', () => {
    const bytes = pbSync.GetBlocksByHash.encode({ hashes: [new Uint8Array(31)] })
    assert.throws(() => protobufCodecs.GetBlocksByHash.decode(bytes), isDecodeError(/hashes\[0\] must be 32 bytes, got 31/))
    assert.throws(() => protobufCodecs.GetBlocksByHash.encode({ hashes: [new Uint8Array(33)] }), isEncodeError)
  })

  it('names the failing entry of a list by its index', () => {
    const headers = Array.from({ length: 10 }, () => new Uint8Array(84))
    headers[7] = new Uint8Array(0)
    const bytes = pbSync.Headers.encode({ headers })
    assert.throws(() => protobufCodecs.Headers.decode(bytes), isDecodeError(/^.*headers\[7\] is 0 bytes \(min 1\)/))
    assert.throws(() => protobufCodecs.Headers.encode({ headers }), (err: any) => isEncodeError(err) && /headers\[7\] is 0 bytes/.test(err.message))
    const locator = [new Uint8Array(32), new Uint8Array(31)]
    assert.throws(() => protobufCodecs.GetHeaders.decode(pbSync.GetHeaders.encode({ locator, maxHeaders: 1 })), isDecodeError(/locator\[1\] must be 32 bytes, got 31/))
  })

  it('stops decoding an inv at 50,000 items: 50,001 is fatal, the limit is named', () => {
    const hash = new Uint8Array(32)
    const ok = pbRelay.Inv.encode({ items: Array.from({ length: MAX_INV_ITEMS }, () => ({ type: 1, hash })) })
    assert.equal(protobufCodecs.Inv.decode(ok).items.length, MAX_INV_ITEMS)
    const over = pbRelay.Inv.encode({ items: Array.from({ length: MAX_INV_ITEMS + 1 }, () => ({ type: 1, hash })) })
    assert.throws(() => protobufCodecs.Inv.decode(over), isDecodeError(/too many elements/))
  })

  it('caps every collection at its limit', () => {
    const hash = new Uint8Array(32)
    const cases: Array<[Codec<any>, Uint8Array]> = [
      [protobufCodecs.Headers, pbSync.Headers.encode({ headers: Array.from({ length: MAX_HEADERS_PER_MESSAGE + 1 }, () => new Uint8Array(1)) })],
      [protobufCodecs.GetHeaders, pbSync.GetHeaders.encode({ locator: Array.from({ length: MAX_LOCATOR_HASHES + 1 }, () => hash), maxHeaders: 1 })],
      [protobufCodecs.GetData, pbRelay.GetData.encode({ items: Array.from({ length: MAX_GETDATA_ITEMS + 1 }, () => ({ type: 1, hash })) })],
      [protobufCodecs.BlockAnnounce, pbSync.BlockAnnounce.encode({ headers: Array.from({ length: MAX_ANNOUNCE_HEADERS + 1 }, () => new Uint8Array(1)) })],
      [protobufCodecs.GetBlocksByHash, pbSync.GetBlocksByHash.encode({ hashes: Array.from({ length: MAX_BLOCKS_BY_HASH + 1 }, () => hash) })]
    ]
    for (const [codec, bytes] of cases) assert.throws(() => codec.decode(bytes), isDecodeError())
  })

  it('checks semantic ranges: count, maxHeaders, empty lists, unknown codes', () => {
    assert.throws(() => protobufCodecs.GetBlocksByRange.decode(pbSync.GetBlocksByRange.encode({ startHeight: 0, count: 501 })), isDecodeError(/count must be an integer in 1\.\.500, got 501/))
    assert.throws(() => protobufCodecs.GetBlocksByRange.decode(pbSync.GetBlocksByRange.encode({ startHeight: 0, count: 0 })), isDecodeError())
    assert.throws(() => protobufCodecs.GetHeaders.decode(pbSync.GetHeaders.encode({ locator: [new Uint8Array(32)], maxHeaders: 2001 })), isDecodeError())
    assert.throws(() => protobufCodecs.Inv.decode(pbRelay.Inv.encode({ items: [] })), isDecodeError(/min 1/))
    assert.throws(() => protobufCodecs.Inv.decode(pbRelay.Inv.encode({ items: [{ type: 3, hash: new Uint8Array(32) }] })), isDecodeError(/unknown inventory type code 3/))
    assert.throws(() => protobufCodecs.GetDataResponse.decode(new Uint8Array(0)), isDecodeError(/neither tx nor notfound/))
  })

  it('rejects heights above 2^53 and work with leading zeros', () => {
    // uint64 max as a varint, field 3 (best_height)
    const huge = new Uint8Array([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
    assert.throws(() => protobufCodecs.Status.decode(huge), isDecodeError())
    const status = pbStatus.Status.decode(protobufCodecs.Status.encode(samples.Status))
    const padded = pbStatus.Status.encode({ ...status, bestWork: new Uint8Array([0, 1]) })
    assert.throws(() => protobufCodecs.Status.decode(padded), isDecodeError(/leading zero/))
  })

  it('encodes work minimally and zero as empty', () => {
    const zero = protobufCodecs.Status.decode(protobufCodecs.Status.encode({ ...samples.Status, bestWork: 0n }))
    assert.equal(zero.bestWork, 0n)
    assert.throws(() => protobufCodecs.Status.encode({ ...samples.Status, bestWork: 1n << 256n }), isEncodeError)
    assert.throws(() => protobufCodecs.Status.encode({ ...samples.Status, bestWork: -1n }), isEncodeError)
  })

  it('packs short ids in 6 bytes each and rejects a ragged list', () => {
    const bytes = pbRelay.CmpctBlock.encode({ header: new Uint8Array(80), nonce: 1n, shortIds: new Uint8Array(7), prefilled: [] })
    assert.throws(() => protobufCodecs.CmpctBlock.decode(bytes), isDecodeError(/not a multiple of 6/))
    assert.throws(() => protobufCodecs.CmpctBlock.encode({ ...samples.CmpctBlock, shortIds: [2 ** 48] }), isEncodeError)
  })

  it('requires strictly increasing indexes', () => {
    assert.throws(() => protobufCodecs.GetBlockTxn.encode({ blockHash: new Uint8Array(32), indexes: [3, 3] }), isEncodeError)
    // on the wire indexes are differential (BIP152): any decoded list is increasing, and one past the cap fails
    const bytes = pbRelay.GetBlockTxn.encode({ blockHash: new Uint8Array(32), indexes: [5, 2] })
    assert.deepEqual(protobufCodecs.GetBlockTxn.decode(bytes).indexes, [5, 8])
    const over = pbRelay.GetBlockTxn.encode({ blockHash: new Uint8Array(32), indexes: [90_000, 9_999] })
    assert.throws(() => protobufCodecs.GetBlockTxn.decode(over), isDecodeError(/max 99999/))
  })

  it('validates direct message protocol names', () => {
    assert.throws(() => protobufCodecs.DirectMessage.encode({ protocol: '../etc', data: new Uint8Array(0) }), isEncodeError)
    assert.throws(() => protobufCodecs.DirectMessage.encode({ protocol: 'a'.repeat(65), data: new Uint8Array(0) }), isEncodeError)
  })

  it('counts string limits in UTF-8 bytes', () => {
    assert.throws(() => protobufCodecs.Goodbye.encode({ reason: 1, message: 'é'.repeat(129) }), isEncodeError)
    assert.equal(protobufCodecs.Goodbye.decode(protobufCodecs.Goodbye.encode({ reason: 1, message: 'é'.repeat(128) })).message.length, 128)
  })

  it('ignores unknown capability bits from newer peers', () => {
    const status = pbStatus.Status.decode(protobufCodecs.Status.encode(samples.Status))
    const decoded = protobufCodecs.Status.decode(pbStatus.Status.encode({ ...status, capabilities: status.capabilities | (1 << 20) }))
    assert.deepEqual(decoded.capabilities, samples.Status.capabilities)
  })

  it('encodeList produces exactly the bytes of encode, referencing the large field', () => {
    let withList = 0
    for (const [name, codec] of Object.entries(protobufCodecs) as Array<[keyof typeof samples, Codec<any>]>) {
      if (codec.encodeList == null) continue
      withList++
      for (const value of [samples[name], ...variants(name)]) {
        assert.deepEqual(codec.encodeList(value).subarray(), codec.encode(value), name)
      }
    }
    assert.ok(withList >= 5)
    const big = new Uint8Array(100_000)
    const list = protobufCodecs.DirectMessage.encodeList?.({ protocol: 'p', data: big })
    assert.ok([...(list ?? [])].includes(big), 'the payload is referenced, not copied')
  })

  it('decodes fields as views of the input, not copies', () => {
    const bytes = protobufCodecs.Block.encode({ block: new Uint8Array(1000).fill(1) })
    const decoded = protobufCodecs.Block.decode(bytes)
    assert.equal(decoded.block.buffer, bytes.buffer)
  })
})

describe('fast encoders', () => {
  it('Headers: the same bytes as protons for any list of headers', async () => {
    const fc = (await import('fast-check')).default
    fc.assert(fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 64 }), (headers) => {
      const fast = protobufCodecs.Headers.encode({ headers })
      assert.deepEqual(fast, pbSync.Headers.encode({ headers: headers as Array<Uint8Array<ArrayBuffer>> }))
      assert.deepEqual(protobufCodecs.Headers.decode(fast).headers, headers)
    }), { seed: 7, numRuns: 500 })
  })
})
