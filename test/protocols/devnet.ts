/**
 * A devnet of real nodes on 127.0.0.1 running the regtest devchain, all on
 * one chain (node 0 builds it, the others import its blocks), and a
 * transaction factory that spends the builder's confirmed coins, one coin
 * per transaction, so no two transactions conflict.
 */
import { buildChain } from '../../src/devchain/index.ts'
import { signTx, signedTxSize } from '../../src/devchain/tx.ts'
import { startNet } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'
import type { KeyPair } from '../../src/devchain/index.ts'
import type { NodeConfig } from '../../src/config/options.ts'
import type { ChainwireNode } from '../../src/node/index.ts'
import type { TestNet } from '../helpers/nodes.ts'

export interface Coin { txid: Uint8Array, vout: number, amount: bigint }

export interface MadeTx {
  tx: Uint8Array
  txid: Uint8Array
  hex: string
  /** The outputs, as coins a child can spend. */
  outputs: Coin[]
}

export interface ChainNet extends TestNet {
  key: KeyPair
  /** Confirmed coins of the builder not spent yet by this factory. */
  coins: Coin[]
  /**
   * A signed transaction spending one coin (the next free one, or `coin`)
   * into `outputs` outputs, paying `feePerByte`.
   */
  makeTx (opts?: { feePerByte?: bigint, outputs?: number, coin?: Coin }): MadeTx
}

/** Node config for relay tests: regtest devchain, short trickles. */
export function relayConfig (extra: Partial<NodeConfig> = {}): Partial<NodeConfig> {
  return { chain: 'devchain', network: 'regtest', txTrickleInboundMs: 100, txTrickleOutboundMs: 50, dht: false, ...extra }
}

/**
 * Start `n` nodes on one chain of `blocks` blocks whose later blocks split
 * the builder's coins (`txsPerBlock` each), then wait for each node to have
 * at least `minPeers` peers.
 */
export async function startChainNet (n: number, opts: { blocks?: number, txsPerBlock?: number, minPeers?: number, config?: (i: number) => Partial<NodeConfig> } = {}): Promise<ChainNet> {
  const net = await startNet(n, (i) => relayConfig({ outboundTarget: Math.min(8, n - 1), ...opts.config?.(i) }))
  try {
    const chain0 = net.nodes[0].devchain
    if (chain0 == null) throw new Error('node 0 runs no devchain')
    const built = await buildChain(chain0, opts.blocks ?? 30, { txsPerBlock: opts.txsPerBlock ?? 12 })
    const height = chain0.tip().height
    const blocks = await chain0.getBlocksByRange(1, height)
    // (the nodes are connected already: sync may have brought them some of the blocks)
    for (const node of net.nodes.slice(1)) {
      for (const b of blocks) {
        const r = await (node.chain as NonNullable<ChainwireNode['chain']>).submitBlock(b)
        if (r.status !== 'accepted' && r.status !== 'duplicate') throw new Error(`importing block: ${r.status}`)
      }
    }
    const coins: Coin[] = (await chain0.listUnspent(built.key.pkh))
      .filter(c => !c.coinbase || height + 1 - c.height >= chain0.params.coinbaseMaturity)
      .map(c => ({ txid: c.txid, vout: c.vout, amount: c.amount }))
    // a fixed sparse topology: node i dials i+1, i+2 and i+4 (mod n), on top of the bootstrap star
    for (let i = 0; i < n; i++) {
      for (const d of [1, 2, 4]) {
        const j = (i + d) % n
        if (j === i || j === 0) continue
        await net.nodes[i].dial(net.nodes[j].status().addrs[0]).catch(() => {})
      }
    }
    const minPeers = opts.minPeers ?? Math.min(3, n - 1)
    await waitFor(() => net.nodes.every(x => x.peers().length >= minPeers), `every node to have ${minPeers} peers`, 30_000)
    const key = built.key
    const genesis = chain0.genesisHash
    return {
      ...net,
      key,
      coins,
      makeTx (o = {}) {
        const coin = o.coin ?? coins.shift()
        if (coin == null) throw new Error('out of coins')
        const outputs = o.outputs ?? 2
        const fee = BigInt(signedTxSize(1, outputs)) * (o.feePerByte ?? 2n)
        const rest = coin.amount - fee
        const each = rest / BigInt(outputs)
        const outs = Array.from({ length: outputs }, (_, i) => ({ amount: i === 0 ? rest - each * BigInt(outputs - 1) : each, pkh: key.pkh }))
        const tx = signTx({ version: 1, inputs: [{ prevTxid: coin.txid, vout: coin.vout, unlock: new Uint8Array(0) }], outputs: outs }, [key], genesis)
        return { tx: tx.bytes, txid: tx.txid, hex: Buffer.from(tx.txid).toString('hex'), outputs: outs.map((x, vout) => ({ txid: tx.txid, vout, amount: x.amount })) }
      }
    }
  } catch (err) {
    await net.stop()
    throw err
  }
}
