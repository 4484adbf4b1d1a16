import { hash } from 'node:crypto';
import { eventKey, type BusEvent, type ContractIssue } from '@lienganh/contracts';

/**
 * A re-send of an event (same `source` + `id`, ADR 0010 rule 1) with a body other than the one
 * stored: answered 409 `conflicting-duplicate`, and nothing of the request is published.
 */
export class ConflictingDuplicateError extends Error {
  override readonly name = 'ConflictingDuplicateError';

  constructor(
    /** The ids in conflict, in request order. */
    readonly ids: readonly string[],
    readonly issues: readonly ContractIssue[],
  ) {
    super(`already stored with a different body: ${ids.join(', ')}`);
  }
}

export interface DuplicateGuardOptions {
  /** How long a body is remembered: at least the stream's duplicate window. Default 2 minutes. */
  windowMs?: number;
  /** Bodies remembered at most; the oldest go first. Default 200,000 (some 30 MB). */
  maxEntries?: number;
  /** The service's clock. */
  clock?: { now(): Date };
}

interface Remembered {
  /** The first 48 bits of the SHA-256 of the event's canonical JSON. */
  digest: number;
  at: number;
  /** The stream said it stored this body (a PubAck that was not a duplicate). */
  confirmed: boolean;
}

/**
 * What one replica remembers of the events it took, to tell a re-send (the same body: 202, and
 * JetStream's duplicate window stores it once) from a different event under the same identity
 * (409). It keeps `eventKey` → digest of the event's canonical JSON for the stream's duplicate
 * window, bounded in size, in memory: a re-send that comes to another replica, after a restart,
 * or after the bound pushed its entry out, is not seen here and gets the old answer (202, stored
 * once by JetStream; consumers keep the first).
 *
 * `claim` is synchronous and all or nothing, so two requests racing with the same identity and
 * different bodies cannot both pass. What the stream answers (`acknowledged`) corrects the memory:
 * when the stream reports a duplicate of an identity this replica had not yet seen stored, the
 * body it holds is unknown here, so the entry is forgotten rather than judged against later.
 */
export class DuplicateGuard {
  private readonly windowMs: number;
  private readonly maxEntries: number;
  private readonly clock: { now(): Date };
  // Insertion order is age order: entries are only added (after a delete), never refreshed.
  private readonly remembered = new Map<string, Remembered>();

  constructor(options: DuplicateGuardOptions = {}) {
    this.windowMs = options.windowMs ?? 2 * 60_000;
    this.maxEntries = options.maxEntries ?? 200_000;
    this.clock = options.clock ?? { now: () => new Date() };
  }

  get size(): number {
    return this.remembered.size;
  }

  /**
   * Checks every event against what was taken within the window; throws ConflictingDuplicateError
   * naming each one whose identity holds a different body, remembering nothing. Otherwise
   * remembers the new ones and returns `release`, which forgets them again (the request failed).
   */
  claim(events: readonly BusEvent[], batch = events.length > 1): () => void {
    const now = this.clock.now().getTime();
    this.expire(now);
    const fresh: [string, Remembered][] = [];
    const conflicts: { index: number; event: BusEvent }[] = [];
    events.forEach((event, index) => {
      const key = eventKey(event);
      const digest = bodyDigest(event);
      const known = this.remembered.get(key);
      if (!known) fresh.push([key, { digest, at: now, confirmed: false }]);
      else if (known.digest !== digest) conflicts.push({ index, event });
    });
    if (conflicts.length > 0) {
      const issues = conflicts.map(({ index, event }) => ({
        path: batch ? `[${index}].id` : 'id',
        message: `"${event.id}" from ${event.source} was already taken with a different body; send a new id for a new event`,
      }));
      throw new ConflictingDuplicateError(
        conflicts.map(({ event }) => event.id),
        issues,
      );
    }
    for (const [key, entry] of fresh) this.remembered.set(key, entry);
    while (this.remembered.size > this.maxEntries) this.remembered.delete(this.remembered.keys().next().value!);
    return () => {
      for (const [key, entry] of fresh) if (this.remembered.get(key) === entry) this.remembered.delete(key);
    };
  }

  /** What the stream answered for a message id (an `eventKey`): stored, or dropped as a duplicate. */
  acknowledged(key: string, duplicate: boolean): void {
    const entry = this.remembered.get(key);
    if (!entry) return;
    if (!duplicate) entry.confirmed = true;
    else if (!entry.confirmed) this.remembered.delete(key);
  }

  private expire(now: number): void {
    for (const [key, entry] of this.remembered) {
      if (now - entry.at <= this.windowMs) return;
      this.remembered.delete(key);
    }
  }
}

/**
 * The digest of an event as `parseEvent` returns it: two posts with the same digest are the same
 * event. Its identity (`source`, `id`) is the map's key; of the rest, `subject` and `dataschema`
 * follow from `type` and `data`, `specversion` and `datacontenttype` are fixed, and the trace
 * context is left out (a retry is a new span of the same event): so `type`, `time` and `data`.
 * `parseEvent` puts every data field in its schema's order whatever the order it came in (event
 * schemas are objects and arrays, no records: `duplicate-guard.test.ts` checks the catalog), so
 * plain `JSON.stringify` is canonical here, at a third of the cost of sorting keys.
 */
export function bodyDigest(event: BusEvent): number {
  return parseInt(hash('sha256', `${event.type} ${event.time} ${JSON.stringify(event.data)}`, 'hex').slice(0, 12), 16);
}
