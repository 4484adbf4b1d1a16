import {
  buildEvent,
  coordinationPlanPublished,
  cultureAwarenessActivityHeld,
  labourReferralAccepted,
  labourReferralServiceDelivered,
  policeBusinessRegistered,
  policeInspectionCompleted,
  policeReferralMade,
  validatePlan,
  type BusEvent,
  type Plan,
} from '@lienganh/contracts';
import { committeeOverview, committeeSummary, compilePeriodicReport, CoordinationProjection, parsePeriod } from '../src/index.js';
import { CaseReferences } from '../src/access/case-references.js';

/** How the projection names referrals in deadlines (ADR 0021): a key of this test's own. */
const cases = CaseReferences.ephemeral();

// Regressions of issue #17 ("Figures the committee can trust"), one per defect of the board's
// figures; the rules are ADR 0010. Given two plans in two jurisdictions, when events arrive,
// then each figure counts only what was done, once, where it belongs.

const NOW = new Date('2021-12-20T09:00:00+07:00');

/** A district of three wards in a three-tier province (Ba Đình-like), and a two-tier province of three wards. */
function plan(id: string, overrides: Partial<Record<string, unknown>>): Plan {
  return validatePlan({
    id,
    number: `${id}/KH-UBND`,
    issuedOn: '2021-01-05',
    issuingBody: 'coordination',
    level: 'district',
    area: 'hn-bd',
    period: { start: '2021-01-01', end: '2021-12-31' },
    title: { vi: id, en: id },
    areas: [
      { code: 'hn', level: 'province', name: { vi: 'Hà Nội', en: 'Hanoi' } },
      { code: 'hn-bd', level: 'district', parent: 'hn', name: { vi: 'Ba Đình', en: 'Ba Dinh' } },
      ...['w1', 'w2', 'w3'].map((ward) => ({ code: `hn-bd-${ward}`, level: 'ward', parent: 'hn-bd', name: { vi: ward, en: ward } })),
      { code: 'hn-th', level: 'district', parent: 'hn', name: { vi: 'Tây Hồ', en: 'Tay Ho' } },
      { code: 'hn-th-w1', level: 'ward', parent: 'hn-th', name: { vi: 'Tây Hồ 1', en: 'Tay Ho 1' } },
    ],
    targets: [],
    tasks: [],
    ...overrides,
  });
}

/** "80% of businesses at risk inspected": distinct businesses inspected over those registered at risk. */
const businessesInspected = {
  id: 'ct-80',
  title: { vi: '80%', en: '80%' },
  agency: 'police',
  measure: {
    kind: 'percentage',
    numerator: { kind: 'distinct', eventType: policeInspectionCompleted.type, field: 'business.businessId' },
    denominator: { kind: 'distinct', eventType: policeBusinessRegistered.type, field: 'businessId', where: { atRisk: true } },
  },
  goal: { min: 80 },
};

const count = (id: string, eventType: string, agency = 'police') => ({ id, title: { vi: id, en: id }, agency, measure: { kind: 'count', eventType }, goal: { min: 10 } });

const inspection = (id: string, areaCode: string, businessId = `b-${id}`, time = '2021-03-01T09:00:00+07:00', source?: string) =>
  buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: `kt-${id}`, areaCode, business: { businessId, kind: 'karaoke' } }, { id, time, ...(source ? { source } : {}) });
const registered = (businessId: string, areaCode = 'hn-bd-w1') =>
  buildEvent(policeBusinessRegistered, { ...policeBusinessRegistered.example, businessId, areaCode, atRisk: true }, { id: `reg-${businessId}`, time: '2021-01-10T09:00:00+07:00' });
const referral = (referralId: string, areaCode: string, time = '2021-04-01T09:00:00+07:00') =>
  buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId, areaCode }, { id: `made-${referralId}`, time });
const accepted = (referralId: string, time = '2021-04-03T09:00:00+07:00') => buildEvent(labourReferralAccepted, { referralId, plannedServices: ['counselling'] }, { id: `acc-${referralId}`, time });
const served = (referralId: string, time = '2021-05-03T09:00:00+07:00') => buildEvent(labourReferralServiceDelivered, { referralId, service: 'counselling' }, { id: `dv-${referralId}`, time });

/** The projection after the plans, then the events in the order given. */
function given(plans: Plan[], events: BusEvent[]) {
  const projection = new CoordinationProjection(cases);
  for (const planned of plans) {
    projection.apply(buildEvent(coordinationPlanPublished, planned, { id: `plan-${planned.id}`, time: '2021-01-05T09:00:00+07:00' }));
    projection.planReady(planned.id);
  }
  for (const event of events) projection.apply(event);
  const achieved = (planId: string, targetId: string) => committeeOverview(projection.state, projection.areas, NOW).find((target) => target.planId === planId && target.id === targetId)!.achieved;
  const summary = (planId: string) => committeeSummary(projection, NOW).plans.find((entry) => entry.id === planId)!;
  const report = (planId: string, period: string, now = NOW) =>
    compilePeriodicReport(
      { ...projection, now },
      { period: parsePeriod(period), plan: planId },
    );
  return { projection, achieved, summary, report };
}

describe('figures the committee can trust (#17)', () => {
  it('counts two events with the same id from two units of an agency as two (defect 1)', () => {
    const inspections = plan('p1', { targets: [count('ct-kiem-tra', policeInspectionCompleted.type)] });
    const unitA = inspection('1001', 'hn-bd-w1', 'b-1', '2021-03-01T09:00:00+07:00', '/pcmd/police/001');
    const unitB = inspection('1001', 'hn-bd-w2', 'b-2', '2021-03-01T09:00:00+07:00', '/pcmd/police/002');
    const { achieved } = given([inspections], [unitA, unitB, unitA]);
    expect(achieved('p1', 'ct-kiem-tra')).toBe(2);
  });

  it('counts a referral answer only in the plan of the referral it answers, and only once that referral is known (defect 2)', () => {
    const answers = (id: string, area: string, level: 'district' | 'province') =>
      plan(id, {
        area,
        level,
        targets: [
          count('ct-tiep-nhan', labourReferralAccepted.type, 'labour'),
          {
            id: 'ct-ty-le',
            title: { vi: 'tỷ lệ', en: 'share' },
            agency: 'labour',
            measure: {
              kind: 'percentage',
              numerator: { kind: 'distinct', eventType: labourReferralAccepted.type, field: 'referralId' },
              denominator: { kind: 'distinct', eventType: policeReferralMade.type, field: 'referralId' },
            },
            goal: { min: 80 },
          },
        ],
      });
    const baDinh = answers('p-bd', 'hn-bd', 'district');
    const tayHo = answers('p-th', 'hn-th', 'district');
    // Tây Hồ made one referral, not answered; Ba Đình's referral was answered, the answer arriving first.
    const { achieved } = given([baDinh, tayHo], [accepted('cg-bd'), referral('cg-th', 'hn-th-w1'), referral('cg-bd', 'hn-bd-w1')]);
    expect(achieved('p-bd', 'ct-tiep-nhan')).toBe(1);
    expect(achieved('p-bd', 'ct-ty-le')).toBe(100);
    expect(achieved('p-th', 'ct-tiep-nhan')).toBe(0);
    expect(achieved('p-th', 'ct-ty-le')).toBe(0);
    // An answer to a referral never made counts nowhere.
    expect(given([baDinh], [accepted('cg-unknown')]).achieved('p-bd', 'ct-tiep-nhan')).toBe(0);
  });

  it('never shows a percentage of a set above 100: only members of the denominator count (defect 3)', () => {
    const coverage = plan('p1', {
      targets: [
        businessesInspected,
        {
          id: 'ct-phuong',
          title: { vi: 'phường', en: 'wards' },
          agency: 'culture',
          measure: { kind: 'percentage', numerator: { kind: 'count', eventType: cultureAwarenessActivityHeld.type }, denominator: { kind: 'areas', level: 'ward' } },
          goal: { min: 100 },
        },
      ],
    });
    const activity = (id: string, areaCode: string) => buildEvent(cultureAwarenessActivityHeld, { ...cultureAwarenessActivityHeld.example, activityId: id, areaCode }, { id, time: '2021-06-01T09:00:00+07:00' });
    const events = [
      registered('b-1'),
      registered('b-2'),
      // Five businesses inspected, one of them registered at risk.
      ...['b-1', 'b-7', 'b-8', 'b-9', 'b-10'].map((business, n) => inspection(`kt-${n}`, 'hn-bd-w2', business)),
      // One ward has an activity; the district itself and a ward of another district do not count.
      activity('tt-1', 'hn-bd-w1'),
      activity('tt-2', 'hn-bd-w1'),
      activity('tt-3', 'hn-bd'),
      activity('tt-4', 'hn-th-w1'),
    ];
    const { achieved } = given([coverage], events);
    expect(achieved('p1', 'ct-80')).toBe(50);
    expect(achieved('p1', 'ct-phuong')).toBe(33.33);
  });

  it('names a body in each plan as that plan declares it (defect 4)', () => {
    const finance = (id: string, area: string, vi: string) =>
      plan(id, {
        area,
        bodies: [{ code: 'finance', name: { vi, en: vi } }],
        tasks: [{ id: 'nv-1', title: { vi: 'kinh phí', en: 'funds' }, lead: 'finance' }],
      });
    const { summary, projection } = given([finance('p-bd', 'hn-bd', 'Phòng Tài chính - Kế hoạch quận Ba Đình'), finance('p-th', 'hn-th', 'Phòng Tài chính quận Tây Hồ')], []);
    const agencies = committeeSummary(projection, NOW).agencies.filter((entry) => entry.agency === 'finance');
    expect(agencies.map((entry) => [entry.planId, entry.name.vi])).toEqual([
      ['p-bd', 'Phòng Tài chính - Kế hoạch quận Ba Đình'],
      ['p-th', 'Phòng Tài chính quận Tây Hồ'],
    ]);
    expect(summary('p-bd').bodies.find((body) => body.code === 'finance')!.name.vi).toBe('Phòng Tài chính - Kế hoạch quận Ba Đình');
    expect(summary('p-th').bodies.find((body) => body.code === 'finance')!.name.vi).toBe('Phòng Tài chính quận Tây Hồ');
  });

  it('adds the per-area figures of a count target up to its total, each event in one area only (defect 5)', () => {
    const inspections = plan('p1', { targets: [count('ct-kiem-tra', policeInspectionCompleted.type)] });
    const { projection, summary, achieved } = given([inspections], []);
    // A ward formed in 2021 from two wards of the district (a merge): counted in one of them only.
    projection.areas.merge(['hn-bd-w2', 'hn-bd-w3'], { code: 'hn-new', level: 'ward', parent: 'hn', name: { vi: 'mới', en: 'new' } }, '2021-02-01');
    for (const event of [inspection('1', 'hn-bd-w1'), inspection('2', 'hn-bd-w2'), inspection('3', 'hn-bd'), inspection('4', 'hn-new'), inspection('5', 'hn-bd')]) projection.apply(event);
    const figures = summary('p1');
    const perArea = [...figures.areas.map((area) => area.targets[0]!.events), figures.planLevel?.targets[0]!.events ?? 0];
    expect(perArea.reduce((sum, events) => sum + events, 0)).toBe(achieved('p1', 'ct-kiem-tra'));
    expect(achieved('p1', 'ct-kiem-tra')).toBe(5);
    expect(figures.areas.map((area) => area.targets[0]!.events)).toEqual([1, 2, 0]);
    expect(figures.planLevel.targets[0]!.events).toBe(2);
  });

  it('keeps the referral funnel monotonic per plan, agency pair and area (defect 6)', () => {
    const { summary } = given([plan('p1', {})], [referral('cg-1', 'hn-bd-w1'), served('cg-1'), referral('cg-2', 'hn-bd-w2'), accepted('cg-2'), referral('cg-3', 'hn-bd')]);
    const figures = summary('p1');
    expect(figures.referrals).toEqual({ made: 3, accepted: 2, declined: 0, serviceDelivered: 1, closed: 0 });
    expect(figures.referralFlows).toEqual([
      { from: 'police', to: 'labour', area: 'hn-bd', made: 1, accepted: 0, declined: 0, serviceDelivered: 0, closed: 0 },
      { from: 'police', to: 'labour', area: 'hn-bd-w1', made: 1, accepted: 1, declined: 0, serviceDelivered: 1, closed: 0 },
      { from: 'police', to: 'labour', area: 'hn-bd-w2', made: 1, accepted: 1, declined: 0, serviceDelivered: 0, closed: 0 },
    ]);
  });

  it('gives a report of a past period the same numbers whenever it is made (defect 7)', async () => {
    const coverage = plan('p1', {
      targets: [
        businessesInspected,
        { id: 'ct-doanh-nghiep', title: { vi: 'dn', en: 'businesses' }, agency: 'police', measure: { kind: 'distinct', eventType: policeInspectionCompleted.type, field: 'business.businessId' }, goal: { min: 4 } },
      ],
    });
    const early = [registered('b-1'), registered('b-2'), inspection('1', 'hn-bd-w1', 'b-1', '2021-02-10T09:00:00+07:00')];
    const later = [inspection('2', 'hn-bd-w1', 'b-2', '2021-08-10T09:00:00+07:00'), inspection('3', 'hn-bd-w1', 'b-3', '2021-08-11T09:00:00+07:00')];
    const inApril = await given([coverage], early).report('p1', '2021-Q1', new Date('2021-04-05T09:00:00+07:00'));
    const aYearLater = await given([coverage], [...early, ...later]).report('p1', '2021-Q1', new Date('2022-04-05T09:00:00+07:00'));
    const figures = (report: typeof inApril) => report.targets.map(({ id, cumulative, percent, status, cumulativeAsOf }) => ({ id, cumulative, percent, status, cumulativeAsOf }));
    expect(figures(aYearLater)).toEqual(figures(inApril));
    expect(figures(inApril).map((target) => target.cumulative)).toEqual([50, 1]);
  });
});
