import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildEvent, policeInspectionCompleted, STREAMS, type BusEvent } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { openEventStream } from '../support/sse.js';
import { asUser, TEST_USERS, tokens } from '../support/users.js';

const keys = { police: 'police-test-key-0123456789' };
const june2021 = { now: () => new Date('2021-06-01T09:00:00+07:00') };
const [baDinhFile, canThoFile] = DEMO_PLAN_FILES as [string, string];
const baDinh = parseYaml(readFileSync(baDinhFile, 'utf8'));
const canTho = parseYaml(readFileSync(canThoFile, 'utf8'));

let nats: NatsFixture;
let police: RunningAgencyService;
let coordination: RunningCoordinationService;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-board-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: june2021, deadlineTickMs: 0, users: TEST_USERS });
});
afterAll(async () => {
  await coordination?.close();
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const get = async (path: string) => {
  const response = await fetch(`${coordination.url}${path}`, { headers: asUser() });
  return { status: response.status, body: (await response.json()) as any };
};
const importPlan = (plan: unknown) => postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat);
const overviewOf = async (targetId: string) => (await get('/api/v1/committee/overview')).body.targets.find((target: { id: string }) => target.id === targetId);
const agencyStreamMessages = async () => (await nats.jsm.streams.info(STREAMS.agencyEvents.name)).state.messages;
const coordinationStreamMessages = async () => (await nats.jsm.streams.info(STREAMS.coordinationEvents.name)).state.messages;

/** An administrative inspection as the police system posts it, on a day of 2021. */
function inspection(n: number): Omit<BusEvent, 'source' | 'subject'> {
  const data = { ...policeInspectionCompleted.example, inspectionId: `kt-ba-dinh-${n}`, areaCode: 'hn-ba-dinh-kim-ma', business: { businessId: `cs-${n}`, kind: 'karaoke' as const } };
  const { source: _source, subject: _subject, ...event } = buildEvent(policeInspectionCompleted, data, { time: new Date(Date.UTC(2021, 2, 1, 2) + n * 3_600_000) });
  return event;
}

describe('coordination: plans, the committee view and the board', () => {
  it('rejects an invalid plan with every problem listed, and stores nothing', async () => {
    const broken = structuredClone(baDinh);
    broken.id = 'kh-hong';
    broken.period.end = '2020-01-01'; // before the start
    broken.targets[0].measure.eventType = 'vn.pcmd.police.nothing.v1'; // not in the catalog
    broken.tasks[0].lead = 'bo-khong-ton-tai'; // neither registered nor declared
    broken.tasks[1].owner = 'labour'; // not a field of the format
    const before = await coordinationStreamMessages();

    const response = await importPlan(broken);

    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid-plan');
    const paths = response.body.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['period.end', 'targets.0.measure.eventType', 'tasks.1.owner']));
    expect(await coordinationStreamMessages()).toBe(before);
    expect((await get('/api/v1/tasks?plan=kh-hong')).body.tasks).toEqual([]);
  });

  it('names bodies and areas a valid-looking plan does not declare, and stores nothing', async () => {
    const unknownBody = structuredClone(baDinh);
    unknownBody.id = 'kh-thieu-co-quan';
    unknownBody.tasks[0].lead = 'bo-khong-ton-tai';
    unknownBody.tasks[2].area = 'hn-khong-co';
    const response = await importPlan(unknownBody);
    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([
      { path: 'tasks.0.lead', message: 'body "bo-khong-ton-tai" is neither registered nor declared under bodies' },
      { path: 'tasks.2.area', message: 'area "hn-khong-co" is neither registered nor declared under areas' },
    ]);
    expect(await coordinationStreamMessages()).toBe(0);
  });

  it('imports the Ba Đình plan, then shows 37 police inspections as 37/400 within a second of the last post, and on the stream', async () => {
    const imported = await importPlan(baDinh);
    expect(imported.status).toBe(201);
    expect(imported.body.planId).toBe('kh-ba-dinh-2021');
    expect(imported.body.registered.areas).toContain('hn-ba-dinh-kim-ma');
    expect((await importPlan(baDinh)).status).toBe(409);

    const events = await openEventStream(`${coordination.url}/api/v1/stream`, tokens.secretariat);
    try {
      for (let n = 0; n < 37; n++) expect((await postJson(`${police.url}/api/v1/events`, inspection(n), keys.police)).status).toBe(202);
      const lastPost = Date.now();
      const target = await eventually(async () => {
        const current = await overviewOf('ct-kiem-tra-hanh-chinh-400');
        return current?.achieved === 37 ? current : undefined;
      }, 1_000);
      expect(Date.now() - lastPost).toBeLessThan(1_000);
      expect(target).toMatchObject({
        planId: 'kh-ba-dinh-2021',
        agency: 'police',
        measure: 'count',
        goal: { min: 400 },
        achieved: 37,
        percent: 9.25,
        status: 'at-risk',
        title: { vi: expect.stringContaining('400'), en: expect.stringContaining('400') },
      });
      const streamed = await events.next((event) => event.type === 'target' && event.data.id === 'ct-kiem-tra-hanh-chinh-400' && event.data.achieved === 37, 1_000);
      expect(streamed.data.percent).toBe(9.25);
      await events.next((event) => event.type === 'task' && event.data.taskId === 'nv-chung-02' && event.data.status === 'in-progress');
    } finally {
      events.close();
    }
  });

  it('returns a target with its latest contributing events, read back from the stream, the latest first', async () => {
    const { status, body } = await get('/api/v1/targets/ct-kiem-tra-hanh-chinh-400?limit=5');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'ct-kiem-tra-hanh-chinh-400', achieved: 37, byArea: { 'hn-ba-dinh-kim-ma': 37 } });
    expect(body.contributingEvents.total).toBe(37);
    // Posted one after the other, an hour apart: the last five posted, the last first.
    expect(body.contributingEvents.events.map((event: { time: string }) => event.time)).toEqual([36, 35, 34, 33, 32].map((n) => new Date(Date.UTC(2021, 2, 1, 2) + n * 3_600_000).toISOString()));
    expect(body.contributingEvents.events[0]).toMatchObject({ targetKey: 'kh-ba-dinh-2021/ct-kiem-tra-hanh-chinh-400', agency: 'police', areaCode: 'hn-ba-dinh-kim-ma', numerator: '' });
    expect((await get('/api/v1/targets/ct-khong-co')).status).toBe(404);
    expect((await get('/api/v1/targets/ct-kiem-tra-hanh-chinh-400?limit=-1')).body).toMatchObject({ error: 'invalid-query', issues: [{ path: 'query.limit' }] });
  });

  it('filters the task board by agency, status, area and due date, and names the last contributing event', async () => {
    const police = (await get('/api/v1/tasks?agency=police')).body.tasks;
    expect(police.length).toBeGreaterThan(0);
    expect(police.every((task: { lead: string; supporting: string[] }) => task.lead === 'police' || task.supporting.includes('police'))).toBe(true);
    const moving = (await get('/api/v1/tasks?status=in-progress')).body.tasks;
    expect(moving.map((task: { taskId: string }) => task.taskId)).toContain('nv-chung-02');
    expect(moving.find((task: { taskId: string }) => task.taskId === 'nv-chung-02').lastContributingEvent).toBeDefined();
    expect((await get('/api/v1/tasks?dueBefore=2021-01-01')).body.tasks).toEqual([]);
    expect((await get('/api/v1/tasks?area=hn-tay-ho')).body.tasks).toEqual([]);
    expect((await get('/api/v1/tasks?status=late')).body).toMatchObject({ error: 'invalid-query', issues: [{ path: 'query.status' }] });
  });

  it('imports a two-tier province plan naming the border guard, and shows it beside Ba Đình', async () => {
    const imported = await importPlan(canTho);
    expect(imported.status).toBe(201);
    const borderGuard = canTho.bodies.find((body: { name: { en: string } }) => /border guard/i.test(body.name.en)).code;
    expect(imported.body.registered.bodies).toContain(borderGuard);

    const tasks = (await get('/api/v1/tasks')).body.tasks;
    expect(new Set(tasks.map((task: { planId: string }) => task.planId))).toEqual(new Set(['kh-ba-dinh-2021', canTho.id]));
    const guardTasks = (await get(`/api/v1/tasks?agency=${borderGuard}`)).body.tasks;
    expect(guardTasks.length).toBeGreaterThan(0);
    expect(guardTasks.every((task: { planId: string }) => task.planId === canTho.id)).toBe(true);

    const overview = (await get('/api/v1/committee/overview')).body;
    expect(overview.plans.map((plan: { id: string; level: string }) => [plan.id, plan.level])).toEqual([
      ['kh-ba-dinh-2021', 'district'],
      [canTho.id, 'province'],
    ]);
    const province = overview.plans[1];
    expect(province.areas.length).toBe(canTho.areas.filter((area: { parent?: string }) => area.parent === canTho.area).length);
    expect(overview.agencies.map((agency: { agency: string }) => agency.agency)).toContain(borderGuard);
    // Ba Đình's events do not count for Cần Thơ.
    expect(overview.targets.filter((target: { planId: string }) => target.planId === canTho.id).every((target: { achieved: number; measure: string }) => target.measure === 'percentage' || target.achieved === 0)).toBe(true);
    expect(await agencyStreamMessages()).toBe(37);
  });
});
