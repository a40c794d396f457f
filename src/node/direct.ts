/**
 * Direct messages: a request to one peer over a secure stream, and its reply.
 *
 * The application names a protocol (`chat`, `ping-app`, …); the receiving
 * node routes the message to the handler registered for that name and sends
 * back what the handler returns. All application protocols share one
 * request/response method, `direct` (`/chainwire/<network>/direct/1`), and so
 * share its limits, quotas and middleware.
 *
 * @module
 */
import { MAX_DIRECT_MESSAGE_BYTES } from '../config/constants.ts'
import { InvalidArgumentError } from '../errors.ts'
import { ResourceUnavailableError } from '../service/errors.ts'
import { assertAppName } from './broadcast.ts'
import { NoHandlerError, RemoteHandlerError } from './errors.ts'
import type { Log } from '../logger.ts'
import type { ReqResp } from '../reqresp/index.ts'
import type { PeerId } from '@libp2p/interface'

/** A direct message as its handler sees it. */
export interface DirectMessage {
  from: PeerId
  protocol: string
  data: Uint8Array
}

/** Handles direct messages of one application protocol; returns the reply. */
export type DirectHandler = (msg: DirectMessage) => Uint8Array | Promise<Uint8Array>

export interface DirectComponents {
  reqresp: Pick<ReqResp, 'register' | 'unregister' | 'request'>
  log: Log
  /** Called for every direct message received, handled or not. */
  onMessage: (msg: DirectMessage) => void
}

export interface Direct {
  start (): Promise<void>
  stop (): Promise<void>
  handle (protocol: string, handler: DirectHandler): void
  unhandle (protocol: string): void
  send (peer: PeerId, protocol: string, data: Uint8Array, options: { signal: AbortSignal }): Promise<Uint8Array>
}

/** Application handlers a node may register: a name table, not a payload. */
export const MAX_DIRECT_HANDLERS = 256

export function direct (): (components: DirectComponents) => Direct {
  return ({ reqresp, log, onMessage }) => {
    const handlers = new Map<string, DirectHandler>()

    return {
      async start () {
        await reqresp.register('direct', {
          async call (req) {
            const { protocol, data } = req.body
            const msg: DirectMessage = { from: req.peer, protocol, data }
            onMessage(msg)
            const handler = handlers.get(protocol)
            if (handler == null) throw new ResourceUnavailableError(`no handler for direct protocol ${JSON.stringify(protocol)}`)
            try {
              return [{ data: await handler(msg) }]
            } catch (err: any) {
              log('direct handler for %s failed: %s', protocol, err.message)
              // the remote learns only that it failed, not our internals
              throw new Error('handler failed')
            }
          }
        })
      },
      async stop () {
        await reqresp.unregister('direct')
      },
      handle (protocol, handler) {
        assertAppName('protocol', protocol)
        if (!handlers.has(protocol) && handlers.size >= MAX_DIRECT_HANDLERS) {
          throw new InvalidArgumentError(`cannot handle ${JSON.stringify(protocol)}: already ${handlers.size} direct protocols (max ${MAX_DIRECT_HANDLERS})`)
        }
        handlers.set(protocol, handler)
      },
      unhandle (protocol) {
        handlers.delete(protocol)
      },
      async send (peer, protocol, data, { signal }) {
        assertAppName('protocol', protocol)
        if (data.byteLength > MAX_DIRECT_MESSAGE_BYTES) {
          throw new InvalidArgumentError(`direct message is ${data.byteLength} bytes (max ${MAX_DIRECT_MESSAGE_BYTES})`)
        }
        try {
          const [reply] = await reqresp.request(peer, 'direct', { protocol, data }, { signal })
          if (reply == null) throw new RemoteHandlerError(`peer ${peer} sent no reply to direct protocol ${JSON.stringify(protocol)}`)
          return reply.data
        } catch (err: any) {
          if (err?.name === 'ResourceUnavailableError') throw new NoHandlerError(`peer ${peer} has no handler for direct protocol ${JSON.stringify(protocol)}`)
          if (err?.name === 'ServerError') throw new RemoteHandlerError(`peer ${peer} failed to handle direct protocol ${JSON.stringify(protocol)}`)
          throw err
        }
      }
    }
  }
}
