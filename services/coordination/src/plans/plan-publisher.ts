import { buildEvent, coordinationPlanPublished, encodeBinary, MSG_ID_HEADER, type Plan } from '@lienganh/contracts';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';

/**
 * Publishes an imported plan on coordination's stream and waits for the stream's ack: a
 * plan is accepted only once it is stored there. The message id is the plan's, so a
 * retried import within the duplicate window is stored once.
 */
export class PlanPublisher {
  constructor(private readonly nc: NatsConnection) {}

  async publish(plan: Plan): Promise<void> {
    const event = buildEvent(coordinationPlanPublished, plan, { id: `plan-published-${plan.id}` });
    const { headers, data } = encodeBinary(event);
    const natsHeadersOf = natsHeaders();
    for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
    await jetstream(this.nc).publish(coordinationPlanPublished.subject, data, { headers: natsHeadersOf, msgID: event.id });
  }
}
