/**
 * Sync progress for `chainwire node`: a bar redrawn in place on a terminal,
 * periodic log lines otherwise. Driven by the sync service's events.
 */
import { PROGRESS_LOG_INTERVAL_MS } from '../protocols/sync/constants.ts'
import type { SyncProgress, SyncService } from '../protocols/sync/index.ts'

/** Where progress goes: a stream like `process.stdout`. */
export interface ProgressOutput {
  isTTY?: boolean
  columns?: number
  write (text: string): unknown
}

export interface ProgressOptions {
  /** Log-line interval when the output is not a terminal. @default PROGRESS_LOG_INTERVAL_MS */
  intervalMs?: number
  /** ms clock. @default Date.now */
  now?: () => number
}

const syncing = (p: SyncProgress): boolean => p.state === 'headers' || p.state === 'blocks'

function pct (done: number, total: number): string {
  return total <= 0 ? '100.0%' : `${(Math.min(1, done / total) * 100).toFixed(1)}%`
}

function eta (s: number | null): string {
  if (s == null) return '?'
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`
}

function mb (bytesPerSec: number): string {
  return `${(bytesPerSec / 1e6).toFixed(2)} MB/s`
}

/** The figures of a progress line: what is done, what remains, how fast. */
export function progressText (p: SyncProgress): string {
  return `blocks ${p.blocks.height}/${p.blocks.target} (${p.blocks.target - p.blocks.height} left), ` +
    `headers ${p.headers.height}/${p.headers.target}, ${p.rates.blocksPerSec} blk/s, ${mb(p.rates.bytesPerSec)}, ` +
    `ETA ${eta(p.etaSeconds)}, peers ${p.peers.inUse}/${p.peers.ready}`
}

/** A one-line bar for a terminal `columns` wide. */
export function progressBar (p: SyncProgress, columns = 80): string {
  const label = p.state === 'headers' ? 'headers' : 'blocks'
  const [done, total] = p.state === 'headers' ? [p.headers.height, p.headers.target] : [p.blocks.height, p.blocks.target]
  const text = ` ${pct(done, total)} ${progressText(p)}`
  const width = Math.max(10, Math.min(40, columns - text.length - label.length - 4))
  const filled = total <= 0 ? width : Math.round(Math.min(1, done / total) * width)
  const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${text}`
  return line.length > columns - 1 ? line.slice(0, columns - 1) : line
}

/**
 * Show the progress of `sync` on `out` until the returned function is called.
 *
 * @example
 * ```ts
 * const stop = showSyncProgress(sync, process.stdout)
 * // … on shutdown
 * stop()
 * ```
 */
export function showSyncProgress (sync: Pick<SyncService, 'addEventListener' | 'removeEventListener'>, out: ProgressOutput, options: ProgressOptions = {}): () => void {
  const tty = out.isTTY === true
  const intervalMs = options.intervalMs ?? PROGRESS_LOG_INTERVAL_MS
  const now = options.now ?? Date.now
  let drawn = false
  let lastLog = -Infinity
  let lastState = ''

  const clear = (): void => {
    if (drawn) out.write('\r\x1b[2K')
    drawn = false
  }

  const onProgress = (evt: CustomEvent<SyncProgress>): void => {
    const p = evt.detail
    const changed = p.state !== lastState
    lastState = p.state
    if (syncing(p)) {
      if (tty) {
        out.write(`\r\x1b[2K${progressBar(p, out.columns ?? 80)}`)
        drawn = true
      } else if (changed || now() - lastLog >= intervalMs) {
        lastLog = now()
        out.write(`sync ${p.state}: ${progressText(p)}\n`)
      }
      return
    }
    if (changed && p.state === 'synced') {
      clear()
      out.write(`synced at height ${p.tip.height} (${p.tip.hash.slice(0, 16)}…), ${p.peers.ready} peer${p.peers.ready === 1 ? '' : 's'}\n`)
    } else if (changed) {
      clear()
    }
  }

  sync.addEventListener('progress', onProgress)
  return () => {
    sync.removeEventListener('progress', onProgress)
    clear()
  }
}
