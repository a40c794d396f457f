import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createRateLimiter, manualClock, RATE_LIMIT_PRUNE_INTERVAL_MS } from '../../src/service/index.ts'
import type { RateLimitRule } from '../../src/service/index.ts'

const blocks: RateLimitRule = {
  byPeer: { messages: { quota: 20, periodMs: 10_000 }, cost: { quota: 2000, periodMs: 10_000 } },
  total: { cost: { quota: 5000, periodMs: 10_000 } }
}

describe('rate limiter', () => {
  it('counts cost in items: a request for 500 blocks costs 500', () => {
    const clock = manualClock()
    const rl = createRateLimiter({ rules: { blocks }, peerTotals: false, clock })
    for (let i = 0; i < 4; i++) assert.deepEqual(rl.take('a', 'blocks', 500, 10), { ok: true })
    const r = rl.take('a', 'blocks', 500, 10)
    assert.equal(r.ok, false)
    assert.ok(!r.ok && r.scope === 'peer' && r.quota === 'cost' && r.retryAfterMs === 2500)
    // a cheaper request still fits nowhere: the bucket is empty
    assert.equal(rl.take('a', 'blocks', 1, 10).ok, false)
  })

  it('refills continuously on the injected clock', () => {
    const clock = manualClock()
    const rl = createRateLimiter({ rules: { blocks }, peerTotals: false, clock })
    for (let i = 0; i < 4; i++) rl.take('a', 'blocks', 500, 10)
    clock.advance(2499)
    assert.equal(rl.take('a', 'blocks', 500, 10).ok, false)
    clock.advance(1)
    assert.equal(rl.take('a', 'blocks', 500, 10).ok, true)
  })

  it('counts messages separately from cost', () => {
    const clock = manualClock()
    const rl = createRateLimiter({ rules: { blocks }, peerTotals: false, clock })
    for (let i = 0; i < 20; i++) assert.equal(rl.take('a', 'blocks', 1, 10).ok, true)
    const r = rl.take('a', 'blocks', 1, 10)
    assert.ok(!r.ok && r.quota === 'messages' && r.scope === 'peer')
  })

  it('a refused request consumes nothing', () => {
    const clock = manualClock()
    const rl = createRateLimiter({ rules: { blocks }, peerTotals: false, clock })
    assert.equal(rl.take('a', 'blocks', 1500, 10).ok, true)
    assert.equal(rl.take('a', 'blocks', 1000, 10).ok, false)
    // the 500 left are still there
    assert.equal(rl.take('a', 'blocks', 500, 10).ok, true)
  })

  it('keeps peers apart, and a global quota refuses everyone with scope global', () => {
    const clock = manualClock()
    const rl = createRateLimiter({ rules: { blocks }, peerTotals: false, clock })
    // five peers each within their own quota use up the global 5000
    for (const p of ['a', 'b', 'c', 'd', 'e']) {
      assert.equal(rl.take(p, 'blocks', 500, 10).ok, true)
      assert.equal(rl.take(p, 'blocks', 500, 10).ok, true)
    }
    const r = rl.take('f', 'blocks', 500, 10)
    assert.ok(!r.ok && r.scope === 'global' && r.quota === 'cost')
  })

  it('blames the peer when both its own and the global quota are exceeded', () => {
    const clock = manualClock()
    const rl = createRateLimiter({ rules: { x: { byPeer: { messages: { quota: 1, periodMs: 1000 } }, total: { messages: { quota: 1, periodMs: 1000 } } } }, peerTotals: false, clock })
    assert.equal(rl.take('a', 'x', 1, 1).ok, true)
    const r = rl.take('a', 'x', 1, 1)
    assert.ok(!r.ok && r.scope === 'peer')
  })

  it('applies the seed per-peer totals across methods: 100 msg/s and 1 MiB/s', () => {
    const clock = manualClock()
    const rl = createRateLimiter({ rules: {}, clock })
    for (let i = 0; i < 100; i++) assert.equal(rl.take('a', `m${i % 7}`, 1, 10).ok, true)
    const r = rl.take('a', 'm0', 1, 10)
    assert.ok(!r.ok && r.quota === 'peer_messages')
    clock.advance(1000)
    // a 10 MiB burst, then 1 MiB/s
    const rl2 = createRateLimiter({ rules: {}, clock })
    assert.equal(rl2.take('b', 'm', 1, 10 * 1024 * 1024).ok, true)
    const r2 = rl2.take('b', 'm', 1, 1024 * 1024)
    assert.ok(!r2.ok && r2.quota === 'peer_bytes' && r2.retryAfterMs === 1000)
    clock.advance(1000)
    assert.equal(rl2.take('b', 'm', 1, 1024 * 1024).ok, true)
  })

  it('bounds tracked peers, dropping the least recently seen', () => {
    const clock = manualClock()
    const rl = createRateLimiter({ rules: { blocks: { byPeer: blocks.byPeer } }, peerTotals: false, clock, maxPeers: 3 })
    for (const p of ['a', 'b', 'c']) rl.take(p, 'blocks', 2000, 1)
    rl.take('a', 'blocks', 1, 1) // a is now the most recent (and refused)
    rl.take('d', 'blocks', 1, 1) // evicts b
    assert.equal(rl.trackedPeers, 3)
    assert.equal(rl.take('b', 'blocks', 2000, 1).ok, true, 'b starts afresh')
    assert.equal(rl.take('a', 'blocks', 1, 1).ok, false, 'a kept its state')
  })

  it('prunes peers idle long enough for their buckets to refill', () => {
    const clock = manualClock()
    const rl = createRateLimiter({ rules: { blocks }, peerTotals: false, clock })
    rl.take('a', 'blocks', 1, 1)
    clock.advance(5000)
    rl.take('b', 'blocks', 1, 1)
    clock.advance(5000)
    assert.equal(rl.prune(), 1)
    assert.equal(rl.trackedPeers, 1)
    clock.advance(Math.max(RATE_LIMIT_PRUNE_INTERVAL_MS, 10_000))
    // pruned lazily on the next request
    rl.take('c', 'blocks', 1, 1)
    assert.equal(rl.trackedPeers, 1)
  })
})
