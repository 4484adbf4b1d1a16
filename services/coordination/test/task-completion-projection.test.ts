import { buildEvent, coordinationPlanPublished, coordinationTaskConfirmed, coordinationTaskReopened, getEventDefinition, type BusEvent, type Plan } from '@lienganh/contracts';
import { compilePeriodicReport, CoordinationProjection, InMemoryCoordinationStore, parsePeriod } from '../src/index.js';
import { completionOf } from '../src/board/task-completion.js';
import { CaseReferences } from '../src/access/case-references.js';

/** How the projection names referrals in deadlines (ADR 0021): a key of this test's own. */
const cases = CaseReferences.ephemeral();

// Given / When / Then through the whole projection: task facts from agency events and the
// secretariat's decisions, in any order, with the plan imported before or after them.

const example = coordinationPlanPublished.example as Plan;
const plan: Plan = {
  ...example,
  id: 'kh-thu-2021',
  tasks: [...example.tasks, { id: 'nv-hoi-nghi', title: { vi: 'Hội nghị sơ kết', en: 'Review conference' }, lead: 'culture', supporting: ['police'], due: '2021-06-30', targets: [] } as Plan['tasks'][number]],
};
const published = buildEvent(coordinationPlanPublished, plan, { id: `plan-published-${plan.id}`, time: '2021-02-01T09:00:00+07:00' });
const evidence = { documentNumber: '45/BC-VHTT', issuedOn: '2021-06-20' };
const completed = (agency: string, id: string, time: string) =>
  buildEvent(getEventDefinition(`vn.pcmd.${agency}.task.completed.v1`), { planId: plan.id, taskId: 'nv-hoi-nghi', completedOn: time.slice(0, 10), evidence } as never, { id, time, ...(agency === 'reporting' ? { unit: 'womens-union' } : {}) });
const confirmed = (n: number, time: string) => buildEvent(coordinationTaskConfirmed, { planId: plan.id, taskId: 'nv-hoi-nghi', confirmedBy: 'thu-ky-01' }, { id: `confirmed:${plan.id}:nv-hoi-nghi:${n}`, time });
const reopened = (n: number, time: string) => buildEvent(coordinationTaskReopened, { planId: plan.id, taskId: 'nv-hoi-nghi', reopenedBy: 'thu-ky-01', reason: 'evidence-missing' }, { id: `reopened:${plan.id}:nv-hoi-nghi:${n}`, time });

const given = (...events: BusEvent[]) => {
  const projection = new CoordinationProjection(cases);
  for (const event of events) projection.apply(event);
  return projection;
};
const statusOf = (projection: CoordinationProjection) => completionOf(projection.taskCompletions.get(`${plan.id}/nv-hoi-nghi`)).status;
const deadline = (projection: CoordinationProjection, id = `task:${plan.id}:nv-hoi-nghi`) => projection.deadlines.deadlines.get(id);

describe('task facts in the projection', () => {
  it('given a plan, when its lead reports the task done, then it awaits confirmation and the due-date deadline is met at the report\'s time', () => {
    const projection = given(published, completed('culture', 'c1', '2021-06-20T10:00:00+07:00'));
    expect(statusOf(projection)).toBe('awaiting-confirmation');
    expect(deadline(projection)!.metAt).toBe('2021-06-20T10:00:00+07:00');
  });

  it('given a plan, when a supporting body or a body of another plan reports it done, then nothing changes and the reason is returned', () => {
    const projection = given(published);
    expect(projection.apply(completed('police', 'c1', '2021-06-20T10:00:00+07:00')).refusedTask).toMatchObject({ reason: 'not-lead', body: 'police' });
    expect(projection.apply(completed('reporting', 'c2', '2021-06-20T10:00:00+07:00')).refusedTask).toMatchObject({ reason: 'not-lead', body: 'womens-union' });
    expect(statusOf(projection)).toBe('not-reported');
    expect(deadline(projection)!.metAt).toBeUndefined();
    expect(projection.hasChanges()).toBe(true); // the plan's own deadlines, nothing of the task
    expect(projection.takeChanges().taskCompletions).toEqual([]);
  });

  it('given no plan yet, when the lead reports it done, then it waits: the plan\'s import backfills it', () => {
    const early = completed('culture', 'c1', '2021-06-20T10:00:00+07:00');
    const projection = given();
    expect(projection.apply(early).refusedTask).toMatchObject({ reason: 'unknown-plan' });
    projection.apply(published);
    projection.backfill(plan.id, early);
    expect(statusOf(projection)).toBe('awaiting-confirmation');
    expect(deadline(projection)!.metAt).toBe('2021-06-20T10:00:00+07:00');
  });

  it('given a reopened task, then the lead owes a new round, met by its next completion; replayed decisions first, the same state', () => {
    const events = [published, completed('culture', 'c1', '2021-06-20T10:00:00+07:00'), reopened(2, '2021-07-01T09:00:00+07:00'), completed('culture', 'c2', '2021-07-05T10:00:00+07:00'), confirmed(4, '2021-07-06T09:00:00+07:00')];
    const live = given(...events);
    expect(statusOf(live)).toBe('confirmed');
    expect(deadline(live)!.metAt).toBe('2021-06-20T10:00:00+07:00');
    // Due 14 days after the reopening, since the task's own date has passed.
    expect(deadline(live, `task:${plan.id}:nv-hoi-nghi:r1`)).toMatchObject({ agency: 'culture', dueAt: new Date(Date.parse('2021-07-01T09:00:00+07:00') + 14 * 86_400_000).toISOString(), metAt: '2021-07-05T10:00:00+07:00' });
    // A replay reads coordination's stream (plan, decisions) before the agency stream.
    const replayed = given(events[0]!, events[2]!, events[4]!, events[1]!, events[3]!, events[1]!);
    expect(replayed.snapshot().taskCompletions).toEqual(live.snapshot().taskCompletions);
    expect(replayed.snapshot().deadlines).toEqual(live.snapshot().deadlines);
  });

  it("given a task a body without a service leads, when it reports through the reporting service, then its report counts (the body is the source's)", () => {
    const withUnion: Plan = { ...plan, id: 'kh-phu-nu-2021', tasks: [{ id: 'nv-tuyen-truyen', title: { vi: 'Tuyên truyền', en: 'Awareness' }, lead: 'womens-union', supporting: [], due: '2021-09-30', targets: [] } as Plan['tasks'][number]] };
    const projection = given(buildEvent(coordinationPlanPublished, withUnion, { id: `plan-published-${withUnion.id}`, time: '2021-02-01T09:00:00+07:00' }));
    const done = buildEvent(getEventDefinition('vn.pcmd.reporting.task.completed.v1'), { planId: withUnion.id, taskId: 'nv-tuyen-truyen', completedOn: '2021-09-20', evidence: { documentNumber: '45/BC-HLHPN', issuedOn: '2021-09-20' } } as never, { id: 'hlhpn-1', time: '2021-09-20T10:00:00+07:00', unit: 'womens-union' });
    expect(projection.apply(done)).toMatchObject({ task: `${withUnion.id}/nv-tuyen-truyen` });
    expect(completionOf(projection.taskCompletions.get(`${withUnion.id}/nv-tuyen-truyen`)).completion).toMatchObject({ body: 'womens-union', evidence: { documentNumber: '45/BC-HLHPN' } });
    expect(projection.deadlines.deadlines.get(`task:${withUnion.id}:nv-tuyen-truyen`)!.metAt).toBe('2021-09-20T10:00:00+07:00');
  });

  it('is restored from what the store kept', () => {
    const live = given(published, completed('culture', 'c1', '2021-06-20T10:00:00+07:00'), reopened(2, '2021-07-01T09:00:00+07:00'));
    const restored = CoordinationProjection.restore(live.snapshot(), cases);
    expect(statusOf(restored)).toBe('reopened');
    expect(restored.snapshot()).toEqual(live.snapshot());
  });
});

describe("the periodic report's tasks done", () => {
  it('counts a task done in the period whose end saw it confirmed, not in one that ended before', async () => {
    const projection = given(published, completed('culture', 'c1', '2021-06-20T10:00:00+07:00'), confirmed(2, '2021-07-02T09:00:00+07:00'));
    const store = new InMemoryCoordinationStore();
    await store.commit(projection.takeChanges());
    const report = (period: string) =>
      compilePeriodicReport(
        { state: projection.state, agencies: projection.agencies, areas: projection.areas, referrals: projection.referrals, reports: projection.reports, now: new Date('2021-12-31T12:00:00+07:00') },
        { period: parsePeriod(period), plan: plan.id },
      );
    const cultureOf = async (period: string) => (await report(period)).agencies.find((row) => row.agency === 'culture')!.tasks;
    // Reported done on 20 June, confirmed on 2 July: not done when the second quarter ended.
    expect(await cultureOf('2021-Q2')).toMatchObject({ total: 1, done: 0 });
    expect(await cultureOf('2021-Q3')).toMatchObject({ total: 1, done: 1 });
  });
});
