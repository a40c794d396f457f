/**
 * Errors of the reference chain. One class per rule family; each carries the
 * `rule` it broke and a {@link Verdict}: the penalty hint for the peer that
 * sent the offending bytes.
 *
 * @module
 */
import { ChainwireError } from '../errors.ts'
import type { Verdict } from '../errors.ts'

/** Why bytes could not be decoded. Always verdict `fatal`: honest peers send canonical encodings. */
export type DecodeRule =
  | 'truncated'
  | 'trailing-bytes'
  | 'non-canonical-varint'
  | 'varint-overflow'
  | 'too-large'
  | 'too-many-items'
  | 'bad-length'

/** Bytes are not a canonical encoding of a header, transaction or block. */
export class MalformedError extends ChainwireError {
  static override name = 'MalformedError'
  readonly rule: DecodeRule
  constructor (rule: DecodeRule, message: string) {
    super(message, 'fatal')
    this.name = 'MalformedError'
    this.rule = rule
  }
}

/** Header rules. */
export type HeaderRule =
  | 'bad-pow'
  | 'bad-bits'
  | 'bits-below-minimum'
  | 'bad-bits-transition'
  | 'unexpected-bits'
  | 'bad-prev'
  | 'bad-height'
  | 'time-too-old'
  | 'time-too-new'
  | 'too-many-headers'
  | 'known-invalid'

/** A header breaks a consensus rule. */
export class InvalidHeaderError extends ChainwireError {
  static override name = 'InvalidHeaderError'
  readonly rule: HeaderRule
  /** Position of the header in the batch given to `validateHeaders`, when there was one. */
  readonly index?: number
  constructor (rule: HeaderRule, message: string, verdict: Verdict = 'fatal', index?: number) {
    super(message, verdict)
    this.name = 'InvalidHeaderError'
    this.rule = rule
    this.index = index
  }
}

/** Transaction rules, in a block or in the mempool. */
export type TxRule =
  | 'no-inputs'
  | 'no-outputs'
  | 'too-large'
  | 'duplicate-input'
  | 'bad-unlock'
  | 'amount-out-of-range'
  | 'overspend'
  | 'missing-inputs'
  | 'input-spent'
  | 'double-spend'
  | 'bad-signature'
  | 'pubkey-mismatch'
  | 'immature-coinbase-spend'
  | 'unexpected-coinbase'
  | 'bad-coinbase'

/** A transaction breaks a rule. The verdict depends on where it was found (see the mempool). */
export class InvalidTxError extends ChainwireError {
  static override name = 'InvalidTxError'
  readonly rule: TxRule
  constructor (rule: TxRule, message: string, verdict: Verdict = 'fatal') {
    super(message, verdict)
    this.name = 'InvalidTxError'
    this.rule = rule
  }
}

/** Block rules. A transaction rule broken inside a block makes the block invalid under the same rule name. */
export type BlockRule =
  | TxRule
  | 'bad-merkle-root'
  | 'too-large'
  | 'too-many-sigops'
  | 'no-coinbase'
  | 'extra-coinbase'
  | 'bad-coinbase-height'
  | 'coinbase-too-large'
  | 'duplicate-tx'
  | 'invalid-ancestor'
  | 'known-invalid'

/** A block breaks a consensus rule. */
export class InvalidBlockError extends ChainwireError {
  static override name = 'InvalidBlockError'
  readonly rule: BlockRule
  /** Index of the offending transaction in the block, when one was at fault. */
  readonly txIndex?: number
  constructor (rule: BlockRule, message: string, verdict: Verdict = 'fatal', txIndex?: number, options?: ErrorOptions) {
    super(message, verdict, options)
    this.name = 'InvalidBlockError'
    this.rule = rule
    this.txIndex = txIndex
  }
}

/** The chain is overloaded or closing; the operation was not attempted. Verdict `ignore`. */
export class ChainBusyError extends ChainwireError {
  static override name = 'ChainBusyError'
  constructor (message: string) {
    super(message, 'ignore')
    this.name = 'ChainBusyError'
  }
}

/** Store problems found on open or during a write: corruption, another network's data dir. */
export type StoreRule = 'network-mismatch' | 'corrupt' | 'closed' | 'open-failed'

/** The chain store is unusable. Local fault, never a peer's. */
export class ChainStoreError extends ChainwireError {
  static override name = 'ChainStoreError'
  readonly rule: StoreRule
  constructor (rule: StoreRule, message: string, options?: ErrorOptions) {
    super(message, 'ignore', options)
    this.name = 'ChainStoreError'
    this.rule = rule
  }
}

/** Wallet rules. */
export type WalletRule = 'no-key' | 'key-exists' | 'bad-key-file' | 'bad-address' | 'bad-amount' | 'insufficient-funds' | 'too-many-inputs'

/** A wallet operation failed. Local fault, never a peer's. */
export class WalletError extends ChainwireError {
  static override name = 'WalletError'
  readonly rule: WalletRule
  constructor (rule: WalletRule, message: string, options?: ErrorOptions) {
    super(message, 'ignore', options)
    this.name = 'WalletError'
    this.rule = rule
  }
}
