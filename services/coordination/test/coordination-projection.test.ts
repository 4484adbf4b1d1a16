import { readFileSync } from 'node:fs';
import {
  buildEvent,
  coordinationPlanPublished,
  reportingActivityHeld,
  EXAMPLE_SUBJECT_REF,
  cultureInspectionCompleted,
  cultureReportSubmitted,
  cultureWardAssessmentCompleted,
  healthReferralAccepted,
  justiceCaseTried,
  labourJointInspectionCompleted,
  labourReferralAccepted,
  labourReferralClosed,
  labourReferralMade,
  labourReferralServiceDelivered,
  labourReportSubmitted,
  parsePlanDocument,
  policeBusinessRegistered,
  policeCaseOpened,
  policeInspectionCompleted,
  policeReferralMade,
  policeReportSubmitted,
  STREAMS,
  type BusEvent,
  type Plan,
} from '@lienganh/contracts';
import { CoordinationProjection, InMemoryCoordinationStore, taskBoard, type ProjectionChanges, type StoredProjection, type StreamPosition } from '../src/index.js';
import { CaseReferences } from '../src/access/case-references.js';
import { positionOf } from '../src/targets/recent-events.js';

/** How the projection names referrals in deadlines (ADR 0021): a key of this test's own. */
const cases = CaseReferences.ephemeral();

// Specifications of the projection, Given / When / Then: a history of events (each at its own
// position in its stream), what happens next, and what the projection must then hold.

const baDinh = parsePlanDocument(readFileSync(new URL('../demo/ba-dinh-2021.plan.yaml', import.meta.url), 'utf8'), 'yaml');
const AGENCY = STREAMS.agencyEvents.name;
const COORDINATION = STREAMS.coordinationEvents.name;
const INSPECTIONS_400 = 'kh-ba-dinh-2021/ct-kiem-tra-hanh-chinh-400';
const june = new Date('2021-06-15T00:00:00+07:00');

/** An event where a stream put it. */
interface Step {
  event: BusEvent;
  position: StreamPosition;
}

// ---------------------------------------------------------------------------------------
// Events of Ba Đình, 2021
// ---------------------------------------------------------------------------------------

const planEvent = buildEvent(coordinationPlanPublished, baDinh, { id: 'evt-plan-ba-dinh', time: '2021-02-01T08:00:00+07:00' });

const inspection = (id: string, time: string, areaCode = 'hn-ba-dinh-kim-ma', businessId = `b-${id}`) =>
  buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: `kt-${id}`, areaCode, business: { businessId, kind: 'karaoke' } }, { id: `evt-kt-${id}`, time });

const cultureInspection = (id: string, time: string) =>
  buildEvent(cultureInspectionCompleted, { ...cultureInspectionCompleted.example, inspectionId: `kt-vh-${id}`, areaCode: 'hn-ba-dinh-ngoc-khanh' }, { id: `evt-kt-vh-${id}`, time });

const registered = (id: string, atRisk: boolean, time = '2021-01-20T09:00:00+07:00') =>
  buildEvent(policeBusinessRegistered, { ...policeBusinessRegistered.example, businessId: `b-${id}`, atRisk }, { id: `evt-reg-${id}`, time });

const jointInspection = (id: string, businessId: string, time: string) =>
  buildEvent(labourJointInspectionCompleted, { ...labourJointInspectionCompleted.example, inspectionId: `kt178-${id}`, business: { businessId, kind: 'massage' } }, { id: `evt-178-${id}`, time });

const caseOpened = (id: string, time: string) => buildEvent(policeCaseOpened, { ...policeCaseOpened.example, caseId: `va-${id}` }, { id: `evt-va-${id}`, time });
const caseTried = (id: string, time: string) => buildEvent(justiceCaseTried, { ...justiceCaseTried.example, caseId: `va-${id}` }, { id: `evt-xx-${id}`, time });

const modelActivity = (id: string, areaCode: string, time: string) =>
  // A ward's People's Committee reports its model's work (Ba Đình II.6), through the reporting service.
  buildEvent(reportingActivityHeld, { ...reportingActivityHeld.example, activityId: `mh-${id}`, kind: 'pilot-model', organiser: 'ubnd-phuong', areaCode }, { id: `evt-mh-${id}`, source: '/pcmd/reporting/ubnd-phuong', time });

const assessment = (ward: string, result: 'healthy' | 'not-yet-healthy') =>
  buildEvent(cultureWardAssessmentCompleted, { ...cultureWardAssessmentCompleted.example, assessmentId: `dg-${ward}`, areaCode: `hn-ba-dinh-${ward}`, result, year: 2021 }, { id: `evt-dg-${ward}`, time: '2021-11-20T10:00:00+07:00' });

const policeReferral = (n: number, time: string, areaCode = 'hn-ba-dinh-lieu-giai') =>
  buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: `cg-ca-${n}`, areaCode }, { id: `evt-cg-ca-${n}`, time });
const labourReferral = (n: number, time: string) =>
  buildEvent(labourReferralMade, { ...labourReferralMade.example, referralId: `cg-ld-${n}` }, { id: `evt-cg-ld-${n}`, time });
const accepted = (referralId: string, time: string) => buildEvent(labourReferralAccepted, { referralId, plannedServices: ['counselling'] }, { id: `evt-tn-${referralId}`, time });
const healthAccepted = (referralId: string, time: string) => buildEvent(healthReferralAccepted, { referralId, plannedServices: ['hiv-sti-care'] }, { id: `evt-yt-tn-${referralId}`, time });
const delivered = (referralId: string, n: number, time: string) =>
  buildEvent(labourReferralServiceDelivered, { referralId, service: 'vocational-training' }, { id: `evt-dv-${referralId}-${n}`, time });
const closed = (referralId: string, time: string) => buildEvent(labourReferralClosed, { referralId, outcome: 'reintegrated' }, { id: `evt-kt-hs-${referralId}`, time });

const report = (
  definition: typeof policeReportSubmitted,
  id: string,
  data: { reportingBody: string; cadence: 'monthly' | 'quarterly' | 'annual' | 'ad-hoc'; period: string; areaCode?: string },
  time: string,
) => buildEvent(definition, { reportId: `bc-${id}`, areaCode: 'hn-ba-dinh', ...data }, { id: `evt-bc-${id}`, time });

/** A realistic mix of agency events, some outside the plan's period or area, in the order the agency stream holds them. */
const agencyEvents: BusEvent[] = [
  ...['phuc-xa', 'truc-bach', 'kim-ma', 'lieu-giai', 'doi-can', 'ngoc-ha', 'giang-vo'].map((ward, n) =>
    inspection(`${n}`, `2021-0${(n % 9) + 1}-1${n}T09:30:00+07:00`, `hn-ba-dinh-${ward}`, `b-${n % 5}`),
  ),
  inspection('utc', '2021-03-01T02:00:00Z'),
  inspection('truoc-ky', '2020-12-31T23:00:00+07:00'), // 2020 in Hanoi: outside the period
  inspection('dau-nam', '2020-12-31T17:30:00Z'), // 1 January 00:30 in Hanoi: inside
  inspection('tay-ho', '2021-04-01T09:00:00+07:00', 'hn-tay-ho-quang-an'), // outside the district
  cultureInspection('1', '2021-04-02T10:00:00+07:00'),
  cultureInspection('2', '2021-08-02T10:00:00+07:00'),
  registered('0', true),
  registered('1', true),
  registered('2', true),
  registered('99', false),
  jointInspection('1', 'b-178-a', '2021-03-10T14:00:00+07:00'),
  jointInspection('2', 'b-178-a', '2021-05-10T14:00:00+07:00'),
  jointInspection('3', 'b-178-b', '2021-05-11T07:00:00Z'),
  caseOpened('1', '2021-02-14T22:00:00+07:00'),
  caseOpened('2', '2021-07-01T08:00:00+07:00'),
  caseTried('1', '2021-09-09T08:00:00+07:00'),
  modelActivity('lieu-giai', 'hn-ba-dinh-lieu-giai', '2021-03-05T09:00:00+07:00'),
  modelActivity('kim-ma', 'hn-ba-dinh-kim-ma', '2021-03-06T09:00:00+07:00'),
  modelActivity('quan', 'hn-ba-dinh', '2021-03-07T09:00:00+07:00'), // district-wide: not a ward of the model
  assessment('lieu-giai', 'healthy'),
  assessment('doi-can', 'not-yet-healthy'),
  // Referral funnel: police → labour, labour → health; one made in 2020, one in another district.
  policeReferral(1, '2021-03-02T10:00:00+07:00'),
  accepted('cg-ca-1', '2021-03-04T09:00:00+07:00'),
  delivered('cg-ca-1', 1, '2021-04-01T09:00:00+07:00'),
  delivered('cg-ca-1', 2, '2021-03-20T02:00:00Z'),
  closed('cg-ca-1', '2021-10-01T09:00:00+07:00'),
  policeReferral(2, '2021-06-01T10:00:00+07:00'),
  accepted('cg-ca-2', '2021-06-02T10:00:00+07:00'),
  // Two services delivered at the same instant, written with two offsets.
  delivered('cg-ca-2', 1, '2021-06-10T09:00:00+07:00'),
  delivered('cg-ca-2', 2, '2021-06-10T02:00:00Z'),
  policeReferral(3, '2020-12-20T10:00:00+07:00'),
  policeReferral(4, '2021-05-05T10:00:00+07:00', 'hn-tay-ho-quang-an'),
  labourReferral(1, '2021-04-05T08:00:00+07:00'),
  healthAccepted('cg-ld-1', '2021-04-06T08:00:00+07:00'),
  // Periodic reports: a resent May report, a ward committee's report recorded by labour, an ad-hoc one.
  report(policeReportSubmitted, 'ca-2021-05', { reportingBody: 'police', cadence: 'monthly', period: '2021-05' }, '2021-06-04T16:00:00+07:00'),
  report(policeReportSubmitted, 'ca-2021-05-gui-lai', { reportingBody: 'police', cadence: 'monthly', period: '2021-05' }, '2021-06-08T09:00:00+07:00'),
  report(cultureReportSubmitted, 'vh-2021-q1', { reportingBody: 'culture', cadence: 'quarterly', period: '2021-Q1' }, '2021-04-03T10:00:00+07:00'),
  report(labourReportSubmitted, 'phuong-2021-04', { reportingBody: 'ubnd-phuong', cadence: 'monthly', period: '2021-04', areaCode: 'hn-ba-dinh-kim-ma' }, '2021-05-07T10:00:00+07:00'),
  report(policeReportSubmitted, 'ca-dot-xuat', { reportingBody: 'police', cadence: 'ad-hoc', period: '2021' }, '2021-07-07T10:00:00+07:00'),
  report(policeReportSubmitted, 'ca-tay-ho-2021-06', { reportingBody: 'police', cadence: 'monthly', period: '2021-06', areaCode: 'hn-tay-ho' }, '2021-07-03T10:00:00+07:00'),
];

const agencySteps: Step[] = agencyEvents.map((event, index) => ({ event, position: { stream: AGENCY, seq: index + 1 } }));
const planStep: Step = { event: planEvent, position: { stream: COORDINATION, seq: 1 } };

// ---------------------------------------------------------------------------------------
// Given / When / Then
// ---------------------------------------------------------------------------------------

/** The agency events each projection was fed, for the backfill of a plan that comes late (the projector reads them from the stream). */
const fedAgencyEvents = new WeakMap<CoordinationProjection, { event: BusEvent; seq: number }[]>();

/**
 * Feeds steps the way the projector does: a new plan is backfilled with every agency event
 * applied before it, then marked ready at its position.
 */
function feed(projection: CoordinationProjection, steps: Step[]): CoordinationProjection {
  const fed = fedAgencyEvents.get(projection) ?? [];
  fedAgencyEvents.set(projection, fed);
  for (const { event, position } of steps) {
    const { plan } = projection.apply(event, position);
    if (plan) {
      for (const earlier of fed) projection.backfill(plan.id, earlier.event, earlier.seq);
      projection.planReady(plan.id, position);
    }
    if (position.stream === AGENCY) fed.push({ event, seq: position.seq });
  }
  return projection;
}

const given = (...histories: Step[][]) => feed(new CoordinationProjection(cases), histories.flat());

/** Deterministic shuffle (mulberry32 + Fisher-Yates): the same seed gives the same order on every run. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** As a document store keeps it: JSON, no shared objects. */
const asStored = (snapshot: StoredProjection): StoredProjection => JSON.parse(JSON.stringify(snapshot));

/** What a store holds of a projection once everything it did is committed (with the events applied, which `snapshot()` leaves out). */
async function storedOf(projection: CoordinationProjection): Promise<StoredProjection> {
  const store = new InMemoryCoordinationStore();
  await store.commit(projection.takeChanges());
  return store.load();
}

const tallyOf = (snapshot: StoredProjection, key: string) => snapshot.tallies.find((tally) => tally.key === key)!;
const withoutCheckpoints = ({ checkpoints: _, ...rest }: StoredProjection) => rest;
/** The parts of a commit these specs are about (plans, tallies, histories, referrals, reports, checkpoints). */
const effects = ({ checkpoints, plans, tallies, histories, referrals, reports }: ProjectionChanges) => ({ checkpoints, plans, tallies, histories, referrals, reports });
const nothingBut = (checkpoints: Record<string, number> = {}) => ({ checkpoints, plans: [], tallies: [], histories: [], referrals: [], reports: [] });

const reference = given([planStep], agencySteps);

describe('the coordination projection', () => {
  describe('the events of the reference history', () => {
    it('count, fill the funnel and record reports (what the order-independence specs compare)', () => {
      const snapshot = reference.snapshot();
      // 7 ward inspections + one at 02:00Z + one at 00:30 on 1 January in Hanoi; not 2020, not Tây Hồ.
      expect(tallyOf(snapshot, INSPECTIONS_400)).toMatchObject({ numeratorCount: 9, byArea: expect.objectContaining({ 'hn-ba-dinh-kim-ma': 3 }) });
      expect(tallyOf(snapshot, INSPECTIONS_400).events).toBe(9);
      expect(tallyOf(snapshot, 'kh-ba-dinh-2021/ct-doi-178-30-50').numeratorValues).toEqual(['b-178-a', 'b-178-b']);
      expect(tallyOf(snapshot, 'kh-ba-dinh-2021/ct-kiem-tra-80-lieu-giai')).toMatchObject({ denominatorValues: ['b-0', 'b-1', 'b-2'] });
      expect(tallyOf(snapshot, 'kh-ba-dinh-2021/ct-mo-hinh-14-phuong').numeratorValues).toEqual(['hn-ba-dinh-kim-ma', 'hn-ba-dinh-lieu-giai']);
      expect(snapshot.referrals.map((referral) => referral.referralId)).toEqual(['cg-ca-1', 'cg-ca-2', 'cg-ca-3', 'cg-ca-4', 'cg-ld-1']);
      expect(snapshot.referrals[0]).toEqual({
        referralId: 'cg-ca-1',
        subjectRef: EXAMPLE_SUBJECT_REF,
        fromAgency: 'police',
        toAgency: 'labour',
        areaCode: 'hn-ba-dinh-lieu-giai',
        made: '2021-03-02T10:00:00+07:00',
        accepted: '2021-03-04T09:00:00+07:00',
        serviceDelivered: '2021-03-20T02:00:00Z',
        closed: '2021-10-01T09:00:00+07:00',
      });
      expect(snapshot.referrals[1]).toMatchObject({ referralId: 'cg-ca-2', serviceDelivered: '2021-06-10T02:00:00Z' });
      expect(snapshot.reports.map((stored) => [stored.key, stored.eventId])).toEqual([
        ['culture|quarterly|2021-Q1|hn-ba-dinh', 'evt-bc-vh-2021-q1'],
        ['police|monthly|2021-05|hn-ba-dinh', 'evt-bc-ca-2021-05'],
        ['police|monthly|2021-06|hn-tay-ho', 'evt-bc-ca-tay-ho-2021-06'],
        ['ubnd-phuong|monthly|2021-04|hn-ba-dinh-kim-ma', 'evt-bc-phuong-2021-04'],
      ]);
      expect(snapshot.checkpoints).toEqual({ [AGENCY]: agencySteps.length, [COORDINATION]: 1 });
    });
  });

  describe('order of delivery', () => {
    it.each([1, 7, 42, 2021, 138])('gives the same snapshot, field for field, when the agency events arrive shuffled (seed %i)', (seed) => {
      // Given the plan, When the agency events arrive in another order
      const order = shuffled(agencySteps, seed);
      expect(order.map((step) => step.event.id)).not.toEqual(agencySteps.map((step) => step.event.id));
      const projection = given([planStep], order);
      // Then nothing differs from the stream's order
      expect(projection.snapshot()).toStrictEqual(reference.snapshot());
    });

    it.each([3, 11, 178])('gives the same snapshot when the plan comes anywhere among them and is backfilled (seed %i)', (seed) => {
      const order = shuffled([planStep, ...agencySteps], seed);
      const planAt = order.indexOf(planStep);
      expect(planAt).toBeGreaterThan(0);
      expect(given(order).snapshot()).toStrictEqual(reference.snapshot());
    });
  });

  describe('duplicates', () => {
    it('change nothing when the same events come again at the same positions', () => {
      // Given everything applied and committed
      const projection = given([planStep], agencySteps);
      projection.takeChanges();
      const before = structuredClone(projection.snapshot());
      // When every event is redelivered
      feed(projection, shuffled([planStep, ...agencySteps], 5));
      // Then nothing changed, and nothing is to be committed
      expect(projection.snapshot()).toStrictEqual(before);
      expect(effects(projection.takeChanges())).toEqual(nothingBut());
    });

    it('change nothing but the checkpoint when they come again further on in the stream', () => {
      const projection = given([planStep], agencySteps);
      projection.takeChanges();
      const before = structuredClone(projection.snapshot());
      // When the same events are re-sent (same ids) and land after the end of the stream
      const resent = agencySteps.map(({ event }, index) => ({ event, position: { stream: AGENCY, seq: agencySteps.length + index + 1 } }));
      feed(projection, resent);
      // Then only the position moved: a checkpoint records how far the stream was read
      expect(withoutCheckpoints(projection.snapshot())).toStrictEqual(withoutCheckpoints(before));
      expect(projection.snapshot().checkpoints).toEqual({ [AGENCY]: 2 * agencySteps.length, [COORDINATION]: 1 });
      expect(effects(projection.takeChanges())).toEqual(nothingBut({ [AGENCY]: 2 * agencySteps.length }));
    });

    it('count once when an event is both backfilled and applied live', () => {
      // Given events applied before the plan, and the plan backfilled with them
      const projection = given(agencySteps.slice(0, 10), [planStep]);
      const counted = tallyOf(projection.snapshot(), INSPECTIONS_400).numeratorCount;
      expect(counted).toBeGreaterThan(0);
      projection.takeChanges();
      // When the backfill runs again (a retried catch-up) and the same events are delivered live
      for (const { event } of agencySteps.slice(0, 10)) expect(projection.backfill(baDinh.id, event)).toEqual([]);
      feed(projection, agencySteps.slice(0, 10));
      // Then they count once
      expect(tallyOf(projection.snapshot(), INSPECTIONS_400).numeratorCount).toBe(counted);
      expect(effects(projection.takeChanges())).toEqual(nothingBut());
    });

    it('ignore a plan published again: no new targets, no plan to commit', () => {
      const projection = given([planStep], agencySteps);
      projection.takeChanges();
      const before = structuredClone(projection.snapshot());
      const again = projection.apply(planEvent, { stream: COORDINATION, seq: 2 });
      expect(again).toEqual({ targets: [] });
      expect(withoutCheckpoints(projection.snapshot())).toStrictEqual(withoutCheckpoints(before));
      expect(effects(projection.takeChanges())).toEqual(nothingBut({ [COORDINATION]: 2 }));
    });
  });

  describe('events that came before their plan', () => {
    it('give, once the plan is backfilled and ready, the snapshot of plan-first, checkpoints included', () => {
      // Given agency events with no plan yet
      const late = new CoordinationProjection(cases);
      feed(late, agencySteps);
      // (referrals and reports do not depend on plans: they are there already; no tally is)
      expect(late.snapshot()).toMatchObject({ plans: [], tallies: [], referrals: reference.snapshot().referrals, reports: reference.snapshot().reports });
      // When the plan comes: apply, backfill each earlier event, planReady
      const { plan, targets } = late.apply(planEvent, planStep.position);
      expect(plan?.id).toBe(baDinh.id);
      expect(targets).toEqual([]);
      for (const { event, position } of agencySteps) late.backfill(plan!.id, event, position.seq);
      late.planReady(plan!.id, planStep.position);
      // Then it equals plan-first. The checkpoints are equal too: each stream was read to the same
      // position (agency: its last event; coordination: the plan, moved by planReady).
      expect(late.snapshot()).toStrictEqual(reference.snapshot());
    });

    it('commit the same documents and contributions as plan-first', async () => {
      const planFirst = given([planStep], agencySteps);
      const planFirstStore = new InMemoryCoordinationStore();
      await planFirstStore.commit(planFirst.takeChanges());

      const late = new CoordinationProjection(cases);
      const lateStore = new InMemoryCoordinationStore();
      feed(late, agencySteps);
      await lateStore.commit(late.takeChanges()); // committed before the plan came
      feed(late, [planStep]);
      await lateStore.commit(late.takeChanges());

      expect(CoordinationProjection.restore(await lateStore.load(), cases).snapshot()).toStrictEqual(CoordinationProjection.restore(await planFirstStore.load(), cases).snapshot());
      expect(tallyOf(await lateStore.load(), INSPECTIONS_400).events).toBe(9);
    });
  });

  describe('restore', () => {
    const split = 30;
    // Part of what comes after the restore is redelivered from before it.
    const before = [planStep, ...agencySteps.slice(0, split)];
    const after = [...agencySteps.slice(split), ...agencySteps.slice(split - 5, split)];

    it('from a snapshot as a store keeps it, then more events, equals one projection of everything', async () => {
      // Given a projection restored from what was stored after the first events
      const restored = CoordinationProjection.restore(await storedOf(given(before)), cases);
      // When the rest arrives
      feed(restored, after);
      // Then it equals one projection that saw everything (plans compared as stored, JSON)
      expect(asStored(restored.snapshot())).toStrictEqual(asStored(reference.snapshot()));
    });

    it('from the in-memory store after commit(takeChanges()) gives the original snapshot', async () => {
      const store = new InMemoryCoordinationStore();
      const projection = given(before);
      await store.commit(projection.takeChanges());
      feed(projection, after);
      await store.commit(projection.takeChanges());
      const restored = CoordinationProjection.restore(await store.load(), cases);
      expect(asStored(restored.snapshot())).toStrictEqual(asStored(projection.snapshot()));
      expect(restored.snapshot().checkpoints).toEqual({ [AGENCY]: agencySteps.length, [COORDINATION]: 1 });
    });

    it('keeps what makes a re-applied event change nothing', async () => {
      const restored = CoordinationProjection.restore(await storedOf(given([planStep], agencySteps)), cases);
      feed(restored, agencySteps);
      expect(effects(restored.takeChanges())).toEqual(nothingBut());
    });
  });

  describe('events out of time order', () => {
    // 09:00 in Hanoi, written in UTC; 08:00 in Hanoi; 07:30 in Hanoi written at +08:00 (the largest string).
    const latest = inspection('muon-nhat', '2021-05-10T02:00:00Z');
    const earlier = inspection('som', '2021-05-10T08:00:00+07:00');
    const earliest = inspection('som-nhat', '2021-05-10T08:30:00+08:00');
    const arrivals = [latest, earlier, earliest].map((event, index) => ({ event, position: { stream: AGENCY, seq: index + 1 } }));

    it('name the latest by instant as the last event of a target, not the last applied nor the largest string', () => {
      const projection = given([planStep], arrivals);
      expect(tallyOf(projection.snapshot(), INSPECTIONS_400)).toMatchObject({ lastEventId: 'evt-kt-muon-nhat', lastEventTime: '2021-05-10T02:00:00Z' });
    });

    it('name it as the last contributing event of the tasks the target drives', () => {
      const projection = given([planStep], arrivals);
      const board = taskBoard(projection.state, projection.areas, june);
      const driven = board.filter((task) => baDinh.tasks.find((planned) => planned.id === task.taskId)!.targets.includes('ct-kiem-tra-hanh-chinh-400'));
      expect(driven.map((task) => task.taskId)).toEqual(['nv-chung-02', 'nv-ca-05']);
      for (const task of driven) expect(task.lastContributingEvent).toBe('evt-kt-muon-nhat');
    });

    it('take the latest across a task’s targets, and keep it through a restore', () => {
      // A joint inspection at 09:30 in Hanoi (ct-doi-178, which nv-chung-02 also drives) is later than every police inspection.
      const joint = jointInspection('muon', 'b-178-z', '2021-05-10T09:30:00+07:00');
      const projection = given([planStep], arrivals, [{ event: joint, position: { stream: AGENCY, seq: 10 } }]);
      const restored = CoordinationProjection.restore(asStored(projection.snapshot()), cases);
      // An older event arriving after the restore does not take its place.
      feed(restored, [{ event: inspection('cu', '2021-05-09T23:00:00+07:00'), position: { stream: AGENCY, seq: 11 } }]);
      const task = (id: string) => taskBoard(restored.state, restored.areas, june).find((entry) => entry.taskId === id)!;
      expect(task('nv-chung-02').lastContributingEvent).toBe('evt-178-muon');
      // nv-phuong-06 is driven by the 80% coverage target alone, which the police inspections feed.
      expect(task('nv-phuong-06').lastContributingEvent).toBe('evt-kt-muon-nhat');
      expect(tallyOf(restored.snapshot(), INSPECTIONS_400)).toMatchObject({ numeratorCount: 4, lastEventId: 'evt-kt-muon-nhat' });
    });
  });

  describe('checkpoints', () => {
    it('only move forward, and only a move is a change to commit', () => {
      const projection = given([planStep]);
      projection.takeChanges();
      projection.apply(inspection('5', '2021-05-01T09:00:00+07:00'), { stream: AGENCY, seq: 5 });
      expect(projection.takeChanges().checkpoints).toEqual({ [AGENCY]: 5 });
      // When an event at an earlier position is applied (a redelivery by a consumer behind the checkpoint)
      projection.apply(inspection('3', '2021-05-02T09:00:00+07:00'), { stream: AGENCY, seq: 3 });
      // Then it still counts, but the checkpoint stays
      expect(projection.checkpoints.get(AGENCY)).toBe(5);
      const changes = projection.takeChanges();
      expect(changes.checkpoints).toEqual({});
      // (for two targets: the position of seq 3 on the agency stream in each one's latest events)
      expect(Object.values(changes.recent ?? {}).flat()).toEqual([positionOf(0, 3), positionOf(0, 3)]);
    });

    it('do not move back after a restore', () => {
      const restored = CoordinationProjection.restore({ ...asStored(reference.snapshot()), checkpoints: { [AGENCY]: 100, [COORDINATION]: 4 } }, cases);
      restored.apply(inspection('moi', '2021-05-01T09:00:00+07:00'), { stream: AGENCY, seq: 60 });
      expect(restored.snapshot().checkpoints).toEqual({ [AGENCY]: 100, [COORDINATION]: 4 });
      expect(restored.takeChanges().checkpoints).toEqual({});
    });

    it('are not moved past a new plan by apply, but by planReady', () => {
      const projection = new CoordinationProjection(cases);
      // When a new plan is applied
      const { plan } = projection.apply(planEvent, { stream: COORDINATION, seq: 7 });
      // Then it is known, but neither recorded for the store nor read past: a crash now reads it again
      expect(plan).toBeDefined();
      expect(projection.state.plans.has(baDinh.id)).toBe(true);
      expect(projection.checkpoints.get(COORDINATION)).toBeUndefined();
      expect(effects(projection.takeChanges())).toEqual(nothingBut());
      // When it is ready
      projection.planReady(baDinh.id, { stream: COORDINATION, seq: 7 });
      // Then the plan and the checkpoint go to the store together
      expect(projection.checkpoints.get(COORDINATION)).toBe(7);
      const changes = projection.takeChanges();
      expect(changes.checkpoints).toEqual({ [COORDINATION]: 7 });
      expect(changes.plans?.map((committed: Plan) => committed.id)).toEqual([baDinh.id]);
    });
  });

  describe('a failed commit', () => {
    it('loses nothing: restoreChanges(takeChanges()) then takeChanges() gives the same changes', () => {
      const projection = given([planStep], agencySteps);
      const taken = projection.takeChanges();
      const expected = structuredClone(taken);
      expect(taken.tallies!.length).toBeGreaterThan(0);
      expect(taken.histories!.length).toBeGreaterThan(0);
      expect(taken.activity!.length).toBeGreaterThan(0);
      expect(taken.referrals!.length).toBe(5);
      expect(taken.reports!.length).toBe(4);
      // When the commit fails and the changes are put back
      projection.restoreChanges(taken);
      // Then the next take carries them all, once
      expect(projection.takeChanges()).toStrictEqual(expected);
      expect(effects(projection.takeChanges())).toEqual(nothingBut());
    });

    it('loses nothing when more events came before the retry', async () => {
      const committedOk = new InMemoryCoordinationStore();
      const retried = new InMemoryCoordinationStore();
      const first = [planStep, ...agencySteps.slice(0, 25)];
      const then = agencySteps.slice(25);

      const ok = given(first);
      await committedOk.commit(ok.takeChanges());
      feed(ok, then);
      await committedOk.commit(ok.takeChanges());

      const failing = given(first);
      const lost: ProjectionChanges = failing.takeChanges(); // the commit of these fails
      feed(failing, then);
      failing.restoreChanges(lost);
      await retried.commit(failing.takeChanges());

      expect(asStored(CoordinationProjection.restore(await retried.load(), cases).snapshot())).toStrictEqual(asStored(reference.snapshot()));
      expect(CoordinationProjection.restore(await retried.load(), cases).snapshot()).toStrictEqual(CoordinationProjection.restore(await committedOk.load(), cases).snapshot());
    });
  });
});

describe('which targets an event is offered to (ADR 0023, 6)', () => {
  // A share whose two parts count in different areas: Kim Mã's inspections over the district's.
  const share = {
    id: 'ct-ti-le-kim-ma',
    title: { vi: 'Tỷ lệ kiểm tra tại phường Kim Mã', en: 'Share of inspections in Kim Ma ward' },
    agency: 'police',
    measure: {
      kind: 'percentage',
      numerator: { kind: 'count', eventType: policeInspectionCompleted.type, area: 'hn-ba-dinh-kim-ma' },
      denominator: { kind: 'count', eventType: policeInspectionCompleted.type },
    },
    goal: { min: 10 },
  };
  const withShare = { ...baDinh, targets: [...baDinh.targets, share] } as Plan;
  const sharePlan: Step = { event: buildEvent(coordinationPlanPublished, withShare, { id: 'evt-plan-share', time: '2021-02-01T08:00:00+07:00' }), position: { stream: COORDINATION, seq: 1 } };
  const at = (event: BusEvent, seq: number): Step => ({ event, position: { stream: AGENCY, seq } });

  it('counts an event once for a target whose parts count in two of the areas it lies within, and only in the areas it lies within', () => {
    const projection = given([sharePlan], [at(inspection('s1', '2021-03-01T09:00:00+07:00', 'hn-ba-dinh-kim-ma'), 1), at(inspection('s2', '2021-03-02T09:00:00+07:00', 'hn-ba-dinh-lieu-giai'), 2)]);
    const { tally } = projection.state.targets.get('kh-ba-dinh-2021/ct-ti-le-kim-ma')!;
    // Offered under Kim Mã and under the district, the Kim Mã inspection still counts once; Liễu Giai's only in the denominator.
    expect({ events: tally.events, numerator: tally.numeratorCount, denominator: tally.denominatorCount }).toEqual({ events: 2, numerator: 1, denominator: 2 });
    expect(Object.fromEntries(tally.byArea)).toEqual({ 'hn-ba-dinh-kim-ma': 1, 'hn-ba-dinh-lieu-giai': 1 });
  });
});
