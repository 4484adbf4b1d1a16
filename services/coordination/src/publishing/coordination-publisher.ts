import { buildEvent, encodeBinary, eventKey, findEventDefinition, MSG_ID_HEADER, STREAMS, type BusEvent, type EventDefinition } from '@lienganh/contracts';
import { startProducerSpan, tracingEnabled } from '@lienganh/platform';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';

/**
 * Publishes coordination's own facts (plans, alerts, delivery records) on its stream and waits
 * for the stream's ack. Ids are deterministic (a plan's, an alert's), and with the source they
 * make the message id (`eventKey`, ADR 0010), so a retried publish within the duplicate window is
 * stored once; beyond it the projection ignores an event it has applied.
 */
export class CoordinationPublisher {
  constructor(private readonly nc: NatsConnection) {}

  async publish<D extends EventDefinition>(definition: D, data: z.input<D['schema']>, options: { id: string; time?: Date | string }): Promise<void> {
    await this.publishEvent(buildEvent(definition, data, options));
  }

  /** An event already built (and so validated), e.g. a delivery record. */
  async publishEvent(event: BusEvent): Promise<void> {
    const subject = findEventDefinition(event.type)!.subject;
    // Tracing on: a producer span (child of the plan import's request, or the root of an alert's trace) in the event's traceparent.
    const span = tracingEnabled() ? startProducerSpan(event, subject) : undefined;
    const { headers, data } = encodeBinary(span?.event ?? event);
    const withoutId = natsHeaders();
    for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) withoutId.set(name, value);
    try {
      await jetstream(this.nc).publish(subject, data, { headers: withoutId, msgID: eventKey(event), expect: { streamName: STREAMS.coordinationEvents.name } });
    } catch (error) {
      span?.end(error);
      throw error;
    }
    span?.end();
  }
}
