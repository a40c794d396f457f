import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  DEFAULT_BAN_THRESHOLD,
  DEFAULT_DISCONNECT_THRESHOLD,
  DEFAULT_SCORE_HALF_LIFE_MS,
  MAX_SCORE,
  MIN_SCORE
} from '../../src/peers/constants.ts'
import { createScoreBook, decayScore, scoreAction, verdictPenalty } from '../../src/peers/score.ts'
import { VERDICTS } from '../../src/errors.ts'
import { fakeClock } from './helpers.ts'

const thresholds = { disconnect: DEFAULT_DISCONNECT_THRESHOLD, ban: DEFAULT_BAN_THRESHOLD }

describe('peers/score', () => {
  it('maps each verdict to Lodestar\'s penalty', () => {
    assert.deepEqual(Object.fromEntries(VERDICTS.map(v => [v, verdictPenalty(v)])), {
      ignore: 0, high: -1, mid: -5, low: -10, fatal: -200
    })
  })

  it('turns scores into actions at the thresholds', () => {
    assert.equal(scoreAction(0, thresholds), 'none')
    assert.equal(scoreAction(-19.9, thresholds), 'none')
    assert.equal(scoreAction(-20, thresholds), 'disconnect')
    assert.equal(scoreAction(-49.9, thresholds), 'disconnect')
    assert.equal(scoreAction(-50, thresholds), 'ban')
    assert.equal(scoreAction(MIN_SCORE, thresholds), 'ban')
  })

  it('halves a score every half-life', () => {
    assert.equal(decayScore(-40, 0, DEFAULT_SCORE_HALF_LIFE_MS, DEFAULT_SCORE_HALF_LIFE_MS), -20)
    assert.equal(decayScore(-40, 0, 2 * DEFAULT_SCORE_HALF_LIFE_MS, DEFAULT_SCORE_HALF_LIFE_MS), -10)
    assert.equal(decayScore(-40, 100, 100, DEFAULT_SCORE_HALF_LIFE_MS), -40)
  })

  it('accumulates penalties on the decayed value and clamps to [-100, 100]', () => {
    const clock = fakeClock()
    const book = createScoreBook({ halfLifeMs: 1000, maxEntries: 10, clock, connectedPeers: () => new Set() })
    assert.equal(book.add('a', -10), -10)
    clock.advance(1000)
    assert.equal(book.get('a'), -5)
    assert.equal(book.add('a', -10), -15)
    assert.equal(book.add('a', -500), MIN_SCORE)
    assert.equal(book.add('b', 500), MAX_SCORE)
    assert.equal(book.get('unknown'), 0)
    assert.equal(book.add('c', 0), 0)
    assert.equal(book.size, 2, 'a zero change records nothing')
  })

  it('five low-tolerance faults at once reach the ban threshold, two the disconnect threshold', () => {
    const clock = fakeClock()
    const book = createScoreBook({ halfLifeMs: DEFAULT_SCORE_HALF_LIFE_MS, maxEntries: 10, clock, connectedPeers: () => new Set() })
    const actions = []
    for (let i = 0; i < 5; i++) actions.push(scoreAction(book.add('p', verdictPenalty('low')), thresholds))
    assert.deepEqual(actions, ['none', 'disconnect', 'disconnect', 'disconnect', 'ban'])
  })

  it('spaced faults decay in between: ten mid faults a minute apart stay short of a ban', () => {
    const clock = fakeClock()
    const book = createScoreBook({ halfLifeMs: DEFAULT_SCORE_HALF_LIFE_MS, maxEntries: 10, clock, connectedPeers: () => new Set() })
    let score = 0
    for (let i = 0; i < 10; i++) {
      score = book.add('p', verdictPenalty('mid'))
      clock.advance(60_000)
    }
    assert.ok(score > DEFAULT_BAN_THRESHOLD && score <= DEFAULT_DISCONNECT_THRESHOLD, `score ${score}`)
    clock.advance(DEFAULT_SCORE_HALF_LIFE_MS)
    assert.ok(Math.abs(book.get('p') - score * Math.pow(0.5, 1 + 60_000 / DEFAULT_SCORE_HALF_LIFE_MS)) < 1e-9)
  })

  it('forgets decayed scores, and when full forgets the mildest disconnected one', () => {
    const clock = fakeClock()
    const connected = new Set(['mild-but-connected'])
    const book = createScoreBook({ halfLifeMs: 1000, maxEntries: 3, clock, connectedPeers: () => connected })
    book.add('mild-but-connected', -1)
    book.add('harsh', -90)
    book.add('mild', -2)
    book.add('new', -50)
    assert.equal(book.size, 3)
    assert.equal(book.get('mild'), 0, 'the mildest disconnected score made room')
    assert.equal(book.get('mild-but-connected'), -1)
    assert.equal(book.get('harsh'), -90)
    clock.advance(20_000)
    book.prune()
    assert.equal(book.size, 0)
  })
})
