import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { fitToFdLimit, parseProcLimits, readFdLimits } from '../../src/host/fd-limit.ts'
import { FD_RESERVE, FD_PER_CONNECTION } from '../../src/config/constants.ts'

const want = { maxConnections: 125, maxInbound: 115, outboundTarget: 8, maxPendingInbound: 10 }

describe('file descriptor limits', () => {
  it('parses /proc/self/limits', () => {
    const text = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n'
    assert.deepEqual(parseProcLimits(text), { soft: 1024, hard: 524288 })
    assert.deepEqual(parseProcLimits('Max open files            unlimited            unlimited            files'), { soft: Number.MAX_SAFE_INTEGER, hard: Number.MAX_SAFE_INTEGER })
    assert.equal(parseProcLimits('nothing here'), undefined)
  })

  it('reads this process\'s limit on Linux', async () => {
    const l = await readFdLimits()
    assert.ok(l != null && l.soft > 0 && l.hard >= l.soft)
  })

  it('keeps the budget when the limit is generous', () => {
    const fit = fitToFdLimit(want, { soft: 65536, hard: 65536 })
    assert.deepEqual(fit.budget, want)
    assert.equal(fit.warning, undefined)
  })

  it('caps connections to fit a low limit, keeps outbound, and says how to raise it', () => {
    const fit = fitToFdLimit(want, { soft: 256, hard: 4096 })
    const fds = (fit.budget.maxConnections + fit.budget.maxPendingInbound) * FD_PER_CONNECTION + FD_RESERVE
    assert.ok(fds <= 256, `uses ${fds} descriptors`)
    assert.equal(fit.budget.outboundTarget, 8)
    assert.ok(fit.budget.maxInbound + fit.budget.outboundTarget <= fit.budget.maxConnections)
    assert.match(fit.warning ?? '', /ulimit -n \d+/)
    assert.match(fit.warning ?? '', /hard limit 4096/)
  })
})
