import { ContractError, decodeNatsMessage, type BusEvent } from '@lienganh/contracts';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Reads every event now stored on one subject of a stream, in order, with an ordered
 * (ephemeral) consumer: how a service rebuilds in-memory state at start. Undecodable
 * messages are skipped here; the durable consumers dead-letter them.
 */
export async function replayEvents(nc: NatsConnection, stream: string, filterSubject: string, apply: (event: BusEvent) => void): Promise<number> {
  const consumer = await jetstream(nc).consumers.get(stream, { filter_subjects: filterSubject });
  if ((await consumer.info()).num_pending === 0) return 0;
  const messages = await consumer.consume();
  let count = 0;
  for await (const message of messages) {
    try {
      apply(decodeNatsMessage(message.headers, message.data));
      count++;
    } catch (error) {
      if (!(error instanceof ContractError)) {
        messages.stop();
        throw error;
      }
    }
    if (message.info.pending === 0) break;
  }
  messages.stop();
  return count;
}
