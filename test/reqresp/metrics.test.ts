import { describe, it, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { service } from '../../src/service/index.ts'
import { latencyBuckets, RESP_TIMEOUT_MS } from '../../src/reqresp/index.ts'
import { memoryNetwork, memoryNode } from '../helpers/reqresp.ts'
import type { TestNode } from '../helpers/reqresp.ts'
import type { Metrics } from '@libp2p/interface'

/** A Metrics registry that records what is registered and observed. */
function fakeMetrics (): { metrics: Metrics, names: string[], values: Map<string, Record<string, number>>, calculated: Map<string, () => any> } {
  const names: string[] = []
  const values = new Map<string, Record<string, number>>()
  const calculated = new Map<string, () => any>()
  const group = (name: string) => {
    names.push(name)
    const v: Record<string, number> = {}
    values.set(name, v)
    return {
      increment: (x: Record<string, number | true>) => { for (const [k, n] of Object.entries(x)) v[k] = (v[k] ?? 0) + (n === true ? 1 : n) },
      observe: (x: Record<string, number>) => { for (const k of Object.keys(x)) v[k] = (v[k] ?? 0) + 1 },
      reset: () => {},
      timer: () => () => {}
    }
  }
  const metrics = {
    registerCounterGroup: group,
    registerHistogramGroup: (name: string, opts: any) => {
      assert.deepEqual(opts.buckets, latencyBuckets())
      return group(name)
    },
    registerMetricGroup: (name: string, opts: any) => {
      names.push(name)
      calculated.set(name, opts.calculate)
    }
  } as unknown as Metrics
  return { metrics, names, values, calculated }
}

const nodes: TestNode[] = []
afterEach(async () => { for (const n of nodes.splice(0)) await n.rr.stop() })

describe('reqresp metrics', () => {
  it('derives latency buckets from the response timeout', () => {
    const b = latencyBuckets()
    assert.equal(b[b.length - 1], 1.5 * RESP_TIMEOUT_MS / 1000)
    assert.ok(b.every((x, i) => i === 0 || x > b[i - 1]))
  })

  it('counts requests, bytes, items and errors per method in the libp2p registry', async () => {
    const fake = fakeMetrics()
    const net = memoryNetwork()
    const a = await memoryNode(net)
    const b = await memoryNode(net, {}, { metrics: fake.metrics })
    nodes.push(a, b)
    assert.ok(fake.names.every(n => /^chainwire_reqresp_[a-z_]+$/.test(n)))
    assert.ok(fake.names.filter(n => n !== 'chainwire_reqresp_state').every(n => /_(total|seconds|bytes)$/.test(n)))
    await b.rr.register('get_blocks_by_range', service(async (req) => Array.from({ length: req.body.count }, () => ({ block: new Uint8Array([1]) }))))
    await a.rr.request(b.peerId, 'get_blocks_by_range', { startHeight: 0, count: 3 })
    await a.rr.request(b.peerId, 'get_blocks_by_range', { startHeight: 0, count: 2 })
    assert.equal(fake.values.get('chainwire_reqresp_inbound_requests_total')?.get_blocks_by_range, 2)
    assert.equal(fake.values.get('chainwire_reqresp_inbound_response_items_total')?.get_blocks_by_range, 5)
    assert.ok((fake.values.get('chainwire_reqresp_inbound_request_bytes_total')?.get_blocks_by_range ?? 0) > 0)
    assert.equal(fake.values.get('chainwire_reqresp_inbound_seconds')?.get_blocks_by_range, 2)
    const state = await fake.calculated.get('chainwire_reqresp_state')?.()
    assert.deepEqual(Object.keys(state).sort(), ['inbound_streams', 'outbound_requests', 'rate_limiter_peers', 'reassembly_bytes'])
    assert.equal(state.rate_limiter_peers, 1)
  })
})
