/**
 * Direct messages: a request to one peer over a secure stream, and its reply.
 *
 * The application names a protocol (`chat`, `ping-app`, …); the receiving
 * node routes the message to the handler registered for that name and sends
 * back what the handler returns. All application protocols share one libp2p
 * protocol, `/chainwire/<network>/direct/1`, and so share its limits.
 *
 * @module
 */
import { lpStream } from '@libp2p/utils'
import { MAX_APP_PROTOCOL_LENGTH, MAX_DIRECT_MESSAGE_BYTES } from '../config/constants.ts'
import { InvalidArgumentError } from '../errors.ts'
import { protocolId } from '../wire/protocol-id.ts'
import { assertAppName } from './broadcast.ts'
import { NoHandlerError, RemoteHandlerError } from './errors.ts'
import type { Log } from '../logger.ts'
import type { Libp2p, PeerId, Stream, Connection } from '@libp2p/interface'

/** A direct message as its handler sees it. */
export interface DirectMessage {
  from: PeerId
  protocol: string
  data: Uint8Array
}

/** Handles direct messages of one application protocol; returns the reply. */
export type DirectHandler = (msg: DirectMessage) => Uint8Array | Promise<Uint8Array>

export interface DirectInit {
  network: string
  /** Inbound direct streams per connection. */
  maxInboundStreams: number
  /** Outbound direct streams per connection. */
  maxOutboundStreams: number
  /** Budget for a whole inbound exchange, ms. */
  inboundTimeoutMs: number
}

export interface DirectComponents {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'>
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

const STATUS_OK = 0
const STATUS_NO_HANDLER = 1
const STATUS_HANDLER_ERROR = 2
/** Bytes of protocol name + data + framing in one request frame. */
const MAX_FRAME = MAX_DIRECT_MESSAGE_BYTES + MAX_APP_PROTOCOL_LENGTH + 16

function encodeRequest (protocol: string, data: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode(protocol)
  const out = new Uint8Array(1 + name.byteLength + data.byteLength)
  out[0] = name.byteLength
  out.set(name, 1)
  out.set(data, 1 + name.byteLength)
  return out
}

function decodeRequest (buf: Uint8Array): { protocol: string, data: Uint8Array } {
  const len = buf[0]
  if (buf.byteLength < 1 || len == null || len > MAX_APP_PROTOCOL_LENGTH || buf.byteLength < 1 + len) {
    throw new InvalidArgumentError('malformed direct message')
  }
  return { protocol: new TextDecoder().decode(buf.subarray(1, 1 + len)), data: buf.subarray(1 + len) }
}

export function direct (init: DirectInit): (components: DirectComponents) => Direct {
  return ({ libp2p, log, onMessage }) => {
    const id = protocolId(init.network, 'direct', 1)
    const handlers = new Map<string, DirectHandler>()

    const onStream = async (stream: Stream, connection: Connection): Promise<void> => {
      const signal = AbortSignal.timeout(init.inboundTimeoutMs)
      const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
      try {
        const req = decodeRequest((await lp.read({ signal })).subarray())
        const msg: DirectMessage = { from: connection.remotePeer, protocol: req.protocol, data: req.data }
        onMessage(msg)
        const handler = handlers.get(req.protocol)
        let reply: Uint8Array
        if (handler == null) {
          reply = Uint8Array.of(STATUS_NO_HANDLER)
        } else {
          try {
            const out = await handler(msg)
            reply = new Uint8Array(1 + out.byteLength)
            reply[0] = STATUS_OK
            reply.set(out, 1)
          } catch (err: any) {
            log('direct handler for %s failed: %s', req.protocol, err.message)
            reply = Uint8Array.of(STATUS_HANDLER_ERROR)
          }
        }
        await lp.write(reply, { signal })
        await stream.close({ signal })
      } catch (err: any) {
        log('inbound direct stream from %p failed: %s', connection.remotePeer, err.message)
        stream.abort(err)
      }
    }

    return {
      async start () {
        await libp2p.handle(id, onStream, { maxInboundStreams: init.maxInboundStreams, maxOutboundStreams: init.maxOutboundStreams })
      },
      async stop () {
        await libp2p.unhandle(id)
      },
      handle (protocol, handler) {
        assertAppName('protocol', protocol)
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
        const stream = await libp2p.dialProtocol(peer, id, { signal })
        try {
          const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
          await lp.write(encodeRequest(protocol, data), { signal })
          const reply = (await lp.read({ signal })).subarray()
          await stream.close({ signal })
          switch (reply[0]) {
            case STATUS_OK: return reply.subarray(1)
            case STATUS_NO_HANDLER: throw new NoHandlerError(`peer ${peer} has no handler for direct protocol ${JSON.stringify(protocol)}`)
            default: throw new RemoteHandlerError(`peer ${peer} failed to handle direct protocol ${JSON.stringify(protocol)}`)
          }
        } catch (err: any) {
          stream.abort(err)
          throw err
        }
      }
    }
  }
}
