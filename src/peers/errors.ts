/**
 * Errors of the peer manager's operator API (bans). All are local faults, so
 * their verdict is `ignore`: nobody's score changes.
 *
 * @module
 */
import { ChainwireError, InvalidArgumentError } from '../errors.ts'

/** A ban request is malformed: no target, two targets, a bad address, duration or reason. */
export class InvalidBanError extends InvalidArgumentError {
  static override name = 'InvalidBanError'
  /** The request field at fault: `peer`, `ip`, `cidr`, `durationMs` or `reason`. */
  readonly field: string
  constructor (field: string, message: string) {
    super(message)
    this.name = 'InvalidBanError'
    this.field = field
  }
}

/** `unban` was given an id that matches no active ban. */
export class BanNotFoundError extends ChainwireError {
  static override name = 'BanNotFoundError'
  readonly id: string
  constructor (id: string) {
    super(`no ban with id ${JSON.stringify(id)}`)
    this.name = 'BanNotFoundError'
    this.id = id
  }
}

/** The ban list is at its limit and holds only operator bans, which are never dropped. */
export class BanListFullError extends ChainwireError {
  static override name = 'BanListFullError'
  constructor (max: number) {
    super(`ban list holds ${max} operator bans (max ${max}); remove one first`)
    this.name = 'BanListFullError'
  }
}
