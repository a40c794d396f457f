/**
 * Test helpers for the relay protocols: a fake chain whose transactions say
 * what the mempool should think of them, and relay nodes on the in-memory
 * request/response network (real engine, real codecs, no sockets).
 */
import { createHash } from 'node:crypto'
import { TypedEventEmitter } from 'main-event'
import { ChainwireError } from '../../src/errors.ts'
import { reqResp } from '../../src/reqresp/index.ts'
import { manualClock } from '../../src/service/clock.ts'
import { txRelay } from '../../src/protocols/tx-relay/index.ts'
import { makePeerId, noopLogger } from '../helpers/reqresp.ts'
import type { ChainAdapter, ChainEvents, Hash, MempoolAddResult, MempoolEntry } from '../../src/chain/index.ts'
import type { Verdict } from '../../src/errors.ts'
import type { ProtocolHostEvents } from '../../src/node/chain-protocols.ts'
import type { PeerInfo, UsefulKind } from '../../src/peers/types.ts'
import type { ReqResp } from '../../src/reqresp/index.ts'
import type { ManualClock } from '../../src/service/clock.ts'
import type { TxRelay, TxRelayInit } from '../../src/protocols/tx-relay/index.ts'
import type { memoryNetwork } from '../helpers/reqresp.ts'
import type { PeerId } from '@libp2p/interface'

/** What the fake mempool thinks of a transaction. */
export type FakeKind = 'valid' | 'invalid' | 'invalid-ignore' | 'conflict'

const KIND_CODES: Record<FakeKind, number> = { valid: 0, invalid: 1, 'invalid-ignore': 2, conflict: 3 }

/** A transaction of the fake chain: kind, fee rate, a nonce, optionally a parent. */
export interface FakeTx { bytes: Uint8Array, txid: Uint8Array, hex: string }

let nonce = 0

/** A fake transaction. Its bytes encode what the fake mempool will say about it. */
export function fakeTx (opts: { kind?: FakeKind, feeRate?: number, parent?: Uint8Array, size?: number } = {}): FakeTx {
  const size = Math.max(opts.size ?? 64, 45)
  const bytes = new Uint8Array(size)
  const dv = new DataView(bytes.buffer)
  bytes[0] = KIND_CODES[opts.kind ?? 'valid']
  dv.setUint32(1, opts.feeRate ?? 2000, true)
  dv.setFloat64(5, ++nonce + Math.random(), true)
  if (opts.parent != null) {
    bytes[13] = 1
    bytes.set(opts.parent, 14)
  }
  const txid = fakeTxId(bytes)
  return { bytes, txid, hex: Buffer.from(txid).toString('hex') }
}

export function fakeTxId (bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

class FakeTxError extends ChainwireError {
  static override name = 'FakeTxError'
  constructor (message: string, verdict: Verdict) {
    super(message, verdict)
    this.name = 'FakeTxError'
  }
}

/** A fake chain: a mempool map that judges transactions by their first bytes. */
export interface FakeChain {
  chain: ChainAdapter
  pool: Map<string, MempoolEntry>
  /** Calls to mempool.add, in order (hex txids). */
  adds: string[]
  minFeeRate: number
  /** Add a transaction locally (as a wallet would). */
  addLocal (tx: FakeTx): Promise<MempoolAddResult>
}

export function fakeChain (init: { minFeeRate?: number, network?: string } = {}): FakeChain {
  const events = new TypedEventEmitter<ChainEvents>()
  const pool = new Map<string, MempoolEntry>()
  const orphans = new Map<string, { bytes: Uint8Array, peer?: string, parent: string }>()
  const adds: string[] = []
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
  const fake: FakeChain = { chain: undefined as unknown as ChainAdapter, pool, adds, minFeeRate: init.minFeeRate ?? 1000, addLocal: undefined as any }

  const txId = (bytes: Uint8Array): Uint8Array => {
    if (bytes.byteLength < 45) throw new FakeTxError(`malformed: ${bytes.byteLength} bytes`, 'fatal')
    return fakeTxId(bytes)
  }

  const insert = (bytes: Uint8Array, txid: Uint8Array, feeRate: number, peer?: string): void => {
    pool.set(hex(txid), { txid, tx: bytes, fee: BigInt(feeRate), size: bytes.byteLength, feeRate, added: Date.now() })
    events.safeDispatchEvent('tx:added', { detail: peer == null ? { txid, feeRate } : { txid, feeRate, from: peer } })
    // resolve orphans waiting for it
    for (const [h, o] of [...orphans]) {
      if (o.parent !== hex(txid)) continue
      orphans.delete(h)
      const id = fakeTxId(o.bytes)
      insert(o.bytes, id, new DataView(o.bytes.buffer).getUint32(1, true), o.peer)
    }
  }

  const add = async (bytes: Uint8Array, options: { peer?: string } = {}): Promise<MempoolAddResult> => {
    let txid: Uint8Array
    try {
      txid = txId(bytes)
    } catch (err: any) {
      return { status: 'invalid', error: err }
    }
    const h = hex(txid)
    adds.push(h)
    await Promise.resolve()
    if (pool.has(h) || orphans.has(h)) return { status: 'duplicate', txid }
    const kind = bytes[0]
    const feeRate = new DataView(bytes.buffer, bytes.byteOffset).getUint32(1, true)
    if (kind === KIND_CODES.invalid) return { status: 'invalid', txid, error: new FakeTxError(`tx ${h} is invalid`, 'fatal') }
    if (kind === KIND_CODES['invalid-ignore']) return { status: 'invalid', txid, error: new FakeTxError(`tx ${h} spends an immature coin`, 'ignore') }
    if (kind === KIND_CODES.conflict) return { status: 'conflict', txid, reason: 'conflicts with a pool transaction' }
    if (feeRate < fake.minFeeRate) return { status: 'fee-too-low', txid, reason: `fee rate ${feeRate} < ${fake.minFeeRate}` }
    if (bytes[13] === 1) {
      const parent = bytes.slice(14, 46)
      if (!pool.has(hex(parent))) {
        orphans.set(h, { bytes, peer: options.peer, parent: hex(parent) })
        return { status: 'orphan', txid, missing: [parent] }
      }
    }
    insert(bytes, txid, feeRate, options.peer)
    return { status: 'accepted', txid }
  }
  fake.addLocal = async (tx) => await add(tx.bytes)

  const chain = Object.assign(events, {
    networkId: init.network ?? 'testnet',
    genesisHash: new Uint8Array(32),
    txId,
    mempool: {
      has: (txid: Hash) => pool.has(hex(txid)),
      get: (txid: Hash) => pool.get(hex(txid))?.tx,
      add,
      minFeeRate: () => fake.minFeeRate,
      size: () => pool.size,
      entries: () => pool.values(),
      feeRateOf: (txid: Hash) => pool.get(hex(txid))?.feeRate,
      forgetPeer: () => {}
    }
  })
  fake.chain = chain as unknown as ChainAdapter
  return fake
}

/** Reports and useful marks a relay made, with the peer list it sees. */
export interface RecordingPeers {
  reports: Array<{ peer: string, verdict: Verdict, reason: string }>
  useful: Array<{ peer: string, kind: UsefulKind }>
  directions: Map<string, 'inbound' | 'outbound'>
  report (peer: PeerId, verdict: Verdict, reason: string): void
  markUseful (peer: PeerId, kind: UsefulKind): void
  list (): PeerInfo[]
}

export function recordingPeers (): RecordingPeers {
  const p: RecordingPeers = {
    reports: [],
    useful: [],
    directions: new Map(),
    report (peer, verdict, reason) { p.reports.push({ peer: peer.toString(), verdict, reason }) },
    markUseful (peer, kind) { p.useful.push({ peer: peer.toString(), kind }) },
    list () {
      return [...p.directions].map(([id, direction]) => ({ id, direction } as unknown as PeerInfo))
    }
  }
  return p
}

/** A tx-relay node on the in-memory network. */
export interface RelayNode {
  peerId: PeerId
  rr: ReqResp
  relay: TxRelay
  fake: FakeChain
  peers: RecordingPeers
  events: TypedEventEmitter<ProtocolHostEvents>
  clock: ManualClock
  stop (): Promise<void>
}

/**
 * Start a relay node. The relay runs on `clock` (advance it to trickle and
 * time out); the engine on its own manual clock that never moves, so its
 * timeouts stay out of the way unless a test wants them.
 */
export async function relayNode (net: ReturnType<typeof memoryNetwork>, clock: ManualClock, init: Partial<TxRelayInit> = {}, chain?: FakeChain): Promise<RelayNode> {
  const peerId = await makePeerId()
  const endpoint = net.endpoint(peerId)
  const peers = recordingPeers()
  const rr = reqResp({ network: 'testnet' })({ registrar: endpoint.registrar, dialer: endpoint.dialer, peers, logger: noopLogger, clock: manualClock() })
  await rr.start()
  const fake = chain ?? fakeChain()
  const events = new TypedEventEmitter<ProtocolHostEvents>()
  const relay = txRelay({ network: 'testnet', ...init })({ reqresp: rr, peers, chain: fake.chain, events, logger: noopLogger, clock, random: () => 0.5 })
  await relay.start()
  return {
    peerId,
    rr,
    relay,
    fake,
    peers,
    events,
    clock,
    async stop () {
      await relay.stop()
      await rr.stop()
    }
  }
}

/** Tell `a` it dialed `b` (a's outbound, b's inbound). */
export function connect (a: RelayNode, b: RelayNode): void {
  a.peers.directions.set(b.peerId.toString(), 'outbound')
  b.peers.directions.set(a.peerId.toString(), 'inbound')
  a.events.safeDispatchEvent('peer:connect', { detail: { peer: b.peerId, direction: 'outbound', addr: '/memory/test' } })
  b.events.safeDispatchEvent('peer:connect', { detail: { peer: a.peerId, direction: 'inbound', addr: '/memory/test' } })
}

/** Let microtasks and in-memory streams run. */
export async function settle (rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise(resolve => setImmediate(resolve))
}
