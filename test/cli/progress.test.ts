/**
 * The sync progress display: a bar redrawn in place on a terminal, log lines
 * at an interval otherwise, one line when synced.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TypedEventEmitter } from 'main-event'
import { progressBar, progressText, showSyncProgress } from '../../src/cli/progress.ts'
import type { SyncEvents, SyncProgress, SyncState } from '../../src/protocols/sync/index.ts'

function progress (state: SyncState, height: number, extra: Partial<SyncProgress> = {}): SyncProgress {
  return {
    state,
    tip: { height, hash: 'ab'.repeat(32) },
    headers: { height: 5000, target: 5000 },
    blocks: { height, target: 5000 },
    rates: { blocksPerSec: 1234, headersPerSec: 0, bytesPerSec: 2_500_000 },
    etaSeconds: 3,
    peers: { ready: 3, inUse: 2 },
    stalls: 0,
    reassignments: 0,
    ...extra
  }
}

function output (isTTY: boolean): { isTTY: boolean, columns: number, text: string, write: (s: string) => void } {
  const o = { isTTY, columns: 100, text: '', write (s: string) { o.text += s } }
  return o
}

describe('sync progress', () => {
  it('shows done, remaining, rate and ETA', () => {
    const t = progressText(progress('blocks', 2250))
    assert.match(t, /blocks 2250\/5000 \(2750 left\)/)
    assert.match(t, /headers 5000\/5000/)
    assert.match(t, /1234 blk\/s/)
    assert.match(t, /2\.50 MB\/s/)
    assert.match(t, /ETA 3s/)
    assert.match(progressText(progress('blocks', 0, { etaSeconds: 3725 })), /ETA 1h02m/)
    const bar = progressBar(progress('blocks', 2500), 120)
    assert.match(bar, /^blocks \[#+-+\] 50\.0% /)
    assert.ok(bar.length < 120)
    assert.ok(progressBar(progress('blocks', 2500), 60).length <= 59, 'fits a narrow terminal')
  })

  it('redraws one line in place on a terminal and ends with a synced line', () => {
    const src = new TypedEventEmitter<SyncEvents>()
    const out = output(true)
    const stop = showSyncProgress(src, out)
    for (const h of [1000, 2000, 3000]) src.safeDispatchEvent('progress', { detail: progress('blocks', h) })
    assert.equal(out.text.split('\n').length, 1, 'no new lines while syncing')
    assert.equal(out.text.split('\r\x1b[2K').length - 1, 3)
    src.safeDispatchEvent('progress', { detail: progress('synced', 5000) })
    assert.ok(out.text.endsWith('\r\x1b[2Ksynced at height 5000 (abababababababab…), 3 peers\n'), JSON.stringify(out.text.slice(-80)))
    stop()
  })

  it('logs a line per interval when not a terminal', () => {
    const src = new TypedEventEmitter<SyncEvents>()
    const out = output(false)
    let now = 0
    const stop = showSyncProgress(src, out, { intervalMs: 10_000, now: () => now })
    src.safeDispatchEvent('progress', { detail: progress('headers', 0, { headers: { height: 2000, target: 5000 } }) })
    src.safeDispatchEvent('progress', { detail: progress('blocks', 100) })
    now = 5_000
    src.safeDispatchEvent('progress', { detail: progress('blocks', 1000) })
    now = 10_001
    src.safeDispatchEvent('progress', { detail: progress('blocks', 2000) })
    src.safeDispatchEvent('progress', { detail: progress('synced', 5000) })
    const lines = out.text.trim().split('\n')
    assert.deepEqual(lines.map(l => l.split(':')[0]), ['sync headers', 'sync blocks', 'sync blocks', 'synced at height 5000 (abababababababab…), 3 peers'])
    assert.ok(!out.text.includes('\r'), 'no terminal control codes')
    stop()
    src.safeDispatchEvent('progress', { detail: progress('blocks', 3000) })
    assert.equal(out.text.trim().split('\n').length, 4, 'nothing after stop')
  })
})
