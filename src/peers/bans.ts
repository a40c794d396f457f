/**
 * The ban list: bans of peer ids, IP addresses and subnets, each with a
 * reason and an expiry, persisted in the datastore under
 * `/chainwire/bans/<kind>/<target>` so that they survive a restart.
 *
 * Lookups are synchronous and cheap (the gater calls them for every
 * connection): a map for peer ids and addresses, and for subnets one map
 * lookup per prefix length in use. Changes apply in memory at once and are
 * written behind, in order; {@link BanList.flush} waits for the writes.
 *
 * @module
 */
import { Key } from 'interface-datastore'
import { BanListFullError } from './errors.ts'
import { addressBits, cidrContains, formatCidr, formatIp, maskIp, parseCidr, parseIp } from './ip.ts'
import type { BanInfo, BanKind } from './types.ts'
import type { Cidr, Ip } from './ip.ts'
import type { Logger } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'

/** The part of a datastore the peer manager uses. */
export type PeerDatastore = Pick<Datastore, 'get' | 'put' | 'delete' | 'query'>

export interface BanListInit {
  datastore: PeerDatastore
  prefix: string
  maxBans: number
  clock: () => number
  log: Logger
}

/** The result of adding a ban. */
export interface AddBanResult {
  ban: BanInfo
  /** An automatic ban dropped to make room. */
  dropped?: BanInfo
}

export interface BanList {
  /** Read the persisted bans, dropping expired and malformed records. */
  load (): Promise<void>
  /**
   * Add a ban or replace the one with the same id. An automatic ban never
   * shortens or replaces an operator ban of the same target.
   *
   * @throws BanListFullError - full of operator bans
   */
  add (ban: BanInfo): AddBanResult
  /** Remove a ban by id. */
  remove (id: string): BanInfo | undefined
  get (id: string): BanInfo | undefined
  /** Active bans, oldest first. */
  list (): BanInfo[]
  /** The active ban of a peer id. */
  peer (peer: string): BanInfo | undefined
  /** The active ban covering an IP: its own ban or a subnet's. */
  ip (ip: Ip): BanInfo | undefined
  /** Remove expired bans and return them. */
  pruneExpired (): BanInfo[]
  /** Wait for pending datastore writes. */
  flush (): Promise<void>
  readonly size: number
}

/** The canonical id of a ban target, or undefined when it does not parse. */
export function banId (kind: BanKind, target: string): string | undefined {
  if (kind === 'peer') return target
  if (kind === 'ip') {
    const ip = parseIp(target)
    return ip == null ? undefined : formatIp(ip)
  }
  const cidr = parseCidr(target)
  return cidr == null ? undefined : formatCidr(cidr)
}

function isBanInfo (v: any): v is BanInfo {
  return v != null && typeof v === 'object' &&
    typeof v.id === 'string' && v.id.length > 0 && v.id.length <= 128 &&
    (v.kind === 'peer' || v.kind === 'ip' || v.kind === 'cidr') &&
    v.target === v.id &&
    typeof v.reason === 'string' &&
    (v.source === 'manual' || v.source === 'auto') &&
    Number.isFinite(v.created) && Number.isFinite(v.expires)
}

/** Create a {@link BanList}. Nothing is read until {@link BanList.load}. */
export function createBanList (init: BanListInit): BanList {
  const { datastore, prefix, maxBans, clock, log } = init
  const byId = new Map<string, BanInfo>()
  const cidrs = new Map<string, { ban: BanInfo, cidr: Cidr }>()
  /** prefix lengths in use per family, with reference counts */
  const prefixes = { 4: new Map<number, number>(), 6: new Map<number, number>() }
  let writes: Promise<void> = Promise.resolve()

  const keyOf = (ban: BanInfo): Key => new Key(`${prefix}/${ban.kind}/${encodeURIComponent(ban.id)}`)

  const enqueue = (what: string, op: () => Promise<unknown>): void => {
    writes = writes.then(op).then(() => {}, (err: Error) => {
      log.error('could not %s - %e', what, err)
    })
  }

  const index = (ban: BanInfo): void => {
    byId.set(ban.id, ban)
    if (ban.kind === 'cidr') {
      const cidr = parseCidr(ban.id)
      if (cidr == null) return
      cidrs.set(ban.id, { ban, cidr })
      const m = prefixes[cidr.network.family]
      m.set(cidr.prefix, (m.get(cidr.prefix) ?? 0) + 1)
    }
  }

  const unindex = (ban: BanInfo): void => {
    byId.delete(ban.id)
    const entry = cidrs.get(ban.id)
    if (entry != null) {
      cidrs.delete(ban.id)
      const m = prefixes[entry.cidr.network.family]
      const n = (m.get(entry.cidr.prefix) ?? 1) - 1
      if (n <= 0) m.delete(entry.cidr.prefix)
      else m.set(entry.cidr.prefix, n)
    }
  }

  const persist = (ban: BanInfo): void => {
    const bytes = new TextEncoder().encode(JSON.stringify(ban))
    enqueue(`persist ban ${ban.id}`, async () => datastore.put(keyOf(ban), bytes))
  }

  const erase = (ban: BanInfo): void => {
    enqueue(`delete ban ${ban.id}`, async () => datastore.delete(keyOf(ban)))
  }

  const active = (ban: BanInfo | undefined): BanInfo | undefined =>
    ban != null && ban.expires > clock() ? ban : undefined

  /** The automatic ban that expires first, to drop when full. */
  const droppable = (): BanInfo | undefined => {
    let pick: BanInfo | undefined
    for (const ban of byId.values()) {
      if (ban.source !== 'auto') continue
      if (pick == null || ban.expires < pick.expires) pick = ban
    }
    return pick
  }

  const list: BanList = {
    async load () {
      const now = clock()
      const stale: Key[] = []
      for await (const { key, value } of datastore.query({ prefix })) {
        let ban: unknown
        try {
          ban = JSON.parse(new TextDecoder().decode(value))
        } catch {
          ban = undefined
        }
        if (!isBanInfo(ban) || banId(ban.kind, ban.id) !== ban.id || ban.expires <= now || byId.size >= maxBans) {
          stale.push(key)
          continue
        }
        index({ id: ban.id, kind: ban.kind, target: ban.id, reason: ban.reason, source: ban.source, created: ban.created, expires: ban.expires })
      }
      for (const key of stale) {
        enqueue(`delete stale ban ${key.toString()}`, async () => datastore.delete(key))
      }
      await list.flush()
      log('loaded %d bans, dropped %d stale records', byId.size, stale.length)
    },

    add (ban) {
      const existing = byId.get(ban.id)
      if (existing != null && existing.source === 'manual' && ban.source === 'auto' && active(existing) != null) {
        return { ban: existing }
      }
      let dropped: BanInfo | undefined
      if (existing == null && byId.size >= maxBans) {
        list.pruneExpired()
        if (byId.size >= maxBans) {
          dropped = droppable()
          if (dropped == null) throw new BanListFullError(maxBans)
          unindex(dropped)
          erase(dropped)
        }
      }
      let next = ban
      if (existing != null) {
        unindex(existing)
        // an automatic ban only ever extends an automatic one
        if (existing.source === 'auto' && ban.source === 'auto' && existing.expires > ban.expires) {
          next = { ...ban, expires: existing.expires }
        }
      }
      index(next)
      persist(next)
      return { ban: next, dropped }
    },

    remove (id) {
      const ban = byId.get(id)
      if (ban == null) return undefined
      unindex(ban)
      erase(ban)
      return ban
    },

    get (id) {
      return active(byId.get(id))
    },

    list () {
      const now = clock()
      return [...byId.values()].filter(b => b.expires > now).sort((a, b) => a.created - b.created)
    },

    peer (peer) {
      const ban = byId.get(peer)
      return ban?.kind === 'peer' ? active(ban) : undefined
    },

    ip (ip) {
      const own = active(byId.get(formatIp(ip)))
      if (own != null) return own
      for (const len of prefixes[ip.family].keys()) {
        if (len > addressBits(ip.family)) continue
        const key = formatCidr({ network: maskIp(ip, len), prefix: len })
        const entry = cidrs.get(key)
        if (entry != null && cidrContains(entry.cidr, ip) && active(entry.ban) != null) return entry.ban
      }
      return undefined
    },

    pruneExpired () {
      const now = clock()
      const expired: BanInfo[] = []
      for (const ban of byId.values()) {
        if (ban.expires <= now) expired.push(ban)
      }
      for (const ban of expired) {
        unindex(ban)
        erase(ban)
      }
      return expired
    },

    async flush () {
      // writes queued while waiting are awaited too
      let last: Promise<void> | undefined
      while (last !== writes) {
        last = writes
        await last
      }
    },

    get size () {
      return byId.size
    }
  }
  return list
}
