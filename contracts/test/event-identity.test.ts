import { createHash } from 'node:crypto';
import {
  buildAsyncApiDocument,
  buildEvent,
  EARLIEST_EVENT_TIME,
  eventKey,
  MAX_EVENT_TIME_AHEAD_MS,
  parseEvent,
  policeInspectionCompleted,
  timeProblem,
} from '@lienganh/contracts';

/** ADR 0010, rules 1 and 11: an event is its source + id; the dates an event may carry. */

describe('eventKey: the identity of an event, source + id', () => {
  it('is the base64url SHA-256 of "<source> <id>", 43 characters', () => {
    const key = eventKey({ source: '/pcmd/police', id: '1001' });
    expect(key).toBe(createHash('sha256').update('/pcmd/police 1001').digest('base64url'));
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('tells apart the same id from two agencies and from two units of one agency', () => {
    const keys = ['/pcmd/police', '/pcmd/culture', '/pcmd/police/001', '/pcmd/police/002'].map((source) => eventKey({ source, id: '1001' }));
    expect(new Set(keys).size).toBe(4);
  });

  it('is what the AsyncAPI document tells a direct NATS producer, with its worked example', () => {
    const description = buildAsyncApiDocument().info.description as string;
    expect(description).toContain('SHA-256');
    expect(description).toContain(eventKey({ source: '/pcmd/police', id: '1001' }));
    expect(description).not.toContain('`Nats-Msg-Id` is the event id');
    expect(description).not.toContain('`Nats-Msg-Id` bằng id của sự kiện');
  });
});

describe('event time range', () => {
  const now = Date.parse('2026-12-05T12:00:00Z');
  const at = (time: string) => ({ ...buildEvent(policeInspectionCompleted, policeInspectionCompleted.example, { time: '2021-05-04T09:30:00+07:00' }), time });

  it('refuses, in every parse, a time before 2000-01-01', () => {
    for (const time of ['0000-01-01T00:00:00Z', '1999-12-31T23:59:59Z', '1999-12-31T23:59:59+00:30', '2000-01-01T06:59:59+07:00']) {
      expect(() => parseEvent(at(time))).toThrow(`time: must be ${EARLIEST_EVENT_TIME} or later (events before 2000 are refused)`);
    }
    expect(parseEvent(at('2000-01-01T00:00:00Z')).time).toBe('2000-01-01T00:00:00Z');
    expect(parseEvent(at('2000-01-01T07:00:00+07:00')).time).toBe('2000-01-01T07:00:00+07:00');
  });

  it('keeps a malformed time to one issue', () => {
    expect(() => parseEvent(at('yesterday'))).toThrow(/^time: must be an RFC 3339 timestamp, e\.g\. 2021-05-04T09:30:00\+07:00$/);
  });

  it('leaves the future bound to the receiver: parseEvent takes 9999, timeProblem with a clock does not', () => {
    expect(parseEvent(at('9999-12-31T23:59:59Z')).time).toBe('9999-12-31T23:59:59Z');
    expect(timeProblem('9999-12-31T23:59:59Z', now)).toMatch(/^must not be more than 24 hours after the receiving service's clock \(2026-12-05T12:00:00\.000Z\)/);
    expect(timeProblem(new Date(now + MAX_EVENT_TIME_AHEAD_MS).toISOString(), now)).toBeUndefined();
    expect(timeProblem(new Date(now + MAX_EVENT_TIME_AHEAD_MS + 1).toISOString(), now)).toBeDefined();
    expect(timeProblem('1999-12-31T23:59:59Z', now)).toMatch(/^must be 2000-01-01T00:00:00Z or later/);
  });

  it('accepts an old but valid event at any later time (replay)', () => {
    expect(timeProblem('2000-01-01T00:00:00Z', now)).toBeUndefined();
    expect(timeProblem('2021-05-04T09:30:00+07:00', Date.parse('2121-01-01T00:00:00Z'))).toBeUndefined();
  });
});
