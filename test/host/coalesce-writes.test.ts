import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Socket } from 'node:net'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { Uint8ArrayList } from 'uint8arraylist'
import { coalesceSends, coalescedWrites } from '../../src/host/coalesce-writes.ts'
import type { Ping } from '@libp2p/ping'

describe('coalesced writes', () => {
  it('joins a small list into one buffer and passes buffers and large lists as they are', () => {
    const sent: unknown[] = []
    const conn = { send (data: unknown) { sent.push(data); return true } }
    coalesceSends(conn, 10)
    const small = new Uint8ArrayList(Uint8Array.of(0, 3), Uint8Array.of(7, 8, 9))
    const large = new Uint8ArrayList(new Uint8Array(2), new Uint8Array(9))
    const one = Uint8Array.of(1, 2)
    assert.equal(conn.send(small), true)
    conn.send(large)
    conn.send(one)
    assert.ok(sent[0] instanceof Uint8Array)
    assert.deepEqual(sent[0], Uint8Array.of(0, 3, 7, 8, 9))
    assert.equal(sent[1], large)
    assert.equal(sent[2], one)
  })

  it('leaves a connection without send alone', () => {
    const odd = { write () {} }
    assert.equal(coalesceSends(odd), odd)
  })

  /** Socket writes while two hosts connect and ping, with the given encrypter. */
  async function socketWrites (encrypter: any): Promise<number[]> {
    const hosts = await Promise.all([0, 1].map(async () => await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [encrypter],
      streamMuxers: [yamux()],
      services: { ping: ping() }
    })))
    const sizes: number[] = []
    const proto = Socket.prototype as any
    const original = proto._writeGeneric
    proto._writeGeneric = function (writev: boolean, data: any, encoding: any, cb: any) {
      if (writev) for (const c of data) sizes.push(c.chunk.length)
      else sizes.push(data.length)
      return original.call(this, writev, data, encoding, cb)
    }
    try {
      const [a, b] = hosts
      for (let i = 0; i < 5; i++) await (a.services.ping as Ping).ping(b.getMultiaddrs()[0])
    } finally {
      proto._writeGeneric = original
      await Promise.all(hosts.map(async h => { await h.stop() }))
    }
    return sizes
  }

  it('writes each Noise message of a live connection in one piece, where plain Noise writes its length apart', async () => {
    const plain = await socketWrites(noise())
    assert.ok(plain.includes(2), `plain noise writes 2-byte length prefixes on their own: ${plain.join(' ')}`)
    const joined = await socketWrites(coalescedWrites(noise()))
    assert.ok(joined.length > 0)
    assert.equal(joined.filter(n => n === 2).length, 0, `no lone length prefix: ${joined.join(' ')}`)
    assert.ok(joined.length < plain.length, `fewer writes (${joined.length} vs ${plain.length})`)
  })
})
