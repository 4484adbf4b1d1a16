import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, getEventDefinition, policeInspectionCompleted, validatePlan } from '@lienganh/contracts';
import { CaseReferences, CoordinationProjector, InMemoryCoordinationStore, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { connectToNats, startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { runCli } from '../support/cli.js';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

// Plan revisions (#18), with real services on a real nats-server: a plan amended mid-year with a
// new version (kế hoạch sửa đổi, bổ sung) shows the new goals, keeps the old version in its
// history, and re-computes its figures over every event; the same or a lower revision is refused.

const keys = { police: 'police-test-key-0123456789' };
const PLAN_ID = 'kh-ba-dinh-sua-doi-2021';
const ward = (code: string, vi: string) => ({ code, name: { vi, en: vi }, level: 'ward', parent: 'hn-ba-dinh' });
const inspections = (kinds: string | string[]) => ({ kind: 'count', eventType: 'vn.pcmd.police.inspection.completed.v1', where: { 'business.kind': kinds } });
const task = (id: string, due: string, targets: string[]) => ({ id, title: { vi: `Nhiệm vụ ${id}`, en: `Task ${id}` }, lead: 'police', supporting: [], due, targets });

const original = {
  id: PLAN_ID,
  number: '59/KH-UBND',
  issuedOn: '2021-01-15',
  issuingBody: 'ubnd-ba-dinh',
  level: 'district',
  area: 'hn-ba-dinh',
  period: { start: '2021-01-01', end: '2021-12-31' },
  title: { vi: 'Kế hoạch phòng, chống tệ nạn mại dâm năm 2021', en: 'Prostitution prevention plan 2021' },
  bodies: [{ code: 'ubnd-ba-dinh', name: { vi: 'UBND quận Ba Đình', en: 'Ba Đình District People’s Committee' } }],
  areas: [{ code: 'hn-ba-dinh', name: { vi: 'Quận Ba Đình', en: 'Ba Đình District' }, level: 'district' }, ward('hn-ba-dinh-lieu-giai', 'Phường Liễu Giai'), ward('hn-ba-dinh-kim-ma', 'Phường Kim Mã')],
  targets: [{ id: 'ct-kiem-tra', title: { vi: 'Kiểm tra 10 lượt cơ sở karaoke', en: '10 karaoke inspections' }, agency: 'police', measure: inspections('karaoke'), goal: { min: 10 } }],
  // nv-ra-quan is due in March: overdue before the amendment, which drops it.
  tasks: [task('nv-kiem-tra', '2021-12-15', ['ct-kiem-tra']), task('nv-ra-quan', '2021-03-31', [])],
};
/** The amendment from 1 July: the goal raised to 20 and massage added to the filter; a new target for hotels. */
const amended = {
  ...original,
  number: '120/KH-UBND',
  issuedOn: '2021-06-20',
  revision: { number: 2, effectiveFrom: '2021-07-01' },
  targets: [
    { ...original.targets[0], title: { vi: 'Kiểm tra 20 lượt cơ sở karaoke, massage', en: '20 karaoke and massage inspections' }, measure: inspections(['karaoke', 'massage']), goal: { min: 20 } },
    { id: 'ct-khach-san', title: { vi: 'Kiểm tra 5 lượt khách sạn', en: '5 hotel inspections' }, agency: 'police', measure: inspections('hotel'), goal: { min: 5 } },
  ],
  tasks: [task('nv-kiem-tra', '2021-12-15', ['ct-kiem-tra', 'ct-khach-san'])],
};

/** Coordination's clock: version 1 imported in February, the amendment in late June. */
const clock = { current: new Date('2021-02-01T09:00:00+07:00'), now: () => clock.current };
const overdueTask = `task:${PLAN_ID}:nv-ra-quan:overdue`;

let nats: NatsFixture;
let police: RunningAgencyService;
let dataDir: string;
const services: RunningCoordinationService[] = [];
let coordination: RunningCoordinationService;

const startCoordination = (instanceId?: string) =>
  startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, users: TEST_USERS, ...(instanceId ? { instanceId } : {}) }).then((service) => {
    services.push(service);
    return service;
  });

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-revisions-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
  coordination = await startCoordination();
});
afterAll(async () => {
  for (const service of services) await service.close().catch(() => undefined);
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const importPlan = (plan: unknown) => postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat);
/** An inspection as the police system posts it. */
async function inspect(id: string, kind: string, areaCode: string, time: string): Promise<void> {
  const data = { ...policeInspectionCompleted.example, inspectionId: id, areaCode, business: { businessId: `cs-${id}`, kind: kind as 'karaoke' }, outcome: 'compliant' as const, violations: [] };
  const { source: _source, subject: _subject, ...event } = buildEvent(policeInspectionCompleted, data, { id, time });
  expect(await postJson(`${police.url}/api/v1/events`, event, keys.police)).toMatchObject({ status: 202 });
}
const overview = async (url = coordination.url) => (await getAs(`${url}/api/v1/committee/overview`, tokens.committee)).body;
const figures = async (url = coordination.url) =>
  Object.fromEntries((await overview(url)).targets.filter((target: any) => target.planId === PLAN_ID).map((target: any) => [target.id, { achieved: target.achieved, goal: target.goal }]));
/** Resolves once every event on the agency stream has reached coordination's board. */
const caughtUp = () =>
  eventually(async () => {
    const info = await nats.jsm.consumers.info('PCMD_AGENCY_EVENTS', 'coordination-agency-events');
    return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
  }, 10_000);

describe('plan revisions', () => {
  it('imports version 1 and counts as it says', async () => {
    expect(validatePlan(amended).revision).toEqual({ number: 2, effectiveFrom: '2021-07-01' });
    expect(await importPlan(original)).toMatchObject({ status: 201, body: { planId: PLAN_ID, revision: 1 } });
    await inspect('kt-01', 'karaoke', 'hn-ba-dinh-lieu-giai', '2021-03-10T09:00:00+07:00');
    await inspect('kt-02', 'massage', 'hn-ba-dinh-kim-ma', '2021-04-12T09:00:00+07:00');
    await inspect('kt-03', 'karaoke', 'hn-ba-dinh-kim-ma', '2021-05-05T09:00:00+07:00');
    await inspect('kt-04', 'hotel', 'hn-ba-dinh-lieu-giai', '2021-05-20T09:00:00+07:00');
    // Version 1 counts karaoke only: kt-01 and kt-03.
    await eventually(async () => ((await figures())['ct-kiem-tra']?.achieved === 2 ? true : undefined), 10_000);
    await caughtUp();
    expect(await figures()).toEqual({ 'ct-kiem-tra': { achieved: 2, goal: { min: 10 } } });
    expect((await overview()).plans.find((plan: any) => plan.id === PLAN_ID).revision).toEqual({ number: 1, effectiveFrom: '2021-01-01' });

    // The March task is overdue in April: its alert is raised under version 1.
    clock.current = new Date('2021-04-02T09:00:00+07:00');
    expect((await coordination.deadlines.tick()).map((alert) => alert.id)).toContain(overdueTask);
    await eventually(() => coordination.projector.projection.alerts.get(overdueTask), 5_000);
    // Police report progress on the inspection task, which both versions keep.
    const { source: _source, subject: _subject, ...progress } = buildEvent(getEventDefinition('vn.pcmd.police.task.progress-reported.v1'), { planId: PLAN_ID, taskId: 'nv-kiem-tra', percentDone: 40 } as never, { time: '2021-05-30T09:00:00+07:00' });
    expect(await postJson(`${police.url}/api/v1/events`, progress, keys.police)).toMatchObject({ status: 202 });
    await eventually(async () => ((await getAs(`${coordination.url}/api/v1/tasks?plan=${PLAN_ID}`)).body.tasks.find((entry: any) => entry.taskId === 'nv-kiem-tra').reports?.reportedPercent === 40 ? true : undefined), 10_000);
  });

  it('takes revision 2: the new goals and targets, every figure re-computed over the events already in', async () => {
    clock.current = new Date('2021-06-25T09:00:00+07:00');
    const answer = await importPlan(amended);
    expect(answer).toEqual({ status: 201, body: { planId: PLAN_ID, registered: { bodies: [], areas: [] }, revision: 2, supersedes: 1 } });
    // Answered once the board shows it. Karaoke and massage: kt-01, kt-02, kt-03; hotels: kt-04.
    expect(await figures()).toEqual({ 'ct-kiem-tra': { achieved: 3, goal: { min: 20 } }, 'ct-khach-san': { achieved: 1, goal: { min: 5 } } });
    const plan = (await overview()).plans.find((entry: any) => entry.id === PLAN_ID);
    expect(plan).toMatchObject({ number: '120/KH-UBND', revision: { number: 2, effectiveFrom: '2021-07-01' } });
    // The contributing events are the new version's, also in the store.
    const target = (await getAs(`${coordination.url}/api/v1/targets/ct-kiem-tra?plan=${PLAN_ID}`)).body;
    expect(target.contributingEvents.total).toBe(3);
    expect(target.contributingEvents.events.map((event: any) => event.eventId)).toEqual(['kt-03', 'kt-02', 'kt-01']);

    // Events after it count by the new version.
    await inspect('kt-05', 'massage', 'hn-ba-dinh-kim-ma', '2021-07-15T09:00:00+07:00');
    await eventually(async () => ((await figures())['ct-kiem-tra'].achieved === 4 ? true : undefined), 10_000);
    // The task moves with the new version's targets: 4 of 20 and 1 of 5.
    // The dropped task is off the board; the kept one keeps what police reported.
    const tasks = (await getAs(`${coordination.url}/api/v1/tasks?plan=${PLAN_ID}`)).body.tasks;
    expect(tasks).toEqual([expect.objectContaining({ taskId: 'nv-kiem-tra', status: 'in-progress', lastContributingEvent: 'kt-05', reports: expect.objectContaining({ reportedPercent: 40 }) })]);
    // Its March deadline fell due before the amendment took effect: it stands, and so does its alert (raised once).
    expect(coordination.projector.projection.deadlines.deadlines.get(`task:${PLAN_ID}:nv-ra-quan`)!.raised).toContain(overdueTask);
    const alerts = (await getAs(`${coordination.url}/api/v1/alerts/log?deadlineKind=task`)).body.alerts as any[];
    expect(alerts.filter((alert) => alert.id === overdueTask)).toHaveLength(1);
    expect((await coordination.deadlines.tick()).map((alert) => alert.id)).not.toContain(overdueTask);
  });

  it('lists every version imported, oldest first, to any signed-in user', async () => {
    const history = await getAs(`${coordination.url}/api/v1/plans/${PLAN_ID}/revisions`, tokens.police);
    expect(history).toEqual({
      status: 200,
      body: {
        planId: PLAN_ID,
        revisions: [
          { number: 1, effectiveFrom: '2021-01-01', documentNumber: '59/KH-UBND', issuedOn: '2021-01-15', importedAt: new Date('2021-02-01T09:00:00+07:00').toISOString(), current: false },
          { number: 2, effectiveFrom: '2021-07-01', documentNumber: '120/KH-UBND', issuedOn: '2021-06-20', importedAt: new Date('2021-06-25T09:00:00+07:00').toISOString(), current: true },
        ],
      },
    });
    expect((await getAs(`${coordination.url}/api/v1/plans/kh-khong-co/revisions`)).status).toBe(404);
    expect((await fetch(`${coordination.url}/api/v1/plans/${PLAN_ID}/revisions`)).status).toBe(401);
  });

  it('refuses the same or a lower revision with 409, naming the current one and how to amend, and changes nothing', async () => {
    const before = await figures();
    const again = await importPlan(amended);
    expect(again).toMatchObject({ status: 409, body: { error: 'conflict', currentRevision: 2, path: 'revision.number' } });
    expect(again.body.message).toContain('revision.number 3');
    const older = await importPlan(original);
    expect(older).toMatchObject({ status: 409, body: { currentRevision: 2 } });
    expect(await figures()).toEqual(before);
    // An effectiveFrom outside the period is refused, naming the field.
    const outside = await importPlan({ ...amended, revision: { number: 3, effectiveFrom: '2022-01-01' } });
    expect(outside.status).toBe(400);
    expect(outside.body.issues).toEqual([expect.objectContaining({ path: 'revision.effectiveFrom' })]);
    expect((await getAs(`${coordination.url}/api/v1/plans/${PLAN_ID}/revisions`)).body.revisions.map((entry: any) => entry.number)).toEqual([1, 2]);
  });

  it('gives the same board after a replay from the streams', async () => {
    await caughtUp();
    const board = await figures();
    expect(board).toEqual({ 'ct-kiem-tra': { achieved: 4, goal: { min: 20 } }, 'ct-khach-san': { achieved: 1, goal: { min: 5 } } });
    // A fresh projector over an empty store, as `npx lienganh replay` runs it: both versions are read before any agency event.
    const { natsUrl, natsSeed } = nats.identity('coordination');
    const nc = await connectToNats({ servers: natsUrl, seed: natsSeed, identity: 'coordination', name: 'plan-revision-replay', reconnectForever: false });
    const replay = new CoordinationProjector(nc, new InMemoryCoordinationStore(), { cases: await CaseReferences.open(nc), logger: { info() {}, warn() {}, error() {} } });
    await replay.catchUpAll();
    await nc.close();
    const live = coordination.projector.projection.snapshot();
    expect(replay.projection.snapshot().tallies).toEqual(live.tallies);
    expect(replay.projection.snapshot().deadlines).toEqual(live.deadlines);
    expect(replay.projection.snapshot().plans).toEqual(live.plans);

    // A second instance started afresh (in memory, so it replays) shows the same board.
    const rebuilt = await startCoordination('rebuilt');
    expect(await figures(rebuilt.url)).toEqual(board);
    expect(rebuilt.projector.projection.snapshot()).toEqual(live);
  });

  it('is what `npx lienganh plan import` says: revision imported, or the revision to import', async () => {
    const file = join(dataDir, 'sua-doi-lan-3.plan.json');
    writeFileSync(file, JSON.stringify({ ...amended, number: '150/KH-UBND', revision: { number: 3, effectiveFrom: '2021-09-01' } }));
    const imported = await runCli(['plan', 'import', file, '--url', coordination.url, '--token', tokens.secretariat]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`Đã nhập bản sửa đổi lần 3 / revision imported: ${PLAN_ID}, revision 3`);
    const again = await runCli(['plan', 'import', file, '--url', coordination.url, '--token', tokens.secretariat]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('revision.number 4');
  }, 60_000);
});
