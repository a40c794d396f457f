/**
 * IP addresses and CIDR subnets as bytes: parsing, canonical formatting,
 * masking and containment.
 *
 * The peer manager keys bans, caps and netgroups by canonical strings built
 * here, so `::ffff:10.0.0.1`, `10.0.0.1` and `0:0:0:0:0:ffff:a00:1` are one
 * address, and `10.0.0.7/24` is the subnet `10.0.0.0/24`.
 *
 * @module
 */

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address. IPv4-mapped IPv6 is stored as IPv4. */
export interface Ip {
  readonly family: 4 | 6
  readonly bytes: Uint8Array
}

/** A subnet: a network address (host bits zero) and a prefix length. */
export interface Cidr {
  readonly network: Ip
  readonly prefix: number
}

const V4_PART = /^(0|[1-9][0-9]{0,2})$/
const V6_GROUP = /^[0-9a-fA-F]{1,4}$/

function parseV4 (s: string): Uint8Array | undefined {
  const parts = s.split('.')
  if (parts.length !== 4) return undefined
  const out = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    if (!V4_PART.test(parts[i])) return undefined
    const n = Number(parts[i])
    if (n > 255) return undefined
    out[i] = n
  }
  return out
}

function parseV6 (s: string): Uint8Array | undefined {
  if (s.length === 0 || s.length > 45) return undefined
  const halves = s.split('::')
  if (halves.length > 2) return undefined
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return []
    const groups = part.split(':')
    const out: number[] = []
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseV4(g)
        if (v4 == null) return undefined
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3])
      } else {
        if (!V6_GROUP.test(g)) return undefined
        out.push(parseInt(g, 16))
      }
    }
    return out
  }
  const head = parseGroups(halves[0])
  if (head == null) return undefined
  let groups: number[]
  if (halves.length === 2) {
    const tail = parseGroups(halves[1])
    if (tail == null) return undefined
    // an embedded IPv4 may only end the address
    if (halves[0].includes('.')) return undefined
    const missing = 8 - head.length - tail.length
    if (missing < 1) return undefined
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail]
  } else {
    groups = head
  }
  if (groups.length !== 8) return undefined
  const out = new Uint8Array(16)
  for (let i = 0; i < 8; i++) {
    out[i * 2] = groups[i] >> 8
    out[i * 2 + 1] = groups[i] & 0xff
  }
  return out
}

function isV4Mapped (b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false
  return b[10] === 0xff && b[11] === 0xff
}

/**
 * Parse an IPv4 or IPv6 address. A zone (`fe80::1%eth0`) is dropped and an
 * IPv4-mapped IPv6 address becomes IPv4. Returns undefined if `s` is not an
 * address (leading zeros in IPv4 parts are rejected as ambiguous).
 */
export function parseIp (s: string): Ip | undefined {
  if (typeof s !== 'string') return undefined
  if (s.includes(':')) {
    const zone = s.indexOf('%')
    const bytes = parseV6(zone === -1 ? s : s.slice(0, zone))
    if (bytes == null) return undefined
    if (isV4Mapped(bytes)) return { family: 4, bytes: bytes.slice(12) }
    return { family: 6, bytes }
  }
  const bytes = parseV4(s)
  return bytes == null ? undefined : { family: 4, bytes }
}

/** The canonical text form: dotted quad, or RFC 5952 compressed lowercase IPv6. */
export function formatIp (ip: Ip): string {
  const b = ip.bytes
  if (ip.family === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`
  const groups: number[] = []
  for (let i = 0; i < 8; i++) groups.push((b[i * 2] << 8) | b[i * 2 + 1])
  // longest run of two or more zero groups, first one on a tie (RFC 5952 §4.2)
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i }
    i = j
  }
  const hex = groups.map(g => g.toString(16))
  if (bestStart === -1) return hex.join(':')
  const left = hex.slice(0, bestStart).join(':')
  const right = hex.slice(bestStart + bestLen).join(':')
  return `${left}::${right}`
}

/** Bits in an address of this family. */
export function addressBits (family: 4 | 6): number {
  return family === 4 ? 32 : 128
}

/** The address with every bit after the first `prefix` bits set to zero. */
export function maskIp (ip: Ip, prefix: number): Ip {
  const out = new Uint8Array(ip.bytes.length)
  const full = Math.floor(prefix / 8)
  out.set(ip.bytes.subarray(0, full))
  const rem = prefix % 8
  if (rem !== 0 && full < out.length) {
    out[full] = ip.bytes[full] & (0xff << (8 - rem))
  }
  return { family: ip.family, bytes: out }
}

/**
 * Parse `addr/prefix` (or a bare address, meaning a single host). Host bits
 * are cleared, so `10.0.0.7/24` is `10.0.0.0/24`. Returns undefined if the
 * address or prefix is invalid.
 */
export function parseCidr (s: string): Cidr | undefined {
  if (typeof s !== 'string') return undefined
  const slash = s.indexOf('/')
  const addr = slash === -1 ? s : s.slice(0, slash)
  const ip = parseIp(addr)
  if (ip == null) return undefined
  const max = addressBits(ip.family)
  let prefix = max
  if (slash !== -1) {
    const p = s.slice(slash + 1)
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined
    prefix = Number(p)
    // an IPv4-mapped IPv6 subnet (::ffff:10.0.0.0/120) is written in IPv6 bits
    if (ip.family === 4 && addr.includes(':')) prefix -= 96
    if (prefix < 0 || prefix > max) return undefined
  }
  return { network: maskIp(ip, prefix), prefix }
}

/** The canonical text form of a subnet, e.g. `10.0.0.0/24`. */
export function formatCidr (cidr: Cidr): string {
  return `${formatIp(cidr.network)}/${cidr.prefix}`
}

/** True when `ip` lies inside `cidr`. Different families never match. */
export function cidrContains (cidr: Cidr, ip: Ip): boolean {
  if (cidr.network.family !== ip.family) return false
  const masked = maskIp(ip, cidr.prefix)
  const a = masked.bytes
  const b = cidr.network.bytes
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The canonical string of the subnet of length `prefix` that holds `ip`. */
export function subnetKey (ip: Ip, prefix: number): string {
  return formatCidr({ network: maskIp(ip, prefix), prefix })
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopback (ip: Ip): boolean {
  if (ip.family === 4) return ip.bytes[0] === 127
  for (let i = 0; i < 15; i++) if (ip.bytes[i] !== 0) return false
  return ip.bytes[15] === 1
}
