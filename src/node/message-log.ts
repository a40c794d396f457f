/**
 * A fixed-size ring of the messages a node received, for `GET /messages`.
 *
 * @module
 */

/** A message this node received. */
export interface ReceivedMessage {
  /** Monotonic sequence number, for `?since=` polling. */
  seq: number
  kind: 'direct' | 'broadcast'
  /** Sender peer id. For broadcasts, the originator (gossipsub signs messages). */
  from: string
  /** The application protocol (direct) or topic (broadcast). */
  protocol: string
  data: Uint8Array
  /** ms since the epoch. */
  receivedAt: number
}

/** A bounded log of received messages. */
export interface MessageLog {
  push (msg: Omit<ReceivedMessage, 'seq'>): ReceivedMessage
  /** Messages with `seq > since`, oldest first. */
  since (since?: number): ReceivedMessage[]
  readonly size: number
}

/** Create a ring buffer holding the last `capacity` messages. */
export function createMessageLog (capacity: number): MessageLog {
  const ring: ReceivedMessage[] = []
  let seq = 0
  return {
    push (msg) {
      const entry = { ...msg, seq: ++seq }
      ring.push(entry)
      if (ring.length > capacity) ring.shift()
      return entry
    },
    since (since = 0) {
      return ring.filter(m => m.seq > since)
    },
    get size () { return ring.length }
  }
}
