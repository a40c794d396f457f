/**
 * Goodbye reasons and their wire codes. The wire layer encodes the code; a
 * code we do not know decodes to `undefined` (log it, do not fail).
 *
 * @module
 */
import { GOODBYE_CODES } from './constants.ts'
import type { GoodbyeReason } from './types.ts'

const BY_CODE = new Map<number, GoodbyeReason>(
  (Object.entries(GOODBYE_CODES) as Array<[GoodbyeReason, number]>).map(([reason, code]) => [code, reason])
)

/** The wire code of a goodbye reason. */
export function goodbyeCode (reason: GoodbyeReason): number {
  return GOODBYE_CODES[reason]
}

/** The reason of a wire code, or undefined for a code we do not know. */
export function goodbyeReason (code: number): GoodbyeReason | undefined {
  return BY_CODE.get(code)
}
