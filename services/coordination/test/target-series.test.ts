import { readFileSync } from 'node:fs';
import {
  buildEvent,
  coordinationPlanPublished,
  cultureWardAssessmentCompleted,
  labourJointInspectionCompleted,
  parsePlanDocument,
  policeBusinessRegistered,
  policeCaseOpened,
  policeHotspotReactivated,
  policeInspectionCompleted,
  reportingActivityHeld,
  type BusEvent,
  type Plan,
} from '@lienganh/contracts';
import { compilePeriodicReport, CoordinationProjection, InMemoryCoordinationStore, parsePeriod, targetSeries, termMonths, type TargetSeries } from '../src/index.js';
import { CaseReferences } from '../src/access/case-references.js';

/** How the projection names referrals in deadlines (ADR 0021): a key of this test's own. */
const cases = CaseReferences.ephemeral();

// A target month by month (issue #21, the board's charts): each month's point is what that month's
// periodic report says, beside the straight-line path its status is judged by.

const baDinh = parsePlanDocument(readFileSync(new URL('../demo/ba-dinh-2021.plan.yaml', import.meta.url), 'utf8'), 'yaml');
const NOW = new Date('2021-07-10T09:00:00+07:00');

const inspection = (id: string, time: string, areaCode = 'hn-ba-dinh-kim-ma', businessId = `b-${id}`) =>
  buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: `kt-${id}`, areaCode, business: { businessId, kind: 'karaoke' } }, { id: `evt-kt-${id}`, time });
const registered = (businessId: string, time: string, areaCode = 'hn-ba-dinh-phuc-xa') =>
  buildEvent(policeBusinessRegistered, { ...policeBusinessRegistered.example, businessId, areaCode, atRisk: true }, { id: `evt-dk-${businessId}`, time });
const caseOpened = (id: string, time: string) => buildEvent(policeCaseOpened, { ...policeCaseOpened.example, caseId: `va-${id}`, areaCode: 'hn-ba-dinh-kim-ma' }, { id: `evt-va-${id}`, time });
const jointInspection = (id: string, businessId: string, time: string) =>
  buildEvent(labourJointInspectionCompleted, { ...labourJointInspectionCompleted.example, inspectionId: `kt178-${id}`, business: { businessId, kind: 'massage' } }, { id: `evt-178-${id}`, time });
const modelActivity = (id: string, areaCode: string, time: string) =>
  buildEvent(reportingActivityHeld, { ...reportingActivityHeld.example, activityId: `mh-${id}`, kind: 'pilot-model', organiser: 'ubnd-phuong', areaCode }, { id: `evt-mh-${id}`, source: '/pcmd/reporting/ubnd-phuong', time });
const assessment = (ward: string, time: string) =>
  buildEvent(cultureWardAssessmentCompleted, { ...cultureWardAssessmentCompleted.example, assessmentId: `dg-${ward}`, areaCode: `hn-ba-dinh-${ward}`, result: 'healthy', year: 2021 }, { id: `evt-dg-${ward}`, time });
const reactivated = (time: string) => buildEvent(policeHotspotReactivated, { ...policeHotspotReactivated.example, hotspotId: 'td-to-lich', areaCode: 'hn-ba-dinh-lieu-giai' }, { id: 'evt-td-1', time });

const seeded: BusEvent[] = [
  inspection('jan-1', '2021-01-12T09:00:00+07:00'),
  inspection('jan-2', '2021-01-31T23:59:00+07:00'), // the last minute of January in Hanoi
  inspection('feb-1', '2021-01-31T17:05:00Z'), // 1 February 00:05 in Hanoi
  inspection('mar-px', '2021-03-03T09:00:00+07:00', 'hn-ba-dinh-phuc-xa', 'b-px-1'),
  inspection('may-px', '2021-05-03T09:00:00+07:00', 'hn-ba-dinh-phuc-xa', 'b-px-2'),
  inspection('jul-1', '2021-07-09T09:00:00+07:00'),
  inspection('tay-ho', '2021-04-05T09:00:00+07:00', 'hn-tay-ho-quang-an'), // another district: in no point
  registered('b-px-1', '2021-02-10T09:00:00+07:00'),
  registered('b-px-2', '2021-02-11T09:00:00+07:00'),
  registered('b-px-3', '2021-04-11T09:00:00+07:00'),
  caseOpened('feb', '2021-02-14T22:00:00+07:00'),
  caseOpened('apr', '2021-04-20T10:00:00+07:00'),
  jointInspection('1', 'b-178-a', '2021-03-15T09:00:00+07:00'),
  jointInspection('2', 'b-178-a', '2021-04-15T09:00:00+07:00'),
  jointInspection('3', 'b-178-b', '2021-06-15T09:00:00+07:00'),
  modelActivity('lg', 'hn-ba-dinh-lieu-giai', '2021-04-22T09:00:00+07:00'),
  modelActivity('km', 'hn-ba-dinh-kim-ma', '2021-06-22T09:00:00+07:00'),
  assessment('lieu-giai', '2021-06-25T10:00:00+07:00'),
  reactivated('2021-05-18T21:00:00+07:00'),
];

async function given(plan: Plan = baDinh, events: BusEvent[] = seeded) {
  const projection = new CoordinationProjection(cases);
  projection.apply(buildEvent(coordinationPlanPublished, plan, { id: `evt-plan-${plan.id}`, time: '2021-01-02T08:00:00+07:00' }));
  projection.planReady(plan.id);
  for (const event of events) projection.apply(event);
  const store = new InMemoryCoordinationStore();
  await store.commit(projection.takeChanges());
  // As the service does after a restart: from what the store kept.
  const restored = CoordinationProjection.restore(await store.load(), cases);
  const series = async (targetId: string, now = NOW): Promise<TargetSeries> =>
    targetSeries({ plan, target: plan.targets.find((target) => target.id === targetId)!, history: restored.state.targets.get(`${plan.id}/${targetId}`)!.history, areas: restored.areas, now });
  const report = (period: string, now = NOW) =>
    compilePeriodicReport(
      { state: restored.state, agencies: restored.agencies, areas: restored.areas, referrals: restored.referrals, reports: restored.reports, now },
      { period: parsePeriod(period), plan: plan.id },
    );
  return { series, report };
}

describe('the months of a term', () => {
  it('lists each month from the first to the one in progress, each taken at its last instant in Hanoi, the current one now', () => {
    const months = termMonths(baDinh.period, NOW);
    expect(months.map((month) => month.key)).toEqual(['2021-01', '2021-02', '2021-03', '2021-04', '2021-05', '2021-06', '2021-07']);
    expect(new Date(months[0]!.asOf).toISOString()).toBe('2021-01-31T16:59:59.999Z');
    expect(new Date(months[1]!.asOf).toISOString()).toBe('2021-02-28T16:59:59.999Z');
    expect(months.at(-1)!.asOf).toBe(NOW.getTime());
  });

  it('has none before the term starts, and stops at its last month once it is over', () => {
    expect(termMonths(baDinh.period, new Date('2020-12-31T16:59:00Z'))).toEqual([]);
    // 00:30 on 1 January 2021 in Hanoi: the term's first month has begun.
    expect(termMonths(baDinh.period, new Date('2020-12-31T17:30:00Z')).map((month) => month.key)).toEqual(['2021-01']);
    const over = termMonths(baDinh.period, new Date('2022-03-01T09:00:00+07:00'));
    expect(over).toHaveLength(12);
    expect(new Date(over.at(-1)!.asOf).toISOString()).toBe('2021-12-31T16:59:59.999Z');
  });
});

describe("a target's series", () => {
  it("puts at each month's end exactly the cumulative figure of that month's periodic report, for every target of the plan", async () => {
    const { series, report } = await given();
    const all = await Promise.all(baDinh.targets.map((target) => series(target.id)));
    for (const month of ['2021-01', '2021-02', '2021-04', '2021-05', '2021-06', '2021-07']) {
      const monthly = await report(month);
      for (const target of all) {
        const point = target.points.find((entry) => entry.month === month)!;
        const row = monthly.targets.find((entry) => entry.id === target.id)!;
        expect({ month, target: target.id, achieved: point.achieved, percent: point.percent, status: point.status, day: point.day }).toEqual({
          month,
          target: target.id,
          achieved: row.cumulative,
          percent: row.percent,
          status: row.status,
          day: row.cumulativeAsOf,
        });
      }
    }
    // Not trivially: the figures move over the months.
    const inspections = all.find((target) => target.id === 'ct-kiem-tra-hanh-chinh-400')!;
    expect(inspections.points.map((point) => point.achieved)).toEqual([2, 3, 4, 4, 5, 5, 6]);
  });

  it('counts an event in the month of its day in Hanoi: 23:59 on 31 January in January, 00:05 on 1 February in February', async () => {
    const { series } = await given();
    const [january, february] = (await series('ct-kiem-tra-hanh-chinh-400')).points;
    expect([january!.day, january!.achieved, february!.day, february!.achieved]).toEqual(['2021-01-31', 2, '2021-02-28', 3]);
  });

  it('recomputes distinct values and percentages as they stood: a business visited twice counts once, a share grows with its set', async () => {
    const { series } = await given();
    // Team 178: b-178-a in March and April (once), b-178-b in June.
    expect((await series('ct-doi-178-30-50')).points.map((point) => point.achieved)).toEqual([0, 0, 1, 1, 1, 2, 2]);
    // Phúc Xá: 2 of 2 at-risk businesses registered in February, the first inspected in March, a third registered in April, the second inspected in May.
    expect((await series('ct-kiem-tra-80-phuc-xa')).points.map((point) => point.achieved)).toEqual([0, 0, 50, 33.33, 66.67, 66.67, 66.67]);
    // Wards with a model: Liễu Giai in April, Kim Mã in June, of 14.
    expect((await series('ct-mo-hinh-14-phuong')).points.map((point) => point.achieved)).toEqual([0, 0, 0, 7.14, 7.14, 14.29, 14.29]);
  });

  it('draws the straight line from 0 on the first day to the goal on the last, and judges each point by it', async () => {
    const { series } = await given();
    const inspections = await series('ct-kiem-tra-hanh-chinh-400');
    expect(inspections).toMatchObject({ unit: '', goal: { min: 400 }, term: { start: '2021-01-01', end: '2021-12-31' }, path: { kind: 'straight-line', start: { day: '2021-01-01', value: 0 }, end: { day: '2021-12-31', value: 400 } } });
    // 31 of 365 days gone at the end of January: 400 × 31/365.
    expect(inspections.points[0]!.expected).toBe(33.97);
    expect(inspections.points[5]!.expected).toBe(Math.round(((400 * 181) / 365) * 100) / 100);
    for (const point of inspections.points) expect([point.month, point.status]).toEqual([point.month, point.achieved >= point.expected ? 'on-track' : 'at-risk']);
    expect(inspections.points.every((point) => point.status === 'at-risk')).toBe(true);
    // Cases opened, of 6: 1 by February (the line at 0.97: on track), behind in March (1.48), 2 by April (1.97: on track again), behind from May (2.48).
    const cases = await series('ct-an-hinh-su-06');
    expect(cases.points.map((point) => [point.month, point.achieved, point.status])).toEqual([
      ['2021-01', 0, 'at-risk'],
      ['2021-02', 1, 'on-track'],
      ['2021-03', 1, 'at-risk'],
      ['2021-04', 2, 'on-track'],
      ['2021-05', 2, 'at-risk'],
      ['2021-06', 2, 'at-risk'],
      ['2021-07', 2, 'at-risk'],
    ]);
    expect(cases.points[1]!.expected).toBe(Math.round(((6 * 59) / 365) * 100) / 100);
  });

  it('starts the line at the baseline when the target has one ("from 2 up to 6")', async () => {
    const plan: Plan = { ...baDinh, targets: baDinh.targets.map((target) => (target.id === 'ct-an-hinh-su-06' ? { ...target, baseline: { value: 2, asOf: '2020-12-31', source: 'Báo cáo năm 2020' } } : target)) };
    const { series, report } = await given(plan);
    const cases = await series('ct-an-hinh-su-06');
    expect(cases.path).toEqual({ kind: 'straight-line', start: { day: '2021-01-01', value: 2 }, end: { day: '2021-12-31', value: 6 } });
    expect(cases.baseline).toEqual({ value: 2, asOf: '2020-12-31', source: 'Báo cáo năm 2020' });
    expect(cases.points.map((point) => point.achieved)).toEqual([2, 3, 3, 4, 4, 4, 4]);
    expect(cases.points[0]!.expected).toBe(Math.round((2 + (4 * 31) / 365) * 100) / 100);
    expect(cases.points[3]!.achieved).toBe((await report('2021-04')).targets.find((target) => target.id === 'ct-an-hinh-su-06')!.cumulative);
  });

  it('keeps a ceiling flat: "no hotspot re-activated" is on track at 0 and at risk once one is', async () => {
    const { series } = await given();
    const hotspots = await series('ct-tu-diem-lieu-giai-to-lich');
    expect(hotspots.path).toEqual({ kind: 'ceiling', start: { day: '2021-01-01', value: 0 }, end: { day: '2021-12-31', value: 0 } });
    expect(hotspots.points.map((point) => [point.achieved, point.expected, point.status])).toEqual([
      [0, 0, 'on-track'],
      [0, 0, 'on-track'],
      [0, 0, 'on-track'],
      [0, 0, 'on-track'],
      [1, 0, 'at-risk'],
      [1, 0, 'at-risk'],
      [1, 0, 'at-risk'],
    ]);
  });

  it('ends with the term: twelve points after it, the last that of the annual report', async () => {
    const later = new Date('2022-02-01T09:00:00+07:00');
    const { series, report } = await given();
    const inspections = await series('ct-kiem-tra-hanh-chinh-400', later);
    expect(inspections.points).toHaveLength(12);
    expect(inspections.points.at(-1)).toMatchObject({ month: '2021-12', day: '2021-12-31', achieved: 6, expected: 400, status: 'overdue' });
    const annual = (await report('2021', later)).targets.find((target) => target.id === 'ct-kiem-tra-hanh-chinh-400')!;
    expect([annual.cumulative, annual.status]).toEqual([6, 'overdue']);
    expect((await series('ct-kiem-tra-hanh-chinh-400', new Date('2020-12-20T09:00:00+07:00'))).points).toEqual([]);
  });
});
