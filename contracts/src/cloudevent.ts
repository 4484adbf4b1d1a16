import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isAgencyService, isProducerAgency, REPORTING_SERVICE, type ProducerAgency } from './agencies.js';
import { findEventDefinition, getEventDefinition } from './catalog.js';
import type { EventData, EventDefinition } from './define.js';
import { ContractError, contractErrorMap, issuesFromZod, parseOrThrow } from './errors.js';
import { refusePersonalData } from './personal-data.js';
import { agencyUnitProblem } from './source-units.js';

/**
 * A CloudEvents 1.0 event as it travels on the bus: every attribute we rely on is required,
 * data is JSON, and the only extensions are W3C trace context.
 */
export interface BusEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  dataschema: string;
  data: T;
  traceparent?: string;
  tracestate?: string;
}

export const DATA_CONTENT_TYPE = 'application/json';
export const DATASCHEMA_PREFIX = 'urn:lienganh:schema:';

/**
 * `source` names the emitting agency and, after it, the unit: an agency's unit by registries
 * (`/pcmd/police/001`, `/pcmd/justice/001/toa-an`, see source-units.ts), a body of the reporting
 * service by its code in the register of bodies (`/pcmd/reporting/womens-union`).
 */
const SOURCE = /^\/pcmd\/([a-z][a-z0-9-]*)(\/[a-z0-9][a-z0-9-]*){0,2}$/;
const SOURCE_RULE = 'must name the emitting agency and its unit, e.g. /pcmd/police, /pcmd/police/001 or /pcmd/reporting/womens-union';

export function sourceFor(agency: ProducerAgency, unit?: string): string {
  const source = unit ? `/pcmd/${agency}/${unit}` : `/pcmd/${agency}`;
  const problem = sourceProblem(source);
  if (problem) throw ContractError.single('source', problem);
  return source;
}

/** Why `source` is not one an event may carry (its value is never repeated: it may hold what should not be kept); undefined when it is. */
export function sourceProblem(source: string): string | undefined {
  const match = SOURCE.exec(source);
  if (!match) return SOURCE_RULE;
  const agency = match[1]!;
  const unit = source.slice(`/pcmd/${agency}/`.length);
  if (unit === '') return undefined;
  if (isAgencyService(agency)) return agencyUnitProblem(agency, unit);
  // The body's code, as registered (its NATS user may publish on its own subject only).
  if (agency === REPORTING_SERVICE) return unit.includes('/') ? 'must name one reporting body: /pcmd/reporting/<body>' : undefined;
  return `must not name a unit after /pcmd/${agency}`;
}

/** The agency a `source` names, or undefined when it names none we know. */
export function agencyOfSource(source: string): ProducerAgency | undefined {
  const agency = SOURCE.exec(source)?.[1];
  return agency !== undefined && isProducerAgency(agency) ? agency : undefined;
}

/** The unit a `source` names after its agency (`/pcmd/reporting/womens-union` → `womens-union`). */
export function unitOfSource(source: string): string | undefined {
  return source.split('/')[3];
}

/**
 * The body that states a fact: the agency of its type, or, for the reporting service's types,
 * the body its `source` names (`/pcmd/reporting/womens-union` → `womens-union`).
 */
export function bodyOf(event: Pick<BusEvent, 'type' | 'source'>): string {
  const agency = event.type.split('.')[2]!;
  return agency === 'reporting' ? (unitOfSource(event.source) ?? agency) : agency;
}

/** The NATS subject an event is published on: its type's, with the body for the reporting service's types. */
export function natsSubjectOf(event: Pick<BusEvent, 'type' | 'source'>): string {
  const { subject, agency } = getEventDefinition(event.type);
  if (agency !== 'reporting') return subject;
  const body = unitOfSource(event.source);
  if (body === undefined) throw ContractError.single('source', `must name the reporting body: /pcmd/reporting/<body>`);
  return subject.replace('*', body);
}

/**
 * Whether an event's `type`, `source` and NATS subject all name the same agency (and, for the
 * reporting service, the same body); the reason when they do not. A police service publishing a
 * labour fact, a labour `source` on a police subject, or the Women's Union publishing as the
 * border guard is forged or broken: consumers refuse it rather than count it.
 */
export function provenanceProblem(event: Pick<BusEvent, 'type' | 'source'>, natsSubject: string): string | undefined {
  const byType = event.type.split('.')[2];
  const bySource = agencyOfSource(event.source);
  const bySubject = natsSubject.split('.')[2];
  if (bySource !== byType) return `source ${event.source} does not name the agency of type ${event.type}`;
  if (bySubject !== byType) return `subject ${natsSubject} does not name the agency of type ${event.type}`;
  if (byType === 'reporting') {
    const body = unitOfSource(event.source);
    if (body === undefined) return `source ${event.source} names no reporting body`;
    if (natsSubject.split('.')[3] !== body) return `subject ${natsSubject} does not name the body of source ${event.source}`;
  }
  // Anything after the producer's tokens would be stored too (pcmd.events.reporting.<body>.<a phone
  // number>): only the type's own subject is taken. Said without echoing what was received.
  const expected = findEventDefinition(event.type) ? natsSubjectOf(event) : undefined;
  if (expected !== undefined && natsSubject !== expected) return `subject must be ${expected}, the subject of type ${event.type}`;
  return undefined;
}

/**
 * The dates an event may carry (ADR 0010, rule 11): the plans the board measures start in this
 * century, and a fact cannot have happened tomorrow. The lower bound is a fixed date, so an old
 * but valid event stays valid on every replay; the upper bound moves with the receiving service's
 * clock, so it is checked where an event is received (`timeProblem`), never by `parseEvent`.
 */
export const EARLIEST_EVENT_TIME = '2000-01-01T00:00:00Z';

/** W3C Trace Context `tracestate` (https://www.w3.org/TR/trace-context/#tracestate-header): vendor keys and printable values, nothing else. */
const TRACESTATE_MEMBER = '(?:[a-z][a-z0-9_*/-]{0,255}|[a-z0-9][a-z0-9_*/-]{0,240}@[a-z][a-z0-9_*/-]{0,13})=[\\x20-\\x2b\\x2d-\\x3c\\x3e-\\x7e]{0,255}[\\x21-\\x2b\\x2d-\\x3c\\x3e-\\x7e]';
const TRACESTATE = new RegExp(`^${TRACESTATE_MEMBER}(?:[ \\t]*,[ \\t]*${TRACESTATE_MEMBER}){0,31}$`);
/** How far ahead of the receiving service's clock an event's `time` may be: a day (clocks and time zones disagree). */
export const MAX_EVENT_TIME_AHEAD_MS = 24 * 60 * 60 * 1000;
const EARLIEST_EVENT_TIME_MS = Date.parse(EARLIEST_EVENT_TIME);
const TOO_EARLY = `must be ${EARLIEST_EVENT_TIME} or later (events before 2000 are refused)`;

/**
 * Why an event's `time` cannot be taken by a service whose clock reads `nowMs` (ms since the
 * epoch), or undefined when it can: before 2000-01-01, or more than a day after `nowMs`. Pure:
 * ingestion passes its clock, a consumer the time the stream stored the message (so that a
 * replay decides what the live consumer decided).
 */
export function timeProblem(time: string, nowMs: number): string | undefined {
  const at = Date.parse(time);
  if (Number.isNaN(at)) return 'must be an RFC 3339 timestamp, e.g. 2021-05-04T09:30:00+07:00';
  if (at < EARLIEST_EVENT_TIME_MS) return TOO_EARLY;
  if (at > nowMs + MAX_EVENT_TIME_AHEAD_MS) {
    return `must not be more than 24 hours after the receiving service's clock (${new Date(nowMs).toISOString()}): a fact cannot have happened in the future`;
  }
  return undefined;
}

export function dataschemaFor(type: string): string {
  return `${DATASCHEMA_PREFIX}${type}`;
}

const Envelope = z.strictObject({
  specversion: z.literal('1.0'),
  id: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 printable ASCII characters without spaces (letters, digits, punctuation such as - _ . :)').superRefine(refusePersonalData),
  type: z.string().min(1).max(200),
  source: z
    .string()
    .superRefine((value, context) => {
      const problem = sourceProblem(value);
      if (problem) context.addIssue({ code: 'custom', message: problem });
      else refusePersonalData(value, context); // a body's code is free text of the register's
    }),
  subject: z.string().min(1).max(200).superRefine(refusePersonalData),
  time: z.iso
    .datetime({
      offset: true,
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be an RFC 3339 timestamp, e.g. 2021-05-04T09:30:00+07:00'),
    })
    // A malformed time has its issue above; only a well-formed one is compared.
    .refine((time) => !(Date.parse(time) < EARLIEST_EVENT_TIME_MS), TOO_EARLY),
  datacontenttype: z.literal(DATA_CONTENT_TYPE).default(DATA_CONTENT_TYPE),
  dataschema: z.string().max(300).optional(),
  data: z.unknown(),
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent')
    .optional(),
  tracestate: z
    .string()
    .max(512)
    .regex(TRACESTATE, 'must be a W3C tracestate: up to 32 comma-separated key=value members')
    .superRefine((value, context) => {
      if (TRACESTATE.test(value)) refusePersonalData(value, context); // a malformed one has its issue above
    })
    .optional(),
});

/** Validates a payload against its event type's schema; issues are reported under `data.`. */
export function validateData<D extends EventDefinition>(definition: D, data: unknown): EventData<D> {
  return parseOrThrow(definition.schema, data, 'data') as EventData<D>;
}

export interface BuildOptions {
  source?: string;
  unit?: string;
  id?: string;
  /** When the fact happened in the real world; defaults to now. */
  time?: Date | string;
  traceparent?: string;
  tracestate?: string;
}

/** Builds a bus event of a catalog type from its data, validating the data on the way. */
export function buildEvent<D extends EventDefinition>(definition: D, data: z.input<D['schema']>, options: BuildOptions = {}): BusEvent<EventData<D>> {
  const valid = validateData(definition, data);
  const time = options.time ?? new Date();
  const event: BusEvent<EventData<D>> = {
    specversion: '1.0',
    id: options.id ?? randomUUID(),
    type: definition.type,
    source: options.source ?? sourceFor(definition.agency, options.unit),
    subject: String((valid as Record<string, unknown>)[definition.subjectField]),
    time: typeof time === 'string' ? time : time.toISOString(),
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataschemaFor(definition.type),
    data: valid,
  };
  if (options.traceparent) event.traceparent = options.traceparent;
  if (options.tracestate) event.tracestate = options.tracestate;
  // The data is already valid; only the attributes that came from options need a check.
  const envelope = Envelope.safeParse(event, { error: contractErrorMap });
  if (!envelope.success) throw new ContractError(issuesFromZod(envelope.error));
  return event;
}

/**
 * Parses and validates an event from any source (HTTP body, NATS message, file): the
 * envelope, the type against the catalog, the data against the type's schema, and that
 * `subject` is the entity the data is about. Every problem is listed in the ContractError.
 */
export function parseEvent(input: unknown): BusEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw ContractError.single('', 'a CloudEvent must be a JSON object');
  }
  const envelope = Envelope.safeParse(input, { error: contractErrorMap });
  const issues = envelope.success ? [] : issuesFromZod(envelope.error);
  const type = (input as { type?: unknown }).type;
  const definition = typeof type === 'string' ? tryDefinition(type, issues) : undefined;
  let data: unknown;
  if (definition) {
    const parsed = definition.schema.safeParse((input as { data?: unknown }).data, { error: contractErrorMap });
    if (parsed.success) data = parsed.data;
    else issues.push(...issuesFromZod(parsed.error, 'data'));
  }
  if (issues.length > 0 || !envelope.success || !definition) throw new ContractError(issues);

  const event = { ...envelope.data, data } as BusEvent;
  const expectedSubject = String((data as Record<string, unknown>)[definition.subjectField]);
  if (event.subject !== expectedSubject) {
    throw ContractError.single('subject', `must be data.${definition.subjectField} ("${expectedSubject}")`);
  }
  if (event.dataschema !== undefined && event.dataschema !== dataschemaFor(definition.type)) {
    throw ContractError.single('dataschema', `must be ${dataschemaFor(definition.type)}`);
  }
  event.dataschema = dataschemaFor(definition.type);
  return event;
}

function tryDefinition(type: string, issues: { path: string; message: string }[]): EventDefinition | undefined {
  try {
    return getEventDefinition(type);
  } catch (error) {
    if (error instanceof ContractError) issues.push(...error.issues);
    return undefined;
  }
}
