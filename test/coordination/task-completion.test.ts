import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, coordinationPlanPublished, getEventDefinition, type Plan } from '@lienganh/contracts';
import { CaseReferences, InMemoryCoordinationStore, CoordinationProjector, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { cultureService } from '@lienganh/culture';
import { connectToNats, startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { openEventStream } from '../support/sse.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

// Tasks can be done (#18): a task without a target is completed by its lead body's event through
// its own agency service, confirmed or reopened by the secretariat through the API, and the board,
// the deadlines and a replay from the streams agree.

const keys = { police: 'police-test-key-0123456789', culture: 'culture-test-key-0123456789' };
const PLAN_ID = 'kh-nhiem-vu-2021';
const example = coordinationPlanPublished.example as Plan;
const task = (id: string, lead: string, supporting: string[], due: string) => ({ id, title: { vi: `Nhiệm vụ ${id}`, en: `Task ${id}` }, lead, supporting, due, targets: [] });
/** A plan whose tasks have no target: only their lead's word (and the secretariat's) can move them. */
const plan = {
  ...example,
  id: PLAN_ID,
  tasks: [
    ...example.tasks,
    task('nv-hoi-nghi', 'culture', ['police'], '2021-11-30'), // the review conference
    task('nv-huong-dan', 'culture', ['police'], '2021-12-15'), // issue guidance
    task('nv-ra-quan', 'police', [], '2021-03-31'), // due early: it becomes overdue
  ],
};

/** Coordination's clock: the plan is imported in February 2021, so that its deadlines alert. */
const clock = { current: new Date('2021-02-01T09:00:00+07:00'), now: () => clock.current };

let nats: NatsFixture;
let police: RunningAgencyService;
let culture: RunningAgencyService;
let coordination: RunningCoordinationService;
let dataDir: string;
const services: RunningCoordinationService[] = [];

const startCoordination = (instanceId?: string) =>
  startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, users: TEST_USERS, ...(instanceId ? { instanceId } : {}) }).then((service) => {
    services.push(service);
    return service;
  });

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-tasks-'));
  const config = (agency: 'police' | 'culture') => ({ ...nats.identity(agency), port: 0, dataDir, keys });
  [police, culture] = await Promise.all([startAgencyService(policeService, config('police')), startAgencyService(cultureService, config('culture'))]);
  coordination = await startCoordination();
  expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
});
afterAll(async () => {
  for (const service of services) await service.close().catch(() => undefined);
  await Promise.all([police, culture].map((service) => service?.close()));
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Posts a body-work event through the agency's own service, as its system does. */
async function report(service: RunningAgencyService, agency: 'police' | 'culture', action: 'completed' | 'progress-reported', data: Record<string, unknown>, time: string): Promise<string> {
  const definition = getEventDefinition(`vn.pcmd.${agency}.task.${action}.v1`);
  const { source: _source, subject: _subject, ...event } = buildEvent(definition, { planId: PLAN_ID, ...data } as never, { time });
  const answer = await postJson(`${service.url}/api/v1/events`, event, keys[agency]);
  expect(answer).toMatchObject({ status: 202 });
  return event.id;
}
const completion = (taskId: string, day: string, documentNumber: string) => ({ taskId, completedOn: day, evidence: { documentNumber, issuedOn: day } });

const tasksOf = async (url = coordination.url) => (await getAs(`${url}/api/v1/tasks?plan=${PLAN_ID}`)).body.tasks as any[];
const taskOf = async (taskId: string, url = coordination.url) => (await tasksOf(url)).find((entry) => entry.taskId === taskId);
const decide = (taskId: string, action: 'confirm' | 'reopen', body: unknown = {}, token: string = tokens.secretariat) => postJson(`${coordination.url}/api/v1/tasks/${PLAN_ID}/${taskId}/${action}`, body, token);
/** Resolves once every event on the agency stream has reached coordination's board. */
const caughtUp = () =>
  eventually(async () => {
    const info = await nats.jsm.consumers.info('PCMD_AGENCY_EVENTS', 'coordination-agency-events');
    return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
  }, 10_000);

describe('tasks can be done', () => {
  it("is completed by its lead's event, awaits confirmation, and is done once the secretariat confirms", async () => {
    const stream = await openEventStream(`${coordination.url}/api/v1/stream`, tokens.committee);
    expect(await taskOf('nv-hoi-nghi')).toMatchObject({ status: 'not-started', progress: 0 });
    await report(culture, 'culture', 'progress-reported', { taskId: 'nv-hoi-nghi', percentDone: 60 }, '2021-10-01T09:00:00+07:00');
    await eventually(async () => ((await taskOf('nv-hoi-nghi')).status === 'in-progress' ? true : undefined), 10_000);
    expect(await taskOf('nv-hoi-nghi')).toMatchObject({ progress: 60, reports: { reportedPercent: 60 } });

    const completedId = await report(culture, 'culture', 'completed', completion('nv-hoi-nghi', '2021-11-25', '45/BC-VHTT'), '2021-11-25T16:00:00+07:00');
    const awaiting = await eventually(async () => {
      const entry = await taskOf('nv-hoi-nghi');
      return entry.status === 'awaiting-confirmation' ? entry : undefined;
    }, 10_000);
    expect(awaiting.reports.completion).toEqual({ body: 'culture', completedOn: '2021-11-25', evidence: { documentNumber: '45/BC-VHTT', issuedOn: '2021-11-25' }, reportedAt: '2021-11-25T16:00:00+07:00' });
    expect(awaiting.progress).toBe(100);
    expect(awaiting.lastContributingEvent).toBe(completedId);
    // The live stream tells dashboards, without a reload.
    await stream.next((event) => event.type === 'task' && event.data.taskId === 'nv-hoi-nghi' && event.data.status === 'awaiting-confirmation', 5_000);

    // Only the secretariat decides.
    expect((await decide('nv-hoi-nghi', 'confirm', {}, tokens.committee)).status).toBe(403);
    expect((await decide('nv-hoi-nghi', 'confirm', {}, tokens.culture)).status).toBe(403);

    clock.current = new Date('2021-12-01T09:00:00+07:00');
    const confirmed = await decide('nv-hoi-nghi', 'confirm');
    expect(confirmed.status).toBe(200);
    // Answered once the board shows it: no waiting needed here.
    expect(confirmed.body.task).toMatchObject({ status: 'done', reports: { confirmed: { by: 'test-secretariat', at: new Date('2021-12-01T09:00:00+07:00').toISOString() } } });
    expect(await taskOf('nv-hoi-nghi')).toMatchObject({ status: 'done' });
    expect((await getAs(`${coordination.url}/api/v1/tasks?plan=${PLAN_ID}&status=done`)).body.tasks.map((entry: any) => entry.taskId)).toEqual(['nv-hoi-nghi']);
    await stream.next((event) => event.type === 'task' && event.data.taskId === 'nv-hoi-nghi' && event.data.status === 'done', 5_000);
    stream.close();

    // Confirmed twice: 409, nothing published.
    const again = await decide('nv-hoi-nghi', 'confirm');
    expect(again).toMatchObject({ status: 409, body: { error: 'already-confirmed' } });

    // The committee's overview counts it done for culture.
    const overview = (await getAs(`${coordination.url}/api/v1/committee/overview`)).body;
    expect(overview.agencies.find((row: any) => row.planId === PLAN_ID && row.agency === 'culture').tasks).toMatchObject({ done: 1 });
  });

  it("refuses a supporting body's completion, takes its progress, and reopens a task with a reason", async () => {
    // Police supports nv-huong-dan: its progress counts, its completion changes nothing.
    await report(police, 'police', 'completed', completion('nv-huong-dan', '2021-11-20', '12/BC-CAQ'), '2021-11-20T10:00:00+07:00');
    await report(police, 'police', 'progress-reported', { taskId: 'nv-huong-dan', percentDone: 30 }, '2021-11-21T10:00:00+07:00');
    const progressed = await eventually(async () => {
      const entry = await taskOf('nv-huong-dan');
      return entry.reports?.reportedPercent === 30 ? entry : undefined;
    }, 10_000);
    expect(progressed.status).toBe('in-progress');
    expect(progressed.reports.completion).toBeUndefined();
    // Made visible: logged with the reason, and counted where operators look.
    const readiness = await (await fetch(`${coordination.url}/readyz`)).json();
    expect(readiness.detail.refusedTaskReports['not-lead']).toBeGreaterThanOrEqual(1);

    // Nothing to confirm or reopen yet.
    expect(await decide('nv-huong-dan', 'confirm')).toMatchObject({ status: 409, body: { error: 'not-reported-done' } });
    expect(await decide('nv-huong-dan', 'reopen', { reason: 'evidence-missing' })).toMatchObject({ status: 409, body: { error: 'not-reported-done' } });

    await report(culture, 'culture', 'completed', completion('nv-huong-dan', '2021-12-01', '50/HD-VHTT'), '2021-12-01T10:00:00+07:00');
    await eventually(async () => ((await taskOf('nv-huong-dan')).status === 'awaiting-confirmation' ? true : undefined), 10_000);

    // A reason from the list, named when wrong; an unknown task is 404.
    const noReason = await decide('nv-huong-dan', 'reopen', {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.issues).toEqual([expect.objectContaining({ path: 'body.reason' })]);
    expect((await decide('nv-huong-dan', 'reopen', { reason: 'Chị Lan chưa gửi báo cáo' })).status).toBe(400);
    expect((await decide('nv-khong-co', 'confirm')).status).toBe(404);

    clock.current = new Date('2021-12-03T09:00:00+07:00');
    const reopened = await decide('nv-huong-dan', 'reopen', { reason: 'evidence-insufficient' });
    expect(reopened.status).toBe(200);
    expect(reopened.body.task).toMatchObject({ status: 'reopened', reports: { reopened: { by: 'test-secretariat', reason: 'evidence-insufficient' } } });
    expect((await getAs(`${coordination.url}/api/v1/tasks?plan=${PLAN_ID}&status=reopened`)).body.tasks.map((entry: any) => entry.taskId)).toEqual(['nv-huong-dan']);
    // The lead owes it again: a new round of its due-date deadline, which the next completion meets.
    const round = coordination.projector.projection.deadlines.deadlines.get(`task:${PLAN_ID}:nv-huong-dan:r1`);
    expect(round).toMatchObject({ kind: 'task', agency: 'culture', refId: 'nv-huong-dan' });
    expect(round!.metAt).toBeUndefined();
  });

  it("resolves an overdue task's alert when its lead reports it done", async () => {
    clock.current = new Date('2021-04-02T09:00:00+07:00');
    const raised = await coordination.deadlines.tick();
    expect(raised.map((alert) => alert.id)).toContain(`task:${PLAN_ID}:nv-ra-quan:overdue`);
    await eventually(() => coordination.projector.projection.alerts.get(`task:${PLAN_ID}:nv-ra-quan:overdue`), 5_000);
    expect(await taskOf('nv-ra-quan')).toMatchObject({ status: 'overdue' });

    await report(police, 'police', 'completed', completion('nv-ra-quan', '2021-04-03', '20/BC-CAQ'), '2021-04-03T10:00:00+07:00');
    await eventually(async () => ((await taskOf('nv-ra-quan')).status === 'awaiting-confirmation' ? true : undefined), 10_000);
    expect(coordination.projector.projection.deadlines.deadlines.get(`task:${PLAN_ID}:nv-ra-quan`)!.metAt).toBe('2021-04-03T10:00:00+07:00');
    clock.current = new Date('2021-04-04T09:00:00+07:00');
    expect((await coordination.deadlines.tick()).map((alert) => alert.id)).toContain(`task:${PLAN_ID}:nv-ra-quan:resolved`);
    const alerts = await eventually(async () => {
      const list = (await getAs(`${coordination.url}/api/v1/alerts/log?deadlineKind=task&status=resolved`)).body.alerts as any[];
      return list.some((alert) => alert.deadline.refId === 'nv-ra-quan') ? list : undefined;
    }, 5_000);
    expect(alerts.find((alert) => alert.kind === 'overdue' && alert.deadline.refId === 'nv-ra-quan')).toMatchObject({ status: 'resolved' });
  });

  it('shows the same statuses after a replay from the streams', async () => {
    await caughtUp();
    const before = await tasksOf();
    expect(Object.fromEntries(before.filter((entry) => entry.taskId.startsWith('nv-')).map((entry) => [entry.taskId, entry.status]))).toMatchObject({
      'nv-hoi-nghi': 'done',
      'nv-huong-dan': 'reopened',
      'nv-ra-quan': 'awaiting-confirmation',
    });
    // A fresh projector over an empty store, as `npx lienganh replay` runs it: coordination's decisions come before the agency events they judged.
    const { natsUrl, natsSeed } = nats.identity('coordination');
    const nc = await connectToNats({ servers: natsUrl, seed: natsSeed, identity: 'coordination', name: 'task-completion-replay', reconnectForever: false });
    const replay = new CoordinationProjector(nc, new InMemoryCoordinationStore(), { cases: await CaseReferences.open(nc), logger: { info() {}, warn() {}, error() {} } });
    await replay.catchUpAll();
    await nc.close();
    expect(replay.projection.snapshot().taskCompletions).toEqual(coordination.projector.projection.snapshot().taskCompletions);
    expect(replay.projection.snapshot().deadlines).toEqual(coordination.projector.projection.snapshot().deadlines);

    // A second instance started afresh (in memory, so it replays) shows the same board.
    const rebuilt = await startCoordination('rebuilt');
    expect(await tasksOf(rebuilt.url)).toEqual(before);
    expect(rebuilt.projector.projection.snapshot()).toEqual(coordination.projector.projection.snapshot());
  });
});
