import type { NatsRead } from '../nats/nats-permissions.js';
import { everyReplicaConsumerName } from './agency-replica.js';
import type { AgencyServiceDefinition } from './agency-service.js';

/** Every consumer an agency service reads through, as its NATS permissions must name them: a lone service's and each replica's. */
export function agencyReads(definition: Pick<AgencyServiceDefinition, 'consumers' | 'replays'>): NatsRead[] {
  return declaredReads(definition).flatMap((read) => everyReplicaConsumerName(read.consumer).map((consumer) => ({ ...read, consumer })));
}

function declaredReads(definition: Pick<AgencyServiceDefinition, 'consumers' | 'replays'>): NatsRead[] {
  return [
    ...(definition.consumers ?? []).map(({ stream, name, filterSubject }) => ({ stream, consumer: name, kind: 'durable' as const, ...(filterSubject ? { filterSubject } : {}) })),
    ...(definition.replays ?? []).map(({ stream, name, filterSubject }) => ({ stream, consumer: name, kind: 'replay' as const, ...(filterSubject ? { filterSubject } : {}) })),
  ];
}
