import type { z } from 'zod';
import type { ProducerAgency } from './agencies.js';

export const TYPE_PREFIX = 'vn.pcmd';
export const SUBJECT_PREFIX = 'pcmd.events';

/**
 * One entry of the event catalog: what the fact is, who may state it, where it travels and
 * the strict schema of its data. `example` is a valid payload, used by docs, tests and the simulator.
 */
export interface EventDefinition<S extends z.ZodObject = z.ZodObject> {
  /** CloudEvents `type`, e.g. `vn.pcmd.police.inspection.completed.v1`. */
  readonly type: string;
  readonly agency: ProducerAgency;
  readonly entity: string;
  readonly action: string;
  /** Major version; a breaking change is a new definition with version + 1. */
  readonly version: number;
  /**
   * NATS subject, shared by every version of the same fact. For the reporting service's types it
   * is a pattern with the body as a wildcard (`pcmd.events.reporting.*.activity.held`): publish on
   * `natsSubjectOf(event)`, filter consumers on this.
   */
  readonly subject: string;
  readonly schema: S;
  /** The data field whose value becomes the CloudEvents `subject` (the entity the fact is about). */
  readonly subjectField: string;
  readonly description: { readonly vi: string; readonly en: string };
  readonly example: z.input<S>;
}

export type EventData<D extends EventDefinition> = z.infer<D['schema']>;

const TOKEN = /^[a-z][a-z0-9-]*$/;

export function defineEvent<S extends z.ZodObject>(spec: {
  agency: ProducerAgency;
  entity: string;
  action: string;
  version?: number;
  schema: S;
  subjectField: keyof z.infer<S> & string;
  description: { vi: string; en: string };
  example: z.input<S>;
}): EventDefinition<S> {
  const version = spec.version ?? 1;
  if (!TOKEN.test(spec.entity) || !TOKEN.test(spec.action)) {
    throw new Error(`event entity and action must be lower-case tokens: ${spec.entity}.${spec.action}`);
  }
  return Object.freeze({
    ...spec,
    version,
    type: `${TYPE_PREFIX}.${spec.agency}.${spec.entity}.${spec.action}.v${version}`,
    subject: spec.agency === 'reporting' ? `${SUBJECT_PREFIX}.reporting.*.${spec.entity}.${spec.action}` : `${SUBJECT_PREFIX}.${spec.agency}.${spec.entity}.${spec.action}`,
  });
}
