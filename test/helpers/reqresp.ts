/**
 * Test helpers for the request/response engine: peer ids, a recording
 * PeerReporter, a silent logger, and an in-memory "network" that connects
 * engines with @libp2p/utils stream pairs (no sockets).
 */
import { concat } from 'uint8arrays/concat'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { streamPair } from '@libp2p/utils'
import { reqResp } from '../../src/reqresp/index.ts'
import type { Verdict } from '../../src/errors.ts'
import type { PeerReporter } from '../../src/peers/types.ts'
import type { ReqResp, ReqRespComponents, ReqRespInit } from '../../src/reqresp/index.ts'
import type { Clock } from '../../src/service/clock.ts'
import type { ComponentLogger, Logger, PeerId, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'

let seedCounter = 0

/** A deterministic Ed25519 peer id (each call a new one). */
export async function makePeerId (): Promise<PeerId> {
  const seed = new Uint8Array(32)
  seed[0] = ++seedCounter
  seed[1] = seedCounter >> 8
  return peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed))
}

function silentLogger (): Logger {
  const log = (() => {}) as unknown as Logger
  Object.assign(log, { error: () => {}, trace: () => {}, enabled: false, newScope: () => silentLogger() })
  return log
}

/** A ComponentLogger that writes nothing. */
export const noopLogger: ComponentLogger = { forComponent: () => silentLogger() }

export interface Report { peer: string, verdict: Verdict, reason: string }

/** A PeerReporter that records every report. */
export function recordingReporter (): PeerReporter & { reports: Report[] } {
  const reports: Report[] = []
  return {
    reports,
    report (peer, verdict, reason) {
      reports.push({ peer: peer.toString(), verdict, reason })
    }
  }
}

interface HandlerEntry { handler: StreamHandler, options?: StreamHandlerOptions }

/** One endpoint of the in-memory network. */
export interface MemoryEndpoint {
  peerId: PeerId
  handlers: Map<string, HandlerEntry>
  registrar: ReqRespComponents['registrar']
  dialer: ReqRespComponents['dialer']
}

/**
 * An in-memory network: `dialProtocol` picks the first proposed protocol the
 * remote handles (as multistream-select does), creates a stream pair and
 * hands the inbound end to the remote handler.
 */
export function memoryNetwork (): {
  endpoint: (peerId: PeerId) => MemoryEndpoint
  /** Open a raw stream from `from` to `to` on `protocol`, for hand-written attackers. */
  openRaw: (from: PeerId, to: PeerId, protocol: string) => Promise<Stream>
} {
  const endpoints = new Map<string, MemoryEndpoint>()

  async function open (from: PeerId, to: PeerId, protocols: string[]): Promise<Stream> {
    const remote = endpoints.get(to.toString())
    if (remote == null) throw Object.assign(new Error(`no route to ${to.toString()}`), { name: 'DialError' })
    const protocol = protocols.find(p => remote.handlers.has(p))
    if (protocol == null) throw Object.assign(new Error(`protocols not supported: ${protocols.join(', ')}`), { name: 'UnsupportedProtocolError' })
    const [outbound, inbound] = await streamPair({ delay: 0 })
    outbound.protocol = protocol
    inbound.protocol = protocol
    const entry = remote.handlers.get(protocol) as HandlerEntry
    void entry.handler(inbound, { remotePeer: from, remoteAddr: { toString: () => '/memory/test' } } as any)
    return outbound
  }

  return {
    endpoint (peerId) {
      const handlers = new Map<string, HandlerEntry>()
      const ep: MemoryEndpoint = {
        peerId,
        handlers,
        registrar: {
          async handle (protocol, handler, options) {
            handlers.set(protocol, { handler, options })
          },
          async unhandle (protocols) {
            for (const p of Array.isArray(protocols) ? protocols : [protocols]) handlers.delete(p)
          }
        },
        dialer: {
          async dialProtocol (peer, protocols, options) {
            options?.signal?.throwIfAborted()
            return open(peerId, peer, Array.isArray(protocols) ? protocols : [protocols])
          }
        }
      }
      endpoints.set(peerId.toString(), ep)
      return ep
    },
    openRaw: async (from, to, protocol) => open(from, to, [protocol])
  }
}

export interface TestNode {
  peerId: PeerId
  rr: ReqResp
  reporter: ReturnType<typeof recordingReporter>
  endpoint: MemoryEndpoint
}

/** Create a started engine on the memory network. */
export async function memoryNode (net: ReturnType<typeof memoryNetwork>, init: Partial<ReqRespInit> = {}, extra: Partial<ReqRespComponents> & { clock?: Clock } = {}): Promise<TestNode> {
  const peerId = await makePeerId()
  const endpoint = net.endpoint(peerId)
  const reporter = recordingReporter()
  const rr = reqResp({ network: 'testnet', ...init })({
    registrar: endpoint.registrar,
    dialer: endpoint.dialer,
    peers: reporter,
    logger: noopLogger,
    ...extra
  })
  await rr.start()
  return { peerId, rr, reporter, endpoint }
}

/** Wait until `cond()` holds, polling every few ms, or fail after `timeoutMs`. */
export async function waitFor (cond: () => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 2))
  }
}

/** Read everything a stream delivers until it ends, or fail after `timeoutMs`. */
export async function readAll (stream: Stream, timeoutMs = 2000): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  const timer = setTimeout(() => { stream.abort(new Error('readAll timed out')) }, timeoutMs)
  try {
    for await (const c of stream) chunks.push(c instanceof Uint8Array ? c : c.subarray())
  } finally {
    clearTimeout(timer)
  }
  return concat(chunks)
}

/** 32 bytes filled with `b`. */
export function hash (b: number): Uint8Array {
  return new Uint8Array(32).fill(b)
}
