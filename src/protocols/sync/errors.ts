/**
 * Errors of block sync. Each names what the peer did and carries the
 * consequence for it.
 *
 * @module
 */
import { ChainwireError } from '../../errors.ts'
import type { Verdict } from '../../errors.ts'

/**
 * Headers that build on nothing we know. In answer to our get_headers this
 * is a protocol violation (the answer must follow a locator hash), so fatal;
 * in announcements it is tolerated MAX_UNCONNECTING_ANNOUNCEMENTS times.
 */
export class UnconnectedHeadersError extends ChainwireError {
  static override name = 'UnconnectedHeadersError'
  constructor (message: string, verdict: Verdict = 'fatal') {
    super(message, verdict)
    this.name = 'UnconnectedHeadersError'
  }
}

/** A header chain that never gets more work than our own best block: low-work header spam. */
export class LowWorkHeadersError extends ChainwireError {
  static override name = 'LowWorkHeadersError'
  constructor (message: string) {
    super(message, 'fatal')
    this.name = 'LowWorkHeadersError'
  }
}

/** The peer's header chain ended with less work than its status claimed (still more than ours). */
export class ClaimedWorkError extends ChainwireError {
  static override name = 'ClaimedWorkError'
  constructor (message: string) {
    super(message, 'low')
    this.name = 'ClaimedWorkError'
  }
}

/** More headers than we asked for. */
export class TooManyHeadersError extends ChainwireError {
  static override name = 'TooManyHeadersError'
  constructor (message: string) {
    super(message, 'fatal')
    this.name = 'TooManyHeadersError'
  }
}

/**
 * A block that is not the one its header promised. `fatal` when it cannot be
 * an honest mistake (undecodable, wrong height, not linked to the block before
 * it in the same response); `low` when it is a well-formed block of another
 * branch (the peer may have reorganised since it told us its chain).
 */
export class WrongBlockError extends ChainwireError {
  static override name = 'WrongBlockError'
  constructor (message: string, verdict: Verdict) {
    super(message, verdict)
    this.name = 'WrongBlockError'
  }
}

/** A peer sent nothing for a range within its stall timeout. `high` the first time, `mid` when it repeats. */
export class SyncStallError extends ChainwireError {
  static override name = 'SyncStallError'
  constructor (message: string, verdict: Verdict = 'high') {
    super(message, verdict)
    this.name = 'SyncStallError'
  }
}
