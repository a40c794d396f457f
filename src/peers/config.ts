/**
 * Options of the peer manager and its gater, and their resolution: defaults
 * are applied once, here, and every value is checked.
 *
 * @module
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { InvalidConfigError } from '../errors.ts'
import {
  ANCHORS_KEY,
  BANS_KEY_PREFIX,
  DEFAULT_BAN_THRESHOLD,
  DEFAULT_DIAL_BACKOFF_BASE_MS,
  DEFAULT_DIAL_BACKOFF_MAX_MS,
  DEFAULT_DISCONNECT_THRESHOLD,
  DEFAULT_DISCOURAGE_MS,
  DEFAULT_FATAL_BAN_MS,
  DEFAULT_MAINTENANCE_INTERVAL_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_INBOUND,
  DEFAULT_MAX_INBOUND_PER_IP,
  DEFAULT_MAX_INBOUND_PER_IPV4_16,
  DEFAULT_MAX_INBOUND_PER_IPV4_24,
  DEFAULT_MAX_INBOUND_PER_IPV6_48,
  DEFAULT_MAX_PARALLEL_DIALS,
  DEFAULT_MAX_PENDING_INBOUND,
  DEFAULT_MAX_PER_PEER,
  DEFAULT_OUTBOUND_DIAL_TIMEOUT_MS,
  DEFAULT_OUTBOUND_TARGET,
  DEFAULT_PREFER_EVICT_SCORE,
  DEFAULT_SCORE_BAN_MS,
  DEFAULT_SCORE_HALF_LIFE_MS,
  GOODBYE_TIMEOUT_MS,
  MAX_ALLOW_LIST,
  MAX_ANCHORS,
  MAX_BANS,
  MAX_BAN_DURATION_MS,
  MAX_SCORE,
  MAX_TRACKED_SCORES,
  MIN_SCORE
} from './constants.ts'
import { DEFAULT_EVICTION_PROTECTION } from './eviction.ts'
import { parseCidr } from './ip.ts'
import type { EvictionProtection } from './eviction.ts'
import type { Cidr } from './ip.ts'
import type { LimitKind } from './netgroup.ts'

/** Options of the peer manager and gater. Plain data. Every field is optional. */
export interface PeerManagerInit {
  /** Established connections, both directions. @default 125 */
  maxConnections?: number
  /** Established inbound connections; beyond it a newcomer evicts someone or is refused. @default 115 */
  maxInbound?: number
  /** Inbound connections still in the handshake. @default 10 */
  maxPendingInbound?: number
  /** Outbound connections the maintenance round keeps. @default 8 */
  outboundTarget?: number
  /** Connections per peer (relayed ones excepted). @default 1 */
  maxPerPeer?: number
  /** Inbound connections per IPv4 address or IPv6 /64. @default 16 */
  maxInboundPerIp?: number
  /** Inbound connections per IPv4 /24. @default 32 */
  maxInboundPerIpv4Subnet24?: number
  /** Inbound connections per IPv4 /16. @default 64 */
  maxInboundPerIpv4Subnet16?: number
  /** Inbound connections per IPv6 /48. @default 64 */
  maxInboundPerIpv6Subnet48?: number
  /**
   * Peer ids and IP addresses or subnets (`10.0.0.0/8`, `::1`) that bypass
   * every cap and are never evicted or banned automatically (Bitcoin Core's
   * `noban` permission). Addresses bypass the per-IP and per-subnet caps,
   * which are enforced before the handshake reveals the peer id; a peer id
   * bypasses the rest (inbound full, max connections, per peer).
   */
  allowList?: string[]
  /** @default 600000 (10 min) */
  scoreHalfLifeMs?: number
  /** @default -20 */
  disconnectThreshold?: number
  /** @default -50 */
  banThreshold?: number
  /** @default -10 */
  preferEvictScore?: number
  /** Ban after a fatal verdict. @default 86400000 (24 h) */
  fatalBanMs?: number
  /** Ban after the score fell to the ban threshold. @default 1800000 (30 min) */
  scoreBanMs?: number
  /** How long the address of a banned peer stays discouraged. @default 86400000 (24 h) */
  discourageMs?: number
  /** @default 10000 */
  maxBans?: number
  /** @default 4096 */
  maxTrackedScores?: number
  /** Maintenance round interval; 0 runs no timer (call `maintain()` yourself). @default 5000 */
  maintenanceIntervalMs?: number
  /** @default 4 */
  maxParallelDials?: number
  /** @default 10000 */
  outboundDialTimeoutMs?: number
  /** @default 5000 */
  dialBackoffBaseMs?: number
  /** @default 600000 (10 min) */
  dialBackoffMaxMs?: number
  /** Outbound peers saved at stop and dialed first at start; 0 disables anchors. @default 2 */
  maxAnchors?: number
  /** @default 1000 */
  goodbyeTimeoutMs?: number
  /** Eviction protection counts (Bitcoin Core's by default). */
  evictionProtection?: Partial<EvictionProtection>
  /** Datastore key prefix of bans. @default '/chainwire/bans' */
  bansKeyPrefix?: string
  /** Datastore key of the anchors record. @default '/chainwire/anchors' */
  anchorsKey?: string
}

/** Resolved, validated options. */
export interface PeerConfig {
  maxConnections: number
  maxInbound: number
  maxPendingInbound: number
  outboundTarget: number
  maxPerPeer: number
  caps: Record<LimitKind, number>
  allowPeers: ReadonlySet<string>
  allowCidrs: readonly Cidr[]
  scoreHalfLifeMs: number
  disconnectThreshold: number
  banThreshold: number
  preferEvictScore: number
  fatalBanMs: number
  scoreBanMs: number
  discourageMs: number
  maxBans: number
  maxTrackedScores: number
  maintenanceIntervalMs: number
  maxParallelDials: number
  outboundDialTimeoutMs: number
  dialBackoffBaseMs: number
  dialBackoffMaxMs: number
  maxAnchors: number
  goodbyeTimeoutMs: number
  evictionProtection: EvictionProtection
  bansKeyPrefix: string
  anchorsKey: string
}

function int (field: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = value ?? fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidConfigError(`peers.${field}`, `peers.${field} must be an integer in [${min}, ${max}], got ${String(v)}`)
  }
  return v
}

function keyPrefix (field: string, value: string | undefined, fallback: string): string {
  const v = value ?? fallback
  if (typeof v !== 'string' || !/^(\/[A-Za-z0-9._-]+)+$/.test(v)) {
    throw new InvalidConfigError(`peers.${field}`, `peers.${field} must be a datastore key like /a/b, got ${JSON.stringify(v)}`)
  }
  return v
}

/**
 * Apply defaults and check every option.
 *
 * @throws InvalidConfigError - naming the offending field, e.g. `peers.maxInbound`
 */
export function resolvePeerConfig (init: PeerManagerInit = {}): PeerConfig {
  const maxConnections = int('maxConnections', init.maxConnections, DEFAULT_MAX_CONNECTIONS, 1)
  const maxInbound = int('maxInbound', init.maxInbound, Math.min(DEFAULT_MAX_INBOUND, maxConnections), 0, maxConnections)
  const outboundTarget = int('outboundTarget', init.outboundTarget, Math.min(DEFAULT_OUTBOUND_TARGET, maxConnections), 0, maxConnections)
  const disconnectThreshold = int('disconnectThreshold', init.disconnectThreshold, DEFAULT_DISCONNECT_THRESHOLD, MIN_SCORE, MAX_SCORE - 1)
  const banThreshold = int('banThreshold', init.banThreshold, DEFAULT_BAN_THRESHOLD, MIN_SCORE, disconnectThreshold)

  const allowList = init.allowList ?? []
  if (!Array.isArray(allowList) || allowList.length > MAX_ALLOW_LIST) {
    throw new InvalidConfigError('peers.allowList', `peers.allowList must be an array of at most ${MAX_ALLOW_LIST} entries`)
  }
  const allowPeers = new Set<string>()
  const allowCidrs: Cidr[] = []
  for (const entry of allowList) {
    const cidr = typeof entry === 'string' ? parseCidr(entry) : undefined
    if (cidr != null) {
      allowCidrs.push(cidr)
      continue
    }
    try {
      allowPeers.add(peerIdFromString(String(entry)).toString())
    } catch {
      throw new InvalidConfigError('peers.allowList', `peers.allowList entry ${JSON.stringify(entry)} is neither a peer id nor an IP address or subnet`)
    }
  }

  const protection = { ...DEFAULT_EVICTION_PROTECTION, ...(init.evictionProtection ?? {}) }
  for (const k of ['netgroup', 'latency', 'tx', 'block'] as const) {
    int(`evictionProtection.${k}`, protection[k], 0, 0, 1000)
  }
  if (typeof protection.uptimeRatio !== 'number' || !(protection.uptimeRatio >= 0 && protection.uptimeRatio <= 1)) {
    throw new InvalidConfigError('peers.evictionProtection.uptimeRatio', 'peers.evictionProtection.uptimeRatio must be in [0, 1]')
  }

  const config: PeerConfig = {
    maxConnections,
    maxInbound,
    maxPendingInbound: int('maxPendingInbound', init.maxPendingInbound, DEFAULT_MAX_PENDING_INBOUND, 1),
    outboundTarget,
    maxPerPeer: int('maxPerPeer', init.maxPerPeer, DEFAULT_MAX_PER_PEER, 1, 16),
    caps: {
      'per-ip': int('maxInboundPerIp', init.maxInboundPerIp, DEFAULT_MAX_INBOUND_PER_IP, 1),
      'per-ipv4-24': int('maxInboundPerIpv4Subnet24', init.maxInboundPerIpv4Subnet24, DEFAULT_MAX_INBOUND_PER_IPV4_24, 1),
      'per-ipv4-16': int('maxInboundPerIpv4Subnet16', init.maxInboundPerIpv4Subnet16, DEFAULT_MAX_INBOUND_PER_IPV4_16, 1),
      'per-ipv6-48': int('maxInboundPerIpv6Subnet48', init.maxInboundPerIpv6Subnet48, DEFAULT_MAX_INBOUND_PER_IPV6_48, 1)
    },
    allowPeers,
    allowCidrs,
    scoreHalfLifeMs: int('scoreHalfLifeMs', init.scoreHalfLifeMs, DEFAULT_SCORE_HALF_LIFE_MS, 1),
    disconnectThreshold,
    banThreshold,
    preferEvictScore: int('preferEvictScore', init.preferEvictScore, DEFAULT_PREFER_EVICT_SCORE, MIN_SCORE, MAX_SCORE),
    fatalBanMs: int('fatalBanMs', init.fatalBanMs, DEFAULT_FATAL_BAN_MS, 1, MAX_BAN_DURATION_MS),
    scoreBanMs: int('scoreBanMs', init.scoreBanMs, DEFAULT_SCORE_BAN_MS, 1, MAX_BAN_DURATION_MS),
    discourageMs: int('discourageMs', init.discourageMs, DEFAULT_DISCOURAGE_MS, 0, MAX_BAN_DURATION_MS),
    maxBans: int('maxBans', init.maxBans, MAX_BANS, 1, 1_000_000),
    maxTrackedScores: int('maxTrackedScores', init.maxTrackedScores, MAX_TRACKED_SCORES, maxConnections + 1),
    maintenanceIntervalMs: int('maintenanceIntervalMs', init.maintenanceIntervalMs, DEFAULT_MAINTENANCE_INTERVAL_MS, 0),
    maxParallelDials: int('maxParallelDials', init.maxParallelDials, DEFAULT_MAX_PARALLEL_DIALS, 1, 64),
    outboundDialTimeoutMs: int('outboundDialTimeoutMs', init.outboundDialTimeoutMs, DEFAULT_OUTBOUND_DIAL_TIMEOUT_MS, 1),
    dialBackoffBaseMs: int('dialBackoffBaseMs', init.dialBackoffBaseMs, DEFAULT_DIAL_BACKOFF_BASE_MS, 0),
    dialBackoffMaxMs: int('dialBackoffMaxMs', init.dialBackoffMaxMs, DEFAULT_DIAL_BACKOFF_MAX_MS, 0),
    maxAnchors: int('maxAnchors', init.maxAnchors, MAX_ANCHORS, 0, 16),
    goodbyeTimeoutMs: int('goodbyeTimeoutMs', init.goodbyeTimeoutMs, GOODBYE_TIMEOUT_MS, 1),
    evictionProtection: protection,
    bansKeyPrefix: keyPrefix('bansKeyPrefix', init.bansKeyPrefix, BANS_KEY_PREFIX),
    anchorsKey: keyPrefix('anchorsKey', init.anchorsKey, ANCHORS_KEY)
  }
  return config
}
