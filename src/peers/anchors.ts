/**
 * Anchors: outbound peers saved at shutdown and dialed first at the next
 * start, as Bitcoin Core's anchors.dat. Reconnecting to peers we already
 * trusted makes a restart a poor moment for an eclipse attack.
 *
 * The record is deleted as soon as it is read, as Bitcoin Core deletes
 * anchors.dat, so a node that crashes because of an anchor does not keep
 * going back to it.
 *
 * @module
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { Key } from 'interface-datastore'
import type { PeerDatastore } from './bans.ts'
import type { Logger, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** One saved outbound peer. */
export interface Anchor {
  peer: PeerId
  addrs: Multiaddr[]
}

/** Save anchors (replacing any saved before). */
export async function saveAnchors (datastore: PeerDatastore, key: string, anchors: readonly Anchor[]): Promise<void> {
  const record = anchors.map(a => ({ peer: a.peer.toString(), addrs: a.addrs.map(ma => ma.toString()) }))
  await datastore.put(new Key(key), new TextEncoder().encode(JSON.stringify(record)))
}

/**
 * Read and delete the saved anchors. Malformed entries are skipped; at most
 * `max` anchors with at most `maxAddrs` addresses each are returned.
 */
export async function takeAnchors (datastore: PeerDatastore, key: string, max: number, maxAddrs: number, log: Logger): Promise<Anchor[]> {
  const k = new Key(key)
  let bytes: Uint8Array
  try {
    bytes = await datastore.get(k)
  } catch (err: any) {
    if (err?.name !== 'NotFoundError') log.error('could not read anchors - %e', err)
    return []
  }
  try {
    await datastore.delete(k)
  } catch (err) {
    log.error('could not delete anchors - %e', err)
  }
  let record: unknown
  try {
    record = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    log('anchors record is not JSON, ignoring it')
    return []
  }
  if (!Array.isArray(record)) return []
  const anchors: Anchor[] = []
  for (const entry of record.slice(0, max)) {
    try {
      const peer = peerIdFromString(String(entry.peer))
      const addrs: Multiaddr[] = []
      for (const a of Array.isArray(entry.addrs) ? entry.addrs.slice(0, maxAddrs) : []) {
        try { addrs.push(multiaddr(String(a))) } catch { log('skipping malformed anchor address %s', String(a).slice(0, 100)) }
      }
      anchors.push({ peer, addrs })
    } catch {
      log('skipping malformed anchor %o', entry)
    }
  }
  return anchors
}
