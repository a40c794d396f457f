import type { Verdict } from '../errors.ts'
import type { PeerId } from '@libp2p/interface'

/**
 * The one way the rest of chainwire tells the peer manager about a fault.
 *
 * Protocol code never changes a score directly: it reports the verdict that
 * came with a typed error, and the peer manager turns it into a score change,
 * a disconnect or a ban.
 */
export interface PeerReporter {
  /**
   * Apply the consequence of a fault `peer` caused.
   *
   * @param reason - a short machine-readable reason, usually the error's `name`
   */
  report (peer: PeerId, verdict: Verdict, reason: string): void
}
