import { SUBJECT_PREFIX } from './define.js';
import { STREAMS } from './streams.js';

/**
 * What an outside system reads with a consumer identity (issue 22, ADR 0017): coordination's
 * facts about plans, tasks, targets and deadlines, as CloudEvents in binary mode, from the
 * `PCMD_COORDINATION_EVENTS` stream, through durable consumers of its own. Never the audit trail
 * (`access.recorded`, `user-token.changed`) nor the register of bodies that share the stream:
 * NATS permissions pin each consumer's filter to one of these kinds of fact.
 */
export const READABLE_ENTITIES = ['plan', 'task', 'target', 'deadline'] as const;
export type ReadableEntity = (typeof READABLE_ENTITIES)[number];

/** The stream a consumer identity reads. */
export const READABLE_STREAM = STREAMS.coordinationEvents.name;

/** The subjects of one kind of fact: `pcmd.events.coordination.deadline.>`. A consumer may narrow it (`….deadline.overdue`). */
export function readableSubjectOf(entity: ReadableEntity): string {
  return `${SUBJECT_PREFIX}.coordination.${entity}.>`;
}

/** A consumer identity's durable consumer for one kind of fact: `consumer-<code>-deadline`. */
export function readerConsumerOf(code: string, entity: ReadableEntity): string {
  return `consumer-${code}-${entity}`;
}

/** A consumer identity's inbox prefix (pull replies): `_INBOX_consumer_<code>`, never another identity's. */
export function readerInboxPrefixOf(code: string): string {
  return `_INBOX_consumer_${code}`;
}

/** What a consumer identity is told when issued credentials: where and through what it reads. */
export function readerConsumers(code: string): { name: string; filterSubject: string }[] {
  return READABLE_ENTITIES.map((entity) => ({ name: readerConsumerOf(code, entity), filterSubject: readableSubjectOf(entity) }));
}
