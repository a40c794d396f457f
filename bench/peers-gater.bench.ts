/**
 * Cost of the peer gater on the accept path and of eviction selection, at
 * the default limits: 115 inbound connections and, for the worst case, a
 * full ban list (10 000 bans, 1 000 of them subnets over 25 prefix lengths).
 *
 * Writes bench/results/peers-gater.{json,md}.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { connectionGater, peerGuard } from '../src/peers/guard.ts'
import { DEFAULT_EVICTION_PROTECTION, keyedNetgroup, selectEvictionCandidate } from '../src/peers/eviction.ts'
import { fakeConnection, fakeMaConn, logger, memoryDatastore } from '../test/peers/helpers.ts'
import type { GuardHost } from '../src/peers/guard.ts'
import type { EvictionCandidate } from '../src/peers/eviction.ts'
import type { ConnectionGater, PeerId } from '@libp2p/interface'

const INBOUND = 115
const ROUNDS = 20_000

async function setup (bans: boolean): Promise<{ gater: Required<ConnectionGater>, peer: PeerId }> {
  const guard = peerGuard({ maxInbound: INBOUND + 10, maxConnections: 1000 })({ datastore: memoryDatastore(), logger })
  await guard.start()
  const peers = await Promise.all(Array.from({ length: INBOUND }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
  const conns = peers.map((p, i) => fakeConnection(p, `/ip4/10.${i % 50}.${i}.1/tcp/1`, 'inbound', i))
  const host: GuardHost = { selfId: () => 'self', connections: () => conns, selectEvictee: () => undefined, evict: () => {}, score: () => 0 }
  guard.attach(host)
  if (bans) {
    const now = Date.now()
    const add = (kind: 'peer' | 'ip' | 'cidr', id: string): void => {
      guard.bans.add({ id, kind, target: id, reason: 'bench', source: 'auto', created: now, expires: now + 3_600_000 })
    }
    for (let i = 0; i < 5000; i++) add('peer', `12D3KooWFakePeer${i}`)
    for (let i = 0; i < 4000; i++) add('ip', `172.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`)
    for (let i = 0; i < 1000; i++) add('cidr', `192.${i % 200}.${i >> 3}.0/${8 + (i % 25)}`)
  }
  return { gater: connectionGater(guard) as Required<ConnectionGater>, peer: await peerIdFromPrivateKey(await generateKeyPair('Ed25519')) }
}

async function acceptPath (bans: boolean): Promise<number> {
  const { gater, peer } = await setup(bans)
  const started = performance.now()
  for (let i = 0; i < ROUNDS; i++) {
    const maConn = fakeMaConn(`/ip4/100.64.${(i >> 8) & 255}.${i & 255}/tcp/1`)
    await gater.denyInboundConnection(maConn)
    await gater.denyInboundEncryptedConnection(peer, maConn)
    await gater.denyInboundUpgradedConnection(peer, maConn)
    maConn.fakeClose()
  }
  return (performance.now() - started) * 1000 / ROUNDS
}

function eviction (): number {
  const secret = new Uint8Array(32).fill(3)
  const candidates: EvictionCandidate[] = Array.from({ length: INBOUND }, (_, i) => ({
    id: `c${i}`,
    peer: `p${i}`,
    connectedAt: i,
    latencyMs: (i * 37) % 200,
    lastTx: (i * 13) % 50,
    lastBlock: (i * 7) % 30,
    netgroup: `10.${i % 40}.0.0/16`,
    keyedNetgroup: keyedNetgroup(secret, `10.${i % 40}.0.0/16`),
    preferEvict: false
  }))
  const rounds = 2000
  const started = performance.now()
  for (let i = 0; i < rounds; i++) selectEvictionCandidate(candidates, DEFAULT_EVICTION_PROTECTION)
  return (performance.now() - started) * 1000 / rounds
}

const results = {
  inbound: INBOUND,
  acceptPathUs: await acceptPath(false),
  acceptPathFullBanListUs: await acceptPath(true),
  evictionSelectUs: eviction()
}
const ratio = results.acceptPathFullBanListUs / results.acceptPathUs
const md = `# peers-gater

| Measure | µs per op |
| --- | --- |
| accept path (3 gates), ${INBOUND} inbound, no bans | ${results.acceptPathUs.toFixed(1)} |
| accept path, 10 000 bans (1 000 subnets) | ${results.acceptPathFullBanListUs.toFixed(1)} (× ${ratio.toFixed(2)}) |
| eviction selection, ${INBOUND} candidates | ${results.evictionSelectUs.toFixed(1)} |
`
console.log(md)
const out = join(fileURLToPath(new URL('.', import.meta.url)), 'results')
mkdirSync(out, { recursive: true })
writeFileSync(join(out, 'peers-gater.json'), JSON.stringify({ ...results, fullBanListRatio: ratio }, null, 2) + '\n')
writeFileSync(join(out, 'peers-gater.md'), md)
