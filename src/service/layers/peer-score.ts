import { followResult } from '../result.ts'
import type { Verdict } from '../../errors.ts'
import type { PeerReporter } from '../../peers/types.ts'
import type { InboundLayer } from '../types.ts'

export interface PeerScoreLayerInit {
  peers: PeerReporter
}

/** The verdict an error carries, if it is a typed chainwire error. */
export function verdictOf (err: unknown): Verdict | undefined {
  const v = (err as { verdict?: unknown } | null)?.verdict
  return v === 'ignore' || v === 'low' || v === 'mid' || v === 'high' || v === 'fatal' ? v : undefined
}

/**
 * Turn typed errors from the layers and the handler into peer reports:
 * `peers.report(peer, err.verdict, err.name)` for every verdict other than
 * `ignore`. Errors without a verdict (our own bugs) report nobody. The error
 * is rethrown unchanged.
 */
export function peerScoreLayer (init: PeerScoreLayerInit): InboundLayer {
  const report = (peer: Parameters<PeerReporter['report']>[0], err: unknown): void => {
    const verdict = verdictOf(err)
    if (verdict != null && verdict !== 'ignore') init.peers.report(peer, verdict, (err as Error).name)
  }
  return (inner) => ({
    async call (req) {
      let result
      try {
        result = await inner.call(req)
      } catch (err) {
        report(req.peer, err)
        throw err
      }
      return followResult(result, { onEnd: (err) => { if (err != null) report(req.peer, err) } })
    }
  })
}
