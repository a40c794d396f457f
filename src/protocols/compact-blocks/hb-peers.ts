/**
 * Which peers we ask to announce blocks in high-bandwidth mode (BIP152):
 * at most three, the ones that most recently gave us a new block first, as
 * Bitcoin Core's `MaybeSetPeerAsAnnouncingHeaderAndIDs`. When the list is
 * full the longest-standing member is demoted; but an inbound newcomer never
 * pushes out the last outbound member (an attacker controls inbound
 * connections more easily, and an all-inbound list could eclipse us).
 *
 * @module
 */

/** One change to send: `sendcmpct(announce)` to `peer`. */
export interface HbChange {
  peer: string
  announce: boolean
}

export interface HighBandwidthPeers {
  /** `peer` just gave us a new block first: make it the newest high-bandwidth peer. */
  promote (peer: string, outbound: boolean): HbChange[]
  /** `peer` is gone. */
  remove (peer: string): void
  has (peer: string): boolean
  /** Oldest first. */
  list (): string[]
}

export function createHighBandwidthPeers (max: number): HighBandwidthPeers {
  /** Oldest first. */
  const peers: Array<{ id: string, outbound: boolean }> = []
  return {
    promote (id, outbound) {
      const at = peers.findIndex(p => p.id === id)
      if (at >= 0) {
        // already one: it becomes the newest
        const [p] = peers.splice(at, 1)
        peers.push(p)
        return []
      }
      if (max <= 0) return []
      const changes: HbChange[] = []
      if (peers.length >= max) {
        if (!outbound && peers.filter(p => p.outbound).length === 1 && peers[0].outbound && peers.length > 1) {
          // keep the only outbound member: demote the next oldest instead
          const tmp = peers[0]
          peers[0] = peers[1]
          peers[1] = tmp
        }
        const out = peers.shift() as { id: string }
        changes.push({ peer: out.id, announce: false })
      }
      peers.push({ id, outbound })
      changes.push({ peer: id, announce: true })
      return changes
    },
    remove (id) {
      const at = peers.findIndex(p => p.id === id)
      if (at >= 0) peers.splice(at, 1)
    },
    has (id) {
      return peers.some(p => p.id === id)
    },
    list () {
      return peers.map(p => p.id)
    }
  }
}
