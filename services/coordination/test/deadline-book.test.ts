import { readFileSync } from 'node:fs';
import {
  buildEvent,
  coordinationDeadlineOverdue,
  cultureInspectionCompleted,
  healthReferralAccepted,
  healthReferralDeclined,
  labourFollowUpCheckCompleted,
  labourJointInspectionCompleted,
  labourReferralAccepted,
  labourReferralDeclined,
  labourReferralMade,
  labourReportSubmitted,
  parsePlanDocument,
  policeHotspotCleared,
  policeHotspotPatrolled,
  policeHotspotReactivated,
  policeInspectionCompleted,
  policeReferralMade,
  policeReportSubmitted,
  type BusEvent,
  type Plan,
} from '@lienganh/contracts';
import { AgencyRegistry, AreaRegistry, DeadlineBook, decideAlerts, evolveReport, registerPlan, type DeadlineRecord, type ReportRecord } from '../src/index.js';
import { reportKeyOf } from '../src/reporting/report-compliance.js';
import { CaseReferences } from '../src/access/case-references.js';

/** How the projection names referrals in deadlines (ADR 0021): a key of this test's own. */
const cases = CaseReferences.ephemeral();
/** A referral's hand-over deadline, named by its case reference. */
const handover = (referralId: string) => `referral:${cases.of(referralId)}`;

// Specifications of the deadline book, Given / When / Then: the plans and the events applied so
// far, what comes next, and which deadlines (thời hạn) the book must then hold.

const baDinh = parsePlanDocument(readFileSync(new URL('../demo/ba-dinh-2021.plan.yaml', import.meta.url), 'utf8'), 'yaml');
const areas = new AreaRegistry();
registerPlan(baDinh, new AgencyRegistry(), areas);
areas.register({ code: 'hn-tay-ho', level: 'district', parent: 'hn', name: { vi: 'Quận Tây Hồ', en: 'Tay Ho district' } });
areas.register({ code: 'hn-tay-ho-quang-an', level: 'ward', parent: 'hn-tay-ho', name: { vi: 'Phường Quảng An', en: 'Quang An ward' } });
const isWithin = (area: string, ancestor: string) => areas.isWithin(area, ancestor);

const DAY_MS = 86_400_000;
const instant = (time: string) => Date.parse(time);
const plus = (time: string, days: number) => instant(time) + days * DAY_MS;

/** A book over `plans` (what the projection's plan list holds), fed `events` in order. */
function given(events: BusEvent[] = [], plans: Plan[] = [baDinh]): DeadlineBook {
  const book = new DeadlineBook(() => plans, isWithin, cases);
  for (const event of events) book.apply(event);
  return book;
}

const deadline = (book: DeadlineBook, id: string): DeadlineRecord | undefined => book.deadlines.get(id);
const ofKind = (book: DeadlineBook, kind: DeadlineRecord['kind']) => [...book.deadlines.values()].filter((record) => record.kind === kind);

// ---------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------

const policeReferral = (id: string, time: string, options: { areaCode?: string; respondBy?: string; toAgency?: string } = {}) =>
  buildEvent(
    policeReferralMade,
    { ...policeReferralMade.example, referralId: id, areaCode: options.areaCode ?? 'hn-ba-dinh-lieu-giai', toAgency: options.toAgency ?? 'labour', ...(options.respondBy ? { respondBy: options.respondBy } : {}) },
    { id: `evt-${id}`, time },
  );
const labourReferral = (id: string, time: string) =>
  buildEvent(labourReferralMade, { ...labourReferralMade.example, referralId: id, areaCode: 'hn-ba-dinh-kim-ma' }, { id: `evt-${id}`, time });

const answers = {
  'labour accepted': (referralId: string, time: string) => buildEvent(labourReferralAccepted, { referralId, plannedServices: ['counselling'] }, { id: `evt-ld-tn-${referralId}-${time}`, time }),
  'labour declined': (referralId: string, time: string) => buildEvent(labourReferralDeclined, { referralId, reason: 'person-declined' }, { id: `evt-ld-tc-${referralId}-${time}`, time }),
  'health accepted': (referralId: string, time: string) => buildEvent(healthReferralAccepted, { referralId, plannedServices: ['hiv-sti-care'] }, { id: `evt-yt-tn-${referralId}-${time}`, time }),
  'health declined': (referralId: string, time: string) => buildEvent(healthReferralDeclined, { referralId, reason: 'person-declined' }, { id: `evt-yt-tc-${referralId}-${time}`, time }),
};

type Outcome = 'violations-found' | 'compliant';
const inspections = {
  'police inspection': (id: string, time: string, outcome: Outcome = 'violations-found') =>
    buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: id, outcome, violations: outcome === 'compliant' ? [] : policeInspectionCompleted.example.violations }, { id: `evt-${id}`, time }),
  'culture inspection': (id: string, time: string, outcome: Outcome = 'violations-found') =>
    buildEvent(cultureInspectionCompleted, { ...cultureInspectionCompleted.example, inspectionId: id, outcome, violations: outcome === 'compliant' ? [] : cultureInspectionCompleted.example.violations }, { id: `evt-${id}`, time }),
  'labour joint inspection (team 178)': (id: string, time: string, outcome: Outcome = 'violations-found') =>
    buildEvent(labourJointInspectionCompleted, { ...labourJointInspectionCompleted.example, inspectionId: id, outcome, violations: outcome === 'compliant' ? [] : labourJointInspectionCompleted.example.violations }, { id: `evt-${id}`, time }),
};
const followUpCheck = (inspectionId: string, time: string) =>
  buildEvent(labourFollowUpCheckCompleted, { ...labourFollowUpCheckCompleted.example, checkId: `hk-${inspectionId}-${Date.parse(time).toString(36)}`, inspectionId }, { id: `evt-hk-${inspectionId}-${time}`, time });

const cleared = (hotspotId: string, id: string, time: string) => buildEvent(policeHotspotCleared, { hotspotId, areaCode: 'hn-ba-dinh-lieu-giai' }, { id, time });
const patrolled = (hotspotId: string, id: string, time: string) => buildEvent(policeHotspotPatrolled, { hotspotId, areaCode: 'hn-ba-dinh-lieu-giai', activityObserved: false }, { id, time });
const reactivated = (hotspotId: string, id: string, time: string) => buildEvent(policeHotspotReactivated, { hotspotId, areaCode: 'hn-ba-dinh-lieu-giai' }, { id, time });

type Cadence = 'monthly' | 'quarterly' | 'annual' | 'ad-hoc';
const report = (body: string, cadence: Cadence, period: string, time: string, areaCode = 'hn-ba-dinh') =>
  buildEvent(body === 'police' ? policeReportSubmitted : labourReportSubmitted, { reportId: `bc-${body}-${cadence}-${period}-${areaCode}`, reportingBody: body, areaCode, cadence, period }, { id: `evt-bc-${body}-${cadence}-${period}-${areaCode}-${time}`, time });

/** The reports as the projection keeps them (the earliest per body, cadence, period and area). */
function reportsOf(events: BusEvent[]): Map<string, ReportRecord> {
  const reports = new Map<string, ReportRecord>();
  for (const event of events) {
    const after = evolveReport(reports.get(reportKeyOf(event)), event);
    if (after) reports.set(after.key, after);
  }
  return reports;
}

const overdueAlert = (deadlineId: string, refId: string, dueAt: string) =>
  buildEvent(
    coordinationDeadlineOverdue,
    { deadlineId, kind: 'referral-handover', agency: 'labour', areaCode: 'hn-ba-dinh-lieu-giai', dueAt, refId, planId: baDinh.id },
    { id: `${deadlineId}:overdue`, time: '2021-03-09T10:05:00+07:00' },
  );

// ---------------------------------------------------------------------------------------
// Referral hand-over (chuyển gửi)
// ---------------------------------------------------------------------------------------

describe('referral hand-over', () => {
  it('an early answer by another agency does not meet the hand-over when the referral arrives', () => {
    const book = given([answers['health accepted']('cg-p', '2021-03-04T09:00:00+07:00'), policeReferral('cg-p', '2021-03-02T10:00:00+07:00')]);
    expect(deadline(book, handover('cg-p'))?.metAt).toBeUndefined();
    book.apply(answers['labour accepted']('cg-p', '2021-03-05T09:00:00+07:00'));
    expect(deadline(book, handover('cg-p'))?.metAt).toBe('2021-03-05T09:00:00+07:00');
  });

  const MADE = '2021-03-02T10:00:00+07:00';

  it('the plan says police → labour within 7 days and labour → health within 5', () => {
    // The rules the specs below rely on, so that a changed demo plan fails here first.
    expect(baDinh.deadlines.referralHandovers).toEqual([
      { from: 'police', to: 'labour', days: 7 },
      { from: 'labour', to: 'health', days: 5 },
    ]);
  });

  it('a police referral in the district during the plan opens referral:<case reference>, owed by labour, due 7 days after it was made', () => {
    // Given Ba Đình's plan; When police refer a person in Liễu Giai ward
    const book = given([policeReferral('cg-ca-1', MADE)]);
    // Then labour owes an answer within the plan's 7 days
    const record = deadline(book, handover('cg-ca-1'))!;
    expect(record).toMatchObject({ kind: 'referral-handover', agency: 'labour', areaCode: 'hn-ba-dinh-lieu-giai', refId: cases.of('cg-ca-1'), referralId: 'cg-ca-1', planId: baDinh.id, raised: [] });
    expect(instant(record.dueAt)).toBe(plus(MADE, 7));
    expect(record.metAt).toBeUndefined();
    expect(record.cancelled).toBeFalsy();
  });

  it('a respondBy earlier than the rule moves the due time to the end of that day, Vietnam time', () => {
    const book = given([policeReferral('cg-ca-2', MADE, { respondBy: '2021-03-05' })]);
    expect(instant(deadline(book, handover('cg-ca-2'))!.dueAt)).toBe(instant('2021-03-05T23:59:59+07:00'));
  });

  it('a respondBy later than the rule leaves the rule', () => {
    const book = given([policeReferral('cg-ca-3', MADE, { respondBy: '2021-03-31' })]);
    expect(instant(deadline(book, handover('cg-ca-3'))!.dueAt)).toBe(plus(MADE, 7));
  });

  it.each(['labour accepted', 'labour declined'] as const)('is met at the time of the receiving agency answer (%s)', (answer) => {
    const book = given([policeReferral('cg-ca-4', MADE), answers[answer]('cg-ca-4', '2021-03-04T09:00:00+07:00')]);
    expect(deadline(book, handover('cg-ca-4'))!.metAt).toBe('2021-03-04T09:00:00+07:00');
  });

  it.each(['health accepted', 'health declined'] as const)('is not met by an answer from an agency it was not sent to (%s)', (answer) => {
    const book = given([policeReferral('cg-ca-5', MADE), answers[answer]('cg-ca-5', '2021-03-04T09:00:00+07:00')]);
    expect(deadline(book, handover('cg-ca-5'))!.metAt).toBeUndefined();
  });

  it('keeps the first answer: a later one does not move the time it was met', () => {
    const book = given([policeReferral('cg-ca-6', MADE), answers['labour accepted']('cg-ca-6', '2021-03-04T09:00:00+07:00'), answers['labour declined']('cg-ca-6', '2021-03-06T09:00:00+07:00')]);
    expect(deadline(book, handover('cg-ca-6'))!.metAt).toBe('2021-03-04T09:00:00+07:00');
  });

  it('an answer that arrives before its referral (out of order) still meets it, at the answer time', () => {
    // Given labour's answer, read first; When the referral arrives
    const book = given([answers['labour accepted']('cg-ca-7', '2021-03-04T09:00:00+07:00'), policeReferral('cg-ca-7', MADE)]);
    // Then the deadline opens already met
    const record = deadline(book, handover('cg-ca-7'))!;
    expect(record.metAt).toBe('2021-03-04T09:00:00+07:00');
    expect(instant(record.dueAt)).toBe(plus(MADE, 7));
  });

  it('of two answers that arrive before the referral, the earlier one meets it, whatever their order', () => {
    const early = answers['labour accepted']('cg-ca-8', '2021-03-03T09:00:00+07:00');
    const later = answers['labour declined']('cg-ca-8', '2021-03-05T09:00:00+07:00');
    expect(deadline(given([later, early, policeReferral('cg-ca-8', MADE)]), handover('cg-ca-8'))!.metAt).toBe('2021-03-03T09:00:00+07:00');
    expect(deadline(given([early, later, policeReferral('cg-ca-8', MADE)]), handover('cg-ca-8'))!.metAt).toBe('2021-03-03T09:00:00+07:00');
  });

  it.each([
    ['in another district', policeReferral('cg-tay-ho', '2021-05-05T10:00:00+07:00', { areaCode: 'hn-tay-ho-quang-an' })],
    ['before the plan period (31 December 2020, 23:00 in Hanoi)', policeReferral('cg-2020', '2020-12-31T23:00:00+07:00')],
    ['after the plan period (1 January 2022, 00:30 in Hanoi)', policeReferral('cg-2022', '2021-12-31T17:30:00Z')],
    ['for a hand-over the plan has no rule for (police → health)', policeReferral('cg-ca-yt', MADE, { toAgency: 'health' })],
  ])('a referral %s opens nothing', (_, event) => {
    const book = given([event]);
    expect(book.deadlines.size).toBe(0);
    expect(book.takeChanged()).toEqual([]);
  });

  it('a referral with no plan at all opens nothing', () => {
    expect(given([policeReferral('cg-ca-9', MADE)], []).deadlines.size).toBe(0);
  });

  it('a referral at 00:30 on 1 January in Hanoi (still 31 December in UTC) is within the 2021 plan', () => {
    const book = given([policeReferral('cg-dau-nam', '2020-12-31T17:30:00Z')]);
    expect(deadline(book, handover('cg-dau-nam'))).toBeDefined();
  });

  it('a labour → health referral uses the labour → health rule (5 days), owed by health and met by health answer', () => {
    const made = '2021-04-05T08:00:00+07:00';
    const book = given([labourReferral('cg-ld-1', made)]);
    const record = deadline(book, handover('cg-ld-1'))!;
    expect(record).toMatchObject({ kind: 'referral-handover', agency: 'health', refId: cases.of('cg-ld-1'), referralId: 'cg-ld-1', planId: baDinh.id });
    expect(instant(record.dueAt)).toBe(plus(made, 5));

    book.apply(answers['labour accepted']('cg-ld-1', '2021-04-06T08:00:00+07:00'));
    expect(record.metAt).toBeUndefined();
    book.apply(answers['health accepted']('cg-ld-1', '2021-04-07T08:00:00+07:00'));
    expect(record.metAt).toBe('2021-04-07T08:00:00+07:00');
  });

  it('a plan added after the referral backfills it, and the answer kept meanwhile meets it', () => {
    // Given no plan yet, a referral and its answer
    const plans: Plan[] = [];
    const referral = policeReferral('cg-ca-10', MADE);
    const book = given([referral, answers['labour accepted']('cg-ca-10', '2021-03-04T09:00:00+07:00')], plans);
    expect(book.deadlines.size).toBe(0);
    // When Ba Đình's plan comes and the earlier events are backfilled for it
    plans.push(baDinh);
    book.backfill(referral, 'another-plan');
    expect(book.deadlines.size).toBe(0);
    book.backfill(referral, baDinh.id);
    // Then the hand-over deadline exists, met by the answer
    expect(deadline(book, handover('cg-ca-10'))).toMatchObject({ agency: 'labour', metAt: '2021-03-04T09:00:00+07:00', planId: baDinh.id });
  });
});

// ---------------------------------------------------------------------------------------
// Follow-up check (hậu kiểm)
// ---------------------------------------------------------------------------------------

describe('follow-up check (hậu kiểm)', () => {
  const INSPECTED = '2021-05-10T14:00:00+07:00';

  it('the plan says labour checks within 30 days', () => {
    expect(baDinh.deadlines.followUpCheck).toEqual({ days: 30, by: 'labour' });
  });

  describe.each(Object.keys(inspections) as (keyof typeof inspections)[])('after a %s', (name) => {
    const inspected = inspections[name];

    it('with violations found, opens follow-up:<inspectionId> owed by labour, due 30 days later', () => {
      const book = given([inspected('kt-1', INSPECTED)]);
      const record = deadline(book, 'follow-up:kt-1')!;
      expect(record).toMatchObject({ kind: 'follow-up-check', agency: 'labour', refId: 'kt-1', planId: baDinh.id });
      expect(instant(record.dueAt)).toBe(plus(INSPECTED, 30));
      expect(record.metAt).toBeUndefined();
    });

    it('found compliant, opens nothing', () => {
      const book = given([inspected('kt-2', INSPECTED, 'compliant')]);
      expect(book.deadlines.size).toBe(0);
    });

    it("is met by labour's follow-up check", () => {
      const book = given([inspected('kt-3', INSPECTED), followUpCheck('kt-3', '2021-05-20T09:00:00+07:00')]);
      expect(deadline(book, 'follow-up:kt-3')!.metAt).toBe('2021-05-20T09:00:00+07:00');
    });

    it('is met by a follow-up check that arrives before the inspection (out of order)', () => {
      const book = given([followUpCheck('kt-4', '2021-05-20T09:00:00+07:00'), inspected('kt-4', INSPECTED)]);
      const record = deadline(book, 'follow-up:kt-4')!;
      expect(record.metAt).toBe('2021-05-20T09:00:00+07:00');
      expect(instant(record.dueAt)).toBe(plus(INSPECTED, 30));
    });
  });

  it('of two checks that arrive before the inspection, the earlier one meets it, whatever their order', () => {
    const early = followUpCheck('kt-7', '2021-05-15T09:00:00+07:00');
    const later = followUpCheck('kt-7', '2021-05-25T09:00:00+07:00');
    for (const order of [[early, later], [later, early]]) {
      const book = given([...order, inspections['police inspection']('kt-7', INSPECTED)]);
      expect(deadline(book, 'follow-up:kt-7')!.metAt).toBe('2021-05-15T09:00:00+07:00');
    }
  });

  it('a check of another inspection meets nothing', () => {
    const book = given([inspections['police inspection']('kt-5', INSPECTED), followUpCheck('kt-khac', '2021-05-20T09:00:00+07:00')]);
    expect(deadline(book, 'follow-up:kt-5')!.metAt).toBeUndefined();
  });

  it('an inspection outside the plan period opens nothing', () => {
    expect(given([inspections['police inspection']('kt-6', '2022-01-03T09:00:00+07:00')]).deadlines.size).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------
// Hotspot patrol (tụ điểm)
// ---------------------------------------------------------------------------------------

describe('hotspot patrol', () => {
  const CLEARED = '2021-03-01T20:00:00+07:00';
  const patrols = (book: DeadlineBook, hotspotId: string) =>
    ofKind(book, 'hotspot-patrol')
      .filter((record) => record.refId === hotspotId)
      .sort((a, b) => instant(a.dueAt) - instant(b.dueAt));

  it('the plan says police patrol at least every 14 days', () => {
    expect(baDinh.deadlines.hotspotPatrol).toEqual({ everyDays: 14, by: 'police' });
  });

  it('the same clearance or patrol applied again (a re-sent event) changes nothing', () => {
    const events = [cleared('td-lieu-giai', 'evt-gt-1', CLEARED), patrolled('td-lieu-giai', 'evt-tt-1', '2021-03-10T21:00:00+07:00')];
    const once = given(events);
    const twice = given([...events, ...events]);
    expect(patrols(twice, 'td-lieu-giai')).toEqual(patrols(once, 'td-lieu-giai'));
    expect(patrols(twice, 'td-lieu-giai').filter((record) => !record.metAt && !record.cancelled)).toHaveLength(1);
  });

  it('a re-activation re-sent after a new clearance does not end the new watch; a patrol of a re-activated hotspot starts none', () => {
    const reactivation = reactivated('td-lieu-giai', 'evt-tl-1', '2021-03-05T22:00:00+07:00');
    const book = given([cleared('td-lieu-giai', 'evt-gt-1', CLEARED), reactivation, patrolled('td-lieu-giai', 'evt-tt-x', '2021-03-06T21:00:00+07:00')]);
    expect(patrols(book, 'td-lieu-giai').filter((record) => !record.cancelled)).toEqual([]);
    book.apply(cleared('td-lieu-giai', 'evt-gt-2', '2021-03-08T20:00:00+07:00'));
    book.apply(reactivation);
    expect(patrols(book, 'td-lieu-giai').filter((record) => !record.cancelled).map((record) => record.id)).toEqual(['patrol:td-lieu-giai:evt-gt-2']);
  });

  it('a cleared hotspot opens a patrol deadline owed by police, due 14 days later', () => {
    const book = given([cleared('td-lieu-giai', 'evt-gt-1', CLEARED)]);
    const [patrol, ...others] = patrols(book, 'td-lieu-giai');
    expect(others).toEqual([]);
    expect(patrol).toMatchObject({ kind: 'hotspot-patrol', agency: 'police', areaCode: 'hn-ba-dinh-lieu-giai', refId: 'td-lieu-giai', planId: baDinh.id });
    expect(instant(patrol!.dueAt)).toBe(plus(CLEARED, 14));
    expect(patrol!.metAt).toBeUndefined();
  });

  it('each patrol meets the open deadline and opens the next one, 14 days after it', () => {
    const first = '2021-03-10T21:00:00+07:00';
    const second = '2021-03-22T21:00:00+07:00';
    const book = given([cleared('td-lieu-giai', 'evt-gt-1', CLEARED), patrolled('td-lieu-giai', 'evt-tt-1', first), patrolled('td-lieu-giai', 'evt-tt-2', second)]);
    const [afterClearing, afterFirst, afterSecond, ...others] = patrols(book, 'td-lieu-giai');
    expect(others).toEqual([]);
    expect(instant(afterClearing!.dueAt)).toBe(plus(CLEARED, 14));
    expect(afterClearing!.metAt).toBe(first);
    expect(instant(afterFirst!.dueAt)).toBe(plus(first, 14));
    expect(afterFirst!.metAt).toBe(second);
    expect(instant(afterSecond!.dueAt)).toBe(plus(second, 14));
    expect(afterSecond!.metAt).toBeUndefined();
  });

  it('a patrol of one hotspot does not meet the deadline of another', () => {
    const book = given([cleared('td-lieu-giai', 'evt-gt-1', CLEARED), cleared('td-to-lich', 'evt-gt-2', CLEARED), patrolled('td-to-lich', 'evt-tt-1', '2021-03-10T21:00:00+07:00')]);
    expect(patrols(book, 'td-lieu-giai').map((record) => record.metAt)).toEqual([undefined]);
    expect(patrols(book, 'td-to-lich')).toHaveLength(2);
  });

  it('a re-activated hotspot cancels the open patrol deadline, and no alert is raised for it, even long overdue', () => {
    const book = given([cleared('td-lieu-giai', 'evt-gt-1', CLEARED), patrolled('td-lieu-giai', 'evt-tt-1', '2021-03-10T21:00:00+07:00')]);
    book.apply(reactivated('td-lieu-giai', 'evt-hd-1', '2021-03-15T21:00:00+07:00'));
    const [met, open, ...others] = patrols(book, 'td-lieu-giai');
    expect(others).toEqual([]);
    expect(met!.cancelled).toBeFalsy(); // the one already met stays met
    expect(met!.metAt).toBe('2021-03-10T21:00:00+07:00');
    expect(open!.cancelled).toBe(true);
    expect(open!.metAt).toBeUndefined();
    for (const days of [-3, 0, 1, 7, 60]) expect(decideAlerts(open!, baDinh.deadlines, new Date(plus(open!.dueAt, days)))).toEqual([]);
  });

  it('a hotspot cleared again starts a new watch: the open deadline is cancelled, a new one opens', () => {
    const again = '2021-03-08T20:00:00+07:00';
    const book = given([cleared('td-lieu-giai', 'evt-gt-1', CLEARED), cleared('td-lieu-giai', 'evt-gt-2', again)]);
    const [first, second] = patrols(book, 'td-lieu-giai');
    expect(first!.cancelled).toBe(true);
    expect(instant(second!.dueAt)).toBe(plus(again, 14));
    expect(second!.cancelled).toBeFalsy();
  });

  it('after a restart (restore), the next patrol meets the deadline that was open', () => {
    const before = given([cleared('td-lieu-giai', 'evt-gt-1', CLEARED)]);
    const stored: DeadlineRecord[] = JSON.parse(JSON.stringify([...before.deadlines.values()]));
    const book = given();
    book.restore(stored);
    book.apply(patrolled('td-lieu-giai', 'evt-tt-1', '2021-03-10T21:00:00+07:00'));
    const [restored, next] = patrols(book, 'td-lieu-giai');
    expect(restored!.metAt).toBe('2021-03-10T21:00:00+07:00');
    expect(next!.metAt).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------
// Periodic report (báo cáo định kỳ)
// ---------------------------------------------------------------------------------------

describe('periodic report', () => {
  /** Police and culture report monthly and quarterly for January to June 2021; no tasks. */
  const halfYear: Plan = {
    ...baDinh,
    id: 'kh-6-thang-2021',
    period: { start: '2021-01-01', end: '2021-06-30' },
    tasks: [],
    reporting: { to: 'labour', from: ['police', 'culture'], cadences: ['monthly', 'quarterly', 'annual'], dueDays: 5 },
  };
  const reportDeadline = (body: string, cadence: string, period: string) => `report:${halfYear.id}:${body}:${cadence}:${period}`;

  function planned(events: BusEvent[] = [], before: BusEvent[] = []): DeadlineBook {
    const book = given(before, [halfYear]);
    book.addPlan(halfYear, reportsOf(before));
    for (const event of events) book.apply(event);
    return book;
  }

  it('addPlan opens one deadline per body and period of each cadence (2 bodies × (6 months + 2 quarters + no whole year))', () => {
    const book = planned();
    const reports = ofKind(book, 'periodic-report');
    expect(reports).toHaveLength(16);
    expect(book.deadlines.size).toBe(16);
    expect(reports.filter((record) => record.agency === 'police').map((record) => record.refId).sort()).toEqual(
      ['monthly:2021-01', 'monthly:2021-02', 'monthly:2021-03', 'monthly:2021-04', 'monthly:2021-05', 'monthly:2021-06', 'quarterly:2021-Q1', 'quarterly:2021-Q2'].sort(),
    );
    expect(new Set(reports.map((record) => record.agency))).toEqual(new Set(['police', 'culture']));
    expect(reports.every((record) => record.areaCode === 'hn-ba-dinh' && record.planId === halfYear.id && !record.metAt)).toBe(true);
  });

  it('is due at the end of the day, Vietnam time, dueDays after the period ends', () => {
    const book = planned();
    expect(instant(deadline(book, reportDeadline('police', 'monthly', '2021-01'))!.dueAt)).toBe(instant('2021-02-05T23:59:59+07:00'));
    expect(instant(deadline(book, reportDeadline('police', 'monthly', '2021-02'))!.dueAt)).toBe(instant('2021-03-05T23:59:59+07:00'));
    expect(instant(deadline(book, reportDeadline('culture', 'quarterly', '2021-Q2'))!.dueAt)).toBe(instant('2021-07-05T23:59:59+07:00'));
  });

  it('adding the same plan twice opens nothing more', () => {
    const book = planned();
    book.takeChanged();
    book.addPlan(halfYear, new Map());
    expect(book.deadlines.size).toBe(16);
    expect(book.takeChanged()).toEqual([]);
  });

  it("is met by the body's report for the period", () => {
    const book = planned([report('police', 'monthly', '2021-02', '2021-03-04T16:00:00+07:00')]);
    expect(deadline(book, reportDeadline('police', 'monthly', '2021-02'))!.metAt).toBe('2021-03-04T16:00:00+07:00');
    expect(deadline(book, reportDeadline('culture', 'monthly', '2021-02'))!.metAt).toBeUndefined();
    expect(deadline(book, reportDeadline('police', 'monthly', '2021-03'))!.metAt).toBeUndefined();
  });

  it('a report submitted before the plan was added meets its deadline when the plan is added', () => {
    // Given a report sent, and applied, before the plan existed
    const sent = report('police', 'monthly', '2021-01', '2021-02-03T10:00:00+07:00');
    // When the plan is added with the reports kept so far
    const book = planned([], [sent]);
    // Then its deadline opens met at the time it was sent
    expect(deadline(book, reportDeadline('police', 'monthly', '2021-01'))!.metAt).toBe('2021-02-03T10:00:00+07:00');
    expect(ofKind(book, 'periodic-report').filter((record) => record.metAt)).toHaveLength(1);
  });

  it('a report from a ward of the district counts for the district', () => {
    const book = planned([report('police', 'quarterly', '2021-Q1', '2021-04-02T10:00:00+07:00', 'hn-ba-dinh-kim-ma')]);
    expect(deadline(book, reportDeadline('police', 'quarterly', '2021-Q1'))!.metAt).toBe('2021-04-02T10:00:00+07:00');
  });

  it('a report from another district meets nothing, sent before or after the plan was added', () => {
    const fromTayHo = report('police', 'monthly', '2021-01', '2021-02-03T10:00:00+07:00', 'hn-tay-ho');
    for (const book of [planned([fromTayHo]), planned([], [fromTayHo])]) {
      expect(deadline(book, reportDeadline('police', 'monthly', '2021-01'))!.metAt).toBeUndefined();
      expect(ofKind(book, 'periodic-report').filter((record) => record.metAt)).toEqual([]);
    }
  });

  it('an ad-hoc report (đột xuất) meets nothing', () => {
    const book = planned();
    book.takeChanged();
    book.apply(report('police', 'ad-hoc', '2021-01', '2021-02-03T10:00:00+07:00'));
    expect(ofKind(book, 'periodic-report').filter((record) => record.metAt)).toEqual([]);
    expect(book.takeChanged()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// Task (nhiệm vụ)
// ---------------------------------------------------------------------------------------

describe('task', () => {
  const book = given();
  book.addPlan(baDinh, new Map());

  it('a task with a due date opens task:<plan>:<task>, owed by its lead, due at the end of that day in Vietnam', () => {
    const record = deadline(book, `task:${baDinh.id}:nv-phuong-01`)!;
    expect(record).toMatchObject({ kind: 'task', agency: 'ubnd-phuong', areaCode: 'hn-ba-dinh', refId: 'nv-phuong-01', planId: baDinh.id, raised: [] });
    expect(instant(record.dueAt)).toBe(instant('2021-03-31T23:59:59+07:00'));
    expect(deadline(book, `task:${baDinh.id}:nv-yt-02`)).toMatchObject({ agency: 'health' });
  });

  it('a task without a due date (a recurring one) opens nothing', () => {
    expect(baDinh.tasks.find((task) => task.id === 'nv-yt-01')!.due).toBeUndefined();
    expect(deadline(book, `task:${baDinh.id}:nv-yt-01`)).toBeUndefined();
    const withDue = baDinh.tasks.filter((task) => task.due);
    expect(withDue.length).toBeLessThan(baDinh.tasks.length);
    expect(ofKind(book, 'task').map((record) => record.refId).sort()).toEqual(withDue.map((task) => task.id).sort());
  });
});

// ---------------------------------------------------------------------------------------
// Alerts read back from coordination's stream
// ---------------------------------------------------------------------------------------

describe('alerts read back', () => {
  const MADE = '2021-03-02T10:00:00+07:00';
  const due = new Date(plus(MADE, 7)).toISOString();

  it('an overdue alert is recorded on its deadline once, however often it is applied', () => {
    const book = given([policeReferral('cg-x', MADE)]);
    book.takeChanged();
    book.apply(overdueAlert(handover('cg-x'), cases.of('cg-x'), due));
    expect(deadline(book, handover('cg-x'))!.raised).toEqual([`${handover('cg-x')}:overdue`]);
    expect(book.takeChanged().map((record) => record.id)).toEqual([handover('cg-x')]);
    book.apply(overdueAlert(handover('cg-x'), cases.of('cg-x'), due));
    expect(deadline(book, handover('cg-x'))!.raised).toEqual([`${handover('cg-x')}:overdue`]);
    expect(book.takeChanged()).toEqual([]);
  });

  it('an alert read before its deadline exists (replay reads coordination first) is attached when the deadline opens', () => {
    // Given the alert, twice, and no deadline yet
    const book = given([overdueAlert(handover('cg-y'), cases.of('cg-y'), due), overdueAlert(handover('cg-y'), cases.of('cg-y'), due)]);
    expect(book.deadlines.size).toBe(0);
    // When the referral is read
    book.apply(policeReferral('cg-y', MADE));
    // Then the deadline carries it, once, and it is not raised again
    const record = deadline(book, handover('cg-y'))!;
    expect(record.raised).toEqual([`${handover('cg-y')}:overdue`]);
    expect(decideAlerts(record, baDinh.deadlines, new Date(plus(MADE, 8))).map((decision) => decision.id)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// meet and takeChanged
// ---------------------------------------------------------------------------------------

describe('meet', () => {
  const opened = () => given([policeReferral('cg-m', '2021-03-02T10:00:00+07:00')]);

  it('keeps the earliest time', () => {
    const book = opened();
    book.meet(handover('cg-m'), '2021-03-05T09:00:00+07:00');
    book.meet(handover('cg-m'), '2021-03-04T09:00:00+07:00');
    expect(deadline(book, handover('cg-m'))!.metAt).toBe('2021-03-04T09:00:00+07:00');
    book.meet(handover('cg-m'), '2021-03-06T09:00:00+07:00');
    expect(deadline(book, handover('cg-m'))!.metAt).toBe('2021-03-04T09:00:00+07:00');
  });

  it('compares instants, not strings: 03:00 UTC is later than 09:00 in Hanoi', () => {
    const book = opened();
    book.meet(handover('cg-m'), '2021-03-04T09:00:00+07:00'); // 02:00 UTC
    book.meet(handover('cg-m'), '2021-03-04T03:00:00Z');
    expect(deadline(book, handover('cg-m'))!.metAt).toBe('2021-03-04T09:00:00+07:00');
  });

  it('for one instant written with two offsets, the result does not depend on order', () => {
    const hanoi = '2021-03-04T09:00:00+07:00';
    const utc = '2021-03-04T02:00:00Z';
    const one = opened();
    one.meet(handover('cg-m'), hanoi);
    one.meet(handover('cg-m'), utc);
    const other = opened();
    other.meet(handover('cg-m'), utc);
    other.meet(handover('cg-m'), hanoi);
    expect(deadline(one, handover('cg-m'))!.metAt).toBe(deadline(other, handover('cg-m'))!.metAt);
    expect(instant(deadline(one, handover('cg-m'))!.metAt!)).toBe(instant(hanoi));
  });

  it('of an unknown deadline does nothing', () => {
    const book = opened();
    book.takeChanged();
    book.meet(handover('khong-co'), '2021-03-04T09:00:00+07:00');
    expect(book.deadlines.has(handover('khong-co'))).toBe(false);
    expect(book.takeChanged()).toEqual([]);
  });
});

describe('takeChanged', () => {
  it('returns each changed deadline once, then nothing until something changes again', () => {
    // Given a referral opened, met and alerted, and an inspection with violations
    const book = given([
      policeReferral('cg-t', '2021-03-02T10:00:00+07:00'),
      answers['labour accepted']('cg-t', '2021-03-04T09:00:00+07:00'),
      inspections['police inspection']('kt-t', '2021-03-03T10:00:00+07:00'),
    ]);
    book.meet(handover('cg-t'), '2021-03-03T09:00:00+07:00');
    // Then each is returned once
    expect(book.takeChanged().map((record) => record.id).sort()).toEqual(['follow-up:kt-t', handover('cg-t')]);
    expect(book.takeChanged()).toEqual([]);
    // When one changes again, only that one
    book.apply(followUpCheck('kt-t', '2021-03-20T09:00:00+07:00'));
    const [changed, ...others] = book.takeChanged();
    expect(others).toEqual([]);
    expect(changed).toMatchObject({ id: 'follow-up:kt-t', metAt: '2021-03-20T09:00:00+07:00' });
    expect(book.takeChanged()).toEqual([]);
  });

  it('does not return a deadline for a meet that changes nothing', () => {
    const book = given([policeReferral('cg-u', '2021-03-02T10:00:00+07:00'), answers['labour accepted']('cg-u', '2021-03-04T09:00:00+07:00')]);
    book.takeChanged();
    book.meet(handover('cg-u'), '2021-03-05T09:00:00+07:00');
    expect(book.takeChanged()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// When alerts start (ADR 0010, 8): a plan imported after some of its deadlines passed
// ---------------------------------------------------------------------------------------

describe('when alerts start', () => {
  /** Police report monthly for the first half of 2021; no tasks. */
  const halfYear: Plan = { ...baDinh, id: 'kh-nhap-muon-2021', period: { start: '2021-01-01', end: '2021-06-30' }, tasks: [], targets: [], reporting: { to: 'labour', from: ['police'], cadences: ['monthly'], dueDays: 5 } };
  const IMPORTED = '2021-04-20T09:00:00+07:00';

  it("every deadline of the plan carries the plan's import time (the plan.published event's time), the decision being data", () => {
    // Given the plan imported on 20 April
    const book = given([], [halfYear]);
    book.addPlan(halfYear, new Map(), { publishedAt: IMPORTED });
    // Then its deadlines, and one opened later by an event, start their alerts then
    expect([...book.deadlines.values()].every((record) => record.alertsFrom === IMPORTED)).toBe(true);
    book.apply(policeReferral('cg-nhap', '2021-03-02T10:00:00+07:00'));
    expect(deadline(book, handover('cg-nhap'))).toMatchObject({ alertsFrom: IMPORTED, planId: halfYear.id });
    expect(book.alertsStart(halfYear.id)).toBe(IMPORTED);
  });

  it('those due before the import raise no alert, those after do', () => {
    const book = given([], [halfYear]);
    book.addPlan(halfYear, new Map(), { publishedAt: IMPORTED });
    const later = new Date('2021-07-20T09:00:00+07:00');
    const raised = (period: string) => decideAlerts(deadline(book, `report:${halfYear.id}:police:monthly:${period}`)!, halfYear.deadlines, later).map((decision) => decision.kind);
    // March's report was due on 5 April, before the import; April's on 5 May, after it.
    expect(raised('2021-03')).toEqual([]);
    expect(raised('2021-04')).toEqual(['overdue', 'escalated']);
  });

  it("the plan's alertsFrom, when later than the import, starts them at the beginning of that day in Vietnam", () => {
    const book = given([], [halfYear]);
    book.addPlan({ ...halfYear, alertsFrom: '2021-06-01' }, new Map(), { publishedAt: IMPORTED });
    expect(deadline(book, `report:${halfYear.id}:police:monthly:2021-04`)!.alertsFrom).toBe('2021-06-01T00:00:00+07:00');
    // An alertsFrom before the import changes nothing: the import is later.
    const early = given([], [halfYear]);
    early.addPlan({ ...halfYear, alertsFrom: '2021-02-01' }, new Map(), { publishedAt: IMPORTED });
    expect(deadline(early, `report:${halfYear.id}:police:monthly:2021-04`)!.alertsFrom).toBe(IMPORTED);
  });

  it('restored from a store (where the plan does not keep its import time), the deadlines opened next still know it', () => {
    const live = given([], [halfYear]);
    live.addPlan(halfYear, new Map(), { publishedAt: IMPORTED });
    // A restart: the plan comes back without its event, then the stored deadlines
    const restored = given([], [halfYear]);
    restored.addPlan(halfYear, new Map());
    restored.restore(structuredClone([...live.deadlines.values()]));
    restored.apply(policeReferral('cg-sau', '2021-03-02T10:00:00+07:00'));
    expect(deadline(restored, handover('cg-sau'))!.alertsFrom).toBe(IMPORTED);
  });
});

// ---------------------------------------------------------------------------------------
// Cadence targets (ADR 0010, 9): every period that ends with nothing counted is a duty
// ---------------------------------------------------------------------------------------

describe('cadence target', () => {
  const publications = { kind: 'cadence', eventType: 'vn.pcmd.culture.publication.published.v1', every: 'month' } as const;
  const monthly: Plan = {
    ...baDinh,
    id: 'kh-tin-bai-2021',
    period: { start: '2021-01-01', end: '2021-03-31' },
    targets: [{ id: 'ct-tin-bai', title: { vi: 'Tin bài mỗi tháng', en: 'An article every month' }, agency: 'culture', measure: publications, goal: { min: 3 } }],
    tasks: [],
    reporting: undefined,
  };
  const recurring = (id: string, lead: string) => ({ id, title: { vi: id, en: id }, lead, supporting: [], recurrence: 'monthly' as const, targets: ['ct-tin-bai'] });
  const planned = (plan: Plan) => {
    const book = given([], [plan]);
    book.addPlan(plan, new Map());
    return book;
  };

  it('without a recurring task naming it, opens one deadline per period, owed by the target’s agency', () => {
    const book = planned(monthly);
    expect(ofKind(book, 'task').map((record) => [record.id, record.agency, record.refId])).toEqual([
      ['cadence:kh-tin-bai-2021:ct-tin-bai:2021-01', 'culture', 'ct-tin-bai:2021-01'],
      ['cadence:kh-tin-bai-2021:ct-tin-bai:2021-02', 'culture', 'ct-tin-bai:2021-02'],
      ['cadence:kh-tin-bai-2021:ct-tin-bai:2021-03', 'culture', 'ct-tin-bai:2021-03'],
    ]);
    const february = deadline(book, 'cadence:kh-tin-bai-2021:ct-tin-bai:2021-02')!;
    expect(february).toMatchObject({ duty: { targetId: 'ct-tin-bai', period: '2021-02' }, areaCode: 'hn-ba-dinh' });
    expect(instant(february.dueAt)).toBe(instant('2021-02-28T23:59:59+07:00'));
    // A month that ends with nothing counted is overdue the next day.
    expect(decideAlerts(february, monthly.deadlines, new Date('2021-03-01T08:00:00+07:00')).map((decision) => decision.id)).toEqual(['cadence:kh-tin-bai-2021:ct-tin-bai:2021-02:overdue']);
  });

  it('with a recurring task naming it, is owed by that task’s lead, under the id it always had', () => {
    const book = planned({ ...monthly, tasks: [recurring('nv-dua-tin', 'womens-union')] });
    expect(ofKind(book, 'task').map((record) => [record.id, record.agency])).toEqual([
      ['duty:kh-tin-bai-2021:nv-dua-tin:ct-tin-bai:2021-01', 'womens-union'],
      ['duty:kh-tin-bai-2021:nv-dua-tin:ct-tin-bai:2021-02', 'womens-union'],
      ['duty:kh-tin-bai-2021:nv-dua-tin:ct-tin-bai:2021-03', 'womens-union'],
    ]);
  });

  it('named by two recurring tasks, is still one deadline per period (the first task’s lead owes it)', () => {
    const book = planned({ ...monthly, tasks: [recurring('nv-a', 'culture'), recurring('nv-b', 'youth-union')] });
    expect(ofKind(book, 'task')).toHaveLength(3);
    expect(new Set(ofKind(book, 'task').map((record) => record.agency))).toEqual(new Set(['culture']));
  });

  it('a task with a due date naming it does not own the duty, and keeps its own deadline', () => {
    const dueTask = { ...recurring('nv-co-han', 'police'), recurrence: undefined, due: '2021-03-31' };
    const book = planned({ ...monthly, tasks: [dueTask] });
    expect(ofKind(book, 'task').map((record) => record.id).sort()).toEqual([
      'cadence:kh-tin-bai-2021:ct-tin-bai:2021-01',
      'cadence:kh-tin-bai-2021:ct-tin-bai:2021-02',
      'cadence:kh-tin-bai-2021:ct-tin-bai:2021-03',
      'task:kh-tin-bai-2021:nv-co-han',
    ]);
  });
});

// ---------------------------------------------------------------------------------------
// Reports owed per area (ADR 0010, 10): each ward's People's Committee reports for its ward
// ---------------------------------------------------------------------------------------

describe('periodic report owed per area', () => {
  /** Ward committees report monthly, each for its own ward, for the first quarter of 2021; police once for the district. */
  const wards: Plan = {
    ...baDinh,
    id: 'kh-bao-cao-phuong-2021',
    period: { start: '2021-01-01', end: '2021-03-31' },
    tasks: [],
    targets: [],
    reporting: { to: 'labour', from: ['police', 'ubnd-phuong'], eachArea: { 'ubnd-phuong': 'ward' }, cadences: ['monthly'], dueDays: 5 },
  };
  const wardCodes = baDinh.areas.filter((area) => area.level === 'ward').map((area) => area.code);
  const wardDeadline = (ward: string, period: string) => `report:${wards.id}:ubnd-phuong:${ward}:monthly:${period}`;
  function planned(events: BusEvent[] = [], before: BusEvent[] = []): DeadlineBook {
    const book = given(before, [wards]);
    book.addPlan(wards, reportsOf(before));
    for (const event of events) book.apply(event);
    return book;
  }

  it('opens one deadline per ward and period for the ward committees, each in its ward, and one per period for police', () => {
    const book = planned();
    const reports = ofKind(book, 'periodic-report');
    expect(wardCodes).toHaveLength(14);
    expect(reports.filter((record) => record.agency === 'ubnd-phuong')).toHaveLength(14 * 3);
    expect(reports.filter((record) => record.agency === 'police').map((record) => record.id)).toEqual(['01', '02', '03'].map((month) => `report:${wards.id}:police:monthly:2021-${month}`));
    expect(deadline(book, wardDeadline('hn-ba-dinh-kim-ma', '2021-02'))).toMatchObject({ agency: 'ubnd-phuong', areaCode: 'hn-ba-dinh-kim-ma', refId: 'monthly:2021-02' });
  });

  it("one ward's report meets its own ward's deadline only", () => {
    const book = planned([report('ubnd-phuong', 'monthly', '2021-02', '2021-03-03T10:00:00+07:00', 'hn-ba-dinh-kim-ma')]);
    expect(deadline(book, wardDeadline('hn-ba-dinh-kim-ma', '2021-02'))!.metAt).toBe('2021-03-03T10:00:00+07:00');
    const others = wardCodes.filter((ward) => ward !== 'hn-ba-dinh-kim-ma').map((ward) => deadline(book, wardDeadline(ward, '2021-02'))!);
    expect(others).toHaveLength(13);
    expect(others.filter((record) => record.metAt)).toEqual([]);
  });

  it('a report sent before the plan was added meets its ward’s deadline when the plan is added, and no other', () => {
    const book = planned([], [report('ubnd-phuong', 'monthly', '2021-01', '2021-02-02T10:00:00+07:00', 'hn-ba-dinh-truc-bach')]);
    expect(ofKind(book, 'periodic-report').filter((record) => record.metAt).map((record) => record.id)).toEqual([wardDeadline('hn-ba-dinh-truc-bach', '2021-01')]);
  });

  it("a district-level report by the ward committees meets no ward's deadline", () => {
    const book = planned([report('ubnd-phuong', 'monthly', '2021-02', '2021-03-03T10:00:00+07:00', 'hn-ba-dinh')]);
    expect(ofKind(book, 'periodic-report').filter((record) => record.metAt)).toEqual([]);
  });

  it('lists the wards from the area registry when given (wards the plan itself does not declare)', () => {
    const declaresNone: Plan = { ...wards, areas: [] };
    const book = given([], [declaresNone]);
    book.addPlan(declaresNone, new Map(), { areasBelow: (area, level, on) => areas.below(area, level, on) });
    expect(ofKind(book, 'periodic-report').filter((record) => record.agency === 'ubnd-phuong')).toHaveLength(14 * 3);
  });
});

// ---------------------------------------------------------------------------------------
// Hotspot watches: per jurisdiction, and the same whether a plan comes before its events or after
// (replay equals live: ADR 0010 acceptance)
// ---------------------------------------------------------------------------------------

describe('hotspot watches across jurisdictions and in replay', () => {
  const tayHo: Plan = { ...baDinh, id: 'kh-tay-ho-2021', area: 'hn-tay-ho', areas: [], targets: [], tasks: [], reporting: undefined };
  const hotspot = (action: 'cleared' | 'patrolled', hotspotId: string, id: string, time: string, areaCode: string) =>
    action === 'cleared' ? buildEvent(policeHotspotCleared, { hotspotId, areaCode }, { id, time }) : buildEvent(policeHotspotPatrolled, { hotspotId, areaCode, activityObserved: false }, { id, time });
  const sorted = (book: DeadlineBook) => [...book.deadlines.values()].sort((a, b) => (a.id < b.id ? -1 : 1));

  it("two districts' police using the same hotspot id: a clearance or patrol in one leaves the other's watch alone", () => {
    const book = given(
      [
        hotspot('cleared', 'td-01', 'evt-bd-1', '2021-03-01T10:00:00+07:00', 'hn-ba-dinh-lieu-giai'),
        hotspot('cleared', 'td-01', 'evt-th-1', '2021-03-02T10:00:00+07:00', 'hn-tay-ho-quang-an'),
        hotspot('patrolled', 'td-01', 'evt-th-2', '2021-03-05T10:00:00+07:00', 'hn-tay-ho-quang-an'),
      ],
      [baDinh, tayHo],
    );
    expect(deadline(book, 'patrol:td-01:evt-bd-1')).toMatchObject({ planId: baDinh.id });
    expect(deadline(book, 'patrol:td-01:evt-bd-1')!.cancelled).toBeUndefined();
    expect(deadline(book, 'patrol:td-01:evt-bd-1')!.metAt).toBeUndefined();
    expect(deadline(book, 'patrol:td-01:evt-th-1')).toMatchObject({ planId: tayHo.id, metAt: '2021-03-05T10:00:00+07:00' });
  });

  it('a patrol dated before the clearance (sent late) does not meet the watch that clearance began', () => {
    const book = given([hotspot('cleared', 'td-02', 'evt-c', '2021-03-10T10:00:00+07:00', 'hn-ba-dinh-lieu-giai'), hotspot('patrolled', 'td-02', 'evt-p', '2021-03-05T10:00:00+07:00', 'hn-ba-dinh-lieu-giai')]);
    expect(deadline(book, 'patrol:td-02:evt-c')!.metAt).toBeUndefined();
    expect(deadline(book, 'patrol:td-02:evt-p')).toBeUndefined();
  });

  it('a plan added after its hotspot events holds the watches a replay (plans first) holds', () => {
    // Cleared on 25 December 2021, patrolled on 5 January 2022 (after the plan's year, covered by no plan)
    const events = [
      hotspot('cleared', 'td-03', 'evt-c', '2021-12-25T10:00:00+07:00', 'hn-tay-ho-quang-an'),
      hotspot('patrolled', 'td-03', 'evt-p1', '2022-01-05T10:00:00+07:00', 'hn-tay-ho-quang-an'),
      hotspot('cleared', 'td-04', 'evt-c2', '2021-06-01T10:00:00+07:00', 'hn-tay-ho-quang-an'),
      hotspot('patrolled', 'td-04', 'evt-p2', '2021-05-20T10:00:00+07:00', 'hn-tay-ho-quang-an'),
      hotspot('patrolled', 'td-04', 'evt-p3', '2021-06-10T10:00:00+07:00', 'hn-tay-ho-quang-an'),
    ];
    const replayed = given(events, [baDinh, tayHo]);
    // Live: Ba Đình's plan only, then Tây Hồ's arrives and the events so far are backfilled
    const plans = [baDinh];
    const live = given(events, plans);
    plans.push(tayHo);
    for (const event of events) live.backfill(event, tayHo.id);
    expect(sorted(live)).toEqual(sorted(replayed));
    expect(deadline(live, 'patrol:td-03:evt-c')!.metAt).toBe('2022-01-05T10:00:00+07:00');
    expect(deadline(live, 'patrol:td-04:evt-c2')!.metAt).toBe('2021-06-10T10:00:00+07:00');
  });
});
