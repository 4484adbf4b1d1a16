import {
  buildEvent,
  coordinationPlanPublished,
  labourReportSubmitted,
  policeReferralMade,
  policeReportSubmitted,
  type BusEvent,
  type Plan,
} from '@lienganh/contracts';
import { committeeSummary, CoordinationProjection, decideAlerts } from '../src/index.js';
import { CaseReferences } from '../src/access/case-references.js';

/** How the projection names referrals in deadlines (ADR 0021): a key of this test's own. */
const cases = CaseReferences.ephemeral();

// A plan imported after some of its deadlines had passed (ADR 0010, 8): Given a plan of an
// earlier period and the events so far, When it is imported at a time (the `time` of its
// `plan.published` event) or with an `alertsFrom`, Then the deadlines that had passed raise no
// alert and the committee's overview counts them per body as a backlog.

/** A district plan of 2021: police and culture report monthly; two ward committees report per ward; one task due in March. */
const plan2021 = (overrides: Partial<Plan> = {}): Plan => ({
  id: 'kh-thu-2021',
  number: '9/KH-THU',
  issuedOn: '2021-01-05',
  issuingBody: 'ubnd-thu',
  level: 'district',
  area: 'hn-thu',
  period: { start: '2021-01-01', end: '2021-12-31' },
  title: { vi: 'Kế hoạch thử năm 2021', en: 'Test plan 2021' },
  bodies: [{ code: 'ubnd-phuong', name: { vi: 'UBND các phường', en: 'Ward committees' } }],
  areas: [
    { code: 'hn-thu', level: 'district', name: { vi: 'Quận thử', en: 'Test district' } },
    { code: 'hn-thu-a', level: 'ward', parent: 'hn-thu', name: { vi: 'Phường A', en: 'Ward A' } },
    { code: 'hn-thu-b', level: 'ward', parent: 'hn-thu', name: { vi: 'Phường B', en: 'Ward B' } },
  ],
  targets: [],
  tasks: [{ id: 'nv-so-ket', title: { vi: 'Sơ kết quý I', en: 'Q1 review' }, lead: 'labour', supporting: [], due: '2021-03-31', targets: [] }],
  reporting: { to: 'labour', from: ['police', 'culture', 'ubnd-phuong'], eachArea: { 'ubnd-phuong': 'ward' }, cadences: ['monthly'], dueDays: 5 },
  deadlines: { referralHandovers: [{ from: 'police', to: 'labour', days: 7 }], followUpCheck: { days: 30, by: 'labour' }, hotspotPatrol: { everyDays: 14, by: 'police' }, approachingDays: [3], escalateAfterDays: 7 },
  ...overrides,
});

const published = (plan: Plan, time: string) => buildEvent(coordinationPlanPublished, plan, { id: `evt-plan-${plan.id}`, time });
const report = (body: 'police' | 'ubnd-phuong', period: string, time: string, areaCode = 'hn-thu') =>
  buildEvent(body === 'police' ? policeReportSubmitted : labourReportSubmitted, { reportId: `bc-${body}-${period}-${areaCode}`, reportingBody: body, areaCode, cadence: 'monthly', period }, { id: `evt-bc-${body}-${period}-${areaCode}`, time });
const referral = (id: string, time: string) =>
  buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: id, areaCode: 'hn-thu-a', toAgency: 'labour' }, { id: `evt-${id}`, time });

/** A projection fed `events` in order; a plan event is backfilled with the agency events before it, as the projector does. */
function given(events: BusEvent[]): CoordinationProjection {
  const projection = new CoordinationProjection(cases);
  const seen: BusEvent[] = [];
  for (const event of events) {
    const { plan } = projection.apply(event);
    if (plan) {
      for (const earlier of seen) projection.backfill(plan.id, earlier);
      projection.planReady(plan.id);
    } else seen.push(event);
  }
  return projection;
}

/** Every alert the engine would raise at `now`, over every deadline of the projection. */
const alertsAt = (projection: CoordinationProjection, now: string) =>
  [...projection.deadlines.deadlines.values()].flatMap((deadline) => decideAlerts(deadline, projection.state.plans.get(deadline.planId)!.deadlines, new Date(now)));
const backlogOf = (projection: CoordinationProjection, now: string) => committeeSummary(projection, new Date(now)).plans.find((plan) => plan.id === 'kh-thu-2021')!;

describe('a plan of an earlier year imported years later', () => {
  // Police reported January on time; nobody else reported anything; a referral of June was never answered.
  const history = [report('police', '2021-01', '2021-02-03T09:00:00+07:00'), referral('cg-cu', '2021-06-10T09:00:00+07:00')];
  const IMPORTED = '2026-12-05T10:00:00+07:00';
  const projection = given([...history, published(plan2021(), IMPORTED)]);

  it('raises no alert at all: not at the import, not a month later', () => {
    expect(projection.deadlines.deadlines.size).toBeGreaterThan(0);
    expect(alertsAt(projection, IMPORTED)).toEqual([]);
    expect(alertsAt(projection, '2027-01-05T10:00:00+07:00')).toEqual([]);
  });

  it('shows the missed duties per body as a backlog, by kind, most missed first', () => {
    const summary = backlogOf(projection, IMPORTED);
    expect(summary.alertsFrom).toBe(IMPORTED);
    expect(summary.backlog).toEqual([
      { body: 'ubnd-phuong', missed: 24, kinds: { 'periodic-report': 24 } }, // 12 months × 2 wards
      { body: 'culture', missed: 12, kinds: { 'periodic-report': 12 } },
      { body: 'labour', missed: 2, kinds: { task: 1, 'referral-handover': 1 } },
      { body: 'police', missed: 11, kinds: { 'periodic-report': 11 } }, // January was in on time
    ].sort((a, b) => b.missed - a.missed || (a.body < b.body ? -1 : 1)));
  });

  it('a late report sent since is still a duty missed before import; the backlog does not change with the clock', () => {
    const late = given([...history, published(plan2021(), IMPORTED), report('police', '2021-02', '2026-12-06T09:00:00+07:00')]);
    expect(backlogOf(late, '2026-12-07T00:00:00+07:00').backlog.find((entry) => entry.body === 'police')).toMatchObject({ missed: 11 });
    expect(backlogOf(late, '2030-01-01T00:00:00+07:00').backlog).toEqual(backlogOf(late, '2026-12-07T00:00:00+07:00').backlog);
  });

  it('replay decides as live processing did: agency events read after the plan (replay order) give the same deadlines', () => {
    const replayed = given([published(plan2021(), IMPORTED), ...history]);
    const records = (of: CoordinationProjection) => [...of.deadlines.deadlines.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(records(replayed)).toEqual(records(projection));
    expect(alertsAt(replayed, '2027-01-05T10:00:00+07:00')).toEqual([]);
  });
});

describe('a plan imported during its year', () => {
  // Imported on 20 April 2021: the reports of January to March were due by 5 April.
  const IMPORTED = '2021-04-20T09:00:00+07:00';

  it('alerts the deadlines due after the import and none before', () => {
    const projection = given([published(plan2021(), IMPORTED)]);
    const alerted = alertsAt(projection, '2021-05-06T09:00:00+07:00').filter((alert) => alert.kind === 'overdue');
    // April's reports (due 5 May): police, culture and each of the two wards.
    expect(alerted.map((alert) => alert.deadline.id).sort()).toEqual([
      'report:kh-thu-2021:culture:monthly:2021-04',
      'report:kh-thu-2021:police:monthly:2021-04',
      'report:kh-thu-2021:ubnd-phuong:hn-thu-a:monthly:2021-04',
      'report:kh-thu-2021:ubnd-phuong:hn-thu-b:monthly:2021-04',
    ]);
    expect(backlogOf(projection, '2021-05-06T09:00:00+07:00').backlog.map((entry) => [entry.body, entry.missed])).toEqual([
      ['ubnd-phuong', 6],
      ['culture', 3],
      ['police', 3],
      ['labour', 1], // the Q1 review, due 31 March
    ]);
  });

  it('with alertsFrom, alerts start on that day: deadlines due between the import and alertsFrom are backlog', () => {
    const projection = given([published(plan2021({ alertsFrom: '2021-06-01' }), IMPORTED)]);
    const overdue = (now: string) => new Set(alertsAt(projection, now).filter((alert) => alert.kind === 'overdue').map((alert) => alert.deadline.refId));
    // April's reports were due on 5 May, after the import but before 1 June: never alerted.
    expect(alertsAt(projection, '2021-05-20T09:00:00+07:00')).toEqual([]);
    // May's were due on 5 June: alerted from the 6th; June's from 6 July.
    expect(overdue('2021-06-06T09:00:00+07:00')).toEqual(new Set(['monthly:2021-05']));
    expect(overdue('2021-07-06T09:00:00+07:00')).toEqual(new Set(['monthly:2021-05', 'monthly:2021-06']));
    expect(backlogOf(projection, '2021-05-20T09:00:00+07:00').backlog.find((entry) => entry.body === 'police')).toMatchObject({ missed: 4 }); // January to April
    expect(backlogOf(projection, '2021-05-20T09:00:00+07:00').alertsFrom).toBe('2021-06-01T00:00:00+07:00');
  });
});

describe('before the import was known (a record without alertsFrom, as an earlier version kept it)', () => {
  it('has no backlog, and alerts as before', () => {
    const projection = given([published(plan2021(), '2021-04-20T09:00:00+07:00')]);
    for (const record of projection.deadlines.deadlines.values()) delete record.alertsFrom;
    expect(alertsAt(projection, '2021-04-20T09:00:00+07:00').length).toBeGreaterThan(0);
    expect(backlogOf(projection, '2021-04-20T09:00:00+07:00').backlog).toEqual([]);
  });
});

