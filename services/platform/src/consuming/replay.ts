import { ContractError, decodeNatsMessage, type BusEvent } from '@lienganh/contracts';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

export interface ReplayOptions {
  /** First stream sequence to read (default 1). */
  fromSeq?: number;
  /** Last stream sequence to read (default: whatever the stream holds when reading starts). */
  toSeq?: number;
}

/**
 * Reads the events stored on one subject of a stream (all of it when `filterSubject` is
 * undefined), in order, with an ordered
 * (ephemeral) consumer: how a service rebuilds in-memory state at start, or catches up
 * from a checkpoint. Undecodable messages are skipped here; the durable consumers
 * dead-letter them.
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
  const start = fromSeq > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq } : {};
  const consumer = await jetstream(nc).consumers.get(stream, { ...(filterSubject ? { filter_subjects: filterSubject } : {}), ...start });
  if ((await consumer.info()).num_pending === 0) return 0;
  const messages = await consumer.consume();
  let count = 0;
  try {
    for await (const message of messages) {
      if (message.seq > toSeq) break;
      try {
        apply(decodeNatsMessage(message.headers, message.data), message.seq, message.subject);
        count++;
      } catch (error) {
        if (!(error instanceof ContractError)) throw error;
      }
      if (message.info.pending === 0 || message.seq === toSeq) break;
    }
  } finally {
    messages.stop();
  }
  return count;
}
