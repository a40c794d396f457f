/**
 * The status handshake. When a connection to a peer of our network opens,
 * both sides send a `status` request carrying their network id, genesis hash,
 * best block (hash, height, cumulative work), the protocols they speak and
 * what they offer (capabilities, compact-block versions); the response is the
 * other side's status. The first status we get from a peer, in either
 * direction, makes it *ready*; later ones update it.
 *
 * A peer with another network or genesis gets a goodbye (`irrelevant-network`)
 * and a short ban. A peer that completes no status exchange within the
 * timeout is dropped.
 *
 * The module is also the node's {@link PeerStatusBook}: other protocols read a
 * ready peer's status (its best block, `sendHeaders`, compact-block versions,
 * transaction relay) and add what they offer to our own status.
 *
 * @module
 */
import { TypedEventEmitter } from 'main-event'
import { AbortError } from '../../errors.ts'
import { systemClock } from '../../service/clock.ts'
import { VERSION } from '../../version.ts'
import { DEFAULT_CAPABILITIES, STATUS_COMPONENT, STATUS_MAX_ATTEMPTS, STATUS_MISMATCH_BAN_MS, STATUS_RETRY_DELAY_MS, STATUS_TIMEOUT_MS } from './constants.ts'
import { StatusMismatchError, StatusTimeoutError } from './errors.ts'
import { createStatusMetrics } from './metrics.ts'
import type { ChainAdapter } from '../../chain/index.ts'
import type { ChainProtocol, ProtocolHostEvents } from '../../node/chain-protocols.ts'
import type { PeerManager } from '../../peers/types.ts'
import type { ReqResp } from '../../reqresp/index.ts'
import type { Clock, TimerHandle } from '../../service/clock.ts'
import type { Capabilities, Status } from '../../wire/messages.ts'
import type { AbortOptions, ComponentLogger, PeerId, TypedEventTarget } from '@libp2p/interface'
import type { Registry } from 'prom-client'

/** A ready peer and the status it sent. */
export interface ReadyPeer {
  peer: PeerId
  status: Status
  /** When its latest status arrived, ms since the epoch. */
  updatedAt: number
}

/** Events of the {@link PeerStatusBook}. */
export interface PeerStatusEvents {
  /** A peer completed the handshake: it is on our chain and its status is known. Once per connection. */
  'peer:ready': CustomEvent<ReadyPeer>
  /** A ready peer sent a newer status. */
  'peer:status': CustomEvent<ReadyPeer>
  /** A ready peer disconnected; its status is forgotten. */
  'peer:gone': CustomEvent<{ peer: PeerId }>
}

/** What this node offers, merged into the status it sends from then on. */
export interface Advertisement {
  capabilities?: Partial<Capabilities>
  /** BIP152 versions we can receive, most preferred first. */
  compactBlockVersions?: number[]
}

/**
 * The statuses of ready peers, for every protocol that needs to know what a
 * peer has and offers.
 *
 * @example
 * ```ts
 * const st = statusBook.get(peerId)
 * if (st?.capabilities.sendHeaders === true) await reqresp.notify(peerId, 'block_announce', ann)
 * statusBook.addEventListener('peer:ready', (evt) => { console.log(evt.detail.status.bestHeight) })
 * ```
 */
export interface PeerStatusBook extends TypedEventTarget<PeerStatusEvents> {
  /** The status of a ready peer, or undefined (not connected, or not ready yet). */
  get (peer: PeerId | string): Status | undefined
  /** Every ready peer, in the order they became ready. */
  ready (): ReadyPeer[]
  /** The status this node sends now. */
  local (): Status
  /** Add what this node offers (call before the node starts, so the first handshakes carry it). */
  advertise (ad: Advertisement): void
  /** Exchange status with a connected peer again; resolves with its status. */
  refresh (peer: PeerId, options?: AbortOptions): Promise<Status>
}

/** The status protocol: a chain protocol that is also the peer status book. */
export interface StatusProtocol extends ChainProtocol, PeerStatusBook {
  readonly name: 'status'
}

export interface StatusInit {
  /** @default STATUS_TIMEOUT_MS */
  timeoutMs?: number
  /** @default STATUS_MISMATCH_BAN_MS */
  mismatchBanMs?: number
  /** @default STATUS_RETRY_DELAY_MS */
  retryDelayMs?: number
  /** @default DEFAULT_CAPABILITIES */
  capabilities?: Partial<Capabilities>
  /** @default [] (no compact blocks until a module advertises them) */
  compactBlockVersions?: number[]
  /** @default `chainwire/<version>` */
  userAgent?: string
}

export interface StatusComponents {
  reqresp: Pick<ReqResp, 'register' | 'unregister' | 'request' | 'supportedProtocols'>
  peers: Pick<PeerManager, 'disconnect' | 'ban'>
  chain: Pick<ChainAdapter, 'networkId' | 'genesisHash' | 'tip'>
  /** `peer:connect` / `peer:disconnect` of admitted peers. */
  events: TypedEventTarget<ProtocolHostEvents>
  /** Peers connected before the protocol started (they get a handshake too). */
  connectedPeers?: () => PeerId[]
  logger: ComponentLogger
  registry?: Registry
  /** Timers. @default systemClock */
  clock?: Clock
  /** Wall clock for `timeMs`, ms since the epoch. @default Date.now */
  now?: () => number
}

/**
 * Create the status protocol.
 *
 * @example
 * ```ts
 * const status = statusProtocol()({ reqresp, peers, chain, events, logger })
 * await status.start()
 * status.addEventListener('peer:ready', (evt) => { sync.addPeer(evt.detail) })
 * ```
 */
export function statusProtocol (init: StatusInit = {}): (components: StatusComponents) => StatusProtocol {
  return (components) => createStatus(init, components)
}

function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

interface Pending {
  peer: PeerId
  timer: TimerHandle
  attempts: number
  retry?: TimerHandle
  controller: AbortController
}

function createStatus (init: StatusInit, c: StatusComponents): StatusProtocol {
  const log = c.logger.forComponent(STATUS_COMPONENT)
  const clock = c.clock ?? systemClock
  const now = c.now ?? Date.now
  const timeoutMs = init.timeoutMs ?? STATUS_TIMEOUT_MS
  const banMs = init.mismatchBanMs ?? STATUS_MISMATCH_BAN_MS
  const retryDelayMs = init.retryDelayMs ?? STATUS_RETRY_DELAY_MS
  const capabilities: Capabilities = { ...DEFAULT_CAPABILITIES, ...init.capabilities }
  let compactBlockVersions = [...(init.compactBlockVersions ?? [])]
  const userAgent = init.userAgent ?? `chainwire/${VERSION}`

  const events = new TypedEventEmitter<PeerStatusEvents>()
  // both bounded by the connection limit: entries live while the peer is connected
  const book = new Map<string, ReadyPeer>()
  const pending = new Map<string, Pending>()
  const refused = new Set<string>()
  let running = false
  const metrics = createStatusMetrics(c.registry, () => book.size)

  function local (): Status {
    const tip = c.chain.tip()
    return {
      network: c.chain.networkId,
      genesisHash: c.chain.genesisHash,
      bestHeight: tip.height,
      bestHash: tip.hash,
      bestWork: tip.work,
      protocols: c.reqresp.supportedProtocols(),
      capabilities: { ...capabilities },
      compactBlockVersions: [...compactBlockVersions],
      userAgent,
      timeMs: now()
    }
  }

  function check (status: Status): void {
    if (status.network !== c.chain.networkId) {
      throw new StatusMismatchError('network', `peer is on network ${JSON.stringify(status.network)}, we are on ${JSON.stringify(c.chain.networkId)}`)
    }
    if (!bytesEqual(status.genesisHash, c.chain.genesisHash)) {
      throw new StatusMismatchError('genesis', `peer's genesis is ${hex(status.genesisHash)}, ours is ${hex(c.chain.genesisHash)}`)
    }
  }

  function clearPending (id: string): void {
    const p = pending.get(id)
    if (p == null) return
    clock.clearTimeout(p.timer)
    if (p.retry != null) clock.clearTimeout(p.retry)
    p.controller.abort(new AbortError('status exchange no longer needed'))
    pending.delete(id)
  }

  async function refuse (peer: PeerId, err: StatusMismatchError): Promise<void> {
    const id = peer.toString()
    if (refused.has(id)) return
    refused.add(id)
    clearPending(id)
    metrics.handshake('mismatch')
    log('%p is on another chain (%s): goodbye and a %d ms ban', peer, err.message, banMs)
    try {
      // the goodbye first: the ban's own disconnect then finds the peer already closing
      const bye = c.peers.disconnect(peer, 'irrelevant-network')
      await c.peers.ban({ peer, durationMs: banMs, reason: `irrelevant-network: ${err.field} mismatch`, source: 'auto' })
      await bye
    } catch (e) {
      log('could not ban %p - %e', peer, e)
    } finally {
      refused.delete(id)
    }
  }

  /** Record a status from `peer`; false if the peer was refused. */
  function accept (peer: PeerId, status: Status): boolean {
    const id = peer.toString()
    if (!running) return false
    try {
      check(status)
    } catch (err: any) {
      void refuse(peer, err)
      return false
    }
    const entry: ReadyPeer = { peer, status, updatedAt: now() }
    const first = !book.has(id)
    // a status from a peer that already left must not resurrect it
    if (first && !pending.has(id)) return false
    clearPending(id)
    book.set(id, entry)
    if (first) {
      metrics.handshake('ready')
      log('%p is ready at height %d', peer, status.bestHeight)
      events.safeDispatchEvent('peer:ready', { detail: entry })
    } else {
      events.safeDispatchEvent('peer:status', { detail: entry })
    }
    return true
  }

  async function exchange (peer: PeerId, signal?: AbortSignal): Promise<Status> {
    const [status] = await c.reqresp.request(peer, 'status', local(), { signal })
    if (status == null) throw new StatusTimeoutError('status response was empty')
    return status
  }

  function attempt (p: Pending): void {
    p.attempts++
    p.retry = undefined
    exchange(p.peer, p.controller.signal).then((status) => {
      accept(p.peer, status)
    }, (err: any) => {
      if (!running || p.controller.signal.aborted || pending.get(p.peer.toString()) !== p) return
      // a verdict-bearing failure was reported by the engine; the timeout decides the rest
      log('status request to %p failed (attempt %d): %s', p.peer, p.attempts, err?.message)
      if (p.attempts < STATUS_MAX_ATTEMPTS && (err?.verdict == null || err.verdict === 'ignore')) {
        p.retry = clock.setTimeout(() => { attempt(p) }, retryDelayMs)
      }
    })
  }

  function begin (peer: PeerId): void {
    const id = peer.toString()
    if (!running || book.has(id) || pending.has(id)) return
    const p: Pending = {
      peer,
      attempts: 0,
      controller: new AbortController(),
      timer: clock.setTimeout(() => {
        if (pending.get(id) !== p) return
        clearPending(id)
        metrics.handshake('timeout')
        log('%p completed no status exchange within %d ms: dropping it', peer, timeoutMs)
        void c.peers.disconnect(peer, 'fault').catch(() => {})
      }, timeoutMs)
    }
    pending.set(id, p)
    attempt(p)
  }

  const onConnect = (evt: CustomEvent<{ peer: PeerId }>): void => { begin(evt.detail.peer) }

  const onDisconnect = (evt: CustomEvent<{ peer: PeerId }>): void => {
    const peer = evt.detail.peer
    const id = peer.toString()
    clearPending(id)
    if (book.delete(id)) events.safeDispatchEvent('peer:gone', { detail: { peer } })
  }

  const proto: Omit<StatusProtocol, keyof TypedEventTarget<PeerStatusEvents>> = {
    name: 'status',

    async start () {
      if (running) return
      running = true
      await c.reqresp.register('status', {
        async call (req) {
          // answer first: the requester learns our status even when we refuse it
          const ours = local()
          const peer = req.peer
          const id = peer.toString()
          if (!pending.has(id) && !book.has(id)) {
            // the request came before the node admitted the peer: start tracking it now
            begin(peer)
          }
          queueMicrotask(() => { accept(peer, req.body) })
          return [ours]
        }
      })
      c.events.addEventListener('peer:connect', onConnect)
      c.events.addEventListener('peer:disconnect', onDisconnect)
      for (const peer of c.connectedPeers?.() ?? []) begin(peer)
    },

    async stop () {
      if (!running) return
      running = false
      c.events.removeEventListener('peer:connect', onConnect)
      c.events.removeEventListener('peer:disconnect', onDisconnect)
      for (const id of [...pending.keys()]) clearPending(id)
      book.clear()
      await c.reqresp.unregister('status')
    },

    get (peer) {
      return book.get(peer.toString())?.status
    },

    ready () {
      return [...book.values()]
    },

    local,

    advertise (ad) {
      if (ad.capabilities != null) Object.assign(capabilities, ad.capabilities)
      if (ad.compactBlockVersions != null) compactBlockVersions = [...ad.compactBlockVersions]
    },

    async refresh (peer, options = {}) {
      const status = await exchange(peer, options.signal)
      if (!accept(peer, status)) throw new StatusMismatchError('genesis', `${peer.toString()} is not on our chain`)
      return status
    }
  }
  return Object.assign(events, proto) as StatusProtocol
}
