import {
  buildEvent,
  coordinationDeadlineApproaching,
  coordinationPlanPublished,
  coordinationTaskConfirmed,
  getEventDefinition,
  validatePlan,
  type BusEvent,
  type Plan,
} from '@lienganh/contracts';
import { CoordinationProjection, InMemoryCoordinationStore } from '../src/index.js';
import { CaseReferences } from '../src/access/case-references.js';

/** How the projection names referrals in deadlines (ADR 0021): a key of this test's own. */
const cases = CaseReferences.ephemeral();

// Plan revisions (#18) through the whole projection: a higher revision supersedes the plan, its
// targets are re-counted from every event, deadlines due before its effectiveFrom stand, and a
// replay (every version first, then the events) gives the state live processing gave.

const PLAN = 'kh-sua-doi-2021';
const ward = (code: string, vi: string) => ({ code, name: { vi, en: vi }, level: 'ward' as const, parent: 'hn-ba-dinh' });
const task = (id: string, lead: string, due: string, targets: string[] = []) => ({ id, title: { vi: `Nhiệm vụ ${id}`, en: `Task ${id}` }, lead, supporting: [], due, targets });
const inspections = (kinds: string | string[]) => ({ kind: 'count', eventType: 'vn.pcmd.police.inspection.completed.v1', where: { 'business.kind': kinds } });

const original = validatePlan({
  id: PLAN,
  number: '59/KH-UBND',
  issuedOn: '2021-01-15',
  issuingBody: 'ubnd-ba-dinh',
  level: 'district',
  area: 'hn-ba-dinh',
  period: { start: '2021-01-01', end: '2021-12-31' },
  title: { vi: 'Kế hoạch phòng, chống mại dâm năm 2021', en: 'Prostitution prevention plan 2021' },
  bodies: [{ code: 'ubnd-ba-dinh', name: { vi: 'UBND quận Ba Đình', en: 'Ba Đình District People’s Committee' } }],
  areas: [{ code: 'hn-ba-dinh', name: { vi: 'Quận Ba Đình', en: 'Ba Đình District' }, level: 'district' }, ward('hn-ba-dinh-lieu-giai', 'Phường Liễu Giai'), ward('hn-ba-dinh-kim-ma', 'Phường Kim Mã')],
  targets: [
    { id: 'ct-kiem-tra', title: { vi: 'Kiểm tra 10 lượt karaoke', en: '10 karaoke inspections' }, agency: 'police', measure: inspections('karaoke'), goal: { min: 10 } },
    { id: 'ct-vu-an', title: { vi: 'Khởi tố 6 vụ án', en: '6 cases opened' }, agency: 'police', measure: { kind: 'count', eventType: 'vn.pcmd.police.case.opened.v1' }, goal: { min: 6 } },
  ],
  tasks: [task('nv-kiem-tra', 'police', '2021-12-15', ['ct-kiem-tra']), task('nv-hoi-nghi', 'culture', '2021-06-30'), task('nv-bo', 'police', '2021-11-30')],
  reporting: { to: 'labour', from: ['police'], cadences: ['quarterly'], dueDays: 10 },
});

/** Kế hoạch sửa đổi, bổ sung from 1 July: a goal raised, a filter widened, a target and a task added, a task dropped. */
const amended = validatePlan({
  ...original,
  number: '120/KH-UBND',
  issuedOn: '2021-06-20',
  revision: { number: 2, effectiveFrom: '2021-07-01' },
  targets: [
    { ...original.targets[0], title: { vi: 'Kiểm tra 20 lượt karaoke, massage', en: '20 karaoke and massage inspections' }, measure: inspections(['karaoke', 'massage']), goal: { min: 20 } },
    original.targets[1],
    { id: 'ct-khach-san', title: { vi: 'Kiểm tra 5 lượt khách sạn', en: '5 hotel inspections' }, agency: 'police', measure: inspections('hotel'), goal: { min: 5 } },
  ],
  // nv-truoc is due before the amendment takes effect: version 1 governed then, so it owes nothing.
  tasks: [task('nv-kiem-tra', 'police', '2021-12-15', ['ct-kiem-tra', 'ct-khach-san']), task('nv-hoi-nghi', 'culture', '2021-06-30'), task('nv-moi', 'police', '2021-09-30'), task('nv-truoc', 'police', '2021-05-31')],
});

const published = (plan: Plan, time: string) => buildEvent(coordinationPlanPublished, plan, { id: `plan-published-${plan.id}${plan.revision ? `-r${plan.revision.number}` : ''}`, time });
const r1 = published(original, '2021-02-01T09:00:00+07:00');
const r2 = published(amended, '2021-06-25T09:00:00+07:00');
const inspection = (id: string, kind: string, areaCode: string, time: string) =>
  buildEvent(getEventDefinition('vn.pcmd.police.inspection.completed.v1'), { inspectionId: id, areaCode, business: { businessId: `dn-${id}`, kind }, outcome: 'compliant', violations: [] } as never, { id, time });
const caseOpened = (id: string, time: string) => buildEvent(getEventDefinition('vn.pcmd.police.case.opened.v1'), { caseId: id, areaCode: 'hn-ba-dinh-kim-ma', offences: ['harbouring'], suspects: 1 } as never, { id, time });
const approaching = (deadlineId: string, dueAt: string, time: string) =>
  buildEvent(coordinationDeadlineApproaching, { deadlineId, kind: 'periodic-report', agency: 'police', areaCode: 'hn-ba-dinh', dueAt, refId: deadlineId.split(':').slice(-2).join(':'), planId: PLAN, leadDays: 3 }, { id: `${deadlineId}:approaching:3`, time });
const confirmed = (taskId: string, time: string) => buildEvent(coordinationTaskConfirmed, { planId: PLAN, taskId, confirmedBy: 'thu-ky-01' }, { id: `confirmed:${PLAN}:${taskId}:2`, time });
const completed = (taskId: string, time: string) =>
  buildEvent(getEventDefinition(`vn.pcmd.${taskId === 'nv-hoi-nghi' ? 'culture' : 'police'}.task.completed.v1`), { planId: PLAN, taskId, completedOn: time.slice(0, 10), evidence: { documentNumber: '45/BC', issuedOn: time.slice(0, 10) } } as never, { id: `xong-${taskId}`, time });

// Agency events before the amendment (in both versions' period) and after it.
const before = [
  inspection('kt-01', 'karaoke', 'hn-ba-dinh-lieu-giai', '2021-03-10T09:00:00+07:00'),
  inspection('kt-02', 'massage', 'hn-ba-dinh-kim-ma', '2021-04-12T09:00:00+07:00'),
  caseOpened('va-01', '2021-05-01T09:00:00+07:00'),
  completed('nv-hoi-nghi', '2021-06-10T09:00:00+07:00'),
  completed('nv-bo', '2021-06-11T09:00:00+07:00'),
];
const after = [inspection('kt-03', 'karaoke', 'hn-ba-dinh-kim-ma', '2021-08-05T09:00:00+07:00'), inspection('kt-04', 'hotel', 'hn-ba-dinh-lieu-giai', '2021-08-20T09:00:00+07:00')];
// Coordination's own events between the versions: an alert on the Q2 report, the secretariat's confirmation.
const q1 = `report:${PLAN}:police:quarterly:2021-Q1`;
const q2 = `report:${PLAN}:police:quarterly:2021-Q2`;
const decisions = [approaching(q1, '2021-04-10T23:59:59+07:00', '2021-04-07T09:00:00+07:00'), approaching(q2, '2021-07-10T23:59:59+07:00', '2021-06-24T09:00:00+07:00'), confirmed('nv-hoi-nghi', '2021-06-12T09:00:00+07:00')];

/** As the projector does live: a plan (new or revised) is backfilled from the agency events already applied, then committed. */
function live(steps: BusEvent[]): CoordinationProjection {
  const projection = new CoordinationProjection(cases);
  const agencyEvents: BusEvent[] = [];
  for (const event of steps) {
    const { plan } = projection.apply(event);
    if (plan) {
      for (const earlier of agencyEvents) projection.backfill(plan.id, earlier);
      projection.planReady(plan.id);
    } else if (!event.type.startsWith('vn.pcmd.coordination.')) agencyEvents.push(event);
  }
  return projection;
}
const liveOrder = [r1, ...before, ...decisions, r2, ...after];
/** A replay reads coordination's stream (every version, every decision) before the agency stream. */
const replayOrder = [r1, ...decisions, r2, ...before, ...after];

const achieved = (projection: CoordinationProjection) =>
  Object.fromEntries([...projection.state.targets.values()].filter((tracked) => tracked.plan.id === PLAN).map((tracked) => [tracked.target.id, tracked.tally.numeratorCount]));

describe('a plan revision in the projection', () => {
  it('given version 1 and its events, when revision 2 arrives, then the board has its targets, re-counted over every event', () => {
    const projection = live([r1, ...before, ...after]);
    // Version 1 counts karaoke only: kt-01 and kt-03.
    expect(achieved(projection)).toEqual({ 'ct-kiem-tra': 2, 'ct-vu-an': 1 });
    projection.takeChanges();

    const { plan } = projection.apply(r2);
    expect(plan).toBe(r2.data);
    for (const event of [...before, ...after]) projection.backfill(PLAN, event);
    projection.planReady(PLAN);

    // Karaoke and massage: kt-01, kt-02, kt-03; the case; the new hotel target: kt-04.
    expect(achieved(projection)).toEqual({ 'ct-kiem-tra': 3, 'ct-vu-an': 1, 'ct-khach-san': 1 });
    expect(projection.state.plans.get(PLAN)).toMatchObject({ number: '120/KH-UBND', revision: { number: 2 } });
    expect(projection.state.targets.get(`${PLAN}/ct-kiem-tra`)!.target.goal).toEqual({ min: 20 });
    // Only the new version's targets count events from now on.
    projection.apply(inspection('kt-05', 'massage', 'hn-ba-dinh-kim-ma', '2021-09-01T09:00:00+07:00'));
    expect(achieved(projection)['ct-kiem-tra']).toBe(4);

    // The store is told to drop the old tallies (and their histories) before writing the new ones.
    const changes = projection.takeChanges();
    expect(changes.dropped!.tallies.sort()).toEqual([`${PLAN}/ct-kiem-tra`, `${PLAN}/ct-vu-an`]);
    expect(changes.plans).toEqual([amended]);
    expect(changes.dropped!.activity).toEqual([PLAN]);
    expect(Object.values(changes.histories!.find((history) => history.key === `${PLAN}/ct-kiem-tra`)!.days).reduce((events, figures) => events + figures[0], 0)).toBe(4);
  });

  it('given revision 2, when revision 1 or revision 2 arrives again, then nothing changes', () => {
    const projection = live(liveOrder);
    projection.takeChanges();
    const snapshot = projection.snapshot();
    for (const again of [r1, r2, published(original, '2021-09-01T09:00:00+07:00')]) {
      expect(projection.apply(again).plan).toBeUndefined();
    }
    expect(projection.hasChanges()).toBe(false);
    expect(projection.snapshot()).toEqual(snapshot);
    expect(projection.state.plans.get(PLAN)!.revision?.number).toBe(2);
  });

  it('given events before and after the amendment, a replay (every version first) gives the state live processing gave', () => {
    const replayed = live(replayOrder);
    const processed = live(liveOrder);
    expect(achieved(processed)).toEqual({ 'ct-kiem-tra': 3, 'ct-vu-an': 1, 'ct-khach-san': 1 });
    expect(replayed.snapshot()).toEqual(processed.snapshot());
  });

  it('keeps the deadlines due before effectiveFrom, replaces those due from it, and keeps the alerts raised', () => {
    const projection = live(liveOrder);
    const { deadlines } = projection.deadlines;
    // Q1's report (due 10 April) stands with its alert; Q2's (due 10 July) is the revision's, its alert kept, alerting as before.
    expect(deadlines.get(q1)).toMatchObject({ raised: [`${q1}:approaching:3`], alertsFrom: r1.time });
    expect(deadlines.get(q2)).toMatchObject({ raised: [`${q2}:approaching:3`], alertsFrom: r1.time });
    // The dropped task owes nothing more; the added one alerts from the revision's import.
    expect(deadlines.get(`task:${PLAN}:nv-bo`)).toBeUndefined();
    expect(deadlines.get(`task:${PLAN}:nv-moi`)).toMatchObject({ agency: 'police', alertsFrom: r2.time });
    expect(deadlines.has(`task:${PLAN}:nv-truoc`)).toBe(false);
    // A task due before the amendment took effect stands, met by its lead's report.
    expect(deadlines.get(`task:${PLAN}:nv-hoi-nghi`)).toMatchObject({ metAt: '2021-06-10T09:00:00+07:00' });
  });

  it('keeps the completion records of tasks in both versions, drops those of tasks the revision dropped, in the store too', async () => {
    const store = new InMemoryCoordinationStore();
    const projection = new CoordinationProjection(cases);
    const agencyEvents: BusEvent[] = [];
    for (const event of liveOrder) {
      const { plan } = projection.apply(event);
      if (plan) {
        for (const earlier of agencyEvents) projection.backfill(plan.id, earlier);
        projection.planReady(plan.id);
      } else if (!event.type.startsWith('vn.pcmd.coordination.')) agencyEvents.push(event);
      // A commit after every event, as a busy projector would: drops land before the same keys are written anew.
      await store.commit(projection.takeChanges());
    }
    expect(projection.taskCompletions.get(`${PLAN}/nv-hoi-nghi`)!.facts.map((fact) => fact.kind)).toEqual(['completed', 'confirmed']);
    expect(projection.taskCompletions.has(`${PLAN}/nv-bo`)).toBe(false);

    const stored = await store.load();
    expect(stored.plans).toEqual([amended]);
    expect(stored.taskCompletions!.map((record) => record.key)).toEqual([`${PLAN}/nv-hoi-nghi`]);
    expect(stored.deadlines.some((deadline) => deadline.id === `task:${PLAN}:nv-bo`)).toBe(false);
    expect(stored.tallies.find((tally) => tally.key === `${PLAN}/ct-kiem-tra`)!.events).toBe(3);
    expect(Object.values(stored.histories!.find((history) => history.key === `${PLAN}/ct-kiem-tra`)!.days).reduce((events, figures) => events + figures[0], 0)).toBe(3);
    // A projection restored from the store is the one that made it.
    const restored = CoordinationProjection.restore(stored, cases);
    expect(restored.deadlines.deadlines.has(`task:${PLAN}:nv-truoc`)).toBe(false);
    // The plan's alerts started at version 1's import, not at the later start of the deadlines the revision added.
    expect(restored.deadlines.alertsStart(PLAN)).toBe(r1.time);
    expect(achieved(restored)).toEqual(achieved(projection));
    expect(restored.snapshot()).toEqual(projection.snapshot());
  });

  describe('what a revision changes in how events are judged: the same live as in a replay', () => {
    /** Revision 2 again, with the inspection task now led by culture and police hand-overs to labour due in 3 days, not 7. */
    const reassigned = validatePlan({
      ...amended,
      tasks: amended.tasks.map((entry) => (entry.id === 'nv-kiem-tra' ? { ...entry, lead: 'culture' } : entry)),
      deadlines: { ...original.deadlines, referralHandovers: [{ from: 'police', to: 'labour', days: 3 }] },
    });
    const r2b = published(reassigned, '2021-07-15T09:00:00+07:00');
    const referral = (id: string, time: string) =>
      buildEvent(getEventDefinition('vn.pcmd.police.referral.made.v1'), { ...(getEventDefinition('vn.pcmd.police.referral.made.v1').example as object), referralId: id, areaCode: 'hn-ba-dinh-kim-ma' } as never, { id, time });
    const events = [completed('nv-kiem-tra', '2021-05-20T09:00:00+07:00'), referral('cg-06', '2021-06-20T09:00:00+07:00'), referral('cg-07', '2021-07-10T09:00:00+07:00')];

    it("judges the bodies' task reports by the new version: a completion by the lead it replaced no longer stands", () => {
      const processed = live([r1, ...events, r2b]);
      expect(live([r1, ...events]).taskCompletions.get(`${PLAN}/nv-kiem-tra`)!.facts.map((fact) => fact.kind)).toEqual(['completed']);
      expect(processed.taskCompletions.has(`${PLAN}/nv-kiem-tra`)).toBe(false);
      expect(processed.deadlines.deadlines.get(`task:${PLAN}:nv-kiem-tra`)).toMatchObject({ agency: 'culture' });
      expect(processed.deadlines.deadlines.get(`task:${PLAN}:nv-kiem-tra`)!.metAt).toBeUndefined();
      expect(processed.snapshot()).toEqual(live([r1, r2b, ...events]).snapshot());
    });

    it("holds each hand-over to the rules in force on its referral's date, re-timing those the revision governs", () => {
      const processed = live([r1, ...events, r2b]);
      // Made on 20 June, under version 1: 7 days. Made on 10 July, from when the revision governs: 3 days.
      expect(processed.deadlines.deadlines.get(processed.deadlines.referralDeadlineId('cg-06'))!.dueAt).toBe(new Date(Date.parse('2021-06-20T09:00:00+07:00') + 7 * 86_400_000).toISOString());
      expect(processed.deadlines.deadlines.get(processed.deadlines.referralDeadlineId('cg-07'))!.dueAt).toBe(new Date(Date.parse('2021-07-10T09:00:00+07:00') + 3 * 86_400_000).toISOString());
      expect(processed.snapshot().deadlines).toEqual(live([r1, r2b, ...events]).snapshot().deadlines);
    });
  });

  it("restores when a plan's alerts started from its deadlines, not from an earlier alertsFrom day the plan names", async () => {
    const early = published(validatePlan({ ...original, alertsFrom: '2021-01-15' }), '2021-02-01T09:00:00+07:00');
    const projection = live([early]);
    expect(projection.deadlines.alertsStart(PLAN)).toBe(early.time);
    const store = new InMemoryCoordinationStore();
    await store.commit(projection.takeChanges());
    expect(CoordinationProjection.restore(await store.load(), cases).deadlines.alertsStart(PLAN)).toBe(early.time);
  });
});
