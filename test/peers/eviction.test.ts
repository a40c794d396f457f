import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_EVICTION_PROTECTION, keyedNetgroup, selectEvictionCandidate } from '../../src/peers/eviction.ts'
import type { EvictionCandidate } from '../../src/peers/eviction.ts'

const secret = new Uint8Array(32).fill(7)

function candidate (id: string, netgroup: string, connectedAt: number, extra: Partial<EvictionCandidate> = {}): EvictionCandidate {
  return {
    id,
    peer: `peer-${id}`,
    connectedAt,
    latencyMs: 100,
    lastTx: 0,
    lastBlock: 0,
    netgroup,
    keyedNetgroup: keyedNetgroup(secret, netgroup),
    preferEvict: false,
    ...extra
  }
}

const none = { netgroup: 0, latency: 0, tx: 0, block: 0, uptimeRatio: 0 }

describe('peers/eviction', () => {
  it('evicts the youngest peer of the largest netgroup', () => {
    const pick = selectEvictionCandidate([
      candidate('a1', 'A', 10),
      candidate('b1', 'B', 1),
      candidate('b2', 'B', 5),
      candidate('b3', 'B', 3),
      candidate('c1', 'C', 20)
    ], none)
    assert.equal(pick?.id, 'b2')
  })

  it('breaks a size tie by the group with the youngest member', () => {
    const pick = selectEvictionCandidate([
      candidate('a1', 'A', 1),
      candidate('a2', 'A', 8),
      candidate('b1', 'B', 2),
      candidate('b2', 'B', 9)
    ], none)
    assert.equal(pick?.id, 'b2')
  })

  it('never evicts the peers each protection keeps', () => {
    const list = [
      candidate('fast', 'X', 50, { latencyMs: 1 }),
      candidate('tx', 'X', 51, { lastTx: 1000 }),
      candidate('block', 'X', 52, { lastBlock: 1000 }),
      candidate('x1', 'X', 40),
      candidate('x2', 'X', 41),
      candidate('y1', 'Y', 42)
    ]
    const protection = { netgroup: 0, latency: 1, tx: 1, block: 1, uptimeRatio: 0 }
    // fast, tx and block are the youngest, but protected; x2 is the youngest of X left
    assert.equal(selectEvictionCandidate(list, protection)?.id, 'x2')
  })

  it('protects half of the rest by uptime', () => {
    const list = [candidate('old1', 'A', 1), candidate('old2', 'A', 2), candidate('new1', 'A', 3), candidate('new2', 'A', 4)]
    const pick = selectEvictionCandidate(list, { ...none, uptimeRatio: 0.5 })
    assert.equal(pick?.id, 'new2')
    // with 3 left after half of 4 would be protected... 4 → keep 2 oldest, evict youngest
    const survivors = list.filter(c => c.id !== pick?.id)
    assert.equal(selectEvictionCandidate(survivors, { ...none, uptimeRatio: 0.5 })?.id, 'new1', 'floor(3 / 2) = 1 protected')
  })

  it('protects netgroups by keyed hash, so the protected groups depend on the secret', () => {
    const groups = Array.from({ length: 12 }, (_, i) => `10.${i}.0.0/16`)
    const protectedBy = (key: Uint8Array): string[] => {
      const list = groups.map((g, i) => ({ ...candidate(`g${i}`, g, i), keyedNetgroup: keyedNetgroup(key, g) }))
      const evicted = new Set<string>()
      let rest = list
      // keep evicting: the 4 netgroup-protected ones survive to the end
      for (;;) {
        const pick = selectEvictionCandidate(rest, { ...none, netgroup: 4 })
        if (pick == null) break
        evicted.add(pick.netgroup)
        rest = rest.filter(c => c.id !== pick.id)
      }
      return rest.map(c => c.netgroup).sort()
    }
    const a = protectedBy(new Uint8Array(32).fill(1))
    const b = protectedBy(new Uint8Array(32).fill(2))
    assert.equal(a.length, 4)
    assert.equal(b.length, 4)
    assert.notDeepEqual(a, b, 'another secret protects other netgroups')
  })

  it('prefers discouraged or low-score peers even outside the largest netgroup', () => {
    const pick = selectEvictionCandidate([
      candidate('a1', 'A', 1),
      candidate('a2', 'A', 2),
      candidate('a3', 'A', 3),
      candidate('bad', 'B', 0, { preferEvict: true })
    ], none)
    assert.equal(pick?.id, 'bad')
  })

  it('returns undefined when everyone is protected', () => {
    const list = Array.from({ length: 20 }, (_, i) => candidate(`p${i}`, `G${i % 3}`, i, { latencyMs: i }))
    assert.equal(selectEvictionCandidate(list), undefined, 'Bitcoin Core protects 4 + 8 + 4 + 4 = 20 before uptime')
    assert.equal(selectEvictionCandidate([]), undefined)
    const more = [...list, candidate('p20', 'G0', 20), candidate('p21', 'G0', 21)]
    assert.ok(selectEvictionCandidate(more, DEFAULT_EVICTION_PROTECTION) != null, 'with 22, one is left after the uptime half')
  })

  it('is deterministic for equal timestamps', () => {
    const list = [candidate('b', 'A', 5), candidate('a', 'A', 5), candidate('c', 'A', 5)]
    const first = selectEvictionCandidate(list, none)?.id
    for (let i = 0; i < 5; i++) assert.equal(selectEvictionCandidate([...list].reverse(), none)?.id, first)
  })
})
