import {
  buildEvent,
  eventKey,
  cultureAwarenessActivityHeld,
  cultureWardAssessmentCompleted,
  labourJointInspectionCompleted,
  policeBusinessRegistered,
  policeHotspotReactivated,
  policeInspectionCompleted,
  type BusEvent,
  type PlanTarget,
} from '@lienganh/contracts';
import { AppliedEvents } from '../src/board/applied-events.js';
import { emptyTally, evolveTally, factOf, progressOf, vietnamDate, type TallyContext } from '../src/index.js';

const WARDS = ['lieu-giai', 'kim-ma', 'cong-vi', 'ngoc-khanh', 'doi-can', 'giang-vo', 'thanh-cong'].map((ward) => `hn-ba-dinh-${ward}`);
const context: TallyContext = {
  periodStart: '2021-01-01',
  periodEnd: '2021-12-31',
  planArea: 'hn-ba-dinh',
  isWithin: (area, ancestor) => area === ancestor || area.startsWith(`${ancestor}-`),
};
const FOURTEEN_WARDS = [...WARDS, ...['phuc-xa', 'truc-bach', 'vinh-phuc', 'nguyen-trung-truc', 'quan-thanh', 'ngoc-ha', 'dien-bien'].map((ward) => `hn-ba-dinh-${ward}`)];
const progressContext = (now: string) => ({ now: new Date(now), periodStart: '2021-01-01', periodEnd: '2021-12-31', areasBelow: () => FOURTEEN_WARDS, isWithin: context.isWithin });

const target = (id: string, measure: PlanTarget['measure'], goal: PlanTarget['goal'], agency = 'police'): PlanTarget => ({
  id,
  title: { vi: id, en: id },
  agency,
  measure,
  goal,
});

const inspection = (n: number, overrides: { time?: string; areaCode?: string; businessId?: string } = {}) =>
  buildEvent(
    policeInspectionCompleted,
    {
      ...policeInspectionCompleted.example,
      inspectionId: `kt-${n}`,
      areaCode: overrides.areaCode ?? WARDS[n % WARDS.length]!,
      business: { businessId: overrides.businessId ?? `010000${String(n).padStart(4, '0')}`, kind: 'karaoke' },
    },
    { id: `evt-kt-${n}`, time: overrides.time ?? '2021-05-04T09:30:00+07:00' },
  );

/** The tally after `events`, each applied once (the projection's `AppliedEvents` does this). */
function tallyOf(definition: PlanTarget, events: BusEvent[]) {
  const tally = emptyTally();
  const applied = AppliedEvents.empty();
  for (const event of events) if (applied.add(eventKey(event))) evolveTally(definition, tally, factOf(event), context);
  return tally;
}

describe('target tally', () => {
  const inspections400 = target('ct-kiem-tra', { kind: 'count', eventType: policeInspectionCompleted.type }, { min: 400 });

  it('counts 37 police inspections as 37 of 400, with the contributing events', () => {
    const events = Array.from({ length: 37 }, (_, n) => inspection(n));
    const tally = tallyOf(inspections400, events);
    expect(progressOf(inspections400, tally, progressContext('2021-03-01T00:00:00+07:00'))).toEqual({ achieved: 37, percent: 9.25, status: 'at-risk' });
    expect(tally.events).toBe(37);
  });

  it('counts a redelivered event once, and gives the same result in any order', () => {
    const events = Array.from({ length: 20 }, (_, n) => inspection(n));
    const once = tallyOf(inspections400, events);
    const again = tallyOf(inspections400, [...events, ...events.slice(0, 5)].reverse());
    expect(again.numeratorCount).toBe(once.numeratorCount);
    expect(again.events).toBe(once.events);
  });

  it('leaves out events outside the plan period (in Vietnam time) and outside its area', () => {
    const events = [
      inspection(1, { time: '2020-12-31T23:00:00+07:00' }),
      inspection(2, { time: '2020-12-31T17:30:00Z' }), // 1 January 00:30 in Hanoi: inside
      inspection(3, { areaCode: 'hn-tay-ho-quang-an' }),
    ];
    expect(tallyOf(inspections400, events)).toMatchObject({ events: 1, numeratorCount: 1 });
    expect(vietnamDate('2020-12-31T17:30:00Z')).toBe('2021-01-01');
  });

  it('counts distinct businesses for team 178 (30-50), once per business', () => {
    const team178 = target(
      'ct-doi-178',
      { kind: 'distinct', eventType: labourJointInspectionCompleted.type, field: 'business.businessId' },
      { min: 30, max: 50 },
      'labour',
    );
    const joint = (n: number, businessId: string) =>
      buildEvent(labourJointInspectionCompleted, { ...labourJointInspectionCompleted.example, inspectionId: `kt178-${n}`, business: { businessId, kind: 'massage' } }, { id: `evt-178-${n}`, time: '2021-04-01T10:00:00+07:00' });
    const events = Array.from({ length: 40 }, (_, n) => joint(n, `b-${n % 32}`));
    expect(progressOf(team178, tallyOf(team178, events), progressContext('2021-06-01T00:00:00+07:00'))).toEqual({ achieved: 32, percent: 100, status: 'achieved' });
  });

  it('measures the share of wards assessed healthy against every ward of the district', () => {
    const healthyWards = target(
      'ct-phuong',
      {
        kind: 'percentage',
        numerator: { kind: 'distinct', eventType: cultureWardAssessmentCompleted.type, field: 'areaCode', where: { result: 'healthy' } },
        denominator: { kind: 'areas', level: 'ward' },
      },
      { min: 100 },
      'culture',
    );
    const assessment = (ward: string, result: 'healthy' | 'not-yet-healthy') =>
      buildEvent(cultureWardAssessmentCompleted, { ...cultureWardAssessmentCompleted.example, assessmentId: `dg-${ward}`, areaCode: ward, result }, { id: `evt-${ward}`, time: '2021-11-20T10:00:00+07:00' });
    const events = [...WARDS.map((ward) => assessment(ward, 'healthy')), assessment('hn-ba-dinh-vinh-phuc', 'not-yet-healthy')];
    expect(progressOf(healthyWards, tallyOf(healthyWards, events), progressContext('2021-12-01T00:00:00+07:00'))).toEqual({ achieved: 50, percent: 50, status: 'at-risk' });
  });

  it('measures the share of risky businesses inspected', () => {
    const coverage = target(
      'ct-80',
      {
        kind: 'percentage',
        numerator: { kind: 'distinct', eventType: policeInspectionCompleted.type, field: 'business.businessId' },
        denominator: { kind: 'distinct', eventType: policeBusinessRegistered.type, field: 'businessId', where: { atRisk: true } },
      },
      { min: 80 },
    );
    const registered = (n: number, atRisk: boolean) =>
      buildEvent(policeBusinessRegistered, { ...policeBusinessRegistered.example, businessId: `b-${n}`, atRisk }, { id: `evt-reg-${n}`, time: '2021-02-01T10:00:00+07:00' });
    const events = [
      ...Array.from({ length: 10 }, (_, n) => registered(n, true)),
      registered(99, false),
      ...Array.from({ length: 9 }, (_, n) => inspection(n, { businessId: `b-${n}` })),
    ];
    expect(progressOf(coverage, tallyOf(coverage, events), progressContext('2021-06-01T00:00:00+07:00')).achieved).toBe(90);
  });

  it('counts the months with at least one awareness activity', () => {
    const monthly = target('ct-hang-thang', { kind: 'cadence', eventType: cultureAwarenessActivityHeld.type, every: 'month' }, { min: 12 }, 'culture');
    const activity = (n: number, time: string) =>
      buildEvent(cultureAwarenessActivityHeld, { ...cultureAwarenessActivityHeld.example, activityId: `tt-${n}` }, { id: `evt-tt-${n}`, time });
    const events = [activity(1, '2021-01-10T09:00:00+07:00'), activity(2, '2021-01-20T09:00:00+07:00'), activity(3, '2021-03-05T09:00:00+07:00')];
    expect(progressOf(monthly, tallyOf(monthly, events), progressContext('2021-04-01T00:00:00+07:00'))).toEqual({ achieved: 2, percent: 16.67, status: 'at-risk' });
  });

  it('keeps a ceiling met until it is broken: no cleared hotspot re-activated', () => {
    const noReactivation = target('ct-tu-diem', { kind: 'count', eventType: policeHotspotReactivated.type }, { max: 0 });
    expect(progressOf(noReactivation, emptyTally(), progressContext('2021-06-01T00:00:00+07:00'))).toEqual({ achieved: 0, percent: 100, status: 'on-track' });
    expect(progressOf(noReactivation, emptyTally(), progressContext('2022-01-05T00:00:00+07:00')).status).toBe('achieved');
    const reactivated = buildEvent(policeHotspotReactivated, policeHotspotReactivated.example, { id: 'evt-re', time: '2021-05-01T22:00:00+07:00' });
    expect(progressOf(noReactivation, tallyOf(noReactivation, [reactivated]), progressContext('2021-06-01T00:00:00+07:00'))).toEqual({ achieved: 1, percent: 0, status: 'at-risk' });
  });

  it('is on track when ahead of the share of the year gone, and overdue once the year is over', () => {
    const events = Array.from({ length: 37 }, (_, n) => inspection(n));
    const tally = tallyOf(inspections400, events);
    expect(progressOf(inspections400, tally, progressContext('2021-01-20T00:00:00+07:00')).status).toBe('on-track');
    expect(progressOf(inspections400, tally, progressContext('2022-01-02T00:00:00+07:00')).status).toBe('overdue');
  });
});
