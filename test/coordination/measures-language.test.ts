import {
  buildEvent,
  coordinationPlanPublished,
  getEventDefinition,
  labourReferralAccepted,
  labourReferralClosed,
  policeReferralMade,
  reportingActivityHeld,
  validatePlan,
  type BusEvent,
  type EventDefinition,
  type Plan,
} from '@lienganh/contracts';
import { committeeSummary, compilePeriodicReport, CoordinationProjection, InMemoryCoordinationStore, parsePeriod, type TargetOverview } from '@lienganh/coordination';
import { CaseReferences } from '@lienganh/coordination';

/** How the projection names referrals in deadlines (ADR 0021): a key of this test's own. */
const cases = CaseReferences.ephemeral();

/**
 * The measure language of real plans (ADR 0012), on a stream small enough to count by hand:
 * a two-year province plan with a sum and goals per year, a baseline, a percentage of a registry
 * figure that changes, goals per level, and a referral stage. Given the plan and the events,
 * when the board and the periodic reports are read, then each figure is what the sentence asks.
 */

const text = (vi: string) => ({ vi, en: vi });
const ACTIVITY = 'vn.pcmd.reporting.activity.held.v1';

const plan: Plan = validatePlan({
  id: 'kh-do-luong',
  number: '12/KH-UBND',
  issuedOn: '2024-01-05',
  issuingBody: 'ubnd-tn',
  level: 'province',
  area: 'tn',
  period: { start: '2024-01-01', end: '2025-12-31' },
  title: text('Kế hoạch giai đoạn 2024-2025'),
  bodies: [{ code: 'ubnd-tn', name: text('UBND tỉnh') }, { code: 'womens-union', name: text('Hội LHPN tỉnh') }],
  areas: [
    { code: 'tn', level: 'province', kind: 'province', name: text('Tỉnh') },
    { code: 'tn-a', level: 'district', kind: 'district-town', parent: 'tn', name: text('Thị xã A') },
    { code: 'tn-b', level: 'district', kind: 'rural-district', parent: 'tn', name: text('Huyện B') },
    { code: 'tn-a-1', level: 'commune', kind: 'commune', parent: 'tn-a', name: text('Xã A1') },
    { code: 'tn-a-2', level: 'commune', kind: 'town', parent: 'tn-a', name: text('Thị trấn A2') },
    { code: 'tn-b-1', level: 'commune', kind: 'commune', parent: 'tn-b', name: text('Xã B1') },
    { code: 'tn-b-2', level: 'ward', kind: 'ward', parent: 'tn-b', name: text('Phường B2') },
  ],
  figures: [
    {
      id: 'officers-on-staff',
      title: text('Số cán bộ trong biên chế'),
      values: [
        { area: 'tn', asOf: '2024-01-01', value: 50, source: 'Báo cáo 01/BC-SNV' },
        { area: 'tn', asOf: '2025-01-01', value: 100, source: 'Báo cáo 02/BC-SNV' },
      ],
    },
  ],
  targets: [
    {
      id: 'nguoi-tham-gia',
      title: text('Số lượt người tham gia'),
      agency: 'womens-union',
      measure: { kind: 'sum', eventType: ACTIVITY, field: 'counts.participants' },
      goal: { min: 300, byYear: { '2024': { min: 100 }, '2025': { min: 300 } } },
    },
    {
      id: 'xa-lanh-manh',
      title: text('Từ 2 lên 4 xã lành mạnh'),
      agency: 'culture',
      measure: { kind: 'distinct', eventType: 'vn.pcmd.culture.ward-assessment.completed.v1', field: 'areaCode', where: { result: 'healthy' } },
      goal: { min: 4 },
      baseline: { value: 2, asOf: '2023-12-31', source: 'Báo cáo tổng kết 2023', members: ['tn-a-1'] },
    },
    {
      id: 'can-bo-tap-huan',
      title: text('100% cán bộ được tập huấn'),
      agency: 'labour',
      measure: { kind: 'percentage', numerator: { kind: 'sum', eventType: 'vn.pcmd.labour.activity.held.v1', field: 'counts.officers' }, denominator: { kind: 'figure', figure: 'officers-on-staff' } },
      goal: { min: 100 },
    },
    {
      id: 'huyen-va-xa',
      title: text('100% huyện và ít nhất 50% xã có hoạt động'),
      agency: 'culture',
      measure: { kind: 'percentage', numerator: { kind: 'count', eventType: 'vn.pcmd.culture.activity.held.v1' }, denominator: { kind: 'areas', levels: ['district', 'commune'] } },
      goal: { byLevel: { district: { min: 100 }, commune: { min: 50 } } },
    },
    {
      id: 'thi-tran',
      title: text('100% thị trấn có hoạt động'),
      agency: 'culture',
      measure: { kind: 'percentage', numerator: { kind: 'count', eventType: 'vn.pcmd.culture.activity.held.v1' }, denominator: { kind: 'areas', kinds: ['town'] } },
      goal: { min: 100 },
    },
    {
      id: 'ket-noi',
      title: text('80% người được chuyển gửi được cung cấp dịch vụ'),
      agency: 'labour',
      measure: { kind: 'referral-stage', eventType: 'vn.pcmd.police.referral.made.v1', where: { toAgency: 'labour' }, stage: 'service-delivered' },
      goal: { min: 80 },
    },
  ],
  tasks: [],
});

let sequence = 0;
const event = (definition: EventDefinition, data: Record<string, unknown>, time: string, source?: string): BusEvent =>
  buildEvent(definition, data as never, { id: `e-${++sequence}`, time, ...(source ? { source } : {}) });
const bodyActivity = (areaCode: string, participants: number, time: string) =>
  event(reportingActivityHeld, { activityId: `hd-${sequence}`, kind: 'training-course', areaCode, organiser: 'womens-union', counts: { participants } }, time, '/pcmd/reporting/womens-union');
const labourTraining = (officers: number, time: string) =>
  event(getEventDefinition('vn.pcmd.labour.activity.held.v1'), { activityId: `ld-${sequence}`, kind: 'training-course', areaCode: 'tn', organiser: 'labour', counts: { officers } }, time);
const cultureActivity = (areaCode: string, time: string) =>
  event(getEventDefinition('vn.pcmd.culture.activity.held.v1'), { activityId: `vh-${sequence}`, kind: 'awareness-session', areaCode, organiser: 'culture' }, time);
const healthy = (areaCode: string, time: string) =>
  event(getEventDefinition('vn.pcmd.culture.ward-assessment.completed.v1'), { assessmentId: `dg-${areaCode}`, areaCode, year: 2024, score: 90, result: 'healthy' }, time);
const made = (referralId: string, areaCode: string, toAgency: string, time: string) =>
  event(policeReferralMade, { ...policeReferralMade.example, referralId, areaCode, toAgency }, time);

const events: BusEvent[] = [
  bodyActivity('tn-a-1', 60, '2024-03-10T09:00:00+07:00'),
  bodyActivity('tn-b-1', 50, '2024-12-31T23:30:00+07:00'), // still 2024 in Vietnam
  bodyActivity('tn', 30, '2025-02-01T09:00:00+07:00'),
  bodyActivity('tn', 999, '2026-01-02T09:00:00+07:00'), // after the period
  healthy('tn-a-1', '2024-05-01T09:00:00+07:00'), // already in the baseline
  healthy('tn-a-2', '2024-06-01T09:00:00+07:00'),
  labourTraining(40, '2024-06-15T09:00:00+07:00'),
  cultureActivity('tn-a-1', '2024-04-01T09:00:00+07:00'),
  cultureActivity('tn', '2024-04-02T09:00:00+07:00'), // at the province's own level: in no district
  // A closed referral whose answer comes first; one only accepted; one to health (not selected).
  event(labourReferralClosed, { referralId: 'cg-1', outcome: 'reintegrated' }, '2024-07-01T09:00:00+07:00'),
  made('cg-1', 'tn-a-1', 'labour', '2024-05-01T09:00:00+07:00'),
  made('cg-2', 'tn-b-1', 'labour', '2024-06-01T09:00:00+07:00'),
  event(labourReferralAccepted, { referralId: 'cg-2', plannedServices: ['counselling'] }, '2024-06-03T09:00:00+07:00'),
  made('cg-3', 'tn-b-1', 'health', '2024-06-02T09:00:00+07:00'),
];

const NOW = new Date('2025-06-01T00:00:00+07:00');

async function board(stream: BusEvent[] = events) {
  const projection = new CoordinationProjection(cases);
  projection.apply(buildEvent(coordinationPlanPublished, plan, { id: 'plan', time: '2024-01-05T08:00:00+07:00' }));
  projection.planReady(plan.id);
  for (const item of stream) projection.apply(item);
  const store = new InMemoryCoordinationStore();
  await store.commit(projection.takeChanges());
  const target = (id: string, now = NOW): TargetOverview => committeeSummary(projection, now).targets.find((entry) => entry.id === id)!;
  const report = (period: string) =>
    compilePeriodicReport(
      { ...projection, state: projection.state, now: NOW },
      { period: parsePeriod(period), plan: plan.id },
    );
  return { projection, store, target, report };
}

describe('the measure language (ADR 0012), counted by hand', () => {
  it('sums a numeric field, with each year’s goal on what stood at that year’s end and the term’s', async () => {
    const { target } = await board();
    const participants = target('nguoi-tham-gia');
    expect(participants).toMatchObject({ achieved: 140, goal: { min: 300 }, status: 'at-risk' });
    expect(participants.parts).toEqual([
      expect.objectContaining({ key: '2024', achieved: 110, goal: { min: 100 }, status: 'achieved', asOf: '2024-12-31' }),
      expect.objectContaining({ key: '2025', achieved: 140, goal: { min: 300 }, asOf: '2025-06-01' }),
      expect.objectContaining({ key: 'term', achieved: 140 }),
    ]);
  });

  it('adds what was counted to the baseline, never a member of it twice, and shows progress from it', async () => {
    const { target } = await board();
    // 2 + tn-a-2 (tn-a-1 was in the baseline): 3 of 4, half way from 2.
    expect(target('xa-lanh-manh')).toMatchObject({ achieved: 3, percent: 50, baseline: { value: 2 } });
    const more = await board([...events, healthy('tn-b-1', '2025-03-01T09:00:00+07:00')]);
    expect(more.target('xa-lanh-manh')).toMatchObject({ achieved: 4, percent: 100, status: 'achieved' });
  });

  it('takes a percentage of the registry figure in force on the day it is measured, and says which', async () => {
    const { target, report } = await board();
    expect(target('can-bo-tap-huan')).toMatchObject({ achieved: 40, figure: { value: 100, asOf: '2025-01-01', source: 'Báo cáo 02/BC-SNV' } });
    expect(target('can-bo-tap-huan', new Date('2024-09-01T00:00:00+07:00'))).toMatchObject({ achieved: 80, figure: { value: 50 } });
    const q4 = (await report('2024-Q4')).targets.find((row) => row.id === 'can-bo-tap-huan')!;
    expect(q4).toMatchObject({ cumulative: 80, figure: { value: 50, asOf: '2024-01-01' } });
    expect(q4.note!.vi).toContain('Báo cáo 01/BC-SNV');
    expect((await report('2025-Q1')).targets.find((row) => row.id === 'can-bo-tap-huan')).toMatchObject({ cumulative: 40 });
  });

  it('measures each level on its own and stands at the level furthest behind; picks areas by kind', async () => {
    const { target } = await board();
    const levels = target('huyen-va-xa');
    // Districts: tn-a has an activity below it, tn-b none (50 of 100). Communes (level commune: A1, A2, B1): 1 of 3 (33.33 of 50).
    expect(levels.parts).toEqual([
      expect.objectContaining({ key: 'district', achieved: 50, percent: 50, areas: 2 }),
      expect.objectContaining({ key: 'commune', achieved: 33.33, percent: 66.66, areas: 3 }),
    ]);
    expect(levels).toMatchObject({ achieved: 50, goal: { min: 100 }, percent: 50 });
    // Towns: only A2, which had none.
    expect(target('thi-tran')).toMatchObject({ achieved: 0 });
  });

  it('counts referrals that reached the stage, or a later one, where and when they were made', async () => {
    const { target } = await board();
    // cg-1 closed (so served), cg-2 only accepted; cg-3 went to health: 1 of 2.
    expect(target('ket-noi')).toMatchObject({ achieved: 50, unit: '%' });
  });

  it('keeps the same figures through the store, and in any order', async () => {
    const { projection, store } = await board();
    expect(JSON.parse(JSON.stringify(CoordinationProjection.restore(await store.load(), cases).snapshot()))).toEqual(JSON.parse(JSON.stringify(projection.snapshot())));
    const reversed = await board([...events].reverse());
    expect(reversed.projection.snapshot().tallies).toEqual(projection.snapshot().tallies);
  });
});
