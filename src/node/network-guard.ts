/**
 * Keeps nodes of different networks apart.
 *
 * Every chainwire protocol id carries the network id, so a node of another
 * network (or a libp2p node that is not chainwire at all) cannot open our
 * protocols. It could still hold a connection slot, and take part in
 * identify and ping. The guard waits for identify on each new peer and hangs
 * up on peers that speak none of our network's protocols, or that never
 * identify within the connection timeout. Peers that pass are *admitted*:
 * that is when the node reports `peer:connect`.
 *
 * @module
 */
import { PROTOCOL_PREFIX } from '../wire/protocol-id.ts'
import type { Log } from '../logger.ts'
import type { Libp2p, PeerId, IdentifyResult, Connection } from '@libp2p/interface'

/** Why the guard refused a peer. */
export type GuardRefusal = 'irrelevant-network' | 'identify-timeout'

export interface NetworkGuardInit {
  network: string
  /** How long a new peer has to complete identify. */
  identifyTimeoutMs: number
}

export interface NetworkGuardComponents {
  libp2p: Pick<Libp2p, 'addEventListener' | 'removeEventListener' | 'hangUp' | 'getConnections'>
  log: Log
  /** Called once per admitted peer. */
  onAdmit: (peer: PeerId, connection: Connection) => void
  /** Called once per refused peer, before the hang-up. */
  onRefuse?: (peer: PeerId, reason: GuardRefusal) => void | Promise<void>
}

export interface NetworkGuard {
  start (): void
  stop (): void
  /** True once the peer proved it speaks our network. */
  isAdmitted (peer: PeerId | string): boolean
  /** Forget a peer (it disconnected). */
  forget (peer: PeerId | string): void
  /** Number of peers currently waiting for identify. */
  readonly pending: number
}

/** The prefix every protocol of `network` starts with. */
export function networkPrefix (network: string): string {
  return `${PROTOCOL_PREFIX}/${network}/`
}

/** True if the protocol list includes one of `network`'s protocols. */
export function speaksNetwork (protocols: readonly string[], network: string): boolean {
  const prefix = networkPrefix(network)
  return protocols.some(p => p.startsWith(prefix))
}

export function networkGuard (init: NetworkGuardInit): (components: NetworkGuardComponents) => NetworkGuard {
  return (components) => createGuard(init, components)
}

function createGuard (init: NetworkGuardInit, components: NetworkGuardComponents): NetworkGuard {
  const { libp2p, log } = components
  const admitted = new Set<string>()
  // bounded by libp2p's maxConnections: one timer per connected, unidentified peer
  const timers = new Map<string, ReturnType<typeof setTimeout>>()

  const refuse = async (peer: PeerId, reason: GuardRefusal): Promise<void> => {
    log('refusing %p: %s', peer, reason)
    try {
      await components.onRefuse?.(peer, reason)
    } catch (err: any) {
      log('goodbye to %p failed: %s', peer, err.message)
    }
    await libp2p.hangUp(peer).catch(() => {})
  }

  const onConnectionOpen = (evt: CustomEvent<Connection>): void => {
    const conn = evt.detail
    const id = conn.remotePeer.toString()
    if (admitted.has(id) || timers.has(id)) return
    timers.set(id, setTimeout(() => {
      timers.delete(id)
      if (!admitted.has(id)) void refuse(conn.remotePeer, 'identify-timeout')
    }, init.identifyTimeoutMs))
  }

  const onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    const { peerId, protocols, connection } = evt.detail
    const id = peerId.toString()
    const timer = timers.get(id)
    if (timer != null) clearTimeout(timer)
    timers.delete(id)
    if (admitted.has(id)) return
    if (!speaksNetwork(protocols, init.network)) {
      void refuse(peerId, 'irrelevant-network')
      return
    }
    admitted.add(id)
    components.onAdmit(peerId, connection)
  }

  const onPeerDisconnect = (evt: CustomEvent<PeerId>): void => {
    guard.forget(evt.detail)
  }

  const guard: NetworkGuard = {
    start () {
      libp2p.addEventListener('connection:open', onConnectionOpen)
      libp2p.addEventListener('peer:identify', onIdentify)
      libp2p.addEventListener('peer:disconnect', onPeerDisconnect)
    },
    stop () {
      libp2p.removeEventListener('connection:open', onConnectionOpen)
      libp2p.removeEventListener('peer:identify', onIdentify)
      libp2p.removeEventListener('peer:disconnect', onPeerDisconnect)
      for (const t of timers.values()) clearTimeout(t)
      timers.clear()
      admitted.clear()
    },
    isAdmitted (peer) {
      return admitted.has(peer.toString())
    },
    forget (peer) {
      const id = peer.toString()
      admitted.delete(id)
      const t = timers.get(id)
      if (t != null) clearTimeout(t)
      timers.delete(id)
    },
    get pending () { return timers.size }
  }
  return guard
}
