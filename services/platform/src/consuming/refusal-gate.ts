import { STREAMS } from '@lienganh/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamEventConsumer, type ConsumerLogger } from './event-consumer.js';

/**
 * The refusal gate (ADR 0014): one durable consumer of the whole agency stream, shared by every
 * coordination instance (each message goes to one of them), that refuses what no consumer may
 * take and removes it from the stream: a message that is not a valid event of the catalog, that
 * carries a header outside the CloudEvents binding, whose time no service may take, or whose
 * type, source and subject name different producers. The producer reads why on its own
 * `pcmd.refusals.…` subject. Valid events are acked and left for the other consumers.
 *
 * Created once with `DeliverPolicy.All`, so that on its first start it also sweeps what was
 * refused before it existed. Its name is not an instance's: it outlives any one of them.
 */
export const REFUSAL_GATE_CONSUMER = 'coordination-refusal-gate';

export function refusalGate(nc: NatsConnection, options: { logger?: ConsumerLogger; name?: string; concurrency?: number } = {}): JetStreamEventConsumer {
  return new JetStreamEventConsumer(
    nc,
    {
      stream: STREAMS.agencyEvents.name,
      name: options.name ?? REFUSAL_GATE_CONSUMER,
      concurrency: options.concurrency ?? 8,
      removeRefused: true,
      // A refusal that cannot be recorded yet (the dead-letter or refusals stream briefly away) is tried again soon.
      backoff: { initialMs: 200, maxMs: 5_000 },
      ...(options.logger ? { logger: options.logger } : {}),
    },
    // Every check is the consumer's own, before any handler (`JetStreamEventConsumer#process`):
    // what reaches here is valid, and stays for the other consumers.
    async () => undefined,
  );
}
