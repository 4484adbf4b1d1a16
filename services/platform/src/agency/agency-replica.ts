/**
 * Replicas of an agency service behind a load balancer. What a replica keeps in memory (the
 * referral inbox, the case files) must see every event, so each replica reads through consumers
 * of its own, named `<consumer>-r<replica>`; a consumer shared by replicas would hand each only
 * part of the events. The names are fixed in advance because the NATS permissions name every
 * consumer an agency may read through (a subject permission cannot match part of a name), so a
 * replica number is one of `0 … AGENCY_REPLICA_SLOTS - 1`: a StatefulSet's pod index, say.
 * Without one, a lone service reads through the plain names.
 */

/** How many replicas of one agency service the NATS permissions have consumers for. */
export const AGENCY_REPLICA_SLOTS = 4;

/** Nest token: `(consumer) => name` of a consumer or replay for this replica. */
export const REPLICA_CONSUMER_NAME = Symbol('REPLICA_CONSUMER_NAME');
export type ReplicaConsumerName = (consumer: string) => string;

export class InvalidAgencyReplicaError extends Error {
  override readonly name = 'InvalidAgencyReplicaError';
}

export function checkAgencyReplica(value: number | string): number {
  const replica = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(replica) || replica < 0 || replica >= AGENCY_REPLICA_SLOTS) {
    throw new InvalidAgencyReplicaError(`AGENCY_REPLICA must be a whole number from 0 to ${AGENCY_REPLICA_SLOTS - 1} (the NATS permissions name the consumers of that many replicas), not "${value}"`);
  }
  return replica;
}

/** `AGENCY_REPLICA` (unset or empty: a lone service). */
export function agencyReplicaFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.AGENCY_REPLICA;
  return value === undefined || value === '' ? undefined : checkAgencyReplica(value);
}

/** The name a replica reads `consumer` through. */
export function replicaConsumerName(consumer: string, replica: number | undefined): string {
  return replica === undefined ? consumer : `${consumer}-r${replica}`;
}

/** Every name `consumer` may take: the lone service's, then each replica's. */
export function everyReplicaConsumerName(consumer: string): string[] {
  return [consumer, ...Array.from({ length: AGENCY_REPLICA_SLOTS }, (_, replica) => replicaConsumerName(consumer, replica))];
}
