import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import type { WireMessage } from './events.js';

/** Publishes asynchronously, acks awaited in a window: what an application does with the bare client. */
export const PUBLISH_WINDOW = 10_000;
/** Publishes issued together before yielding, so that the client writes them to the socket at once. */
const CHUNK = 500;

/**
 * Publishes messages with JetStream acks, up to `window` in flight; resolves when the stream
 * acknowledged every one. Publishes go out in chunks (the client flushes its buffer once per
 * turn of the event loop: a publish, then a wait for one ack, would cost a socket write each).
 * `messages` may be lazy (bulk loads generate as they go).
 */
export async function publishRaw(
  js: JetStreamClient,
  messages: Iterable<WireMessage>,
  options: { window?: number; onProgress?: (published: number) => void } = {},
): Promise<number> {
  const chunks = Math.max(1, Math.floor((options.window ?? PUBLISH_WINDOW) / CHUNK));
  const inFlight: Promise<unknown>[] = [];
  let chunk: Promise<PubAck>[] = [];
  let count = 0;
  const send = async () => {
    const acks = Promise.all(chunk);
    acks.catch(() => undefined); // awaited in order below
    inFlight.push(acks);
    chunk = [];
    if (inFlight.length >= chunks) await inFlight.shift();
    options.onProgress?.(count);
  };
  for (const message of messages) {
    chunk.push(js.publish(message.subject, message.data, { headers: message.headers, msgID: message.msgID, timeout: 60_000 }));
    count++;
    if (chunk.length >= CHUNK) await send();
  }
  if (chunk.length > 0) await send();
  await Promise.all(inFlight);
  options.onProgress?.(count);
  return count;
}

/**
 * Publishes as an HTTP service does for single events: each publish awaited before the next, by
 * `concurrency` callers at once (the keep-alive clients of the single-event ingest). The baseline
 * that single-event ingest is compared with: the same work with nothing but the client.
 */
export async function publishAwaited(js: JetStreamClient, messages: readonly WireMessage[], concurrency: number): Promise<void> {
  let next = 0;
  const caller = async () => {
    for (let index = next++; index < messages.length; index = next++) {
      const message = messages[index]!;
      await js.publish(message.subject, message.data, { headers: message.headers, msgID: message.msgID, timeout: 60_000 });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
}

/**
 * A durable pull consumer with explicit acks, the client's default pull settings, reading
 * `count` messages and acking each; resolves when the server has every ack (no ack pending).
 */
export async function consumeRaw(js: JetStreamClient, jsm: JetStreamManager, stream: string, name: string, count: number): Promise<void> {
  await jsm.consumers.add(stream, { durable_name: name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
  const consumer = await js.consumers.get(stream, name);
  const messages = await consumer.consume();
  let received = 0;
  try {
    for await (const message of messages) {
      message.ack();
      if (++received >= count) break;
    }
  } finally {
    messages.stop();
  }
  for (;;) {
    const info = await jsm.consumers.info(stream, name);
    if (info.num_ack_pending === 0 && info.num_pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
