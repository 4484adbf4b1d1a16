import { AGENCY_SERVICES, buildEvent, catalog, eventKey, parseEvent, policeCaseOpened, policeInspectionCompleted, type BusEvent } from '@lienganh/contracts';
import { bodyDigest, ConflictingDuplicateError, DuplicateGuard } from '../src/ingestion/duplicate-guard.js';

/** What one replica remembers of the events it took: a re-send is fine, another body under the same identity is not. */

const clock = { current: Date.parse('2026-12-05T12:00:00Z'), now: () => new Date(clock.current) };
const inspection = (id: string, source = '/pcmd/police', outcome: 'compliant' | 'closed-down' = 'compliant'): BusEvent =>
  buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, outcome, violations: [] }, { id, source, time: '2021-05-04T09:30:00+07:00' });

function conflictOf(action: () => unknown): ConflictingDuplicateError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConflictingDuplicateError) return error;
    throw error;
  }
  throw new Error('no conflict');
}

describe('DuplicateGuard', () => {
  it('takes a re-send of the same body, and refuses another body under the same source + id, naming the id', () => {
    const guard = new DuplicateGuard({ clock });
    guard.claim([inspection('1001')]);
    expect(() => guard.claim([inspection('1001')])).not.toThrow();
    const conflict = conflictOf(() => guard.claim([inspection('1001', '/pcmd/police', 'closed-down')]));
    expect(conflict.ids).toEqual(['1001']);
    expect(conflict.issues).toEqual([{ path: 'id', message: '"1001" from /pcmd/police was already taken with a different body; send a new id for a new event' }]);
  });

  it('tells the same id of two sources apart', () => {
    const guard = new DuplicateGuard({ clock });
    guard.claim([inspection('1001', '/pcmd/police/001')]);
    expect(() => guard.claim([inspection('1001', '/pcmd/police/002', 'closed-down')])).not.toThrow();
    expect(guard.size).toBe(2);
  });

  it('is all or nothing: a batch with one conflict remembers none of its events, and names each conflict by position', () => {
    const guard = new DuplicateGuard({ clock });
    guard.claim([inspection('a'), inspection('b')]);
    const conflict = conflictOf(() => guard.claim([inspection('new'), inspection('b', '/pcmd/police', 'closed-down'), inspection('a', '/pcmd/police', 'closed-down')], true));
    expect(conflict.issues.map((issue) => issue.path)).toEqual(['[1].id', '[2].id']);
    expect(guard.size).toBe(2);
  });

  it('forgets what a failed request claimed, but not what an earlier one did', () => {
    const guard = new DuplicateGuard({ clock });
    guard.claim([inspection('kept')]);
    const release = guard.claim([inspection('kept'), inspection('failed')]);
    release();
    expect(guard.size).toBe(1);
    expect(() => guard.claim([inspection('failed', '/pcmd/police', 'closed-down')])).not.toThrow();
    expect(() => guard.claim([inspection('kept', '/pcmd/police', 'closed-down')])).toThrow(ConflictingDuplicateError);
  });

  it('does not judge a body the stream did not store: a duplicate acknowledgement of an unconfirmed claim forgets it', () => {
    const guard = new DuplicateGuard({ clock });
    // Another replica (or this one before a restart) stored 1001 first: this body was dropped.
    guard.claim([inspection('1001', '/pcmd/police', 'closed-down')]);
    guard.acknowledged(eventKey(inspection('1001')), true);
    expect(() => guard.claim([inspection('1001')])).not.toThrow();
    // Confirmed by the stream, a later duplicate acknowledgement (an identical re-send) keeps it.
    guard.acknowledged(eventKey(inspection('1001')), false);
    guard.acknowledged(eventKey(inspection('1001')), true);
    expect(() => guard.claim([inspection('1001', '/pcmd/police', 'closed-down')])).toThrow(ConflictingDuplicateError);
  });

  it('remembers for the duplicate window, and at most maxEntries events, the oldest going first', () => {
    const guard = new DuplicateGuard({ clock, windowMs: 120_000, maxEntries: 3 });
    guard.claim([inspection('1')]);
    clock.current += 60_000;
    guard.claim([inspection('2'), inspection('3')]);
    clock.current += 60_001;
    // '1' is past the window: another body is a new event as far as this replica can tell.
    expect(() => guard.claim([inspection('1', '/pcmd/police', 'closed-down')])).not.toThrow();
    expect(() => guard.claim([inspection('2', '/pcmd/police', 'closed-down')])).toThrow(ConflictingDuplicateError);
    guard.claim([inspection('4')]);
    expect(guard.size).toBe(3);
    expect(() => guard.claim([inspection('2', '/pcmd/police', 'closed-down')])).not.toThrow(); // pushed out by the bound
  });

  it('digests the event as parsed: key order and trace context do not matter, any attribute or data does', () => {
    const event = buildEvent(policeCaseOpened, policeCaseOpened.example, { id: 'x', time: '2021-05-04T09:30:00+07:00' });
    expect(bodyDigest(parseEvent(reversed(event)))).toBe(bodyDigest(parseEvent(event)));
    expect(bodyDigest({ ...event, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })).toBe(bodyDigest(event));
    expect(bodyDigest({ ...event, time: '2021-05-04T09:30:01+07:00' })).not.toBe(bodyDigest(event));
    expect(bodyDigest({ ...event, data: { ...policeCaseOpened.example, suspects: 99 } })).not.toBe(bodyDigest(event));
  });

  it('can rely on parseEvent for a canonical key order: every type an agency posts parses to the same JSON whatever order its keys came in', () => {
    for (const definition of catalog.filter((candidate) => (AGENCY_SERVICES as readonly string[]).includes(candidate.agency))) {
      const event = buildEvent(definition, definition.example, { id: 'x', time: '2021-05-04T09:30:00+07:00' });
      expect([definition.type, JSON.stringify(parseEvent(reversed(event)))]).toEqual([definition.type, JSON.stringify(parseEvent(event))]);
    }
  });
});

/** The same value with the keys of every object in reverse order. */
function reversed(value: unknown): any {
  if (Array.isArray(value)) return value.map(reversed);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, child]) => [key, reversed(child)]));
}
