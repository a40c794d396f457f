/**
 * What a remote address means for limits and diversity: its IP, the subnets
 * whose connection caps it counts against, and its netgroup.
 *
 * The netgroup follows Bitcoin Core's `NetGroupManager::GetGroup`: the /16
 * of an IPv4 address and the /32 of an IPv6 address. Unlike Bitcoin Core we
 * do not lump loopback and private addresses into one group, so LAN and
 * loopback test networks (127.1.x.x vs 127.2.x.x) still exercise diversity and
 * eviction. A relayed connection is grouped by its relay, since the relay is
 * the thing an attacker would have to control.
 *
 * @module
 */
import { CODE_DNS, CODE_DNS4, CODE_DNS6, CODE_DNSADDR, CODE_IP4, CODE_IP6, CODE_P2P, CODE_P2P_CIRCUIT } from '@multiformats/multiaddr'
import { IPV6_HOST_PREFIX } from './constants.ts'
import { formatIp, parseIp, subnetKey } from './ip.ts'
import type { Ip } from './ip.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The connection caps an address counts against. */
export type LimitKind = 'per-ip' | 'per-ipv4-24' | 'per-ipv4-16' | 'per-ipv6-48'

/** One cap bucket: its kind and the subnet key, e.g. `per-ipv4-24` / `10.1.2.0/24`. */
export interface LimitBucket {
  kind: LimitKind
  key: string
}

/** An address taken apart for limits and diversity. */
export interface AddressInfo {
  /** The remote IP, absent for relayed and DNS-only addresses. */
  ip?: Ip
  /** Canonical string of `ip`. */
  ipString?: string
  /** True for `/p2p-circuit` addresses. */
  relayed: boolean
  /** Diversity group. */
  netgroup: string
  /** The narrow subnet (`/24` IPv4, `/48` IPv6) shown to operators. */
  subnet?: string
  /** The cap buckets this address counts against (none when relayed or without an IP). */
  buckets: LimitBucket[]
}

/** The netgroup of an IP: its /16 (IPv4) or /32 (IPv6), as Bitcoin Core's GetGroup. */
export function netgroupOf (ip: Ip): string {
  return subnetKey(ip, ip.family === 4 ? 16 : 32)
}

/** The cap buckets of an IP. */
export function bucketsOf (ip: Ip): LimitBucket[] {
  if (ip.family === 4) {
    return [
      { kind: 'per-ip', key: formatIp(ip) },
      { kind: 'per-ipv4-24', key: subnetKey(ip, 24) },
      { kind: 'per-ipv4-16', key: subnetKey(ip, 16) }
    ]
  }
  return [
    { kind: 'per-ip', key: subnetKey(ip, IPV6_HOST_PREFIX) },
    { kind: 'per-ipv6-48', key: subnetKey(ip, 48) }
  ]
}

/** Describe an IP address (no multiaddr). */
export function ipInfo (ip: Ip): AddressInfo {
  return {
    ip,
    ipString: formatIp(ip),
    relayed: false,
    netgroup: netgroupOf(ip),
    subnet: subnetKey(ip, ip.family === 4 ? 24 : 48),
    buckets: bucketsOf(ip)
  }
}

/** Multiaddrs are immutable, so their analysis is cached for as long as they live. */
const cache = new WeakMap<Multiaddr, AddressInfo>()

/** Take a remote multiaddr apart for limits and diversity. Never throws. The result is shared: do not mutate it. */
export function addressInfo (addr: Multiaddr): AddressInfo {
  let info = cache.get(addr)
  if (info == null) {
    info = analyse(addr)
    cache.set(addr, info)
  }
  return info
}

function analyse (addr: Multiaddr): AddressInfo {
  let components: ReturnType<Multiaddr['getComponents']>
  try {
    components = addr.getComponents()
  } catch {
    return { relayed: false, netgroup: 'unknown', buckets: [] }
  }
  const circuit = components.findIndex(c => c.code === CODE_P2P_CIRCUIT)
  if (circuit !== -1) {
    // group by the relay: /ip4/<relay ip>/tcp/<port>/p2p/<relay id>/p2p-circuit/p2p/<peer>
    const relay = components.slice(0, circuit).findLast(c => c.code === CODE_P2P)?.value
    return { relayed: true, netgroup: `relay:${relay ?? 'unknown'}`, buckets: [] }
  }
  const first = components[0]
  if (first != null && (first.code === CODE_IP4 || first.code === CODE_IP6) && first.value != null) {
    const ip = parseIp(first.value)
    if (ip != null) return ipInfo(ip)
  }
  // an ip6zone component precedes the ip6 one
  const ip6 = components.find(c => c.code === CODE_IP6)
  if (ip6?.value != null) {
    const ip = parseIp(ip6.value)
    if (ip != null) return ipInfo(ip)
  }
  if (first != null && (first.code === CODE_DNS || first.code === CODE_DNS4 || first.code === CODE_DNS6 || first.code === CODE_DNSADDR)) {
    return { relayed: false, netgroup: `dns:${(first.value ?? '').toLowerCase()}`, buckets: [] }
  }
  return { relayed: false, netgroup: 'unknown', buckets: [] }
}
