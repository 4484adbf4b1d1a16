import { ContractError, decodeNatsMessage, timeProblem, type BusEvent } from '@lienganh/contracts';
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';

export interface ReplayOptions {
  /** First stream sequence to read (default 1). */
  fromSeq?: number;
  /** Last stream sequence to read (default: whatever the stream holds when reading starts). */
  toSeq?: number;
  /**
   * Reads through a consumer of this fixed name (created, read, deleted) rather than an
   * ordered one with a random name: an agency service's NATS permissions name every consumer
   * it may use (see `nats-permissions.ts`). Only one replay of a name may run at a time.
   */
  consumerName?: string;
}

/** A replay an agency service runs at start, declared so that its permissions can name it. */
export interface ReplayConsumerConfig {
  stream: string;
  name: string;
  filterSubject?: string;
}

/**
 * Reads the events stored on one subject of a stream (all of it when `filterSubject` is
 * undefined), in order: how a service rebuilds in-memory state at start, or catches up from
 * a checkpoint. Undecodable messages, and events whose time no service may take, are skipped
 * here; the durable consumers dead-letter them.
 */
export async function replayEvents(
  nc: NatsConnection,
  stream: string,
  filterSubject: string | undefined,
  apply: (event: BusEvent, seq: number, subject: string) => void,
  options: ReplayOptions = {},
): Promise<number> {
  const { fromSeq = 1, toSeq = Number.POSITIVE_INFINITY } = options;
  if (fromSeq > toSeq) return 0;
  const reader = { toSeq, apply, count: 0, next: fromSeq };
  if (options.consumerName) {
    await replayThroughNamed(nc, stream, filterSubject, options.consumerName, reader);
    return reader.count;
  }
  // An ordered consumer: the client recreates it by itself after a lost delivery.
  const start = fromSeq > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq } : {};
  const consumer = await jetstream(nc).consumers.get(stream, { ...(filterSubject ? { filter_subjects: filterSubject } : {}), ...start });
  if ((await consumer.info()).num_pending === 0) return 0;
  await read(await consumer.consume(pullFor(reader)), reader, false);
  return reader.count;
}

/**
 * Messages asked for per pull: the client's default (100, asking again at a quarter left) means
 * a pull request every 25 messages; a replay reads everything it is given at once, so larger
 * pulls only save round trips. About 1 MB of bench events in the client at most.
 */
const REPLAY_PULL_MESSAGES = 2_000;

/** No more than a bounded replay can use (a catch-up reads in chunks): what is pulled past `toSeq` is read for nothing. */
function pullFor(reader: Reader): { max_messages: number } {
  return { max_messages: Math.max(1, Math.min(REPLAY_PULL_MESSAGES, reader.toSeq - reader.next + 1)) };
}

interface Reader {
  readonly toSeq: number;
  readonly apply: (event: BusEvent, seq: number, subject: string) => void;
  count: number;
  /** The next stream sequence to read. */
  next: number;
}

/** Reads until the end (true), or until a delivery turns out lost (false, when checking for gaps). */
async function read(messages: ConsumerMessages, reader: Reader, checkGaps: boolean): Promise<boolean> {
  let expected = 1;
  try {
    for await (const message of messages) {
      if (checkGaps && message.info.deliverySequence !== expected++) return false;
      if (message.seq > reader.toSeq) return true;
      applyOne(message, reader);
      reader.next = message.seq + 1;
      if (message.info.pending === 0 || message.seq === reader.toSeq) return true;
    }
    return false;
  } finally {
    messages.stop();
  }
}

function applyOne(message: JsMsg, reader: Reader): void {
  try {
    const event = decodeNatsMessage(message.headers, message.data);
    // What the durable consumers dead-letter (`JetStreamEventConsumer`): a time no service may take.
    if (timeProblem(event.time, message.info.timestampNanos / 1e6)) return;
    reader.apply(event, message.seq, message.subject);
    reader.count++;
  } catch (error) {
    if (!(error instanceof ContractError)) throw error;
  }
}

/**
 * An unacknowledged consumer of a fixed name, deleted afterwards. Deliveries lost on the way
 * (a reconnect) show as a gap in the consumer's sequence: it is then made again from the next
 * stream sequence not yet read, as an ordered consumer would do.
 */
async function replayThroughNamed(nc: NatsConnection, stream: string, filterSubject: string | undefined, name: string, reader: Reader): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const remove = () =>
    jsm.consumers.delete(stream, name).catch((error: unknown) => {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)) throw error;
    });
  for (;;) {
    await remove(); // one a crashed start left behind
    const info = await jsm.consumers.add(stream, {
      name,
      ack_policy: AckPolicy.None,
      ...(filterSubject ? { filter_subject: filterSubject } : {}),
      ...(reader.next > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: reader.next } : { deliver_policy: DeliverPolicy.All }),
      mem_storage: true,
      num_replicas: 1,
      inactive_threshold: nanos(60_000),
    });
    try {
      if (info.num_pending === 0) return;
      const consumer = await jetstream(nc).consumers.get(stream, name);
      if (await read(await consumer.consume(pullFor(reader)), reader, true)) return;
    } finally {
      await remove();
    }
  }
}
