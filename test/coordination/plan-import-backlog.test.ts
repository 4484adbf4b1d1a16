import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildEvent, culturePublicationPublished, policeReferralMade, policeReportSubmitted, STREAMS, type EventDefinition } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, WebhookAllowList, type RunningCoordinationService } from '@lienganh/coordination';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { cultureService } from '@lienganh/culture';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

// Issue #17, defect 8 (ADR 0010, 8): a plan of past periods imported into a running coordination
// raises no flood of alerts and webhook calls; what had passed at the import is a backlog per
// body on the board; a plan's `alertsFrom` starts its alerts on that day. Real nats-server,
// real agency services, a real webhook receiver; the clock is coordination's, injected.

const keys = { police: 'police-test-key-0123456789', culture: 'culture-test-key-0123456789' };
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));

/** Coordination's clock: the import's time is the `plan.published` event's, taken from it. */
const clock = { current: new Date('2026-12-05T09:00:00+07:00'), now: () => clock.current };
const setClock = (time: string) => (clock.current = new Date(time));

let nats: NatsFixture;
let police: RunningAgencyService;
let culture: RunningAgencyService;
let coordination: RunningCoordinationService;
let dataDir: string;

/** Every webhook call, as `<receiver path> <Lienganh-Delivery>`: the agencies' receivers and the committee's. */
const calls: string[] = [];
let receiver: Server;
let receiverUrl: string;
/** The receiver listens on 127.0.0.1: loopback allowed explicitly, as LIENGANH_WEBHOOK_ALLOW=127.0.0.1 would. */
const LOOPBACK_ALLOWED = new WebhookAllowList(['127.0.0.1']);
const webhooks = () =>
  Object.fromEntries(['police', 'labour', 'culture', 'committee', 'ubnd-phuong'].map((name) => [name, { url: `${receiverUrl}/${name}`, secret: `${name}-webhook-secret-0123456789` }]));

beforeAll(async () => {
  receiver = createServer((request, response) => {
    calls.push(`${request.url} ${String(request.headers['lienganh-delivery'])}`);
    request.resume().on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-backlog-'));
  const config = (agency: 'police' | 'culture') => ({ ...nats.identity(agency), port: 0, dataDir, keys });
  [police, culture] = await Promise.all([startAgencyService(policeService, config('police')), startAgencyService(cultureService, config('culture'))]);
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, webhooks: webhooks(), webhookAllow: LOOPBACK_ALLOWED, users: TEST_USERS });
}, 60_000);
afterAll(async () => {
  await coordination?.close();
  await Promise.all([police?.close(), culture?.close()]);
  await nats?.close();
  receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function post(service: RunningAgencyService, key: string, definition: EventDefinition, data: Record<string, unknown>, time: string): Promise<void> {
  const { source: _source, subject: _subject, ...event } = buildEvent(definition, data as never, { time: new Date(time) });
  expect((await postJson(`${service.url}/api/v1/events`, event, key)).status).toBe(202);
}

/** Ticks, then waits until what was raised is on the board and every alert on the stream has been handed to the receivers. */
async function tick(): Promise<string[]> {
  const raised = await coordination.deadlines.tick();
  await eventually(() => (raised.every((alert) => coordination.projector.projection.alerts.has(alert.id)) ? true : undefined), 10_000);
  await eventually(async () => {
    const info = await nats.jsm.consumers.info(STREAMS.coordinationEvents.name, 'coordination-alert-delivery');
    return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
  }, 10_000);
  return raised.map((alert) => alert.id);
}

const planSummary = async (planId: string) => ((await getAs(`${coordination.url}/api/v1/committee/overview`, tokens.committee)).body.plans as any[]).find((plan) => plan.id === planId);

describe('importing a plan of past periods', () => {
  it('raises no alert and calls no webhook; the board shows what was missed before the import per body', async () => {
    // Given the agencies' events of 2021 on the stream: police reported January on time, and
    // referred someone to labour in June, which labour never answered.
    await post(police, keys.police, policeReportSubmitted, { reportId: 'bc-ca-2021-01', reportingBody: 'police', areaCode: 'hn-ba-dinh', cadence: 'monthly', period: '2021-01' }, '2021-02-03T09:00:00+07:00');
    await post(police, keys.police, policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-2021-cu', areaCode: 'hn-ba-dinh-kim-ma', toAgency: 'labour' }, '2021-06-10T09:00:00+07:00');
    await eventually(() => (coordination.projector.projection.referrals.has('cg-2021-cu') ? true : undefined), 10_000);

    // When the Ba Đình plan of 2021 is imported in December 2026
    expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
    const deadlines = [...coordination.projector.projection.deadlines.deadlines.values()].filter((deadline) => deadline.planId === baDinh.id);
    expect(deadlines.length).toBeGreaterThan(250); // every one of them long past

    // Then the engine raises nothing, at the import and later, and no receiver is called
    expect(await tick()).toEqual([]);
    setClock('2026-12-05T20:00:00+07:00');
    expect(await tick()).toEqual([]);
    expect((await getAs(`${coordination.url}/api/v1/alerts`, tokens.secretariat)).body.alerts).toEqual([]);
    expect(calls).toEqual([]);

    // And the board shows the backlog per body, by kind
    const summary = await planSummary(baDinh.id);
    expect(summary.alertsFrom).toBe(new Date('2026-12-05T09:00:00+07:00').toISOString());
    const of = (body: string) => summary.backlog.find((entry: { body: string }) => entry.body === body);
    // 12 months, 4 quarters and the year: 17 reports owed by each of the 14 ward committees…
    expect(of('ubnd-phuong').kinds['periodic-report']).toBe(17 * 14);
    // …and by police, who sent January's on time.
    expect(of('police').kinds['periodic-report']).toBe(16);
    expect(of('labour').kinds['referral-handover']).toBe(1);
    for (const entry of summary.backlog) expect(entry.missed).toBe(Object.values(entry.kinds as Record<string, number>).reduce((sum, count) => sum + count, 0));
    expect(summary.backlog.map((entry: { missed: number }) => entry.missed)).toEqual([...summary.backlog.map((entry: { missed: number }) => entry.missed)].sort((a, b) => b - a));
  });

  it('with alertsFrom, raises alerts from that day only, each delivered once: a period before it is backlog', async () => {
    // A plan for the first half of 2026, transcribed in January, whose alerts the committee starts on 1 March:
    // police report monthly, culture publishes every month (a cadence target no task names).
    const plan = {
      id: 'kh-thu-2026',
      number: '3/KH-THU',
      issuedOn: '2026-01-02',
      issuingBody: 'coordination',
      level: 'district',
      area: 'hn-thu-2026',
      period: { start: '2026-01-01', end: '2026-06-30' },
      alertsFrom: '2026-03-01',
      title: { vi: 'Kế hoạch thử 6 tháng đầu năm 2026', en: 'Test plan, first half of 2026' },
      areas: [{ code: 'hn-thu-2026', name: { vi: 'Quận thử', en: 'Test district' }, level: 'district' }],
      targets: [{ id: 'ct-tin-bai', title: { vi: 'Tin bài mỗi tháng', en: 'An article every month' }, agency: 'culture', measure: { kind: 'cadence', eventType: culturePublicationPublished.type, every: 'month' }, goal: { min: 6 } }],
      tasks: [],
      reporting: { to: 'labour', from: ['police'], cadences: ['monthly'], dueDays: 5 },
      deadlines: { escalateAfterDays: 60 },
    };
    setClock('2026-01-10T09:00:00+07:00');
    expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
    const ofPlan = (ids: string[]) => ids.filter((id) => id.includes(plan.id));

    // January's report was due on 5 February, January's and February's articles by the end of
    // their month: all before 1 March, never alerted.
    setClock('2026-02-10T09:00:00+07:00');
    expect(ofPlan(await tick())).toEqual([]);
    // February's report was due on 5 March: alerted the next day, once.
    setClock('2026-03-06T09:00:00+07:00');
    expect(ofPlan(await tick())).toEqual([`report:${plan.id}:police:monthly:2026-02:overdue`]);
    setClock('2026-03-07T09:00:00+07:00');
    expect(ofPlan(await tick())).toEqual([]);
    // March ended without an article: the cadence target alerts culture though no task names it (defect 9).
    setClock('2026-04-01T09:00:00+07:00');
    expect(ofPlan(await tick())).toEqual([`cadence:${plan.id}:ct-tin-bai:2026-03:overdue`]);
    expect(calls.sort()).toEqual([`/culture cadence:${plan.id}:ct-tin-bai:2026-03:overdue:culture`, `/police report:${plan.id}:police:monthly:2026-02:overdue:police`]);

    const summary = await planSummary(plan.id);
    expect(summary.alertsFrom).toBe('2026-03-01T00:00:00+07:00');
    expect(summary.backlog).toEqual([
      { body: 'culture', missed: 2, kinds: { task: 2 } },
      { body: 'police', missed: 1, kinds: { 'periodic-report': 1 } },
    ]);
  });
});
