/**
 * Network-wide broadcast over GossipSub.
 *
 * Application topics map to `/chainwire/<network>/broadcast/<topic>/1`, so a
 * topic of one network is never seen by another. Messages are signed by their
 * originator (StrictSign), so `from` is authentic.
 *
 * @module
 */
import { APP_PROTOCOL_PATTERN, MAX_GOSSIP_BYTES, MAX_SUBSCRIPTIONS } from '../config/constants.ts'
import { InvalidArgumentError } from '../errors.ts'
import { topicId, parseProtocolId } from '../wire/protocol-id.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Message } from '@libp2p/gossipsub'

const BROADCAST = 'broadcast/'

/** The gossipsub topic of an application broadcast topic. */
export function broadcastTopic (network: string, topic: string): string {
  return topicId(network, `${BROADCAST}${topic}`, 1)
}

/** The application topic of a gossipsub topic, if it is one of `network`'s broadcast topics. */
export function appTopic (network: string, gossipTopic: string): string | undefined {
  const p = parseProtocolId(gossipTopic)
  if (p == null || p.network !== network || !p.name.startsWith(BROADCAST)) return undefined
  return p.name.slice(BROADCAST.length)
}

/** Throw unless `topic` is a valid application topic or protocol name. */
export function assertAppName (what: string, name: string): void {
  if (typeof name !== 'string' || !APP_PROTOCOL_PATTERN.test(name)) {
    throw new InvalidArgumentError(`${what} must match ${APP_PROTOCOL_PATTERN}, got ${JSON.stringify(name)}`)
  }
}

export interface BroadcastInit {
  network: string
}

export interface BroadcastComponents {
  pubsub: GossipSub
  /** Called for each broadcast received on a subscribed topic. */
  onMessage: (msg: { from: string, topic: string, data: Uint8Array }) => void
}

export interface Broadcast {
  start (): void
  stop (): void
  subscribe (topic: string): void
  unsubscribe (topic: string): void
  topics (): string[]
  /** Publish; resolves with the number of peers the message was sent to. */
  publish (topic: string, data: Uint8Array): Promise<{ recipients: number }>
}

export function broadcast (init: BroadcastInit): (components: BroadcastComponents) => Broadcast {
  return ({ pubsub, onMessage }) => {
    const subscribed = new Set<string>()

    const onPubsubMessage = (evt: CustomEvent<Message>): void => {
      const msg = evt.detail
      if (msg.type !== 'signed') return
      const topic = appTopic(init.network, msg.topic)
      if (topic == null || !subscribed.has(topic)) return
      onMessage({ from: msg.from.toString(), topic, data: msg.data })
    }

    return {
      start () {
        pubsub.addEventListener('message', onPubsubMessage)
      },
      stop () {
        pubsub.removeEventListener('message', onPubsubMessage)
        for (const t of subscribed) pubsub.unsubscribe(broadcastTopic(init.network, t))
        subscribed.clear()
      },
      subscribe (topic) {
        assertAppName('topic', topic)
        if (subscribed.has(topic)) return
        if (subscribed.size >= MAX_SUBSCRIPTIONS) {
          throw new InvalidArgumentError(`cannot subscribe to ${JSON.stringify(topic)}: already subscribed to ${subscribed.size} topics (max ${MAX_SUBSCRIPTIONS})`)
        }
        subscribed.add(topic)
        pubsub.subscribe(broadcastTopic(init.network, topic))
      },
      unsubscribe (topic) {
        assertAppName('topic', topic)
        if (!subscribed.delete(topic)) return
        pubsub.unsubscribe(broadcastTopic(init.network, topic))
      },
      topics () {
        return [...subscribed]
      },
      async publish (topic, data) {
        assertAppName('topic', topic)
        if (data.byteLength > MAX_GOSSIP_BYTES) {
          throw new InvalidArgumentError(`broadcast payload is ${data.byteLength} bytes (max ${MAX_GOSSIP_BYTES})`)
        }
        const res = await pubsub.publish(broadcastTopic(init.network, topic), data)
        return { recipients: res.recipients.length }
      }
    }
  }
}
