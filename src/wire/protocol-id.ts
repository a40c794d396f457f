import { NETWORK_ID_PATTERN } from '../config/constants.ts'
import { InvalidArgumentError } from '../errors.ts'

/** The prefix of every chainwire protocol id and topic. */
export const PROTOCOL_PREFIX = '/chainwire'

/**
 * The libp2p protocol id of a chainwire protocol:
 * `/chainwire/<network>/<name>/<major>`.
 *
 * @example
 * ```ts
 * protocolId('devnet', 'status', 1) // '/chainwire/devnet/status/1'
 * ```
 */
export function protocolId (network: string, name: string, major: number): string {
  assertNetworkId(network)
  return `${PROTOCOL_PREFIX}/${network}/${name}/${major}`
}

/** The gossipsub topic of a chainwire topic: `/chainwire/<network>/<name>/<major>`. */
export function topicId (network: string, name: string, major = 1): string {
  return protocolId(network, name, major)
}

/** Parse a chainwire protocol id, or return undefined if it is not one. */
export function parseProtocolId (id: string): { network: string, name: string, major: number } | undefined {
  const m = /^\/chainwire\/([a-z0-9][a-z0-9-]*)\/(.+)\/(\d+)$/.exec(id)
  if (m == null) return undefined
  return { network: m[1], name: m[2], major: Number(m[3]) }
}

/** Throw unless `network` is a valid network id. */
export function assertNetworkId (network: string): void {
  if (!NETWORK_ID_PATTERN.test(network)) {
    throw new InvalidArgumentError(`network id must match ${NETWORK_ID_PATTERN}, got ${JSON.stringify(network)}`)
  }
}
