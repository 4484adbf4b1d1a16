import { alertId, decideAlerts, type AlertDecision, type DeadlineRecord } from '../src/index.js';

// Which alerts a deadline calls for at a given time (sắp đến hạn, quá hạn, báo cáo Ban Chỉ đạo
// 138, đã thực hiện), given those already raised: Given a deadline and what was raised, When the
// engine looks at it at `now`, Then these alerts and no others.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const DUE = '2021-03-09T10:00:00+07:00';
const due = Date.parse(DUE);
const rules = { approachingDays: [3, 1], escalateAfterDays: 7 };

const handover = (overrides: Partial<DeadlineRecord> = {}): DeadlineRecord => ({
  id: 'referral:cg-ca-1',
  kind: 'referral-handover',
  agency: 'labour',
  areaCode: 'hn-ba-dinh-lieu-giai',
  dueAt: DUE,
  refId: 'cg-ca-1',
  planId: 'kh-ba-dinh-2021',
  raised: [],
  ...overrides,
});

const at = (offset: number) => new Date(due + offset);
const ids = (decisions: AlertDecision[]) => decisions.map((decision) => decision.id);
const decide = (deadline: DeadlineRecord, offset: number, given = rules) => decideAlerts(deadline, given, at(offset));

/**
 * The engine at work: looks at the deadline every `step` from `from` to `to` (offsets from the due
 * time), raising what it is told and passing the raised ids back, as the alert events read back do.
 * `metAt` (an offset) is when the awaited event comes.
 */
function run(options: { from: number; to: number; step: number; metAt?: number; given?: typeof rules }): { id: string; at: number }[] {
  const deadline = handover();
  const raised: { id: string; at: number }[] = [];
  for (let offset = options.from; offset <= options.to; offset += options.step) {
    if (options.metAt !== undefined && offset >= options.metAt) deadline.metAt = at(options.metAt).toISOString();
    for (const decision of decideAlerts(deadline, options.given ?? rules, at(offset))) {
      raised.push({ id: decision.id, at: offset });
      deadline.raised = [...deadline.raised, decision.id];
    }
  }
  return raised;
}

describe('alertId', () => {
  it('is `<deadline id>:<kind>`, with the lead days for "approaching"', () => {
    expect(alertId('referral:cg-ca-1', 'approaching', 3)).toBe('referral:cg-ca-1:approaching:3');
    expect(alertId('referral:cg-ca-1', 'overdue')).toBe('referral:cg-ca-1:overdue');
    expect(alertId('report:kh-ba-dinh-2021:police:monthly:2021-05', 'escalated')).toBe('report:kh-ba-dinh-2021:police:monthly:2021-05:escalated');
    expect(alertId('follow-up:kt-1', 'resolved')).toBe('follow-up:kt-1:resolved');
  });

  it('is the id of each decision', () => {
    const [decision] = decide(handover(), -3 * DAY + MINUTE);
    expect(decision!.id).toBe(alertId('referral:cg-ca-1', 'approaching', 3));
    const [overdue] = decide(handover(), MINUTE);
    expect(overdue!.id).toBe(alertId('referral:cg-ca-1', 'overdue'));
  });
});

describe('decideAlerts', () => {
  describe('before the due time', () => {
    it('raises nothing before the first lead time', () => {
      for (const offset of [-30 * DAY, -4 * DAY, -3 * DAY - MINUTE]) expect(decide(handover(), offset)).toEqual([]);
    });

    it('raises "approaching" from the farthest lead time on: nothing one minute before, the alert one minute after', () => {
      expect(decide(handover(), -3 * DAY - MINUTE)).toEqual([]);
      const deadline = handover();
      expect(decide(deadline, -3 * DAY + MINUTE)).toEqual([{ id: 'referral:cg-ca-1:approaching:3', kind: 'approaching', deadline, leadDays: 3 }]);
    });

    it('raises it at the lead time itself', () => {
      expect(ids(decide(handover(), -3 * DAY))).toEqual(['referral:cg-ca-1:approaching:3']);
    });

    it('does not raise an "approaching" alert twice', () => {
      const deadline = handover({ raised: ['referral:cg-ca-1:approaching:3'] });
      for (const offset of [-3 * DAY + MINUTE, -2 * DAY, -1 * DAY - MINUTE]) expect(decide(deadline, offset)).toEqual([]);
    });

    it('with leads [3, 1], after "approaching:3", raises "approaching:1" one minute past the one-day lead, and not a minute before', () => {
      const deadline = handover({ raised: ['referral:cg-ca-1:approaching:3'] });
      expect(decide(deadline, -1 * DAY - MINUTE)).toEqual([]);
      expect(decide(deadline, -1 * DAY + MINUTE)).toEqual([{ id: 'referral:cg-ca-1:approaching:1', kind: 'approaching', deadline, leadDays: 1 }]);
    });

    it('an "approaching" alert raised for a nearer lead covers a farther one not yet raised (lead times changed since)', () => {
      const deadline = handover({ raised: ['referral:cg-ca-1:approaching:1'] });
      expect(decide(deadline, -2 * DAY)).toEqual([]);
      expect(decide(deadline, -12 * HOUR)).toEqual([]);
    });

    it('after a downtime past both lead times (12 hours before, nothing raised), raises only the nearest one', () => {
      expect(decide(handover(), -12 * HOUR)).toEqual([expect.objectContaining({ id: 'referral:cg-ca-1:approaching:1', kind: 'approaching', leadDays: 1 })]);
    });

    it('does not depend on the order the lead times are written in', () => {
      const reversed = { approachingDays: [1, 3], escalateAfterDays: 7 };
      expect(ids(decide(handover(), -2 * DAY, reversed))).toEqual(['referral:cg-ca-1:approaching:3']);
      expect(ids(decide(handover(), -12 * HOUR, reversed))).toEqual(['referral:cg-ca-1:approaching:1']);
    });

    it('with no lead times, raises nothing before the due time', () => {
      expect(decide(handover(), -1 * MINUTE, { approachingDays: [], escalateAfterDays: 7 })).toEqual([]);
    });
  });

  describe('past the due time', () => {
    it('raises "overdue" at the due time, and nothing "approaching" any more', () => {
      expect(decide(handover(), -MINUTE).map((decision) => decision.kind)).toEqual(['approaching']);
      const deadline = handover();
      expect(decide(deadline, 0)).toEqual([{ id: 'referral:cg-ca-1:overdue', kind: 'overdue', deadline }]);
      expect(ids(decide(handover({ raised: ['referral:cg-ca-1:approaching:3', 'referral:cg-ca-1:approaching:1'] }), HOUR))).toEqual(['referral:cg-ca-1:overdue']);
    });

    it('raises "overdue" once', () => {
      const deadline = handover({ raised: ['referral:cg-ca-1:overdue'] });
      for (const offset of [0, HOUR, 3 * DAY, 7 * DAY - MINUTE]) expect(decide(deadline, offset)).toEqual([]);
    });

    it('raises "escalated" escalateAfterDays after the due time, not a minute before', () => {
      const deadline = handover({ raised: ['referral:cg-ca-1:overdue'] });
      expect(decide(deadline, 7 * DAY - MINUTE)).toEqual([]);
      expect(decide(deadline, 7 * DAY)).toEqual([{ id: 'referral:cg-ca-1:escalated', kind: 'escalated', deadline }]);
    });

    it('raises "overdue" with "escalated" when "overdue" was never raised (a downtime)', () => {
      expect(ids(decide(handover(), 8 * DAY))).toEqual(['referral:cg-ca-1:overdue', 'referral:cg-ca-1:escalated']);
    });

    it('raises "escalated" once', () => {
      const deadline = handover({ raised: ['referral:cg-ca-1:overdue', 'referral:cg-ca-1:escalated'] });
      for (const offset of [7 * DAY, 30 * DAY, 365 * DAY]) expect(decide(deadline, offset)).toEqual([]);
    });
  });

  describe('over the life of a deadline (raised ids passed back)', () => {
    it('unmet: each alert once, in order, at its time', () => {
      expect(run({ from: -10 * DAY, to: 20 * DAY, step: 30 * MINUTE })).toEqual([
        { id: 'referral:cg-ca-1:approaching:3', at: -3 * DAY },
        { id: 'referral:cg-ca-1:approaching:1', at: -1 * DAY },
        { id: 'referral:cg-ca-1:overdue', at: 0 },
        { id: 'referral:cg-ca-1:escalated', at: 7 * DAY },
      ]);
    });

    it('met late, after the overdue alert: "resolved" once, and no escalation', () => {
      expect(run({ from: -10 * DAY, to: 20 * DAY, step: HOUR, metAt: 2 * DAY + 30 * MINUTE })).toEqual([
        { id: 'referral:cg-ca-1:approaching:3', at: -3 * DAY },
        { id: 'referral:cg-ca-1:approaching:1', at: -1 * DAY },
        { id: 'referral:cg-ca-1:overdue', at: 0 },
        { id: 'referral:cg-ca-1:resolved', at: 2 * DAY + HOUR }, // the first look after the answer came
      ]);
    });

    it('met before any alert: nothing, ever', () => {
      expect(run({ from: -10 * DAY, to: 30 * DAY, step: HOUR, metAt: -5 * DAY })).toEqual([]);
    });

    it('met after a downtime that raised nothing: nothing (a deadline met before any alert gives none)', () => {
      expect(run({ from: 12 * DAY, to: 30 * DAY, step: HOUR, metAt: 10 * DAY })).toEqual([]);
    });
  });

  describe('a met deadline', () => {
    const metLate = (raised: string[]) => handover({ metAt: '2021-03-11T09:00:00+07:00', raised });

    it('after an overdue alert, raises "resolved" once', () => {
      const deadline = metLate(['referral:cg-ca-1:approaching:3', 'referral:cg-ca-1:overdue']);
      expect(decide(deadline, 2 * DAY)).toEqual([{ id: 'referral:cg-ca-1:resolved', kind: 'resolved', deadline }]);
      const resolved = metLate(['referral:cg-ca-1:approaching:3', 'referral:cg-ca-1:overdue', 'referral:cg-ca-1:resolved']);
      for (const offset of [2 * DAY, 7 * DAY, 30 * DAY]) expect(decide(resolved, offset)).toEqual([]);
    });

    it('is no longer escalated, however long ago it was due', () => {
      expect(ids(decide(metLate(['referral:cg-ca-1:overdue']), 30 * DAY))).toEqual(['referral:cg-ca-1:resolved']);
    });

    it('met on time before any alert, raises nothing, before or after the due time', () => {
      const deadline = handover({ metAt: '2021-03-04T09:00:00+07:00' });
      for (const offset of [-3 * DAY, -12 * HOUR, 0, 7 * DAY, 60 * DAY]) expect(decide(deadline, offset)).toEqual([]);
    });

  });

  describe('a cancelled deadline (a hotspot re-activated before its next patrol)', () => {
    it('raises nothing at any time, whatever was raised before', () => {
      for (const raised of [[], ['referral:cg-ca-1:approaching:3'], ['referral:cg-ca-1:overdue']]) {
        const deadline = handover({ kind: 'hotspot-patrol', cancelled: true, raised });
        for (const offset of [-3 * DAY, -12 * HOUR, 0, 7 * DAY, 60 * DAY]) expect(decide(deadline, offset)).toEqual([]);
      }
    });
  });
});

describe('a deadline due before its plan’s alerts start (backlog: ADR 0010, 8)', () => {
  // The plan was imported (or its alertsFrom falls) a day after this deadline was due.
  const IMPORTED = new Date(due + DAY).toISOString();

  it('raises nothing, however long overdue: not overdue, not escalated, not at the import, not a year later', () => {
    const backlog = handover({ alertsFrom: IMPORTED });
    for (const offset of [DAY + MINUTE, 8 * DAY, 365 * DAY]) expect(ids(decide(backlog, offset))).toEqual([]);
  });

  it('raises nothing when its action comes late either (nothing was raised to resolve)', () => {
    expect(ids(decide(handover({ alertsFrom: IMPORTED, metAt: new Date(due + 2 * DAY).toISOString() }), 3 * DAY))).toEqual([]);
  });

  it('one due at or after the start is alerted as always: approaching, overdue, escalated', () => {
    const after = handover({ alertsFrom: new Date(due - 5 * DAY).toISOString() });
    expect(ids(decide(after, -3 * DAY + MINUTE))).toEqual(['referral:cg-ca-1:approaching:3']);
    expect(ids(decide(after, 8 * DAY))).toEqual(['referral:cg-ca-1:overdue', 'referral:cg-ca-1:escalated']);
    expect(ids(decide(handover({ alertsFrom: DUE }), MINUTE))).toEqual(['referral:cg-ca-1:overdue']);
  });

  it('compares instants, not strings: a start written in UTC a minute after the due time still makes it backlog', () => {
    const utc = new Date(due + MINUTE).toISOString(); // "…Z" sorts before "…+07:00" as text
    expect(ids(decide(handover({ alertsFrom: utc }), 8 * DAY))).toEqual([]);
  });

  it('a deadline that does not know when its alerts start (kept by an earlier version) is alerted as before', () => {
    expect(ids(decide(handover(), 8 * DAY))).toEqual(['referral:cg-ca-1:overdue', 'referral:cg-ca-1:escalated']);
  });
});
