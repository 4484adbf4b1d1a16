import { readFileSync } from 'node:fs';
import {
  buildEvent,
  coordinationPlanPublished,
  labourReferralAccepted,
  labourReferralClosed,
  labourReferralDeclined,
  labourReferralServiceDelivered,
  parsePlanDocument,
  policeReferralMade,
  type BusEvent,
} from '@lienganh/contracts';
import { committeeSummary, CoordinationProjection, funnelSeries, referralAsOf } from '../src/index.js';
import { CaseReferences } from '../src/access/case-references.js';

/** How the projection names referrals in deadlines (ADR 0021): a key of this test's own. */
const cases = CaseReferences.ephemeral();

// The referral funnel month by month (issue #21, the board's charts): cumulative, as the overview counts it.

const baDinh = parsePlanDocument(readFileSync(new URL('../demo/ba-dinh-2021.plan.yaml', import.meta.url), 'utf8'), 'yaml');
const NOW = new Date('2021-06-10T09:00:00+07:00');

const made = (n: number, time: string, areaCode = 'hn-ba-dinh-kim-ma') => buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: `cg-${n}`, areaCode }, { id: `evt-cg-${n}`, time });
const accepted = (n: number, time: string) => buildEvent(labourReferralAccepted, { referralId: `cg-${n}`, plannedServices: ['counselling'] }, { id: `evt-tn-${n}`, time });
const declined = (n: number, time: string) => buildEvent(labourReferralDeclined, { ...labourReferralDeclined.example, referralId: `cg-${n}` }, { id: `evt-tc-${n}`, time });
const delivered = (n: number, time: string) => buildEvent(labourReferralServiceDelivered, { referralId: `cg-${n}`, service: 'counselling' }, { id: `evt-dv-${n}`, time });
const closed = (n: number, time: string) => buildEvent(labourReferralClosed, { referralId: `cg-${n}`, outcome: 'reintegrated' }, { id: `evt-dong-${n}`, time });

const seeded: BusEvent[] = [
  made(1, '2021-01-20T10:00:00+07:00'),
  accepted(1, '2021-02-02T10:00:00+07:00'),
  delivered(1, '2021-03-05T10:00:00+07:00'),
  closed(1, '2021-05-31T23:30:00+07:00'), // the last half hour of May in Hanoi
  made(2, '2021-02-27T10:00:00+07:00', 'hn-ba-dinh-lieu-giai'),
  declined(2, '2021-03-01T10:00:00+07:00'),
  made(3, '2021-03-31T17:30:00Z'), // 1 April 00:30 in Hanoi
  // Closed with no acceptance or service recorded: it was accepted and served (ADR 0010, 6).
  closed(3, '2021-04-20T10:00:00+07:00'),
  made(4, '2021-04-02T10:00:00+07:00', 'hn-tay-ho-quang-an'), // another district: in no point
  made(5, '2020-12-28T10:00:00+07:00'), // before the term: in no point, even answered within it
  accepted(5, '2021-01-04T10:00:00+07:00'),
  accepted(6, '2021-05-04T10:00:00+07:00'), // its `made` never arrived: in no funnel
];

function given(events: BusEvent[] = seeded) {
  const projection = new CoordinationProjection(cases);
  projection.apply(buildEvent(coordinationPlanPublished, baDinh, { id: `evt-plan-${baDinh.id}`, time: '2021-01-02T08:00:00+07:00' }));
  projection.planReady(baDinh.id);
  for (const event of events) projection.apply(event);
  const series = (now = NOW) => funnelSeries({ plan: baDinh, referrals: projection.referrals.values(), isWithin: (code, ancestor) => projection.areas.isWithin(code, ancestor), now });
  return { projection, series };
}

describe('the referral funnel month by month', () => {
  it('counts at the end of each month the referrals made by then, by the stages they had reached by then', () => {
    const { series } = given();
    const points = series().points.map(({ month, made, accepted, serviceDelivered, closed, declined }) => [month, made, accepted, serviceDelivered, closed, declined]);
    expect(points).toEqual([
      // month,    made, accepted, served, closed, declined
      ['2021-01', 1, 0, 0, 0, 0],
      ['2021-02', 2, 1, 0, 0, 0],
      ['2021-03', 2, 1, 1, 0, 1],
      ['2021-04', 3, 2, 2, 1, 1],
      ['2021-05', 3, 2, 2, 2, 1],
      ['2021-06', 3, 2, 2, 2, 1],
    ]);
  });

  it('never has more accepted than made, served than accepted or closed than served, however the events came', () => {
    const { series } = given([...seeded].reverse());
    for (const point of series().points) {
      expect(point.made).toBeGreaterThanOrEqual(point.accepted);
      expect(point.accepted).toBeGreaterThanOrEqual(point.serviceDelivered);
      expect(point.serviceDelivered).toBeGreaterThanOrEqual(point.closed);
    }
    expect(series().points).toEqual(given().series().points);
  });

  it("ends, while the term runs, with the overview's funnel of the plan", () => {
    const { projection, series } = given();
    const overview = committeeSummary(projection, NOW).plans.find((plan) => plan.id === baDinh.id)!.referrals;
    const { month, asOf, day, ...last } = series().points.at(-1)!;
    expect([month, asOf, day]).toEqual(['2021-06', NOW.toISOString(), '2021-06-10']);
    expect(last).toEqual(overview);
    expect(overview.made).toBe(3);
  });

  it('says how a referral stood at an instant (not yet made before its made event), and has no point before the term', () => {
    const { projection } = given();
    const record = projection.referrals.get('cg-1')!;
    expect(referralAsOf(record, Date.parse('2021-01-19T10:00:00+07:00'))).toBeUndefined();
    expect(referralAsOf(record, Date.parse('2021-03-01T00:00:00+07:00'))).toMatchObject({ made: record.made, accepted: record.accepted });
    expect(referralAsOf(record, Date.parse('2021-03-01T00:00:00+07:00'))).not.toHaveProperty('serviceDelivered');
    expect(given().series(new Date('2020-12-31T09:00:00+07:00')).points).toEqual([]);
  });
});
