import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  serviceBuilder, service, rateLimitLayer, peerScoreLayer, concurrencyLimit, timeoutLayer, validateLayer, metricsLayer,
  createRateLimiter, manualClock, followResult,
  RateLimitExceededError, OverloadedError, ConcurrencyLimitError, HandlerTimeoutError, InvalidRequestError
} from '../../src/service/index.ts'
import { makePeerId, recordingReporter } from '../helpers/reqresp.ts'
import type { InboundRequest, InboundService, Layer, Service } from '../../src/service/index.ts'
import type { PeerId } from '@libp2p/interface'

const byName = (name: string) => (err: Error) => err.name === name

function request (peer: PeerId, extra: Partial<InboundRequest<any>> = {}): InboundRequest<any> {
  return {
    peer,
    method: 'get_blocks_by_range',
    protocol: '/chainwire/testnet/get_blocks_by_range/1',
    version: 1,
    body: { count: 500 },
    sizeBytes: 10,
    cost: 500,
    signal: new AbortController().signal,
    receivedAt: 0,
    ...extra
  }
}

async function drain (result: unknown): Promise<unknown[]> {
  const out: unknown[] = []
  if (result == null) return out
  for await (const x of result as AsyncIterable<unknown>) out.push(x)
  return out
}

describe('service builder', () => {
  it('applies the first layer outermost and needs no sockets', async () => {
    const trace: string[] = []
    const tag = (name: string): Layer<Service<string, string>> => (inner) => ({
      async call (req) {
        trace.push(`${name}>`)
        const res = await inner.call(`${req}${name}`)
        trace.push(`<${name}`)
        return res
      }
    })
    const s = serviceBuilder<Service<string, string>>().layer(tag('a')).layer(tag('b')).service(service(async (req: string) => `${req}!`))
    assert.equal(await s.call('x'), 'xab!')
    assert.deepEqual(trace, ['a>', 'b>', '<b', '<a'])
  })

  it('lets a layer change the service type', async () => {
    const parse: Layer<Service<number, string>, Service<string, string>> = (inner) => ({ call: async (s) => inner.call(Number(s)) })
    const s = serviceBuilder<Service<string, string>>().layer(parse).service(service(async (n: number) => `${n * 2}`))
    assert.equal(await s.call('21'), '42')
  })
})

describe('rate limit + peer score layers', () => {
  it('per-peer quota exceeded: RateLimitExceededError and exactly one penalty; refills on the injected clock', async () => {
    const clock = manualClock()
    const reporter = recordingReporter()
    const limiter = createRateLimiter({
      rules: { get_blocks_by_range: { byPeer: { messages: { quota: 10, periodMs: 10_000 }, cost: { quota: 1000, periodMs: 10_000 } } } },
      peerTotals: false,
      clock
    })
    const stack: InboundService = serviceBuilder<InboundService>()
      .layer(peerScoreLayer({ peers: reporter }))
      .layer(rateLimitLayer(limiter))
      .service(service(async () => [1]))
    const peer = await makePeerId()
    await stack.call(request(peer))
    await stack.call(request(peer))
    await assert.rejects(stack.call(request(peer)), (err: any) => err.name === RateLimitExceededError.name && err.verdict === 'mid' && err.retryAfterMs === 5000)
    assert.deepEqual(reporter.reports, [{ peer: peer.toString(), verdict: 'mid', reason: 'RateLimitExceededError' }])
    clock.advance(5000)
    assert.deepEqual(await drain(await stack.call(request(peer))), [1])
    assert.equal(reporter.reports.length, 1)
  })

  it('many peers exceed a global quota: refused with OverloadedError, nobody penalised', async () => {
    const clock = manualClock()
    const reporter = recordingReporter()
    const limiter = createRateLimiter({
      rules: { get_blocks_by_range: { byPeer: { messages: { quota: 10, periodMs: 10_000 } }, total: { messages: { quota: 20, periodMs: 10_000 } } } },
      peerTotals: false,
      clock
    })
    const stack: InboundService = serviceBuilder<InboundService>()
      .layer(peerScoreLayer({ peers: reporter }))
      .layer(rateLimitLayer(limiter))
      .service(service(async () => []))
    const peers = await Promise.all(Array.from({ length: 8 }, async () => makePeerId()))
    let refused = 0
    for (let round = 0; round < 5; round++) {
      for (const p of peers) {
        try {
          await stack.call(request(p))
        } catch (err: any) {
          assert.equal(err.name, OverloadedError.name)
          assert.equal(err.verdict, 'ignore')
          refused++
        }
      }
    }
    assert.equal(refused, 40 - 20)
    assert.deepEqual(reporter.reports, [])
  })
})

describe('concurrency limit layer', () => {
  it('sheds load per peer and globally, and frees the slot when a streamed response ends', async () => {
    const reporter = recordingReporter()
    const limit = concurrencyLimit({ maxPerPeer: 1, maxTotal: 2 })
    const gates: Array<() => void> = []
    const handler: InboundService = service(async () => (async function * () {
      await new Promise<void>(resolve => gates.push(resolve))
      yield 1
    })())
    const stack = serviceBuilder<InboundService>().layer(peerScoreLayer({ peers: reporter })).layer(limit.layer).service(handler)
    const [a, b, c] = await Promise.all([makePeerId(), makePeerId(), makePeerId()])
    const ra = await stack.call(request(a))
    assert.equal(limit.inFlight, 1)
    await assert.rejects(stack.call(request(a)), byName(ConcurrencyLimitError.name))
    const rb = await stack.call(request(b))
    await assert.rejects(stack.call(request(c)), byName(OverloadedError.name))
    assert.deepEqual(reporter.reports.map(r => r.verdict), ['high'])
    const pa = drain(ra)
    const pb = drain(rb)
    while (gates.length < 2) await new Promise(resolve => setImmediate(resolve))
    for (const g of gates) g()
    assert.deepEqual(await pa, [1])
    await pb
    assert.equal(limit.inFlight, 0)
    assert.equal(limit.peers, 0)
  })

  it('frees the slot when the consumer abandons the response, even before the first item', async () => {
    const limit = concurrencyLimit({ maxPerPeer: 1, maxTotal: 1 })
    const stack = serviceBuilder<InboundService>().layer(limit.layer).service(service(async () => (async function * () { yield 1; yield 2 })()))
    const peer = await makePeerId()
    const r = await stack.call(request(peer)) as AsyncIterable<number>
    await r[Symbol.asyncIterator]().return?.()
    assert.equal(limit.inFlight, 0)
    const r2 = await stack.call(request(peer)) as AsyncIterable<number>
    for await (const _ of r2) break
    assert.equal(limit.inFlight, 0)
  })

  it('frees the slot when the handler throws', async () => {
    const limit = concurrencyLimit({ maxPerPeer: 1, maxTotal: 1 })
    const stack = serviceBuilder<InboundService>().layer(limit.layer).service(service(async () => { throw new Error('boom') }))
    await assert.rejects(stack.call(request(await makePeerId())))
    assert.equal(limit.inFlight, 0)
  })
})

describe('timeout layer', () => {
  it('fails a slow handler with HandlerTimeoutError and aborts its signal', async () => {
    const clock = manualClock()
    let seen: AbortSignal | undefined
    const stack = serviceBuilder<InboundService>().layer(timeoutLayer({ timeoutMs: 1000, clock })).service(service(async (req) => {
      seen = req.signal
      await new Promise(() => {})
    }))
    const p = stack.call(request(await makePeerId()))
    await new Promise(resolve => setImmediate(resolve))
    clock.advance(999)
    assert.equal(seen?.aborted, false)
    clock.advance(1)
    await assert.rejects(p, (err: any) => err.name === HandlerTimeoutError.name && err.verdict === 'ignore')
    assert.equal(seen?.aborted, true)
    assert.equal(clock.pendingTimers, 0)
  })

  it('covers a streamed response item by item', async () => {
    const clock = manualClock()
    const stack = serviceBuilder<InboundService>().layer(timeoutLayer({ timeoutMs: 1000, clock })).service(service(async () => (async function * () {
      yield 1
      await new Promise(() => {})
    })()))
    const r = await stack.call(request(await makePeerId())) as AsyncIterable<number>
    const it = r[Symbol.asyncIterator]()
    assert.deepEqual(await it.next(), { done: false, value: 1 })
    const pending = it.next()
    clock.advance(1000)
    await assert.rejects(pending, byName(HandlerTimeoutError.name))
  })

  it('clears its timer when the handler answers', async () => {
    const clock = manualClock()
    const stack = serviceBuilder<InboundService>().layer(timeoutLayer({ timeoutMs: 1000, clock })).service(service(async () => [1]))
    assert.deepEqual(await stack.call(request(await makePeerId())), [1])
    assert.equal(clock.pendingTimers, 0)
  })
})

describe('validate layer', () => {
  it('rejects oversize requests, excessive cost and bad shapes as InvalidRequestError (fatal)', async () => {
    const stack = serviceBuilder<InboundService>().layer(validateLayer({
      maxRequestBytes: 100,
      maxCost: 500,
      validate: (req) => { if (req.body.count === 13) throw new InvalidRequestError('unlucky', 'low') }
    })).service(service(async () => []))
    const peer = await makePeerId()
    await assert.rejects(stack.call(request(peer, { sizeBytes: 101 })), (err: any) => err.name === InvalidRequestError.name && err.verdict === 'fatal')
    await assert.rejects(stack.call(request(peer, { cost: 501 })), byName(InvalidRequestError.name))
    await assert.rejects(stack.call(request(peer, { body: { count: 13 } })), (err: any) => err.verdict === 'low')
    assert.deepEqual(await stack.call(request(peer)), [])
  })
})

describe('metrics layer', () => {
  it('counts requests, bytes, items, errors and latency', async () => {
    const clock = manualClock()
    const seen: string[] = []
    const metrics = {
      request: (m: string, bytes: number) => { seen.push(`req ${m} ${bytes}`) },
      response: (m: string, items: number, s: number) => { seen.push(`res ${m} ${items} ${s}`) },
      error: (m: string, e: string, s: number) => { seen.push(`err ${m} ${e} ${s}`) }
    }
    const ok = serviceBuilder<InboundService>().layer(metricsLayer(metrics, clock)).service(service(async () => (async function * () {
      clock.advance(250)
      yield 1
      yield 2
    })()))
    await drain(await ok.call(request(await makePeerId())))
    const bad = serviceBuilder<InboundService>().layer(metricsLayer(metrics, clock)).service(service(async () => { throw new InvalidRequestError('x') }))
    await assert.rejects(bad.call(request(await makePeerId())))
    assert.deepEqual(seen, [
      'req get_blocks_by_range 10', 'res get_blocks_by_range 2 0.25',
      'req get_blocks_by_range 10', 'err get_blocks_by_range InvalidRequestError 0'
    ])
  })
})

describe('followResult', () => {
  it('passes arrays through and calls onEnd once', () => {
    let ends = 0
    const arr = [1, 2]
    assert.equal(followResult(arr, { onEnd: () => { ends++ } }), arr)
    assert.equal(ends, 1)
  })
})
