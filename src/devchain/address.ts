/**
 * Human-readable addresses: `<network>:<hex pkh><hex checksum>`, where the
 * 4-byte checksum is the start of `sha256d(network || pkh)`. The checksum
 * binds the address to its network, so a devnet address pasted into a regtest
 * wallet is rejected even if its prefix was edited.
 *
 * @module
 */
import { bytesEqual, concat, fromHex, toHex } from './codec.ts'
import { PKH_BYTES } from './constants.ts'
import { sha256d } from './crypto.ts'
import { WalletError } from './errors.ts'

function checksum (network: string, pkh: Uint8Array): Uint8Array {
  return sha256d(concat([new TextEncoder().encode(network), pkh])).subarray(0, 4)
}

/** The address of a public-key hash on a network. */
export function encodeAddress (network: string, pkh: Uint8Array): string {
  return `${network}:${toHex(pkh)}${toHex(checksum(network, pkh))}`
}

/** The public-key hash of an address. Throws {@link WalletError} `bad-address`. */
export function decodeAddress (network: string, address: string): Uint8Array {
  if (typeof address !== 'string') throw new WalletError('bad-address', 'address must be a string')
  const sep = address.lastIndexOf(':')
  const prefix = address.slice(0, sep)
  if (sep < 0 || prefix !== network) throw new WalletError('bad-address', `address ${JSON.stringify(address)} is not a ${network} address`)
  const body = fromHex(address.slice(sep + 1))
  if (body?.length !== PKH_BYTES + 4) throw new WalletError('bad-address', `address ${JSON.stringify(address)} must carry ${PKH_BYTES + 4} hex bytes`)
  const pkh = body.subarray(0, PKH_BYTES)
  if (!bytesEqual(checksum(network, pkh), body.subarray(PKH_BYTES))) throw new WalletError('bad-address', `address ${JSON.stringify(address)} has a bad checksum`)
  return new Uint8Array(pkh)
}
