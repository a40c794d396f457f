import { SHUTDOWN_TIMEOUT_MS } from '../config/constants.ts'

/**
 * Run `shutdown` on the first SIGINT or SIGTERM (or when the parent that
 * spawned us with an IPC channel goes away), force exit on the second signal,
 * and force exit if shutdown overruns its bound. Resolves when shutdown is done.
 */
export function onShutdownSignals (shutdown: () => Promise<void>, notify: (signal: string) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false
    const begin = (signal: string): void => {
      if (stopping) {
        process.stderr.write(`received ${signal} again, exiting now\n`)
        process.exit(130)
      }
      stopping = true
      notify(signal)
      // the node bounds its own stop; this is the backstop if something hangs anyway
      setTimeout(() => {
        process.stderr.write(`shutdown exceeded ${SHUTDOWN_TIMEOUT_MS + 1000} ms, exiting\n`)
        process.exit(1)
      }, SHUTDOWN_TIMEOUT_MS + 1000).unref()
      shutdown().then(resolve, (err) => {
        process.stderr.write(`shutdown failed: ${err?.message ?? err}\n`)
        process.exitCode = 1
        resolve()
      })
    }
    process.on('SIGINT', () => { begin('SIGINT') })
    process.on('SIGTERM', () => { begin('SIGTERM') })
    // spawned by `chainwire devnet`: exit when the parent dies, even by SIGKILL
    if (typeof process.send === 'function') process.on('disconnect', () => { begin('parent exit') })
  })
}
