import {
  ContractError,
  eventKey,
  findEventDefinition,
  parseEvent,
  sourceFor,
  agencyOfSource,
  timeProblem,
  type IngestingService,
  type BusEvent,
  type ContractIssue,
} from '@lienganh/contracts';
import { PseudonymisationUnavailableError, replaceRecordKeys } from './record-keys.js';

export const MAX_BATCH_SIZE = 1_000;

/**
 * Turns a request body (one structured CloudEvent or an array of them) into bus events of
 * the authenticated agency. All or nothing: any problem in any event rejects the whole
 * batch with every issue listed (`[3].data.business.kind: …`), so nothing half-published.
 * Record keys sent in place of subject references become `sr_…` with `pseudonymKey`
 * (`record-keys.ts`); without a key, a body carrying one is refused whole
 * (PseudonymisationUnavailableError, 422), before any other check.
 *
 * `time` must lie between 2000-01-01 and a day after `nowMs`, the receiving service's clock
 * (ADR 0010, rule 11). An event is its `source` + `id` (`eventKey`): the same id twice in a batch
 * is refused only from the same source.
 */
export function prepareIncoming(body: unknown, agency: IngestingService, pseudonymKey?: Uint8Array, nowMs: number = Date.now()): BusEvent[] {
  const batch = Array.isArray(body);
  const items: unknown[] = batch ? body : [body];
  if (items.length === 0) throw ContractError.single('', 'the batch is empty');
  if (items.length > MAX_BATCH_SIZE) throw ContractError.single('', `a batch holds at most ${MAX_BATCH_SIZE} events, got ${items.length}`);

  const events: BusEvent[] = [];
  const issues: ContractIssue[] = [];
  const unhashable: ContractIssue[] = [];
  const keys = new Set<string>();
  const prefixed = (prefix: string, found: readonly ContractIssue[]) => found.map((issue) => ({ path: join(prefix, issue.path), message: issue.message }));
  items.forEach((item, index) => {
    const prefix = batch ? `[${index}]` : '';
    let withheld = new Set<string>();
    try {
      const replaced = replaceRecordKeys(completeForAgency(item, agency), pseudonymKey);
      withheld = replaced.withheld;
      issues.push(...prefixed(prefix, replaced.issues));
      unhashable.push(...prefixed(prefix, replaced.unhashable));
      let event: BusEvent;
      try {
        event = parseEvent(replaced.event);
      } catch (error) {
        // A time from the future is named beside the event's other problems.
        if (error instanceof ContractError && !error.issues.some((issue) => issue.path === 'time')) {
          const late = timeIssue(replaced.event, nowMs);
          if (late) throw new ContractError([...error.issues, late]);
        }
        throw error;
      }
      const late = timeIssue(event, nowMs);
      if (late) throw new ContractError([late]);
      if (withheld.size > 0) return; // its issues are listed; nothing of it is published
      const key = eventKey(event);
      if (keys.has(key)) throw ContractError.single('id', `"${event.id}" appears twice in the batch`);
      keys.add(key);
      events.push(event);
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      issues.push(...prefixed(prefix, error.issues.filter((issue) => !withheld.has(issue.path))));
    }
  });
  if (unhashable.length > 0) throw new PseudonymisationUnavailableError(unhashable);
  if (issues.length > 0) throw new ContractError(issues);
  return events;
}

/** Checks what only the authenticated agency may say, and fills `source` and `subject` when omitted. */
function completeForAgency(item: unknown, agency: IngestingService): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const event = { ...(item as Record<string, unknown>) };
  const definition = typeof event.type === 'string' ? findEventDefinition(event.type) : undefined;
  if (definition && definition.agency !== agency) {
    throw ContractError.single('type', `"${event.type}" is an event of ${definition.agency}, not of ${agency}`);
  }
  if (event.source === undefined) event.source = sourceFor(agency);
  else if (typeof event.source === 'string' && agencyOfSource(event.source) !== agency) {
    throw ContractError.single('source', `must name the authenticated agency: /pcmd/${agency}[/<unit>]`);
  }
  if (event.subject === undefined && definition && typeof event.data === 'object' && event.data !== null) {
    const value = (event.data as Record<string, unknown>)[definition.subjectField];
    if (typeof value === 'string') event.subject = value;
  }
  return event;
}

/** The issue of a well-formed `time` the service cannot take (`timeProblem` with its clock); a malformed one is parseEvent's. */
function timeIssue(item: unknown, nowMs: number): ContractIssue | undefined {
  const time = typeof item === 'object' && item !== null ? (item as { time?: unknown }).time : undefined;
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) return undefined;
  const problem = timeProblem(time, nowMs);
  return problem ? { path: 'time', message: problem } : undefined;
}

const join = (prefix: string, path: string) => (prefix && path ? `${prefix}.${path}` : prefix || path);
