import type { Measure } from '@lienganh/contracts';
import { PlanActivity } from '../src/board/plan-activity.js';
import { RecentEvents } from '../src/targets/recent-events.js';
import { dayAreaOf, TargetHistory } from '../src/targets/target-history.js';
import type { TargetTally } from '../src/targets/target-tally.js';

// What replaces the events kept per target (ADR 0023): figures as of a day, events of a period, latest positions.

const distinct: Measure = { kind: 'distinct', eventType: 'vn.pcmd.police.inspection.completed.v1', field: 'business.id' } as Measure;
const count: Measure = { kind: 'count', eventType: 'vn.pcmd.police.inspection.completed.v1' } as Measure;

function talliesAt(history: TargetHistory, measure: Measure, days: string[], yearly = false): { events: number; count: number; values: string[]; byArea: Record<string, number>; years?: string[] }[] {
  const seen: ReturnType<typeof talliesAt> = [];
  history.talliesAt(measure, days, yearly, (tally: TargetTally) =>
    seen.push({ events: tally.events, count: tally.numeratorCount, values: [...tally.numeratorValues].sort(), byArea: Object.fromEntries(tally.byArea), ...(tally.years ? { years: [...tally.years.keys()].sort() } : {}) }),
  );
  return seen;
}

describe('a target history', () => {
  it('gives the figures as they stood at the end of each day asked, whatever order the events came in', () => {
    const history = new TargetHistory();
    // 17:30Z on 4 May is 00:30 on 5 May in Vietnam: it counts on the 5th.
    history.add({ numerator: 'dn-2' }, dayAreaOf('2021-05-04T17:30:00Z', 'kim-ma'));
    history.add({ numerator: 'dn-1' }, dayAreaOf('2021-05-04T09:00:00+07:00', 'kim-ma'));
    history.add({ numerator: 'dn-1' }, dayAreaOf('2021-05-03T09:00:00+07:00', 'lieu-giai'));
    expect(talliesAt(history, distinct, ['2021-05-02', '2021-05-03', '2021-05-04', '2021-05-05'])).toEqual([
      { events: 0, count: 0, values: [], byArea: {} },
      { events: 1, count: 0, values: ['dn-1'], byArea: { 'lieu-giai': 1 } },
      { events: 2, count: 0, values: ['dn-1'], byArea: { 'lieu-giai': 1, 'kim-ma': 1 } },
      { events: 3, count: 0, values: ['dn-1', 'dn-2'], byArea: { 'lieu-giai': 1, 'kim-ma': 2 } },
    ]);
    expect(talliesAt(history, count, ['2021-05-04'])).toEqual([{ events: 2, count: 2, values: [], byArea: { 'lieu-giai': 1, 'kim-ma': 1 } }]);
  });

  it('puts a value in the year it was first counted (what the figures up to a year read)', () => {
    const history = new TargetHistory();
    history.add({ numerator: 'dn-1' }, dayAreaOf('2022-02-01T09:00:00+07:00', 'kim-ma'));
    history.add({ numerator: 'dn-1' }, dayAreaOf('2021-12-31T20:00:00+07:00', 'kim-ma'));
    expect(talliesAt(history, distinct, ['2022-12-31'], true)).toEqual([{ events: 2, count: 0, values: ['dn-1'], byArea: { 'kim-ma': 2 }, years: ['2021', '2022'] }]);
  });

  it('counts the events of a period in the areas asked', () => {
    const history = new TargetHistory();
    history.add({ numerator: '' }, dayAreaOf('2021-05-04T09:00:00+07:00', 'kim-ma'));
    history.add({ numerator: '' }, dayAreaOf('2021-05-31T23:59:00+07:00', 'lieu-giai'));
    history.add({ numerator: '' }, dayAreaOf('2021-06-01T00:00:00+07:00', 'kim-ma'));
    expect(history.eventsIn('2021-05-01', '2021-05-31', () => true)).toBe(2);
    expect(history.eventsIn('2021-05-01', '2021-06-30', (area) => area === 'kim-ma')).toBe(2);
  });

  it('hands over the entries changed since the last time, and merges back into the same history', () => {
    const history = new TargetHistory();
    history.add({ numerator: 'dn-1', amount: 2.5 }, dayAreaOf('2021-05-04T09:00:00+07:00', 'kim-ma'));
    const first = history.takeChange('p/t');
    history.add({ numerator: 'dn-2' }, dayAreaOf('2021-05-05T09:00:00+07:00', 'kim-ma'));
    history.add({ numerator: 'dn-1' }, dayAreaOf('2021-05-05T10:00:00+07:00', 'kim-ma'));
    const second = history.takeChange('p/t');
    expect(second).toEqual({ key: 'p/t', days: { '2021-05-05|kim-ma': [2, 2, 0, 0] }, numerators: { 'dn-2': '2021-05-05' }, denominators: {} });
    const copy = new TargetHistory();
    copy.merge(first);
    copy.merge(second);
    expect(copy.stored('p/t')).toEqual(history.stored('p/t'));
    expect(history.takeChange('p/t')).toEqual({ key: 'p/t', days: {}, numerators: {}, denominators: {} });
  });
});

describe("a plan's activity", () => {
  it('sums the events per agency and in all, per day and area', () => {
    const activity = new PlanActivity();
    // As the projection records them: once per agency of the targets an event counted for, and once in all.
    for (const agency of ['police', '']) activity.add(agency, '2021-05-04|kim-ma');
    for (const agency of ['police', 'labour', '']) activity.add(agency, '2021-05-05|lieu-giai');
    expect(activity.eventsIn('police', '2021-05-01', '2021-05-31', () => true)).toBe(2);
    expect(activity.eventsIn('labour', '2021-05-01', '2021-05-31', () => true)).toBe(1);
    expect(activity.eventsIn(undefined, '2021-05-01', '2021-05-31', () => true)).toBe(2);
    expect(activity.eventsIn(undefined, '2021-05-05', '2021-05-31', (area) => area === 'kim-ma')).toBe(0);
  });
});

describe("a target's latest events", () => {
  it('keeps the last positions added, and lists them latest in the stream first, each once', () => {
    const recent = new RecentEvents(3);
    for (const position of [2, 4, 8, 6, 10]) recent.add(position);
    expect(recent.all()).toEqual([8, 6, 10]);
    expect(recent.newestFirst(2)).toEqual([10, 8]);
    expect(recent.takeAdded()).toEqual([2, 4, 8, 6, 10]);
    const loaded = new RecentEvents(3);
    loaded.load([6, 6, 10]);
    expect(loaded.newestFirst(10)).toEqual([10, 6]);
    expect(loaded.takeAdded()).toEqual([]);
  });
});
