/**
 * File-descriptor budget: every connection is a socket, and running out of
 * descriptors makes LevelDB, the API and new connections fail at random.
 * At start-up we read the soft limit and cap the connection limits to fit.
 *
 * @module
 */
import { readFile } from 'node:fs/promises'
import { FD_PER_CONNECTION, FD_RESERVE, FD_WARN_BELOW } from '../config/constants.ts'

/** The process's descriptor limits, if the platform tells us. */
export interface FdLimits {
  soft: number
  hard: number
}

/** Parse the "Max open files" line of `/proc/self/limits`. */
export function parseProcLimits (text: string): FdLimits | undefined {
  const line = text.split('\n').find(l => l.startsWith('Max open files'))
  if (line == null) return undefined
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(line)
  if (m == null) return undefined
  const num = (s: string): number => s === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(s)
  return { soft: num(m[1]), hard: num(m[2]) }
}

/** Read the descriptor limits (Linux: `/proc/self/limits`); undefined elsewhere. */
export async function readFdLimits (path = '/proc/self/limits'): Promise<FdLimits | undefined> {
  try {
    return parseProcLimits(await readFile(path, 'utf8'))
  } catch {
    return undefined
  }
}

/** Connection limits that {@link fitToFdLimit} may lower. */
export interface ConnectionBudget {
  maxConnections: number
  maxInbound: number
  outboundTarget: number
  maxPendingInbound: number
}

/** The result of fitting the budget: the new limits and, when lowered or tight, what to tell the operator. */
export interface FdFit {
  budget: ConnectionBudget
  /** A warning for the log, or undefined when all is well. */
  warning?: string
}

/**
 * Cap connection limits to what `limits.soft` descriptors can carry, keeping
 * {@link FD_RESERVE} for the database, logs and API. Outbound connections are
 * kept first (they are the ones we chose), then inbound fills what is left.
 */
export function fitToFdLimit (want: ConnectionBudget, limits: FdLimits | undefined): FdFit {
  if (limits == null) return { budget: want }
  const available = Math.max(0, limits.soft - FD_RESERVE)
  const maxByFd = Math.max(1, Math.floor(available / FD_PER_CONNECTION))
  const needed = want.maxConnections + want.maxPendingInbound
  const raiseHint = `raise it with \`ulimit -n ${Math.max(FD_WARN_BELOW, (needed * FD_PER_CONNECTION) + FD_RESERVE)}\` before starting (hard limit ${limits.hard === Number.MAX_SAFE_INTEGER ? 'unlimited' : limits.hard}), or LimitNOFILE= in a systemd unit`
  if (needed <= maxByFd) {
    return {
      budget: want,
      warning: limits.soft < FD_WARN_BELOW ? `file descriptor soft limit is low (${limits.soft}); ${raiseHint}` : undefined
    }
  }
  const maxPendingInbound = Math.max(1, Math.min(want.maxPendingInbound, Math.floor(maxByFd / 10)))
  const maxConnections = Math.max(1, maxByFd - maxPendingInbound)
  const outboundTarget = Math.min(want.outboundTarget, maxConnections)
  const maxInbound = Math.max(0, Math.min(want.maxInbound, maxConnections - outboundTarget))
  return {
    budget: { maxConnections, maxInbound, outboundTarget, maxPendingInbound },
    warning: `file descriptor soft limit ${limits.soft} fits only ${maxConnections} connections (wanted ${want.maxConnections}); ` +
      `capped to maxConnections=${maxConnections} maxInbound=${maxInbound} outboundTarget=${outboundTarget}; ${raiseHint}`
  }
}
