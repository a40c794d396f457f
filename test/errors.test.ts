import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeError } from '../src/errors.ts'

describe('describeError', () => {
  it('uses the message, then the messages inside aggregates, events and causes', () => {
    assert.equal(describeError(new Error('boom')), 'boom')
    assert.equal(describeError(new AggregateError([new Error('a'), new Error('b')], '')), 'a; b')
    assert.equal(describeError(new Error('', { cause: new Error('inner') })), 'inner')
    const evt = new Event('error') as Event & { error?: unknown }
    evt.error = new TypeError('socket hang up')
    assert.equal(describeError(evt), 'socket hang up')
  })

  it('names an event without details instead of printing "[object Event]" or nothing', () => {
    const evt = new Event('error') as Event & { error?: unknown }
    evt.error = new TypeError('')
    const text = describeError(evt)
    assert.match(text, /^Event "error" without details/)
    assert.doesNotMatch(text, /\[object/)
  })

  it('falls back to the code or the kind of a message-less error', () => {
    assert.equal(describeError(Object.assign(new Error(''), { code: 'ECONNRESET' })), 'ECONNRESET')
    assert.equal(describeError(new TypeError('')), 'TypeError without a message')
    assert.equal(describeError('plain'), 'plain')
    assert.equal(describeError(undefined), 'undefined')
  })
})
