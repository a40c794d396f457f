/** Real libp2p nodes on 127.0.0.1 (tcp + noise + yamux) running a reqresp engine. */
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { reqResp } from '../../src/reqresp/index.ts'
import { recordingReporter } from './reqresp.ts'
import type { ReqResp, ReqRespInit } from '../../src/reqresp/index.ts'
import type { Libp2p } from '@libp2p/interface'

export interface Libp2pTestNode {
  node: Libp2p
  rr: ReqResp
  reporter: ReturnType<typeof recordingReporter>
  stop: () => Promise<void>
}

/** A libp2p node listening on 127.0.0.1 with a started reqresp engine. */
export async function libp2pNode (init: Partial<ReqRespInit> = {}): Promise<Libp2pTestNode> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
  const reporter = recordingReporter()
  const rr = reqResp({ network: 'testnet', ...init })({
    registrar: node,
    dialer: node,
    peers: reporter,
    logger: node.logger
  })
  await rr.start()
  return {
    node,
    rr,
    reporter,
    stop: async () => {
      await rr.stop()
      await node.stop()
    }
  }
}

/** Connect `a` to `b` so requests by peer id find a connection. */
export async function connect (a: Libp2pTestNode, b: Libp2pTestNode): Promise<void> {
  await a.node.dial(b.node.getMultiaddrs()[0])
}
