import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { multiaddr } from '@multiformats/multiaddr'
import { cidrContains, formatCidr, formatIp, isLoopback, parseCidr, parseIp, subnetKey } from '../../src/peers/ip.ts'
import { addressInfo, netgroupOf } from '../../src/peers/netgroup.ts'

describe('peers/ip', () => {
  it('parses and formats IPv4 canonically', () => {
    assert.equal(formatIp(parseIp('10.1.2.3')!), '10.1.2.3')
    assert.equal(parseIp('10.1.2.3')!.family, 4)
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-1', 'a.b.c.d', ' 1.2.3.4']) {
      assert.equal(parseIp(bad), undefined, bad)
    }
  })

  it('parses IPv6 forms and formats them per RFC 5952', () => {
    assert.equal(formatIp(parseIp('2001:0db8:0000:0000:0000:0000:0000:0001')!), '2001:db8::1')
    assert.equal(formatIp(parseIp('2001:db8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1')
    assert.equal(formatIp(parseIp('::')!), '::')
    assert.equal(formatIp(parseIp('::1')!), '::1')
    assert.equal(formatIp(parseIp('fe80::1%eth0')!), 'fe80::1')
    assert.equal(formatIp(parseIp('2001:db8:1:2:3:4:5:6')!), '2001:db8:1:2:3:4:5:6')
    assert.equal(formatIp(parseIp('2001:DB8::A')!), '2001:db8::a')
    for (const bad of [':::', '1::2::3', '2001:db8:1:2:3:4:5:6:7', '12345::1', 'g::1', '1.2.3.4::']) {
      assert.equal(parseIp(bad), undefined, bad)
    }
  })

  it('treats IPv4-mapped IPv6 as IPv4', () => {
    const ip = parseIp('::ffff:10.0.0.1')!
    assert.equal(ip.family, 4)
    assert.equal(formatIp(ip), '10.0.0.1')
    assert.equal(formatIp(parseIp('::ffff:a00:1')!), '10.0.0.1')
  })

  it('masks host bits of a CIDR and matches containment by family', () => {
    const c = parseCidr('10.1.2.3/16')!
    assert.equal(formatCidr(c), '10.1.0.0/16')
    assert.ok(cidrContains(c, parseIp('10.1.255.7')!))
    assert.ok(!cidrContains(c, parseIp('10.2.0.1')!))
    assert.ok(!cidrContains(parseCidr('::/0')!, parseIp('10.1.0.1')!), 'an IPv6 subnet never holds an IPv4 address')
    assert.equal(formatCidr(parseCidr('2001:db8:aa:bb::1/48')!), '2001:db8:aa::/48')
    assert.equal(formatCidr(parseCidr('10.0.0.9/27')!), '10.0.0.0/27')
    assert.equal(formatCidr(parseCidr('::ffff:10.9.8.7/120')!), '10.9.8.0/24')
    assert.equal(formatCidr(parseCidr('10.0.0.1')!), '10.0.0.1/32')
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/08', '::/129', 'x/8']) {
      assert.equal(parseCidr(bad), undefined, bad)
    }
  })

  it('round-trips any IPv4 or IPv6 address through format and parse', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      const ip = parseIp(formatIp({ family: 6, bytes }))
      assert.ok(ip != null)
      if (ip.family === 6) assert.deepEqual(ip.bytes, bytes)
      else assert.deepEqual(ip.bytes, bytes.subarray(12)) // a mapped address
    }))
    fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (bytes) => {
      assert.deepEqual(parseIp(formatIp({ family: 4, bytes }))!.bytes, bytes)
    }))
  })

  it('never throws on random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => {
      parseIp(s)
      parseCidr(s)
    }))
  })

  it('knows loopback', () => {
    assert.ok(isLoopback(parseIp('127.9.9.9')!))
    assert.ok(isLoopback(parseIp('::1')!))
    assert.ok(!isLoopback(parseIp('::2')!))
    assert.ok(!isLoopback(parseIp('128.0.0.1')!))
  })
})

describe('peers/netgroup', () => {
  it('groups IPv4 by /16 and IPv6 by /32, and caps IPv4 by /32, /24 and /16', () => {
    const info = addressInfo(multiaddr('/ip4/127.2.3.4/tcp/4001'))
    assert.equal(info.ipString, '127.2.3.4')
    assert.equal(info.netgroup, '127.2.0.0/16')
    assert.equal(info.subnet, '127.2.3.0/24')
    assert.deepEqual(info.buckets, [
      { kind: 'per-ip', key: '127.2.3.4' },
      { kind: 'per-ipv4-24', key: '127.2.3.0/24' },
      { kind: 'per-ipv4-16', key: '127.2.0.0/16' }
    ])
    assert.equal(netgroupOf(parseIp('2001:db8:1:2::5')!), '2001:db8::/32')
  })

  it('caps IPv6 by /64 (one host) and /48', () => {
    const info = addressInfo(multiaddr('/ip6/2001:db8:aa:bb:1:2:3:4/tcp/1'))
    assert.deepEqual(info.buckets, [
      { kind: 'per-ip', key: '2001:db8:aa:bb::/64' },
      { kind: 'per-ipv6-48', key: '2001:db8:aa::/48' }
    ])
    assert.equal(info.subnet, subnetKey(parseIp('2001:db8:aa::')!, 48))
  })

  it('groups a relayed address by its relay and exempts it from IP caps', () => {
    const relay = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
    const info = addressInfo(multiaddr(`/ip4/1.2.3.4/tcp/1/p2p/${relay}/p2p-circuit/p2p/${relay}`))
    assert.equal(info.relayed, true)
    assert.equal(info.netgroup, `relay:${relay}`)
    assert.deepEqual(info.buckets, [])
    assert.equal(info.ip, undefined)
  })

  it('handles IPv4-mapped, zoned and DNS addresses', () => {
    assert.equal(addressInfo(multiaddr('/ip6/::ffff:127.0.0.1/tcp/1')).ipString, '127.0.0.1')
    assert.equal(addressInfo(multiaddr('/ip6zone/eth0/ip6/fe80::1/tcp/1')).ipString, 'fe80::1')
    const dns = addressInfo(multiaddr('/dns4/Example.COM/tcp/1'))
    assert.equal(dns.netgroup, 'dns:example.com')
    assert.deepEqual(dns.buckets, [])
  })
})
