/**
 * Full-node adversarial tests, peers: connection floods, eviction and bans
 * that survive a restart, with a victim started with `createNode`,
 * hand-written attackers dialing from chosen 127.0.0.0/8 source addresses
 * (so the victim sees chosen IPs, /24s and /16s; it listens on 127.0.0.1
 * only), and an honest control peer answered within budget throughout.
 * The peer-manager-level versions are in test/adversarial/peers.test.ts.
 *
 * Issue items: 8 (connection flood), 9 (eviction), 10 (ban across a restart).
 */
import { afterEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { FrameCode, encodeFrame, encodeFrameHeader, protobufCodecs } from '../../src/wire/index.ts'
import { arena, assertBanned, assertUnharmed, countReceived, errorFrames, exchange, startVictim, tryConnect, victimStreams } from '../helpers/attacker.ts'
import { waitFor } from '../helpers/wait.ts'
import type { Arena, Attacker } from '../helpers/attacker.ts'
import type { NodeComponents } from '../../src/node/index.ts'
import type { NodeConfig } from '../../src/config/options.ts'
import type { Stream } from '@libp2p/interface'

let a: Arena | undefined
afterEach(async () => {
  await a?.stop()
  a = undefined
})

async function setup (config: Partial<NodeConfig> = {}, components: NodeComponents = {}, opts: { controlDialedByVictim?: boolean } = {}): Promise<Arena> {
  a = await arena(config, components, opts)
  return a
}

/** Inbound peers of the victim that are still connected, by peer id. */
function inbound (a: Arena): Set<string> {
  return new Set(a.victim.node.peers().filter(p => p.direction === 'inbound').map(p => p.id))
}

/**
 * Start uploading a direct request and stop half-way, as a peer on a slow
 * link would: the victim holds the stream, mid-frame, when it hangs up.
 */
async function halfUpload (atk: Attacker, a: Arena): Promise<Stream> {
  const stream = await atk.open(a.victim, 'direct')
  await waitFor(() => victimStreams(a.victim, atk, 'direct').length === 1, 'the victim to accept the stream', 5000, 10)
  const received = countReceived(victimStreams(a.victim, atk, 'direct')[0])
  const frame = encodeFrame(FrameCode.MESSAGE, protobufCodecs.DirectMessage.encode({ protocol: 'echo', data: new Uint8Array(10_000) })).subarray()
  stream.send(frame.subarray(0, 5000))
  await waitFor(() => received() === 5000, 'the first half to arrive', 5000, 10)
  return stream
}

describe('full node: connection floods and eviction', () => {
  it('8. a connection flood from one IP and from one /24: the excess is refused, existing peers are kept, an allow-listed peer still gets in', async () => {
    const a = await setup({ allowList: ['127.0.8.200/32'] }, { overrides: { peers: { maxInboundPerIp: 3, maxInboundPerIpv4Subnet24: 4 } } })
    const existing = await a.attacker('127.0.88.1')
    assert.equal(await tryConnect(existing, a.victim), true)

    // six peers from one address at once: three get in
    const sameIp = await Promise.all(Array.from({ length: 6 }, async () => await a.attacker('127.0.9.9')))
    const ipResults = await Promise.all(sameIp.map(async atk => await tryConnect(atk, a.victim)))
    assert.equal(ipResults.filter(Boolean).length, 3)
    await waitFor(() => a.j.refusals.filter(r => r.reason === 'per-ip').length === 3, 'three per-ip refusals', 5000, 10)

    // six peers from six addresses of one /24: four get in
    const sameSubnet = await Promise.all(Array.from({ length: 6 }, async (_, i) => await a.attacker(`127.0.8.${i + 1}`)))
    const subnetResults = await Promise.all(sameSubnet.map(async atk => await tryConnect(atk, a.victim)))
    assert.equal(subnetResults.filter(Boolean).length, 4)
    await waitFor(() => a.j.refusals.filter(r => r.reason === 'per-ipv4-24').length === 2, 'two per-/24 refusals', 5000, 10)

    // the /24 is full, but an allow-listed address in it gets in
    const friend = await a.attacker('127.0.8.200')
    assert.equal(await tryConnect(friend, a.victim), true)

    assert.deepEqual(new Set(a.j.refusals.map(r => r.reason)), new Set(['per-ip', 'per-ipv4-24']))
    // existing peers kept: the control (from 127.0.0.1) and the earlier peer
    assert.ok(inbound(a).has(existing.peerId.toString()))
    assert.equal(inbound(a).size, 1 + 1 + 3 + 4 + 1)
    assert.deepEqual(a.j.scores, [], 'a refused connection penalises nobody')
    // bounded state: the refused peers left nothing behind in the engine
    assert.ok(a.victim.node.reqresp.stats().rateLimiterPeers <= inbound(a).size)
    await assertUnharmed(a)
  })

  it('9. inbound full, a same-subnet flood, then a peer from a new subnet: evictees come from the largest netgroup; outbound and protected peers survive', async () => {
    const a = await setup(
      { maxInbound: 4, outboundTarget: 1 },
      // protect one peer by recent novel transactions and nothing else, so a handful of peers shows the rule
      { overrides: { peers: { evictionProtection: { netgroup: 0, latency: 0, tx: 1, block: 0, uptimeRatio: 0 } } } },
      // the control peer is the victim's outbound peer
      { controlDialedByVictim: true }
    )
    assert.equal(a.victim.node.peers().find(p => p.id === a.control.node.peerId.toString())?.direction, 'outbound')
    const lone = await a.attacker('127.1.0.1')
    assert.equal(await tryConnect(lone, a.victim), true)
    const group: Attacker[] = []
    for (let i = 1; i <= 3; i++) {
      const atk = await a.attacker(`127.2.0.${i}`)
      assert.equal(await tryConnect(atk, a.victim), true)
      group.push(atk)
    }
    assert.equal(inbound(a).size, 4, 'inbound is full')
    // the youngest of the big group just relayed a novel transaction: protected
    a.victim.node.peerManager.markUseful(group[2].peerId, 'tx')
    // the one to be evicted first is in the middle of sending a request
    const cut = await halfUpload(group[1], a)

    // more peers from the same /16 arrive one by one: each evicts the youngest unprotected member of that /16
    const expected: string[] = [group[1].peerId.toString()]
    for (let i = 4; i <= 5; i++) {
      const atk = await a.attacker(`127.2.0.${i}`)
      assert.equal(await tryConnect(atk, a.victim), true)
      await waitFor(() => a.j.evictions.length === i - 3, `eviction ${i - 3}`, 5000, 10)
      group.push(atk)
      expected.push(atk.peerId.toString())
    }
    // then a peer from a new /16: the evictee still comes from the largest netgroup
    const newcomer = await a.attacker('127.3.0.1')
    assert.equal(await tryConnect(newcomer, a.victim), true)
    await waitFor(() => a.j.evictions.length === 3, 'the third eviction', 5000, 10)

    assert.deepEqual(a.j.evictions.map(e => e.peer), expected)
    assert.ok(a.j.evictions.every(e => e.netgroup === '127.2.0.0/16'))
    await waitFor(() => inbound(a).size === 4, 'the evictees to be gone', 5000, 10)
    assert.deepEqual(inbound(a), new Set([lone, group[0], group[2], newcomer].map(x => x.peerId.toString())))
    // eviction is not punishment, even for a peer cut off mid-request
    assert.ok(cut.status !== 'open')
    assert.deepEqual(a.j.scores, [], 'nobody was scored')
    assert.deepEqual(a.victim.node.peerManager.bans(), [])
    assert.equal(await tryConnect(group[1], a.victim), true, 'an evictee may come back (and evicts someone in turn)')
    await assertUnharmed(a)
  })
})

describe('full node: bans', () => {
  it('10. a banned peer is still refused after the node restarts; a peer cut off by the shutdown is not banned', async () => {
    const a = await setup()
    const atk = await a.attacker('127.0.10.1', { listen: true })
    const d = await exchange(await atk.open(a.victim, 'direct'), encodeFrameHeader(FrameCode.MESSAGE, 2 ** 31), { close: false })
    assert.equal(errorFrames(d)[0]?.[0], FrameCode.INVALID_REQUEST)
    await assertBanned(a, atk, 'FrameTooLargeError')
    // another peer is uploading when the node shuts down
    const uploader = await a.attacker('127.0.10.2')
    await halfUpload(uploader, a)

    await a.pausePings()
    await a.victim.node.stop()
    const restarted = a.track((await startVictim(a.victim.dir)).node)
    a.restart({ node: restarted, dir: a.victim.dir, addr: restarted.status().addrs.find(x => x.startsWith('/ip4/127.0.0.1/tcp/')) ?? '' })
    assert.equal(restarted.peerId.toString(), a.victim.node.peerId.toString(), 'same identity')
    await a.control.retarget(a.victim)
    a.resumePings()

    const pm = restarted.peerManager
    assert.deepEqual(pm.bans().map(b => [b.id, b.reason]), [[atk.peerId.toString(), 'fatal: FrameTooLargeError']], 'the ban was persisted, and only that one')
    assert.equal(pm.isBanned(atk.peerId), true)
    // the banned peer dials again: refused
    assert.equal(await tryConnect(atk, a.victim), false)
    await waitFor(() => a.j.refusals.some(r => r.reason === 'banned-peer' && r.peer === atk.peerId.toString()), 'the refusal', 5000, 10)
    // and the node will not dial it either
    const atkAddr = atk.node.getMultiaddrs()[0].toString()
    await assert.rejects(restarted.dial(atkAddr), (err: any) => err.name === 'DialError' && err.cause?.name === 'DialDeniedError')
    // the uploader cut off by our own shutdown was not blamed, and comes back
    assert.equal(pm.isBanned(uploader.peerId), false)
    assert.equal(await tryConnect(uploader, a.victim), true)
    await assertUnharmed(a)
  })
})
