/**
 * Helpers for the chain-protocol tests: regtest chains built once and copied
 * into node data dirs, nodes that serve them, and waits on sync.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CHAIN_DIR } from '../../src/config/constants.ts'
import { buildChain, createDevchain } from '../../src/devchain/index.ts'
import { createNode } from '../../src/node/index.ts'
import { isSyncService } from '../../src/protocols/sync/index.ts'
import { testConfig, testLogs } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'
import type { BuildChainOptions, BuiltChain, Devchain } from '../../src/devchain/index.ts'
import type { ChainwireNode, NodeComponents } from '../../src/node/index.ts'
import type { NodeConfig } from '../../src/config/options.ts'
import type { SyncService } from '../../src/protocols/sync/index.ts'

export const NETWORK = 'regtest'

/** A regtest chain built once in a directory, to copy into nodes. */
export interface ChainDir {
  /** Holds the store (`<dir>/chain`), as `createDevchain({ dataDir: dir })` made it. */
  dir: string
  built: BuiltChain
  cleanup (): Promise<void>
}

/** Build `n` blocks in a fresh regtest store (closed afterwards). */
export async function buildChainDir (n: number, options: BuildChainOptions = {}): Promise<ChainDir> {
  const dir = await mkdtemp(join(tmpdir(), 'cw-chain-'))
  const chain = await createDevchain({ dataDir: dir, network: NETWORK })
  let built: BuiltChain
  try {
    built = await buildChain(chain, n, options)
  } finally {
    await chain.close()
  }
  return { dir, built, cleanup: async () => { await rm(dir, { recursive: true, force: true }) } }
}

/** Copy a built store into a node's data dir, where `createNode` opens it. */
export async function seedChain (nodeDir: string, from: ChainDir): Promise<void> {
  await cp(join(from.dir, 'chain'), join(nodeDir, CHAIN_DIR, 'chain'), { recursive: true })
}

/** Regtest devchain node config: loopback, no DHT, quiet. */
export function chainConfig (dataDir: string, extra: Partial<NodeConfig> = {}): Partial<NodeConfig> {
  return testConfig(dataDir, { network: NETWORK, chain: 'devchain', dht: false, ...extra })
}

/** Create and start a devchain node. */
export async function startChainNode (dataDir: string, extra: Partial<NodeConfig> = {}, components: NodeComponents = {}, name = 'node'): Promise<ChainwireNode> {
  const node = await createNode(chainConfig(dataDir, extra), { logs: testLogs(name), ...components })
  await node.start()
  return node
}

/** The node's sync service. */
export function syncOf (node: ChainwireNode): SyncService {
  const s = node.protocols.get('sync')
  if (!isSyncService(s)) throw new Error('node runs no sync service')
  return s
}

/** The node's devchain. */
export function chainOf (node: ChainwireNode): Devchain {
  if (node.devchain == null) throw new Error('node runs no devchain')
  return node.devchain
}

/** Wait until `node`'s tip is `hash` (hex). */
export async function waitForTip (node: ChainwireNode, hash: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(() => Buffer.from(chainOf(node).tip().hash).toString('hex') === hash, `tip ${hash.slice(0, 16)} on ${node.peerId.toString().slice(-6)} (at ${chainOf(node).tip().height})`, timeoutMs)
}

export const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex')
