import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createTxRequestTracker } from '../../../src/protocols/tx-relay/index.ts'

const init = { maxAnnouncementsPerPeer: 5, maxInFlightPerPeer: 2, nonPreferredDelayMs: 2000, overloadedDelayMs: 2000 }
const id = (n: number): { hex: string, txid: Uint8Array } => ({ hex: n.toString(16).padStart(64, '0'), txid: new Uint8Array(32).fill(n) })
const due = (t: ReturnType<typeof createTxRequestTracker>, now: number): Record<string, string[]> =>
  Object.fromEntries([...t.due(now)].map(([p, rs]) => [p, rs.map(r => r.hex.slice(-2))]))

describe('tx request tracker', () => {
  it('asks an outbound announcer at once and an inbound one only after the delay', () => {
    const t = createTxRequestTracker(init)
    const a = id(1)
    t.announce('in', a.hex, a.txid, false, 0)
    assert.deepEqual(due(t, 1999), {})
    assert.equal(t.nextReadyAt(0), 2000)
    assert.deepEqual(due(t, 2000), { in: ['01'] })
  })

  it('prefers an outbound announcer even when an inbound one announced first', () => {
    const t = createTxRequestTracker(init)
    const a = id(1)
    t.announce('in', a.hex, a.txid, false, 0)
    t.announce('out', a.hex, a.txid, true, 2500)
    assert.deepEqual(due(t, 2500), { out: ['01'] })
    assert.equal(t.requestedFrom(a.hex), 'out')
  })

  it('hands a failed request to the next announcer, never asking a peer twice', () => {
    const t = createTxRequestTracker(init)
    const a = id(1)
    t.announce('out1', a.hex, a.txid, true, 0)
    t.announce('out2', a.hex, a.txid, true, 1)
    assert.deepEqual(due(t, 10), { out1: ['01'] })
    t.failed('out1', a.hex)
    assert.deepEqual(due(t, 10), { out2: ['01'] })
    assert.equal(t.announce('out1', a.hex, a.txid, true, 20), 'duplicate', 'out1 was tried')
    t.failed('out2', a.hex)
    assert.deepEqual(due(t, 30), {})
    assert.equal(t.has(a.hex), false, 'nobody left to ask')
  })

  it('keeps at most maxInFlight requests per peer, and delays an overloaded peer\'s new announcements', () => {
    const t = createTxRequestTracker(init)
    for (let i = 1; i <= 4; i++) t.announce('p', id(i).hex, id(i).txid, true, 0)
    assert.deepEqual(due(t, 0), { p: ['01', '02'] })
    assert.equal(t.inFlight('p'), 2)
    assert.deepEqual(due(t, 0), {})
    const late = id(5)
    t.announce('p', late.hex, late.txid, true, 0)
    assert.ok(t.received('p', id(1).hex))
    assert.deepEqual(due(t, 0), { p: ['03'] }, 'the overloaded announcement waits its extra delay')
    t.failed('p', id(2).hex)
    t.failed('p', id(3).hex)
    assert.deepEqual(due(t, 2000), { p: ['04', '05'] })
  })

  it('caps announcements per peer and frees everything of a removed peer', () => {
    const t = createTxRequestTracker(init)
    for (let i = 1; i <= 5; i++) assert.equal(t.announce('p', id(i).hex, id(i).txid, true, 0), 'added')
    assert.equal(t.announce('p', id(6).hex, id(6).txid, true, 0), 'capped')
    t.announce('q', id(1).hex, id(1).txid, false, 0)
    due(t, 0)
    t.removePeer('p')
    assert.equal(t.inFlight('p'), 0)
    assert.equal(t.announcements('p'), 0)
    assert.equal(t.size, 1, 'only the transaction q also announced is left')
    assert.deepEqual(due(t, 2000), { q: ['01'] })
  })

  it('received() only counts answers from the peer asked', () => {
    const t = createTxRequestTracker(init)
    const a = id(1)
    t.announce('p', a.hex, a.txid, true, 0)
    t.announce('q', a.hex, a.txid, true, 0)
    due(t, 0)
    const asked = t.requestedFrom(a.hex) as string
    const other = asked === 'p' ? 'q' : 'p'
    assert.equal(t.received(other, a.hex), false)
    assert.equal(t.received(asked, a.hex), true)
    assert.equal(t.has(a.hex), false)
    assert.equal(t.announcements(other), 0)
  })
})
