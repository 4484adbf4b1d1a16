import { coordinationDeadlineResolved } from '@lienganh/contracts';
import { CaseReferences, CoordinationProjector, CoordinationPublisher, InMemoryCoordinationStore, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { connectToNats } from '@lienganh/platform';
import { ALERT_PLAN_IMPORTED, ALERT_PLAN_NOW, alertPlan } from '../support/alert-plan.js';
import { runCli } from '../support/cli.js';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { openEventStream } from '../support/sse.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

// The secretariat works the alert queue (#21, ADR 0019): acknowledges, notes and assigns alerts
// through the API, as events on coordination's stream, with a real nats-server; a replay and a
// second instance started afresh show the same rows.

const plan = alertPlan({ approaching: 1, overdue: 2, escalated: 1 });
const clock = { current: new Date(ALERT_PLAN_IMPORTED), now: () => clock.current };
const OVERDUE = `task:${plan.id}:nv-overdue-0`;
const OTHER = `task:${plan.id}:nv-overdue-1`;

let nats: NatsFixture;
let coordination: RunningCoordinationService;
const services: RunningCoordinationService[] = [];

const startCoordination = (instanceId?: string) =>
  startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, users: TEST_USERS, ...(instanceId ? { instanceId } : {}) }).then((service) => {
    services.push(service);
    return service;
  });
const act = (id: string, action: 'acknowledge' | 'notes' | 'assign', body: unknown = {}, token: string = tokens.secretariat, url = coordination.url) =>
  postJson(`${url}/api/v1/alerts/${encodeURIComponent(id)}/${action}`, body, token);
const rowOf = async (id: string, url = coordination.url, token: string = tokens.secretariat) => (await getAs(`${url}/api/v1/alerts/${encodeURIComponent(id)}`, token)).body;
/** Messages on coordination's stream: a refusal must add none. */
const streamMessages = async () => (await nats.jsm.streams.info('PCMD_COORDINATION_EVENTS')).state.messages;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordination();
  expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
  clock.current = new Date(ALERT_PLAN_NOW);
  const raised = await coordination.deadlines.tick();
  await eventually(() => (raised.every((alert) => coordination.projector.projection.alerts.has(alert.id)) ? true : undefined), 10_000);
}, 60_000);
afterAll(async () => {
  for (const service of services) await service.close().catch(() => undefined);
  await nats?.close();
});

describe('handling alerts through the API', () => {
  it('refuses other roles (403), bad input (400 naming the field), unknown deadlines (404), publishing nothing', async () => {
    const before = await streamMessages();
    expect((await act(OVERDUE, 'acknowledge', {}, tokens.committee)).status).toBe(403);
    expect((await act(OVERDUE, 'assign', { body: 'police' }, tokens.police)).status).toBe(403);
    for (const [action, body, path, why] of [
      ['notes', { text: 'Gọi chị Hoa số 0912 345 678' }, 'body.text', 'phone number'],
      ['notes', { text: 'Bà Nguyễn Thị Hoa chưa nộp' }, 'body.text', 'name'],
      ['notes', {}, 'body.text', ''],
      ['notes', { text: 'ok', phone: '0912345678' }, 'body.phone', 'unknown field'],
      ['assign', { body: 'border-guard' }, 'body.body', 'is not a body of plan'],
      ['assign', { body: 'Công an' }, 'body.body', 'lower-case'],
      ['acknowledge', { stage: 'overdue' }, 'body.stage', 'unknown field'],
    ] as const) {
      const answer = await act(OVERDUE, action, body);
      expect([action, answer.status, answer.body.issues?.map((issue: { path: string }) => issue.path)]).toEqual([action, 400, [path]]);
      expect(answer.body.issues[0].message).toContain(why);
      // The refused value is never echoed.
      if ('text' in body) expect(JSON.stringify(answer.body)).not.toContain(body.text);
    }
    expect((await act(`task:${plan.id}:khong-co`, 'acknowledge')).status).toBe(404);
    expect((await act(`task:${plan.id}:khong-co`, 'notes', { text: 'Ghi chú' })).status).toBe(404);
    expect(await streamMessages()).toBe(before);
    expect((await rowOf(OVERDUE)).alert).toMatchObject({ stage: 'overdue', notes: [] });
    expect((await rowOf(OVERDUE)).alert.acknowledged).toBeUndefined();
  });

  it('acknowledges once per stage, notes latest first, assigns to a body of the plan; the row and its history show it', async () => {
    clock.current = new Date('2021-06-20T10:00:00+07:00');
    const acknowledged = await act(OVERDUE, 'acknowledge');
    expect(acknowledged.status).toBe(200);
    // Answered once the queue shows it.
    expect(acknowledged.body.alert).toMatchObject({ id: OVERDUE, acknowledged: { by: 'test-secretariat', role: 'secretariat', at: clock.current.toISOString(), stage: 'overdue' } });
    expect(await act(OVERDUE, 'acknowledge')).toMatchObject({ status: 409, body: { error: 'already-acknowledged' } });

    clock.current = new Date('2021-06-20T10:05:00+07:00');
    expect((await act(OVERDUE, 'notes', { text: 'Đã gọi điện đôn đốc Công an quận' })).status).toBe(200);
    clock.current = new Date('2021-06-20T10:10:00+07:00');
    const noted = await act(OVERDUE, 'notes', { text: 'Hẹn nộp báo cáo trước 25/6' });
    expect(noted.body.alert.notes.map((note: { text: string }) => note.text)).toEqual(['Hẹn nộp báo cáo trước 25/6', 'Đã gọi điện đôn đốc Công an quận']);

    clock.current = new Date('2021-06-20T10:15:00+07:00');
    // Open dashboards hear of it: the row, as the queue shows it.
    const stream = await openEventStream(`${coordination.url}/api/v1/stream`, tokens.committee);
    const assigned = await act(OVERDUE, 'assign', { body: 'culture' });
    await stream.next((event) => event.type === 'alert-handled' && event.data.id === OVERDUE && event.data.assignedTo?.body === 'culture', 5_000);
    stream.close();
    expect(assigned).toMatchObject({ status: 200, body: { alert: { assignedTo: { body: 'culture', by: 'test-secretariat' } } } });
    expect(await act(OVERDUE, 'assign', { body: 'culture' })).toMatchObject({ status: 409, body: { error: 'already-assigned' } });

    const { alert, history } = await rowOf(OVERDUE);
    expect(alert).toEqual(assigned.body.alert);
    expect(history.map((entry: { kind: string }) => entry.kind)).toEqual(['overdue', 'acknowledged', 'noted', 'noted', 'assigned']);
    // Every role sees the state.
    expect((await rowOf(OVERDUE, coordination.url, tokens.committee)).alert).toMatchObject({ assignedTo: { body: 'culture' }, notes: [{ text: 'Hẹn nộp báo cáo trước 25/6' }, {}] });
  });

  it('filters the queue by acknowledged and assignee', async () => {
    const queue = async (query: string) => (await getAs(`${coordination.url}/api/v1/alerts?plan=${plan.id}&${query}`)).body;
    expect((await queue('acknowledged=true')).alerts.map((row: { id: string }) => row.id)).toEqual([OVERDUE]);
    const unacknowledged = await queue('acknowledged=false');
    expect(unacknowledged.total).toBe(3);
    expect(unacknowledged.alerts.map((row: { id: string }) => row.id)).not.toContain(OVERDUE);
    expect((await queue('assignedTo=culture')).alerts.map((row: { id: string }) => row.id)).toEqual([OVERDUE]);
    expect((await queue('assignedTo=police')).total).toBe(0);
    const bad = await getAs(`${coordination.url}/api/v1/alerts?acknowledged=yes`);
    expect([bad.status, bad.body.issues.map((issue: { path: string }) => issue.path)]).toEqual([400, ['query.acknowledged']]);
  });

  it('refuses to acknowledge or assign a resolved alert (409) but takes a note', async () => {
    // Resolved as the deadline engine resolves it: a `deadline.resolved` on coordination's stream.
    const { natsUrl, natsSeed } = nats.identity('coordination');
    const nc = await connectToNats({ servers: natsUrl, seed: natsSeed, identity: 'coordination', name: 'alert-handling-resolve', reconnectForever: false });
    const { raised: _raised, id: deadlineId, ...deadline } = coordination.projector.projection.deadlines.deadlines.get(OTHER)!;
    await new CoordinationPublisher(nc).publish(coordinationDeadlineResolved, { deadlineId, kind: deadline.kind, agency: deadline.agency, areaCode: deadline.areaCode, dueAt: deadline.dueAt, refId: deadline.refId, planId: deadline.planId }, { id: `${OTHER}:resolved`, time: '2021-06-20T10:30:00+07:00' });
    await nc.close();
    await eventually(async () => ((await rowOf(OTHER)).alert.stage === 'resolved' ? true : undefined), 10_000);
    const before = await streamMessages();
    expect(await act(OTHER, 'acknowledge')).toMatchObject({ status: 409, body: { error: 'alert-resolved' } });
    expect(await act(OTHER, 'assign', { body: 'police' })).toMatchObject({ status: 409, body: { error: 'alert-resolved' } });
    expect(await streamMessages()).toBe(before);
    expect((await act(OTHER, 'notes', { text: 'Đã nhận báo cáo, kết thúc theo dõi' })).status).toBe(200);
  });

  it('is worked from the CLI too: npx lienganh alerts ack|note|assign', async () => {
    const escalated = `task:${plan.id}:nv-escalated-0`;
    const connection = ['--url', coordination.url, '--token', tokens.secretariat];
    const ack = await runCli(['alerts', 'ack', escalated, ...connection]);
    expect([ack.code, ack.stderr]).toEqual([0, '']);
    expect(ack.stdout).toContain('đã xác nhận / acknowledged (test-secretariat)');
    const refused = await runCli(['alerts', 'note', escalated, 'Gọi số 0912 345 678', ...connection]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('body.text');
    expect(refused.stderr).not.toContain('0912');
    expect((await runCli(['alerts', 'assign', escalated, 'police', ...connection])).code).toBe(0);
    expect((await rowOf(escalated)).alert).toMatchObject({ acknowledged: { stage: 'escalated' }, assignedTo: { body: 'police' }, notes: [] });
  }, 60_000);

  it('shows the same after a replay from the stream and in a second instance started afresh', async () => {
    const { natsUrl, natsSeed } = nats.identity('coordination');
    const nc = await connectToNats({ servers: natsUrl, seed: natsSeed, identity: 'coordination', name: 'alert-handling-replay', reconnectForever: false });
    const replay = new CoordinationProjector(nc, new InMemoryCoordinationStore(), { cases: await CaseReferences.open(nc), logger: { info() {}, warn() {}, error() {} } });
    await replay.catchUpAll();
    await nc.close();
    expect(replay.projection.snapshot().alertHandlings).toEqual(coordination.projector.projection.snapshot().alertHandlings);
    expect(replay.projection.alertHandlings.get(OVERDUE)!.facts).toHaveLength(4);

    const second = await startCoordination('second');
    expect((await rowOf(OVERDUE, second.url)).alert).toEqual((await rowOf(OVERDUE)).alert);
    // A command taken on the second instance is seen by the first.
    clock.current = new Date('2021-06-20T11:00:00+07:00');
    expect((await act(OVERDUE, 'assign', { body: 'police' }, tokens.secretariat, second.url)).status).toBe(200);
    await eventually(async () => ((await rowOf(OVERDUE)).alert.assignedTo?.body === 'police' ? true : undefined), 10_000);
    // The same note sent twice at once (a retried request) is stored once.
    const text = 'Gửi lại cùng một ghi chú';
    const answers = await Promise.all([act(OVERDUE, 'notes', { text }), act(OVERDUE, 'notes', { text })]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    await eventually(async () => ((await rowOf(OVERDUE, second.url)).alert.notes.length === 3 ? true : undefined), 10_000, () => JSON.stringify(coordination.projector.projection.alertHandlings.get(OVERDUE)?.facts.map((fact) => fact.id)));
    expect((await rowOf(OVERDUE)).alert.notes.filter((note: { text: string }) => note.text === text)).toHaveLength(1);
  });
});
