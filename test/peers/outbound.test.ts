import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createBackoff, rankOutboundCandidates } from '../../src/peers/outbound.ts'
import { fakeClock } from './helpers.ts'

describe('peers/outbound backoff', () => {
  it('doubles from the base up to the cap and resets on success', () => {
    const clock = fakeClock()
    const b = createBackoff({ baseMs: 1000, maxMs: 5000, maxEntries: 10, clock })
    assert.equal(b.blocked('p'), false)
    assert.deepEqual([b.fail('p'), b.fail('p'), b.fail('p'), b.fail('p'), b.fail('p')], [1000, 2000, 4000, 5000, 5000])
    assert.equal(b.failures('p'), 5)
    assert.equal(b.blocked('p'), true)
    clock.advance(4999)
    assert.equal(b.blocked('p'), true)
    clock.advance(1)
    assert.equal(b.blocked('p'), false)
    assert.equal(b.failures('p'), 5, 'an expired back-off still remembers the failures')
    b.succeed('p')
    assert.equal(b.failures('p'), 0)
    assert.equal(b.size, 0)
  })

  it('is bounded: forgets expired entries first, then the one expiring first', () => {
    const clock = fakeClock()
    const b = createBackoff({ baseMs: 1000, maxMs: 60_000, maxEntries: 2, clock })
    b.fail('a')
    b.fail('b'); b.fail('b')
    b.fail('c')
    assert.equal(b.size, 2)
    assert.equal(b.failures('a'), 0, 'a expired first')
    assert.equal(b.failures('b'), 2)
    clock.advance(1500)
    b.fail('d')
    assert.equal(b.failures('c'), 0, 'c had expired')
    assert.equal(b.size, 2)
  })
})

describe('peers/outbound ranking', () => {
  const seq = (values: number[]): () => number => { let i = 0; return () => values[i++ % values.length] }

  it('puts one candidate per unused netgroup first, then the rest', () => {
    const cands = [
      { peer: 'a1', netgroup: 'A', failures: 0 },
      { peer: 'a2', netgroup: 'A', failures: 0 },
      { peer: 'b1', netgroup: 'B', failures: 0 },
      { peer: 'c1', netgroup: 'C', failures: 0 },
      { peer: 'c2', netgroup: 'C', failures: 0 }
    ]
    const ranked = rankOutboundCandidates(cands, new Set(['B']), seq([0.3, 0.7, 0.1, 0.9]))
    const groups = ranked.map(c => c.netgroup)
    assert.equal(ranked.length, 5)
    assert.deepEqual(new Set(groups.slice(0, 2)), new Set(['A', 'C']), 'fresh netgroups A and C lead, once each')
    assert.ok(groups.slice(2).includes('B'), 'the used netgroup comes later')
  })

  it('prefers fewer failures among equals', () => {
    const ranked = rankOutboundCandidates([
      { peer: 'flaky', netgroup: 'A', failures: 3 },
      { peer: 'good', netgroup: 'A', failures: 0 }
    ], new Set())
    assert.deepEqual(ranked.map(c => c.peer), ['good', 'flaky'])
  })

  it('spreads picks over netgroups even when one netgroup has many candidates', () => {
    const cands = [
      ...Array.from({ length: 20 }, (_, i) => ({ peer: `x${i}`, netgroup: 'X', failures: 0 })),
      { peer: 'y', netgroup: 'Y', failures: 0 },
      { peer: 'z', netgroup: 'Z', failures: 0 }
    ]
    for (let run = 0; run < 20; run++) {
      const first3 = rankOutboundCandidates(cands, new Set()).slice(0, 3).map(c => c.netgroup)
      assert.deepEqual(new Set(first3), new Set(['X', 'Y', 'Z']))
    }
  })
})
