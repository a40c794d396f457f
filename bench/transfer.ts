/**
 * Bytes written per libp2p protocol, for the devnet benchmarks.
 *
 * `libp2p_data_transfer_bytes_total` is a counter: each scrape adds what
 * moved since the previous one (the library clears its own tally, not the
 * exported total). A measurement is the difference of two snapshots.
 */
import type { ChainwireNode } from '../src/node/index.ts'

/** Cumulative bytes sent per protocol id. */
export async function sentBytes (node: ChainwireNode): Promise<Map<string, number>> {
  const text = await node.metrics()
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    const m = /^libp2p_data_transfer_bytes_total\{protocol="(.+) sent"\} (\d+(?:\.\d+)?(?:e\+\d+)?)$/.exec(line)
    if (m != null) out.set(m[1], (out.get(m[1]) ?? 0) + Number(m[2]))
  }
  return out
}

/** Snapshots of every node, to subtract from later ones. */
export async function snapshot (nodes: ChainwireNode[]): Promise<Array<Map<string, number>>> {
  return await Promise.all(nodes.map(sentBytes))
}

/** Bytes sent per protocol by `nodes` since `before`, summed over the nodes. */
export async function sentSince (nodes: ChainwireNode[], before: Array<Map<string, number>>): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  const after = await snapshot(nodes)
  after.forEach((m, i) => {
    for (const [p, b] of m) out.set(p, (out.get(p) ?? 0) + b - (before[i].get(p) ?? 0))
  })
  return out
}

/**
 * When each node first saw each item of a chain event (`tip`: blocks,
 * `tx:added`: transactions), by item hash (hex) → node index → `performance.now()`.
 */
export function recordFirstSeen (nodes: ChainwireNode[], event: 'tip' | 'tx:added'): { seen: Map<string, Map<number, number>>, stop: () => void } {
  const seen = new Map<string, Map<number, number>>()
  const listeners = nodes.map((n, i) => {
    const l = (evt: any): void => {
      const hex = Buffer.from(event === 'tip' ? evt.detail.hash : evt.detail.txid).toString('hex')
      let m = seen.get(hex)
      if (m == null) {
        m = new Map()
        seen.set(hex, m)
      }
      if (!m.has(i)) m.set(i, performance.now())
    }
    n.chain?.addEventListener(event, l)
    return l
  })
  return { seen, stop: () => { nodes.forEach((n, i) => { n.chain?.removeEventListener(event, listeners[i]) }) } }
}
