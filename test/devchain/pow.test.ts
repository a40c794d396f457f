import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { bitsToTarget, medianTime, nextBits, permittedTransition, targetToBits, workForTarget } from '../../src/devchain/pow.ts'
import { DEVNET, REGTEST } from '../../src/devchain/params.ts'

describe('devchain proof of work', () => {
  it('decodes and encodes compact targets as Bitcoin does', () => {
    assert.equal(bitsToTarget(0x1d00ffff), 0xffffn << 208n)
    assert.equal(targetToBits(0xffffn << 208n), 0x1d00ffff)
    assert.equal(bitsToTarget(0x207fffff), 0x7fffffn << 232n)
    assert.equal(bitsToTarget(0x1e400000), 1n << 238n)
    assert.equal(bitsToTarget(0x04923456), undefined) // negative
    assert.equal(bitsToTarget(0x22010000), undefined) // 2^256 and above
    assert.equal(bitsToTarget(0x1d000000), undefined) // zero
    assert.equal(workForTarget(0x7fffffn << 232n), 2n)
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: (1n << 255n) }), (t) => {
      const bits = targetToBits(t)
      const back = bitsToTarget(bits)
      assert.ok(back !== undefined && back <= t, 'encoding rounds down')
      assert.equal(targetToBits(back), bits)
    }))
  })

  it('takes the median time past of any window, as a sort would, without touching its input', () => {
    const sortedMedian = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 80 }), (times) => {
      const copy = [...times]
      assert.equal(medianTime(times), sortedMedian(times))
      assert.deepEqual(times, copy)
    }))
    assert.equal(medianTime([5, 1, 3]), 3)
    assert.equal(medianTime([4, 1, 3, 2]), 3, 'the upper median of an even count')
    assert.ok(Number.isNaN(medianTime([])))
  })

  it('devnet retarget converges to the target spacing for hash rates over five orders of magnitude', () => {
    const window = DEVNET.retargetInterval
    for (const hashRate of [3_000n, 30_000n, 300_000n, 5_000_000n, 100_000_000n]) {
      // a deterministic miner: each block takes its expected time; block times follow the
      // miner's rule, max(now, median time past + 1), in whole seconds
      const times = [DEVNET.genesisTime]
      let parent = { height: 0, bits: DEVNET.genesisBits, time: DEVNET.genesisTime }
      let now = DEVNET.genesisTime
      const spans: number[] = []
      let windowStart = now
      for (let h = 1; h <= 40 * window; h++) {
        const bits = nextBits(parent, (x) => times[x], DEVNET)
        now += Number(workForTarget(bitsToTarget(bits) as bigint) * 1000n / hashRate) / 1000
        const time = Math.max(Math.floor(now), medianTime(times.slice(-11)) + 1)
        times.push(time)
        parent = { height: h, bits, time }
        if (h % window === 0) {
          spans.push(now - windowStart)
          windowStart = now
        }
      }
      const last = spans.slice(-10)
      const mean = last.reduce((a, b) => a + b, 0) / last.length / window
      assert.ok(Math.abs(mean - DEVNET.targetSpacing) < 0.05, `hash rate ${hashRate}: ${mean.toFixed(3)} s per block after 30 windows`)
    }
  })

  it('never retargets below the network minimum difficulty', () => {
    const times = [0]
    let parent = { height: 0, bits: DEVNET.powLimitBits, time: 0 }
    for (let h = 1; h <= 3 * DEVNET.retargetInterval; h++) {
      const bits = nextBits(parent, (x) => times[x], DEVNET)
      assert.ok((bitsToTarget(bits) as bigint) <= (bitsToTarget(DEVNET.powLimitBits) as bigint))
      times.push(parent.time + 1000) // far too slow: the target would grow without the cap
      parent = { height: h, bits, time: parent.time + 1000 }
    }
  })

  it('permits bits changes only at retarget heights and within a factor of four', () => {
    const i = DEVNET.retargetInterval
    const bits = DEVNET.genesisBits
    const t = bitsToTarget(bits) as bigint
    assert.equal(permittedTransition(i + 1, bits, bits, DEVNET), true)
    assert.equal(permittedTransition(i + 1, bits, targetToBits(t / 2n), DEVNET), false)
    assert.equal(permittedTransition(i, bits, targetToBits(t / 4n), DEVNET), true)
    assert.equal(permittedTransition(i, bits, targetToBits(t * 4n), DEVNET), true)
    assert.equal(permittedTransition(i, bits, targetToBits(t / 5n), DEVNET), false)
    assert.equal(permittedTransition(i, bits, targetToBits(t * 5n), DEVNET), false)
    // regtest never retargets
    assert.equal(permittedTransition(2016, REGTEST.genesisBits, 0x2000ffff, REGTEST), false)
  })

  it('every retarget the miner computes is one the header check permits (any window timespan, any bits)', () => {
    // the devnet window (30 × 1 s) is not a multiple of 4: clamping the timespan in
    // integers once gave 7/30 of the old target, 4.29×, which every peer rejected
    const interval = DEVNET.retargetInterval
    const limit = bitsToTarget(DEVNET.powLimitBits) as bigint
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 20 }), // which retarget
      fc.integer({ min: -100, max: 10 * interval * DEVNET.targetSpacing }), // window timespan, s (clocks may go backwards)
      fc.bigInt({ min: 1n << 200n, max: limit }),
      (k, span, target) => {
        const parentBits = targetToBits(target)
        const height = k * interval
        const parent = { height: height - 1, bits: parentBits, time: 1_700_000_000 + span }
        const bits = nextBits(parent, () => 1_700_000_000, DEVNET)
        assert.ok(permittedTransition(height, parentBits, bits, DEVNET), `height ${height}, span ${span}: 0x${bits.toString(16)} after 0x${parentBits.toString(16)}`)
      }
    ), { numRuns: 2000, seed: 42 })
  })

  it('a window four or more times too fast moves the target by exactly the factor', () => {
    const interval = DEVNET.retargetInterval
    const bits = 0x1f010000
    const t = bitsToTarget(bits) as bigint
    const parent = { height: 2 * interval - 1, bits, time: 1_700_000_007 } // 7 s for a 30 s window
    assert.equal(bitsToTarget(nextBits(parent, () => 1_700_000_000, DEVNET)), t / 4n)
    const slow = { ...parent, time: 1_700_000_000 + 1000 }
    assert.equal(bitsToTarget(nextBits(slow, () => 1_700_000_000, DEVNET)), t * 4n)
  })
})
