/**
 * A logger that discards everything, for components built without one.
 *
 * @module
 */
import type { ComponentLogger, Logger } from '@libp2p/interface'

function makeNoop (): Logger {
  const log = (() => {}) as unknown as Logger
  log.error = () => {}
  log.trace = () => {}
  log.enabled = false
  log.newScope = () => log
  return log
}

const NOOP = makeNoop()

/** A {@link ComponentLogger} whose loggers discard everything. */
export function noopLogger (): ComponentLogger {
  return { forComponent: () => NOOP }
}
