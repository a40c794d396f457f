/**
 * Process metrics (CPU, memory, event-loop lag, GC), once per process.
 *
 * prom-client's default metrics hook into the process, with a GC observer
 * and an event-loop delay monitor, and cannot be stopped. Registered in each
 * node's registry, they kept every stopped node's registry, and through its
 * collectors the whole node, in memory: a process that started and stopped
 * nodes (tests, the simulator, a benchmark) grew by a node each time. They
 * live in a registry of their own instead, shared by the nodes of a process,
 * and each node's `/metrics` appends them.
 *
 * @module
 */
import { collectDefaultMetrics, Registry } from 'prom-client'

let shared: Registry | undefined

/** The process's registry of prom-client's default metrics, created on first use. */
export function processMetrics (): Registry {
  if (shared == null) {
    shared = new Registry()
    collectDefaultMetrics({ register: shared })
  }
  return shared
}

/** A node's metrics followed by the process metrics, as one Prometheus text exposition. */
export async function exposition (node: Registry): Promise<string> {
  const own = await node.metrics()
  const proc = await processMetrics().metrics()
  return own.length === 0 || own.endsWith('\n') ? own + proc : `${own}\n${proc}`
}
