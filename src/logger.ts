/**
 * Levelled, component-named logging that libp2p can use too.
 *
 * Every module gets its logger from its components
 * (`components.logger.forComponent('chainwire:sync')`), never from a global.
 * The returned logger is a libp2p {@link Logger} (calling it logs at `debug`)
 * with `info` and `warn` added. libp2p's own components log through the same
 * sink, one level quieter: their debug output appears only at `trace`.
 *
 * @module
 */
import { formatWithOptions } from 'node:util'
import type { ComponentLogger, Logger } from '@libp2p/interface'
import type { LogLevel } from './config/options.ts'

/** A libp2p logger with the two levels libp2p lacks. */
export interface Log extends Logger {
  info (formatter: any, ...args: any[]): void
  warn (formatter: any, ...args: any[]): void
}

/** A component logger whose loggers are {@link Log}s. */
export interface Logs extends ComponentLogger {
  forComponent (name: string): Log
}

/** Where log lines go. */
export type LogSink = (line: string) => void

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3, trace: 4 }

/** libp2p's debug-style placeholders, rendered with `String()` (bytes as hex). */
const LIBP2P_TOKENS = new Set(['%p', '%a', '%c', '%k', '%t', '%b', '%m'])

function render (formatter: unknown, args: unknown[]): string {
  if (typeof formatter === 'string') {
    let i = 0
    const fmt = formatter.replace(/%[a-zA-Z%]/g, (tok) => {
      if (tok === '%%') return tok
      const idx = i++
      if (LIBP2P_TOKENS.has(tok)) {
        const v = args[idx]
        args[idx] = v == null ? 'undefined' : (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v))
        return '%s'
      }
      if (tok === '%e') {
        const v = args[idx] as any
        args[idx] = v?.stack ?? v?.message ?? String(v)
        return '%s'
      }
      return tok
    })
    return formatWithOptions({ depth: 3, breakLength: Infinity }, fmt, ...args)
  }
  return formatWithOptions({ depth: 3, breakLength: Infinity }, formatter, ...args)
}

const noop = (): void => {}

/** Options for {@link createLogs}. */
export interface LogsInit {
  /** @default 'info' */
  level?: LogLevel
  /** @default writes to stderr */
  sink?: LogSink
  /** Prefix added to every line, e.g. a node's name in a devnet. */
  prefix?: string
}

/**
 * Create a component logger.
 *
 * @example
 * ```ts
 * const logs = createLogs({ level: 'debug' })
 * const log = logs.forComponent('chainwire:node')
 * log.info('listening on %a', addr)
 * ```
 */
export function createLogs (init: LogsInit = {}): Logs {
  const level = RANK[init.level ?? 'info']
  const sink: LogSink = init.sink ?? ((line) => { process.stderr.write(line + '\n') })
  const prefix = init.prefix != null ? `${init.prefix} ` : ''

  const make = (name: string): Log => {
    // libp2p internals are one level quieter than our own components
    const foreign = !name.startsWith('chainwire')
    const emit = (lvl: LogLevel, tag: string) => {
      const effective = foreign && RANK[lvl] >= RANK.debug ? RANK.trace : RANK[lvl]
      if (effective > level) return noop
      return (formatter: any, ...args: any[]) => {
        sink(`${new Date().toISOString()} ${tag} ${prefix}${name} ${render(formatter, args)}`)
      }
    }
    const debug = emit('debug', 'DEBUG')
    const log = ((formatter: any, ...args: any[]) => { debug(formatter, ...args) }) as Log
    log.error = foreign ? emit('debug', 'DEBUG') : emit('error', 'ERROR')
    log.warn = emit('warn', 'WARN ')
    log.info = emit('info', 'INFO ')
    log.trace = emit('trace', 'TRACE')
    log.enabled = debug !== noop
    log.newScope = (scope: string) => make(`${name}:${scope}`)
    return log
  }

  return { forComponent: make }
}

/** A logger that drops everything: the default for modules built without one. */
export function silentLogs (): Logs {
  return createLogs({ level: 'error', sink: noop })
}
