/**
 * Stub components for peer-manager unit tests: an in-memory datastore, fake
 * connections and multiaddr connections, a fake connection manager and peer
 * store, a fake clock and a recording metrics registry.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { LevelDatastore } from 'datastore-level'
import type { PeerDatastore } from '../../src/peers/bans.ts'
import type { PeerConnections, PeerHostEvents } from '../../src/peers/manager.ts'
import type { AbortOptions, ComponentLogger, Connection, Counter, CounterGroup, Logger, Metrics, MultiaddrConnection, Peer, PeerData, PeerId, PeerQuery } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Key, Pair, Query } from 'interface-datastore'

function quietLogger (name: string): Logger {
  const debug = process.env.CHAINWIRE_TEST_LOG === '1'
  const log: any = (fmt: any, ...args: any[]) => { if (debug) console.log(name, fmt, ...args) }
  log.error = (fmt: any, ...args: any[]) => { if (debug) console.log(name, 'ERROR', fmt, ...args) }
  log.trace = () => {}
  log.enabled = debug
  log.newScope = (scope: string) => quietLogger(`${name}:${scope}`)
  return log
}

/** A logger that prints only with CHAINWIRE_TEST_LOG=1. */
export const logger: ComponentLogger = { forComponent: (name: string) => quietLogger(name) }

/** A clock the test moves by hand. */
export interface FakeClock {
  (): number
  now: number
  advance (ms: number): void
}

export function fakeClock (start = 1_700_000_000_000): FakeClock {
  const clock = (() => clock.now) as FakeClock
  clock.now = start
  clock.advance = (ms) => { clock.now += ms }
  return clock
}

/** The datastore methods the peer manager uses, in memory. */
export function memoryDatastore (): PeerDatastore & { data: Map<string, Uint8Array> } {
  const data = new Map<string, Uint8Array>()
  return {
    data,
    async get (key: Key) {
      const v = data.get(key.toString())
      if (v == null) {
        const err = new Error('not found')
        err.name = 'NotFoundError'
        throw err
      }
      return v
    },
    async put (key: Key, value: Uint8Array) {
      data.set(key.toString(), value)
      return key
    },
    async delete (key: Key) {
      data.delete(key.toString())
    },
    query (q: Query): AsyncGenerator<Pair> {
      const entries = [...data.entries()]
      return (async function * () {
        const { Key } = await import('interface-datastore')
        for (const [k, value] of entries) {
          if (q.prefix == null || k.startsWith(q.prefix)) yield { key: new Key(k), value }
        }
      })()
    }
  } as any
}

/** A LevelDB datastore in a fresh temporary directory. */
export async function tempLevel (): Promise<{ dir: string, open: () => Promise<LevelDatastore>, cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'chainwire-peers-'))
  return {
    dir,
    async open () {
      const ds = new LevelDatastore(dir)
      await ds.open()
      return ds
    },
    async cleanup () {
      await rm(dir, { recursive: true, force: true })
    }
  }
}

export async function newPeerId (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

export async function peerIds (n: number): Promise<PeerId[]> {
  return Promise.all(Array.from({ length: n }, async () => newPeerId()))
}

/** A multiaddr connection as the gater sees it at accept time. */
export interface FakeMaConn extends MultiaddrConnection {
  /** Simulate the socket closing. */
  fakeClose (): void
}

export function fakeMaConn (addr: string | Multiaddr, openedAt = Date.now()): FakeMaConn {
  const target = new EventTarget()
  const conn: any = {
    remoteAddr: typeof addr === 'string' ? multiaddr(addr) : addr,
    status: 'open',
    timeline: { open: openedAt },
    log: Object.assign(() => {}, { error: () => {}, trace: () => {}, newScope: () => conn.log }),
    addEventListener: target.addEventListener.bind(target),
    removeEventListener: target.removeEventListener.bind(target),
    dispatchEvent: target.dispatchEvent.bind(target),
    fakeClose () {
      conn.status = 'closed'
      target.dispatchEvent(new Event('close'))
    }
  }
  return conn
}

let nextConnId = 0

export interface FakeConnection extends Connection {
  closed: boolean
}

/** A live connection; `timeline` may be shared with the multiaddr connection it came from. */
export function fakeConnection (peer: PeerId, addr: string, direction: 'inbound' | 'outbound', openedAt: number, init: { timeline?: { open: number }, rtt?: number } = {}): FakeConnection {
  const conn: any = {
    id: `c${nextConnId++}`,
    remotePeer: peer,
    remoteAddr: multiaddr(addr),
    direction,
    status: 'open',
    timeline: init.timeline ?? { open: openedAt },
    rtt: init.rtt,
    streams: [],
    closed: false,
    async close () {
      conn.status = 'closed'
      conn.closed = true
    },
    abort () {
      conn.status = 'aborted'
      conn.closed = true
    }
  }
  return conn
}

/** libp2p's connection manager and event bus, faked: the test adds and removes connections. */
export interface FakeNetwork extends PeerConnections {
  events: TypedEventEmitter<PeerHostEvents>
  conns: FakeConnection[]
  dials: string[]
  /** Decide the outcome of a dial: return a connection or throw. */
  onDial: (peer: PeerId) => Promise<Connection>
  add (conn: FakeConnection): void
  remove (conn: FakeConnection): void
  closedPeers: string[]
}

export function fakeNetwork (): FakeNetwork {
  const events = new TypedEventEmitter<PeerHostEvents>()
  const net: FakeNetwork = {
    events,
    conns: [],
    dials: [],
    closedPeers: [],
    onDial: async () => { throw Object.assign(new Error('unreachable'), { name: 'DialError' }) },
    add (conn) {
      net.conns.push(conn)
      events.safeDispatchEvent('connection:open', { detail: conn })
    },
    remove (conn) {
      net.conns = net.conns.filter(c => c !== conn)
      conn.status = 'closed'
      events.safeDispatchEvent('connection:close', { detail: conn })
    },
    getConnections (peer?: PeerId) {
      return peer == null ? [...net.conns] : net.conns.filter(c => c.remotePeer.equals(peer))
    },
    async openConnection (peer: PeerId, _options?: AbortOptions) {
      net.dials.push(peer.toString())
      return net.onDial(peer)
    },
    async closeConnections (peer: PeerId) {
      net.closedPeers.push(peer.toString())
      for (const c of net.conns.filter(c => c.remotePeer.equals(peer))) {
        await c.close()
        net.remove(c)
      }
    }
  }
  return net
}

/** A peer store with just the calls the manager makes. */
export function fakePeerStore (): { all: (q?: PeerQuery) => Promise<Peer[]>, get: (p: PeerId) => Promise<Peer>, merge: (p: PeerId, d: PeerData) => Promise<Peer>, peers: Map<string, Peer> } {
  const peers = new Map<string, Peer>()
  const store = {
    peers,
    async all (q?: PeerQuery) {
      let list = [...peers.values()]
      for (const f of q?.filters ?? []) list = list.filter(f)
      return list.slice(0, q?.limit ?? list.length)
    },
    async get (p: PeerId) {
      const peer = peers.get(p.toString())
      if (peer == null) throw Object.assign(new Error('not found'), { name: 'NotFoundError' })
      return peer
    },
    async merge (p: PeerId, d: PeerData) {
      const existing: Peer = peers.get(p.toString()) ?? { id: p, addresses: [], protocols: [], metadata: new Map(), tags: new Map() }
      for (const ma of d.multiaddrs ?? []) {
        if (!existing.addresses.some(a => a.multiaddr.equals(ma))) existing.addresses.push({ multiaddr: ma, isCertified: false })
      }
      peers.set(p.toString(), existing)
      return existing
    }
  }
  return store
}

/** A metrics registry that records counter increments: `counts['name']['label'] = n`. */
export function recordingMetrics (): Metrics & { counts: Record<string, Record<string, number>>, calculated: Record<string, () => any> } {
  const counts: Record<string, Record<string, number>> = {}
  const calculated: Record<string, () => any> = {}
  const group = (name: string): CounterGroup => {
    counts[name] ??= {}
    return {
      increment (values: Record<string, number | true>) {
        for (const [k, v] of Object.entries(values)) counts[name][k] = (counts[name][k] ?? 0) + (v === true ? 1 : v)
      },
      reset () { counts[name] = {} }
    }
  }
  const counter = (name: string): Counter => {
    counts[name] ??= {}
    return {
      increment (v = 1) { counts[name]._ = (counts[name]._ ?? 0) + v },
      reset () { counts[name] = {} }
    }
  }
  const metrics: any = {
    counts,
    calculated,
    registerCounterGroup: (name: string) => group(name),
    registerCounter: (name: string) => counter(name),
    registerMetricGroup: (name: string, opts?: { calculate?: () => any }) => {
      if (opts?.calculate != null) calculated[name] = opts.calculate
    },
    registerMetric: () => ({}),
    registerHistogram: () => ({}),
    registerHistogramGroup: () => ({}),
    registerSummary: () => ({}),
    registerSummaryGroup: () => ({})
  }
  return metrics
}

/** Wait until `fn` returns true, polling; fail after `timeoutMs`. */
export async function waitFor (fn: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

/** Let pending promise callbacks run. */
export async function flush (): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve))
}
