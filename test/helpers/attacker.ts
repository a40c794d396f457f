/**
 * Full-node adversarial scaffolding: a victim started with `createNode`, an
 * honest control peer (another chainwire node) that pings it throughout, and
 * hand-written attackers.
 *
 * An attacker is a bare libp2p node (tcp + noise + yamux, and identify with a
 * chainwire protocol so the victim's network guard admits it, as it would a
 * real impostor). It opens `/chainwire/<network>/<method>/1` streams and
 * writes raw bytes: frames are `<code byte><varint length><payload>`
 * (`src/wire/framing.ts`, `docs/PROTOCOL.md`). Attackers dial from a chosen
 * 127.0.0.0/8 source address; every node listens on 127.0.0.1 only.
 */
import { concat } from 'uint8arrays/concat'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { createNode } from '../../src/node/index.ts'
import { FrameCode, decodeFrames, protocolId } from '../../src/wire/index.ts'
import { tempDir, testConfig, testLogs } from './nodes.ts'
import { waitFor } from './wait.ts'
import type { ChainwireNode, NodeComponents } from '../../src/node/index.ts'
import type { NodeConfig } from '../../src/config/options.ts'
import type { Frame } from '../../src/wire/index.ts'
import type { PeerManagerEvents } from '../../src/peers/index.ts'
import type { ManualClock } from '../../src/service/index.ts'
import type { Connection, Libp2p, PeerId, PrivateKey, Stream } from '@libp2p/interface'

export const NETWORK = 'testnet'

/** The budget an honest ping must be answered within (Bitcoin Core's p2p_invalid_messages: 2 s). */
export const PING_BUDGET_MS = 2000

const enc = new TextEncoder()

// ---------------------------------------------------------------- victim and control

/** A victim node and its data directory. */
export interface Victim {
  node: ChainwireNode
  dir: string
  /** The victim's TCP address on 127.0.0.1, with `/p2p/<id>`. */
  addr: string
}

/** Base config of every node in these tests: loopback, no DHT, no API, no chain. */
export function adversarialConfig (dataDir: string, extra: Partial<NodeConfig> = {}): Partial<NodeConfig> {
  return testConfig(dataDir, { dht: false, topics: [], ...extra })
}

/** Start a victim node that answers `echo` direct messages (the control peer's ping). */
export async function startVictim (dir: string, extra: Partial<NodeConfig> = {}, components: NodeComponents = {}): Promise<Victim> {
  const node = await createNode(adversarialConfig(dir, extra), { logs: testLogs('victim'), ...components })
  node.handle('echo', ({ data }) => data)
  await node.start()
  const addr = node.status().addrs.find(a => a.startsWith('/ip4/127.0.0.1/tcp/'))
  assert.ok(addr != null, `victim addresses: ${node.status().addrs.join(' ')}`)
  return { node, dir, addr }
}

/** The honest control peer: a chainwire node connected to the victim. */
export interface Control {
  node: ChainwireNode
  /** One echo round trip to the victim; fails if it takes longer than `budgetMs`. Returns the RTT in ms. */
  ping (budgetMs?: number): Promise<number>
  /**
   * Ping every `intervalMs` in the background. `stop()` ends the loop and
   * resolves with every RTT; it rejects if any ping failed or went over budget.
   */
  keepPinging (intervalMs?: number, budgetMs?: number): { stop: () => Promise<number[]> }
  /** The control peer is still connected to (and admitted by) the victim. */
  assertConnected (victim: Victim): void
  /** Connect to `victim` (a restarted one) and ping it from now on. */
  retarget (victim: Victim): Promise<void>
}

/**
 * Start the control peer (listening on 127.0.0.1) and connect it to the
 * victim: it dials the victim, or with `dialedByVictim` the victim dials it
 * (an outbound peer of the victim).
 */
export async function startControl (dir: string, first: Victim | undefined, opts: { dialedByVictim?: boolean } = {}): Promise<Control> {
  const node = await createNode(adversarialConfig(dir), { logs: testLogs('control') })
  await node.start()
  let seq = 0
  let victim = first
  const control: Control = {
    node,
    async ping (budgetMs = PING_BUDGET_MS) {
      assert.ok(victim != null, 'no victim to ping')
      const payload = enc.encode(`ping ${++seq}`)
      const started = performance.now()
      const reply = await node.send(victim.node.peerId, 'echo', payload, { signal: AbortSignal.timeout(budgetMs) })
      const rtt = performance.now() - started
      assert.deepEqual(new Uint8Array(reply), payload)
      assert.ok(rtt <= budgetMs, `ping answered in ${rtt.toFixed(0)} ms (budget ${budgetMs} ms)`)
      return rtt
    },
    keepPinging (intervalMs = 100, budgetMs = PING_BUDGET_MS) {
      let running = true
      const rtts: number[] = []
      const loop = (async () => {
        while (running) {
          rtts.push(await control.ping(budgetMs))
          await new Promise(resolve => setTimeout(resolve, intervalMs))
        }
      })()
      // a failure surfaces in stop(); until then keep it from being unhandled
      loop.catch(() => {})
      return {
        async stop () {
          running = false
          await loop
          return rtts
        }
      }
    },
    assertConnected (v) {
      assert.ok(v.node.peers().some(p => p.id === node.peerId.toString()), 'the control peer is still connected to the victim')
      assert.equal(v.node.peerManager.score(node.peerId), 0, 'the control peer was never penalised')
      assert.equal(v.node.peerManager.isBanned(node.peerId), false)
    },
    async retarget (v) {
      victim = v
      try {
        if (opts.dialedByVictim === true) {
          const own = node.status().addrs.find(x => x.startsWith('/ip4/127.0.0.1/tcp/'))
          assert.ok(own != null)
          await v.node.dial(own)
        } else {
          await node.dial(v.addr)
        }
      } catch (err: any) {
        // a restarted victim may dial us at the same time (it remembers us): one of
        // the two connections is refused as a duplicate (intercepted by a gater, or
        // closed by the remote while it opens), the other one is kept; the wait
        // below proves one is there
        if (err?.cause?.name !== 'ConnectionInterceptedError' && err?.cause?.name !== 'ConnectionClosedError') throw err
      }
      await waitFor(() => v.node.peers().some(p => p.id === node.peerId.toString()), 'the victim to admit the control peer', 10_000, 10)
      // when both dialled, the peer managers keep the same one of the two connections and close
      // the other: wait until each side keeps exactly one, the same one (seen from the two ends:
      // one side's outbound is the other's inbound). A dial of the victim's still upgrading can
      // replace it once more, so a first ping lost with the closed connection is tried again
      const only = (from: ChainwireNode, to: ChainwireNode): string | undefined => {
        const open = from.libp2p.getConnections(to.peerId).filter(c => c.status === 'open')
        return open.length === 1 ? open[0].direction : undefined
      }
      for (let attempt = 1; ; attempt++) {
        await waitFor(() => {
          const mine = only(node, v.node)
          const theirs = only(v.node, node)
          return mine != null && theirs != null && mine !== theirs
        }, 'one shared connection between the control peer and the victim', 10_000, 10)
        try {
          await control.ping()
          break
        } catch (err: any) {
          const lostWithConnection = err?.name === 'DialError' || err?.name === 'StreamResetError' || (err?.name === 'RemoteHandlerError' && /sent no reply/.test(err.message))
          if (attempt >= 3 || !lostWithConnection) throw err
        }
      }
    }
  }
  if (first != null) {
    try {
      await control.retarget(first)
    } catch (err) {
      await node.stop()
      throw err
    }
  }
  return control
}

// ---------------------------------------------------------------- attacker

/** How a raw stream ended, as its reader saw it. */
export interface Drained {
  bytes: Uint8Array
  /** `end`: the remote closed its side; `reset`: the stream was reset or aborted; `timeout`: still open when we gave up. */
  how: 'end' | 'reset' | 'timeout'
  /** The frames in `bytes` (any code, any size). */
  frames: Frame[]
}

/** A hand-written attacker peer. */
export interface Attacker {
  node: Libp2p
  peerId: PeerId
  /** Source address of its dials. */
  localAddress: string
  /** Dial the victim. Rejects if refused during the handshake. */
  connect (victim: Victim, signal?: AbortSignal): Promise<Connection>
  /** Open a raw stream on the victim's `method` (the connection is dialed if needed). */
  open (victim: Victim, method: string): Promise<Stream>
  /** Open connections to the victim. */
  connections (victim: Victim): Connection[]
  stop (): Promise<void>
}

/** Options of an attacker. */
export interface AttackerOptions {
  privateKey?: PrivateKey
  /** Also listen on 127.0.0.1, so the victim could dial it. */
  listen?: boolean
}

/** Start an attacker dialing from `localAddress` (any 127.0.0.0/8 address). */
export async function startAttacker (localAddress = '127.0.0.1', opts: AttackerOptions = {}): Promise<Attacker> {
  const node = await createLibp2p({
    privateKey: opts.privateKey,
    addresses: { listen: opts.listen === true ? ['/ip4/127.0.0.1/tcp/0'] : [] },
    // net.connect options pass through; localAddress is not in the type
    transports: [tcp({ dialOpts: { localAddress } as any })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 1000 },
    services: { identify: identify() }
  })
  // claim a chainwire protocol in identify, so the victim's network guard admits us
  await node.handle(protocolId(NETWORK, 'direct', 1), (stream) => { stream.abort(new Error('not serving')) })
  const attacker: Attacker = {
    node,
    peerId: node.peerId,
    localAddress,
    async connect (victim, signal = AbortSignal.timeout(5000)) {
      return await node.dial(multiaddr(victim.addr), { signal })
    },
    async open (victim, method) {
      return await node.dialProtocol(multiaddr(victim.addr), protocolId(NETWORK, method, 1), {
        signal: AbortSignal.timeout(5000),
        // wait for the victim to accept the protocol, so a refusal shows up here or as a reset
        negotiateFully: true,
        // our side imposes no limit: the victim's limits are under test
        maxOutboundStreams: 1000
      })
    },
    connections (victim) {
      return node.getConnections(victim.node.peerId).filter(c => c.status === 'open')
    },
    async stop () {
      await node.stop()
    }
  }
  return attacker
}

/**
 * Dial the victim from `attacker` and report whether the victim kept the
 * connection. A refused dial may reject, or succeed and then close when the
 * victim's gater refuses after the handshake, so we wait until the victim
 * admits the peer (accepted) or the attacker holds no connection (refused).
 */
export async function tryConnect (attacker: Attacker, victim: Victim): Promise<boolean> {
  try {
    await attacker.connect(victim)
  } catch {
    // refused before the attacker finished its upgrade
  }
  const id = attacker.peerId.toString()
  const admitted = (): boolean => victim.node.peers().some(p => p.id === id)
  const gone = (): boolean => attacker.connections(victim).length === 0 && !victim.node.libp2p.getConnections(attacker.peerId).some(c => c.status === 'open')
  await waitFor(() => admitted() || gone(), `the dial from ${attacker.localAddress} to settle`, 5000, 10)
  return admitted() && !gone()
}

/**
 * The victim-side streams of `atk` on `method` that are open and that the
 * victim's engine is reading (it has attached its listener).
 */
export function victimStreams (victim: Victim, atk: Attacker, method: string): Stream[] {
  const id = protocolId(NETWORK, method, 1)
  return victim.node.libp2p.getConnections(atk.peerId).flatMap(c => c.streams)
    .filter(s => s.protocol === id && s.status === 'open' && s.listenerCount('message') > 0)
}

/**
 * Count the bytes a (victim-side) stream receives from now on, without
 * consuming them. Attach it only to a stream the engine already reads (see
 * {@link victimStreams}): a stream with a listener delivers its data at once,
 * and a reader attached later would miss it.
 */
export function countReceived (stream: Stream): () => number {
  let n = 0
  stream.addEventListener('message', (evt) => { n += evt.data.byteLength })
  return () => n
}

/**
 * Read a raw stream until it closes (both sides ended, or a reset), or
 * `timeoutMs` passes. Uses the stream's events, so data that arrives before a
 * reset is kept. A stream whose remote only ended its side stays open while
 * ours is open: close ours first (`stream.close()`) to see a graceful end.
 */
export async function drain (stream: Stream, timeoutMs = 5000): Promise<Drained> {
  const chunks: Uint8Array[] = []
  const how = await new Promise<Drained['how']>((resolve) => {
    if (stream.status !== 'open') {
      resolve(stream.status === 'closed' ? 'end' : 'reset')
      return
    }
    const timer = setTimeout(() => { done('timeout') }, timeoutMs)
    const onMessage = (evt: any): void => {
      const d = evt.data
      chunks.push(d instanceof Uint8Array ? d : d.subarray())
    }
    const onClose = (evt: any): void => { done(evt.error != null ? 'reset' : 'end') }
    function done (h: Drained['how']): void {
      clearTimeout(timer)
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('close', onClose)
      resolve(h)
    }
    stream.addEventListener('message', onMessage)
    stream.addEventListener('close', onClose)
  })
  const bytes = concat(chunks)
  let frames: Frame[] = []
  try {
    frames = decodeFrames(bytes, { maxPayload: () => 64 * 1024 * 1024 })
  } catch {
    // the victim sent something unframed: the caller sees no frames
  }
  return { bytes, how, frames }
}

/**
 * Write `bytes` on a raw stream (with backpressure), close our side unless
 * told not to, and drain the reply. Listening starts before the first write,
 * so a reply that comes with a reset is not lost; a write or close failing
 * because the victim reset the stream is part of the outcome, not an error.
 */
export async function exchange (stream: Stream, bytes: Uint8Array | undefined, opts: { close?: boolean, timeoutMs?: number } = {}): Promise<Drained> {
  const reply = drain(stream, opts.timeoutMs)
  try {
    if (bytes != null && bytes.byteLength > 0 && !stream.send(bytes)) await stream.onDrain({ signal: AbortSignal.timeout(5000) })
    if (opts.close !== false) await stream.close({ signal: AbortSignal.timeout(5000) })
  } catch {
    // the victim reset the stream under us: drain() reports it
  }
  return await reply
}

/** The error frames in a drained response, as `[code, message]`. */
export function errorFrames (d: Drained): Array<[number, string]> {
  return d.frames.filter(f => f.code !== FrameCode.MESSAGE && f.code !== FrameCode.CHUNK)
    .map(f => [f.code, new TextDecoder().decode(f.payload.subarray())])
}

// ---------------------------------------------------------------- what the victim did

type Detail<K extends keyof PeerManagerEvents> = PeerManagerEvents[K]['detail']

/** What the victim's peer manager and handlers did, as events, for assertions. */
export interface Journal {
  scores: Array<Detail<'peer:score'>>
  refusals: Array<Detail<'connection:refused'>>
  evictions: Array<Detail<'peer:evicted'>>
  bans: Array<Detail<'peer:banned'>>
  /** Direct messages that reached the victim's direct handler, by sender. */
  directFrom: Map<string, number>
  /** Peers whose goodbye reached the victim's goodbye handler. */
  goodbyes: string[]
  /** Score events of one peer, as `[reason, verdict]`. */
  faults (peer: PeerId | string): Array<[string, string]>
}

/** Start recording what `victim` does. */
export function journal (victim: Victim): Journal {
  const j: Journal = {
    scores: [],
    refusals: [],
    evictions: [],
    bans: [],
    directFrom: new Map(),
    goodbyes: [],
    faults (peer) {
      const id = peer.toString()
      return j.scores.filter(s => s.peer === id).map(s => [s.reason, s.verdict])
    }
  }
  const pm = victim.node.peerManager
  pm.addEventListener('peer:score', (evt) => { j.scores.push(evt.detail) })
  pm.addEventListener('connection:refused', (evt) => { j.refusals.push(evt.detail) })
  pm.addEventListener('peer:evicted', (evt) => { j.evictions.push(evt.detail) })
  pm.addEventListener('peer:banned', (evt) => { j.bans.push(evt.detail) })
  victim.node.addEventListener('peer:goodbye', (evt) => { j.goodbyes.push(evt.detail.peer.toString()) })
  victim.node.addEventListener('message', (evt) => {
    if (evt.detail.kind === 'direct') j.directFrom.set(evt.detail.from, (j.directFrom.get(evt.detail.from) ?? 0) + 1)
  })
  return j
}

// ---------------------------------------------------------------- the arena

/** How often the control peer pings the victim during a test. */
export const CONTROL_PING_INTERVAL_MS = 50

/** Heap growth allowed across an attack: far below what the attackers send, far above GC noise. */
export const HEAP_SLACK_BYTES = 16 * 1024 * 1024

/** A victim, its control peer, the attackers of one test, and one cleanup. */
export interface Arena {
  victim: Victim
  control: Control
  j: Journal
  /** The heap after start-up, after a forced GC. */
  heapBefore: number
  /**
   * Round trips of the control peer's pings so far. The control pings the
   * victim every {@link CONTROL_PING_INTERVAL_MS} from set-up to
   * {@link assertUnharmed}; a ping that fails or takes over
   * {@link PING_BUDGET_MS} fails the test there.
   */
  rtts (): number[]
  /** Stop the control's pings (before the victim is stopped on purpose). */
  pausePings (): Promise<void>
  /** Ping again (after a restart). */
  resumePings (): void
  /**
   * Move the victim's manual clock. The control's pings pause meanwhile: a
   * jump of seconds in one step would expire the deadlines of a ping in
   * flight, which real time never does to a ping answered in milliseconds.
   */
  advance (clock: ManualClock, ms: number): Promise<void>
  /** Start an attacker dialing from `localAddress`; stopped with the arena. */
  attacker (localAddress: string, opts?: AttackerOptions): Promise<Attacker>
  /** A directory for more nodes, removed with the arena. */
  dir (name: string): string
  /** Stop `node` with the arena. */
  track<T extends { stop: () => Promise<void> }> (node: T): T
  /** Replace the victim (after a restart) and re-record what it does. */
  restart (victim: Victim): void
  stop (): Promise<void>
}

/**
 * Start a victim (with `config` and `components`) and a control peer
 * connected to it, then take the heap baseline.
 */
export async function arena (config: Partial<NodeConfig> = {}, components: NodeComponents = {}, opts: { controlDialedByVictim?: boolean } = {}): Promise<Arena> {
  const { dir: base, cleanup } = await tempDir('cw-adv-')
  const stops: Array<() => Promise<void>> = []
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => {})
    stops.length = 0
    await cleanup()
  }
  try {
    const victim = await startVictim(join(base, 'victim'), config, components)
    stops.push(async () => { await a.victim.node.stop() })
    const j = journal(victim)
    const control = await startControl(join(base, 'control'), victim, { dialedByVictim: opts.controlDialedByVictim })
    stops.push(async () => { await control.node.stop() })
    const done: number[] = []
    let pinger: ReturnType<Control['keepPinging']> | undefined
    const a: Arena = {
      victim,
      control,
      j,
      heapBefore: await heapAfterGc(),
      rtts () {
        return done
      },
      async pausePings () {
        const p = pinger
        pinger = undefined
        if (p != null) done.push(...await p.stop())
      },
      resumePings () {
        pinger ??= control.keepPinging(CONTROL_PING_INTERVAL_MS)
      },
      async advance (clock, ms) {
        await a.pausePings()
        clock.advance(ms)
        a.resumePings()
      },
      async attacker (localAddress, opts) {
        const atk = await startAttacker(localAddress, opts)
        stops.push(async () => { await atk.stop() })
        return atk
      },
      dir (name) {
        return join(base, name)
      },
      track (node) {
        stops.push(async () => { await node.stop() })
        return node
      },
      restart (v) {
        a.victim = v
        a.j = journal(v)
      },
      stop: async () => {
        await pinger?.stop().catch(() => {})
        pinger = undefined
        await stopAll()
      }
    }
    a.resumePings()
    return a
  } catch (err) {
    await stopAll()
    throw err
  }
}

/** The attacker is banned for `reason` (fatal), disconnected, and refused when it dials again. */
export async function assertBanned (a: Arena, atk: Attacker, reason: string): Promise<void> {
  const pm = a.victim.node.peerManager
  await waitFor(() => pm.isBanned(atk.peerId), `the victim to ban the attacker for ${reason}`, 5000, 10)
  const ban = pm.bans().find(b => b.id === atk.peerId.toString())
  assert.equal(ban?.reason, `fatal: ${reason}`)
  assert.equal(ban?.source, 'auto')
  await waitFor(() => atk.connections(a.victim).length === 0, 'the banned attacker to be disconnected', 5000, 10)
  assert.equal(await tryConnect(atk, a.victim), false, 'a banned peer is refused when it dials again')
  await waitFor(() => a.j.refusals.some(r => r.reason === 'banned-peer' && r.peer === atk.peerId.toString()), 'the refusal to be recorded', 5000, 10)
}

/**
 * After the attack: the control peer was answered within budget all along
 * (its background pings; rejects with the first failure) and still is, is
 * connected and unpenalised; the victim's engine is idle (no stream,
 * reassembly byte or request left behind) and its heap did not grow with the
 * attack. Returns the control's round trips, ms.
 */
export async function assertUnharmed (a: Arena): Promise<number[]> {
  await a.pausePings()
  const rtts = a.rtts()
  assert.ok(rtts.length >= 1, 'the control peer pinged during the test')
  await assertEngineIdle(a.victim)
  await a.control.ping()
  a.control.assertConnected(a.victim)
  const grew = (await heapAfterGc()) - a.heapBefore
  assert.ok(grew < HEAP_SLACK_BYTES, `victim heap grew by ${(grew / 1024 / 1024).toFixed(1)} MiB (max ${HEAP_SLACK_BYTES / 1024 / 1024})`)
  return rtts
}

// ---------------------------------------------------------------- memory

let gcFn: (() => void) | undefined

/** A full garbage collection (`--expose-gc` in the test script; set at run time otherwise). */
export function forceGc (): void {
  if (gcFn == null) {
    const g = (globalThis as { gc?: () => void }).gc
    if (g != null) {
      gcFn = g
    } else {
      setFlagsFromString('--expose-gc')
      gcFn = runInNewContext('gc') as () => void
    }
  }
  gcFn()
}

/** Heap used after a full GC, in bytes. */
export async function heapAfterGc (): Promise<number> {
  // let pending callbacks release what they hold, then collect twice (weak refs, finalizers)
  await new Promise(resolve => setImmediate(resolve))
  forceGc()
  await new Promise(resolve => setImmediate(resolve))
  forceGc()
  return process.memoryUsage().heapUsed
}

/** The victim's engine holds no per-request state beyond what is connected and idle. */
export async function assertEngineIdle (victim: Victim): Promise<void> {
  await waitFor(() => {
    const s = victim.node.reqresp.stats()
    return s.inboundStreams === 0 && s.reassemblyBytes === 0 && Object.values(s.inFlight).every(n => n === 0)
  }, 'the victim engine to be idle', 5000, 10)
}
