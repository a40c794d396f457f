import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Key } from 'interface-datastore'
import { banId, createBanList } from '../../src/peers/bans.ts'
import { BanListFullError } from '../../src/peers/errors.ts'
import { parseIp } from '../../src/peers/ip.ts'
import { fakeClock, logger, memoryDatastore, tempLevel } from './helpers.ts'
import type { PeerDatastore } from '../../src/peers/bans.ts'
import type { BanInfo } from '../../src/peers/types.ts'

const log = logger.forComponent('test')
const PREFIX = '/chainwire/bans'

function ban (kind: BanInfo['kind'], target: string, created: number, durationMs: number, source: BanInfo['source'] = 'manual'): BanInfo {
  const id = banId(kind, target)!
  return { id, kind, target: id, reason: `test ${kind}`, source, created, expires: created + durationMs }
}

function list (datastore: PeerDatastore, clock = fakeClock(), maxBans = 100): ReturnType<typeof createBanList> {
  return createBanList({ datastore, prefix: PREFIX, maxBans, clock, log })
}

describe('peers/bans', () => {
  it('matches peers, exact addresses and subnets, and stops matching at expiry', async () => {
    const clock = fakeClock()
    const bans = list(memoryDatastore(), clock)
    await bans.load()
    bans.add(ban('peer', '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN', clock.now, 1000))
    bans.add(ban('ip', '10.0.0.1', clock.now, 2000))
    bans.add(ban('cidr', '10.9.0.0/16', clock.now, 3000))
    bans.add(ban('cidr', '2001:db8::/32', clock.now, 3000))
    assert.ok(bans.peer('12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'))
    assert.equal(bans.peer('12D3KooWOther'), undefined)
    assert.equal(bans.ip(parseIp('10.0.0.1')!)?.id, '10.0.0.1')
    assert.equal(bans.ip(parseIp('::ffff:10.0.0.1')!)?.id, '10.0.0.1', 'mapped form is the same address')
    assert.equal(bans.ip(parseIp('10.0.0.2')!), undefined)
    assert.equal(bans.ip(parseIp('10.9.200.1')!)?.id, '10.9.0.0/16')
    assert.equal(bans.ip(parseIp('10.10.0.1')!), undefined)
    assert.equal(bans.ip(parseIp('2001:db8:ffff::1')!)?.id, '2001:db8::/32')
    assert.equal(bans.ip(parseIp('2001:db9::1')!), undefined)

    clock.advance(1000)
    assert.equal(bans.peer('12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'), undefined, 'expired at its expiry')
    assert.equal(bans.list().length, 3)
    clock.advance(2000)
    assert.equal(bans.ip(parseIp('10.9.200.1')!), undefined)
    assert.deepEqual(bans.pruneExpired().map(b => b.id).sort(), ['10.0.0.1', '10.9.0.0/16', '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN', '2001:db8::/32'])
    assert.equal(bans.size, 0)
  })

  it('persists bans in LevelDB and loads them in a new list after a restart, dropping expired ones', async () => {
    const tmp = await tempLevel()
    const clock = fakeClock()
    try {
      let ds = await tmp.open()
      const first = list(ds, clock)
      await first.load()
      first.add(ban('ip', '192.0.2.7', clock.now, 60_000))
      first.add(ban('cidr', '198.51.100.0/24', clock.now, 60_000))
      first.add(ban('peer', '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN', clock.now, 1000, 'auto'))
      await first.flush()
      await ds.close()

      clock.advance(5000)
      ds = await tmp.open()
      const second = list(ds, clock)
      await second.load()
      assert.deepEqual(second.list().map(b => b.id).sort(), ['192.0.2.7', '198.51.100.0/24'])
      assert.equal(second.ip(parseIp('198.51.100.99')!)?.reason, 'test cidr')
      // the expired record is gone from disk too
      const keys: string[] = []
      for await (const { key } of ds.query({ prefix: PREFIX })) keys.push(key.toString())
      assert.equal(keys.length, 2)
      second.remove('192.0.2.7')
      await second.flush()
      await ds.close()

      ds = await tmp.open()
      const third = list(ds, clock)
      await third.load()
      assert.deepEqual(third.list().map(b => b.id), ['198.51.100.0/24'])
      await ds.close()
    } finally {
      await tmp.cleanup()
    }
  })

  it('skips malformed records on load and deletes them', async () => {
    const ds = memoryDatastore()
    await ds.put(new Key(`${PREFIX}/ip/garbage`), new TextEncoder().encode('{not json'))
    await ds.put(new Key(`${PREFIX}/ip/x`), new TextEncoder().encode(JSON.stringify({ id: 'not-an-ip', kind: 'ip', target: 'not-an-ip', reason: '', source: 'manual', created: 0, expires: 9e15 })))
    const clock = fakeClock()
    const good = ban('ip', '10.1.1.1', clock.now, 1000)
    await ds.put(new Key(`${PREFIX}/ip/${encodeURIComponent(good.id)}`), new TextEncoder().encode(JSON.stringify(good)))
    const bans = list(ds, clock)
    await bans.load()
    assert.deepEqual(bans.list().map(b => b.id), ['10.1.1.1'])
    assert.equal(ds.data.size, 1)
  })

  it('is bounded: drops the automatic ban expiring first, never an operator ban', async () => {
    const clock = fakeClock()
    const bans = list(memoryDatastore(), clock, 3)
    await bans.load()
    bans.add(ban('ip', '10.0.0.1', clock.now, 10_000, 'manual'))
    bans.add(ban('ip', '10.0.0.2', clock.now, 5_000, 'auto'))
    bans.add(ban('ip', '10.0.0.3', clock.now, 9_000, 'auto'))
    const { dropped } = bans.add(ban('ip', '10.0.0.4', clock.now, 1_000, 'manual'))
    assert.equal(dropped?.id, '10.0.0.2')
    assert.deepEqual(bans.list().map(b => b.id).sort(), ['10.0.0.1', '10.0.0.3', '10.0.0.4'])
    bans.add(ban('ip', '10.0.0.5', clock.now, 1_000, 'manual'))
    assert.throws(() => bans.add(ban('ip', '10.0.0.6', clock.now, 1_000, 'manual')), (err: Error) => err.name === BanListFullError.name)
  })

  it('an automatic ban never shortens an operator ban, and only extends an automatic one', async () => {
    const clock = fakeClock()
    const bans = list(memoryDatastore(), clock)
    await bans.load()
    const peer = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
    bans.add(ban('peer', peer, clock.now, 100_000, 'manual'))
    bans.add(ban('peer', peer, clock.now, 10, 'auto'))
    assert.equal(bans.peer(peer)?.source, 'manual')
    assert.equal(bans.peer(peer)?.expires, clock.now + 100_000)
    bans.remove(peer)
    bans.add(ban('peer', peer, clock.now, 50_000, 'auto'))
    bans.add(ban('peer', peer, clock.now, 10, 'auto'))
    assert.equal(bans.peer(peer)?.expires, clock.now + 50_000)
  })
})
