/**
 * Proof-of-work search and the devnet miner.
 *
 * The miner hashes on the main thread in batches of {@link MINER_BATCH_MS}
 * and yields with `setImmediate` between batches, rather than in a worker
 * thread. Reasons: (1) tests and `devnet --nodes N` run several nodes in one
 * process on two cores, and a worker per miner would take a core away from
 * networking instead of sharing one; (2) the devnet difficulty is calibrated
 * for one core anyway, and a restart on a new tip is immediate (the next batch
 * sees it) with no message passing or template copying; (3) one code path for
 * Node and the browser. The cost is an event-loop delay of at most one batch
 * (10 ms) while mining.
 *
 * Pacing (`targetIntervalMs`): with each new tip the miner draws a delay from
 * an exponential distribution with that mean and holds a block it found until
 * the delay has passed (a new tip cancels it). With trivial difficulty
 * (regtest) blocks then arrive as a Poisson process at the chosen rate; with
 * real difficulty (devnet, pacing 0 by default) the retarget sets the rate.
 *
 * @module
 */
import { TypedEventEmitter } from '@libp2p/interface'
import { HEADER_NONCE_OFFSET, LOG_COMPONENT, MINER_BATCH_MS, MINER_CHECK_EVERY, MINER_TEMPLATE_REFRESH_MS } from './constants.ts'
import { sha256d } from './crypto.ts'
import { decodeAddress } from './address.ts'
import { makeBlock } from './block.ts'
import { decodeHeader, encodeHeader } from './header.ts'
import type { BlockHeader } from './header.ts'
import { hashMeetsTarget, targetInfo } from './pow.ts'
import type { Devchain } from './devchain.ts'
import { noopLogger } from './logger.ts'
import { toHex } from './codec.ts'
import { InvalidArgumentError } from '../errors.ts'
import { ChainBusyError } from './errors.ts'
import type { ComponentLogger, TypedEventTarget } from '@libp2p/interface'

/**
 * Search nonces `start .. start+count-1` for one whose header hash meets the
 * target. `header` is the serialised header, rewritten in place. Returns the
 * nonce, or -1.
 */
export function searchNonce (header: Uint8Array, targetBytes: Uint8Array, start: number, count: number): number {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength)
  const end = Math.min(start + count, 0x100000000)
  for (let nonce = start; nonce < end; nonce++) {
    view.setUint32(HEADER_NONCE_OFFSET, nonce, true)
    if (hashMeetsTarget(sha256d(header), targetBytes)) return nonce
  }
  return -1
}

/** Options of {@link mineHeader}. */
export interface MineOptions {
  signal?: AbortSignal
  /** Stop early when this returns true (checked between batches). */
  isStale?: () => boolean
  /** Hashing time per batch before yielding. @default MINER_BATCH_MS */
  batchMs?: number
  /** Called with the number of hashes done after each batch. */
  onHashes?: (n: number) => void
}

/**
 * Find a nonce for `header`, yielding to the event loop between batches.
 * When the nonce space runs out the time is bumped by one second. Returns the
 * solved header, or undefined if aborted or stale.
 */
export async function mineHeader (header: BlockHeader, options: MineOptions = {}): Promise<BlockHeader | undefined> {
  const info = targetInfo(header.bits)
  if (info === undefined) throw new InvalidArgumentError(`bits 0x${header.bits.toString(16)} is not a valid target`)
  const batchMs = options.batchMs ?? MINER_BATCH_MS
  let bytes = encodeHeader(header)
  let nonce = header.nonce
  for (;;) {
    if (options.signal?.aborted === true || options.isStale?.() === true) return undefined
    const deadline = performance.now() + batchMs
    let hashes = 0
    do {
      const found = searchNonce(bytes, info.bytes, nonce, MINER_CHECK_EVERY)
      if (found >= 0) {
        options.onHashes?.(hashes + (found - nonce) + 1)
        return decodeHeader(new Uint8Array(bytes))
      }
      const done = Math.min(MINER_CHECK_EVERY, 0x100000000 - nonce)
      hashes += done
      nonce += done
      if (nonce >= 0x100000000) {
        const h = decodeHeader(bytes)
        bytes = encodeHeader({ ...h, time: h.time + 1, nonce: 0 })
        nonce = 0
      }
    } while (performance.now() < deadline)
    options.onHashes?.(hashes)
    await new Promise<void>(resolve => setImmediate(resolve))
  }
}

/** Events of a {@link Miner}. */
export interface MinerEvents {
  /** A block was found and submitted. */
  block: CustomEvent<{ hash: string, height: number, status: string }>
}

/** Mining statistics. */
export interface MinerStats {
  running: boolean
  blocks: number
  hashes: number
  /** Hashes per second while hashing. */
  hashRate: number
}

/** A running miner. */
export interface Miner extends TypedEventTarget<MinerEvents> {
  start (): void
  /** Stop and wait for the current batch to end. */
  stop (): Promise<void>
  stats (): MinerStats
}

/** Options and components of {@link createMiner}. */
export interface MinerInit {
  chain: Devchain
  /** Address (or raw 20-byte pkh) the coinbase pays. */
  address: string | Uint8Array
  /** Mean pacing between blocks; 0 = pure proof of work. @default the network's DEFAULT_MINER_INTERVAL_MS */
  targetIntervalMs?: number
  /** Aborting stops the miner. */
  signal?: AbortSignal
  logger?: ComponentLogger
  /** Milliseconds since the epoch. @default Date.now */
  clock?: () => number
  /** Uniform [0,1) source for pacing. @default Math.random */
  random?: () => number
}

class MinerImpl extends TypedEventEmitter<MinerEvents> implements Miner {
  readonly #chain: Devchain
  readonly #pkh: Uint8Array
  readonly #interval: number
  readonly #clock: () => number
  readonly #random: () => number
  readonly #log
  #running = false
  #loop: Promise<void> | undefined
  #stopController = new AbortController()
  #tipController = new AbortController()
  #tipSeenAt = 0
  #mempoolDirty = false
  #blocks = 0
  #hashes = 0
  #hashMs = 0
  readonly #onTip = (): void => {
    this.#tipSeenAt = this.#clock()
    this.#tipController.abort()
    this.#tipController = new AbortController()
  }

  readonly #onTx = (): void => { this.#mempoolDirty = true }

  constructor (init: MinerInit, interval: number) {
    super()
    this.#chain = init.chain
    this.#pkh = typeof init.address === 'string' ? decodeAddress(init.chain.networkId, init.address) : new Uint8Array(init.address)
    this.#interval = interval
    this.#clock = init.clock ?? Date.now
    this.#random = init.random ?? Math.random
    this.#log = (init.logger ?? noopLogger()).forComponent(`${LOG_COMPONENT}:miner`)
    init.signal?.addEventListener('abort', () => { void this.stop() }, { once: true })
  }

  start (): void {
    if (this.#running) return
    this.#running = true
    this.#stopController = new AbortController()
    this.#tipSeenAt = this.#clock()
    this.#chain.addEventListener('tip', this.#onTip)
    this.#chain.addEventListener('tx:added', this.#onTx)
    this.#loop = this.#run()
      .catch(err => { this.#log.error('miner stopped on error: %e', err) })
      .finally(() => { this.#halt() })
  }

  async stop (): Promise<void> {
    this.#halt()
    await this.#loop
  }

  #halt (): void {
    if (!this.#running) return
    this.#running = false
    this.#stopController.abort()
    this.#tipController.abort()
    this.#chain.removeEventListener('tip', this.#onTip)
    this.#chain.removeEventListener('tx:added', this.#onTx)
  }

  stats (): MinerStats {
    return { running: this.#running, blocks: this.#blocks, hashes: this.#hashes, hashRate: this.#hashMs > 0 ? Math.round(this.#hashes / this.#hashMs * 1000) : 0 }
  }

  #delay (): number {
    if (this.#interval <= 0) return 0
    return -Math.log(1 - this.#random()) * this.#interval
  }

  async #run (): Promise<void> {
    let notBefore = this.#tipSeenAt + this.#delay()
    let pacedTip = this.#chain.tip().hash
    while (this.#running) {
      const tip = this.#chain.tip()
      if (toHex(tip.hash) !== toHex(pacedTip)) {
        pacedTip = tip.hash
        notBefore = this.#tipSeenAt + this.#delay()
      }
      const tipSignal = this.#tipController.signal
      this.#mempoolDirty = false
      const template = await this.#chain.createBlockTemplate({ pkh: this.#pkh })
      const built = this.#clock()
      const started = performance.now()
      const header = await mineHeader(template.header, {
        signal: AbortSignal.any([this.#stopController.signal, tipSignal]),
        isStale: () => this.#mempoolDirty && this.#clock() - built > MINER_TEMPLATE_REFRESH_MS,
        onHashes: (n) => { this.#hashes += n }
      })
      this.#hashMs += performance.now() - started
      if (header === undefined) continue
      const wait = notBefore - this.#clock()
      if (wait > 0) {
        const ok = await sleep(wait, AbortSignal.any([this.#stopController.signal, tipSignal]))
        if (!ok) continue
      }
      if (!this.#running) break
      const block = makeBlock(header, template.txs)
      let res
      try {
        res = await this.#chain.submitBlock(block.bytes)
      } catch (err) {
        // our own chain is overloaded: drop this block and go again; anything else stops the miner
        if (err instanceof Error && err.name === ChainBusyError.name) {
          this.#log('chain busy, dropping mined block %d', header.height)
          continue
        }
        throw err
      }
      if (res.status === 'accepted') this.#blocks++
      else this.#log.error('mined block was not accepted: %s', res.status === 'invalid' ? res.error.message : res.status)
      this.safeDispatchEvent('block', { detail: { hash: toHex(block.hash), height: header.height, status: res.status } })
    }
  }
}

function sleep (ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise(resolve => {
    if (signal.aborted) { resolve(false); return }
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Create a miner that mines on the chain's tip, paying `address`, including
 * mempool transactions by fee rate, and restarting on every new tip.
 *
 * @example
 * ```ts
 * const miner = createMiner({ chain, address: wallet.address, targetIntervalMs: 1000 })
 * miner.start()
 * // …
 * await miner.stop()
 * ```
 */
export function createMiner (init: MinerInit): Miner {
  const interval = init.targetIntervalMs ?? init.chain.defaultMinerIntervalMs
  if (!Number.isFinite(interval) || interval < 0) throw new InvalidArgumentError(`targetIntervalMs must be a non-negative number, got ${interval}`)
  return new MinerImpl(init, interval)
}
