import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  buildEvent,
  coordinationDeadlineOverdue,
  culturePublicationPublished,
  cultureReportSubmitted,
  labourReferralAccepted,
  policeReferralMade,
  policeReportSubmitted,
  STREAMS,
  type BusEvent,
  type EventDefinition,
} from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, WebhookAllowList, type RunningCoordinationService } from '@lienganh/coordination';
import { labourService } from '@lienganh/labour';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { cultureService } from '@lienganh/culture';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { openEventStream } from '../support/sse.js';
import { asUser, TEST_USERS, tokens } from '../support/users.js';

const DAY = 86_400_000;
const keys = { police: 'police-test-key-0123456789', labour: 'labour-test-key-0123456789', culture: 'culture-test-key-0123456789' };
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));

/** The clock every coordination instance of this file reads; tests move it. */
const clock = { current: new Date('2021-06-01T09:00:00+07:00'), now: () => clock.current };
const setClock = (time: string | number) => (clock.current = new Date(time));

let nats: NatsFixture;
let police: RunningAgencyService;
let labour: RunningAgencyService;
let culture: RunningAgencyService;
let coordination: RunningCoordinationService;
let dataDir: string;

/** Labour's alert receiver: a real HTTP server that records each delivery id it is sent. */
const deliveries: string[] = [];
let receiver: Server;
let receiverUrl: string;
/** The receiver listens on 127.0.0.1: loopback allowed explicitly, as LIENGANH_WEBHOOK_ALLOW=127.0.0.1 would. */
const LOOPBACK_ALLOWED = new WebhookAllowList(['127.0.0.1']);
const webhooks = () => ({ labour: { url: receiverUrl, secret: 'labour-webhook-secret-0123456789' } });

const startCoordination = () => startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, webhooks: webhooks(), webhookAllow: LOOPBACK_ALLOWED, users: TEST_USERS });

beforeAll(async () => {
  receiver = createServer((request, response) => {
    deliveries.push(String(request.headers['lienganh-delivery']));
    request.resume().on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/alerts`;
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-deadlines-'));
  const config = (agency: 'police' | 'labour' | 'culture') => ({ ...nats.identity(agency), port: 0, dataDir, keys });
  [police, labour, culture] = await Promise.all([startAgencyService(policeService, config('police')), startAgencyService(labourService, config('labour')), startAgencyService(cultureService, config('culture'))]);
  coordination = await startCoordination();
  expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
});
afterAll(async () => {
  await coordination?.close();
  await Promise.all([police, labour, culture].map((service) => service?.close()));
  await nats?.close();
  receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Waits until every alert on the stream has been handed to the receivers (the delivery consumer acked it). */
async function deliveredAll(): Promise<void> {
  await eventually(async () => {
    const info = await nats.jsm.consumers.info(STREAMS.coordinationEvents.name, 'coordination-alert-delivery');
    return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
  }, 10_000);
}

/** Posts an agency's event as its system does, with the time it happened. */
async function post(service: RunningAgencyService, key: string, definition: EventDefinition, data: Record<string, unknown>, time: Date): Promise<BusEvent> {
  const { source: _source, subject: _subject, ...event } = buildEvent(definition, data as never, { time });
  expect((await postJson(`${service.url}/api/v1/events`, event, key)).status).toBe(202);
  return event as BusEvent;
}

const referral = (referralId: string) => ({ ...policeReferralMade.example, referralId, areaCode: 'hn-ba-dinh-kim-ma', toAgency: 'labour' });
const deadlineOf = (id: string) => coordination.projector.projection.deadlines.deadlines.get(id);
/** A referral's hand-over deadline, named by its case reference (ADR 0021): the same in every instance of the deployment. */
const handover = (referralId: string) => coordination.projector.projection.deadlines.referralDeadlineId(referralId);
const alerts = async (query: string) => ((await (await fetch(`${coordination.url}/api/v1/alerts/log?${query}`, { headers: asUser() })).json()) as { alerts: any[] }).alerts;
/** Ticks, then waits until the alerts raised are on the board. */
async function tick() {
  const raised = await coordination.deadlines.tick();
  await eventually(() => (raised.every((alert) => coordination.projector.projection.alerts.has(alert.id)) ? true : undefined), 5_000);
  return raised;
}
async function overdueEventsOnStream(deadlineId: string): Promise<number> {
  let count = 0;
  const { state } = await nats.jsm.streams.info(STREAMS.coordinationEvents.name);
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const message = await nats.jsm.streams.getMessage(STREAMS.coordinationEvents.name, { seq });
    if (message?.subject === coordinationDeadlineOverdue.subject && message.header.get('ce-subject') === deadlineId) count++;
  }
  return count;
}

/** Coordination's messages (data and headers: what consumer identities and webhook subscribers get) that mention `text`. */
async function coordinationMessagesMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  const { state } = await nats.jsm.streams.info(STREAMS.coordinationEvents.name);
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const message = await nats.jsm.streams.getMessage(STREAMS.coordinationEvents.name, { seq });
    const headers = message?.header ? [...message.header.keys()].map((key) => message.header.get(key)).join(' ') : '';
    if (message && `${headers} ${message.string()}`.includes(text)) found.push(message.subject);
  }
  return found;
}

describe('deadline engine', () => {
  it('raises "approaching" at the lead time, exactly one "overdue" across restarts around the deadline, and "resolved" when labour answers late', async () => {
    const made = new Date('2021-06-01T09:00:00+07:00');
    await post(police, keys.police, policeReferralMade, referral('cg-han-1'), made);
    const deadline = await eventually(() => deadlineOf(handover('cg-han-1')), 5_000);
    // The plan gives labour 7 days to answer a police referral, and warns 3 days before.
    expect(deadline).toMatchObject({ kind: 'referral-handover', agency: 'labour', areaCode: 'hn-ba-dinh-kim-ma', dueAt: new Date(made.getTime() + 7 * DAY).toISOString() });
    const due = Date.parse(deadline.dueAt);

    setClock(due - 3 * DAY - 60_000);
    expect((await tick()).filter((alert) => alert.deadline.id === deadline.id)).toEqual([]);
    setClock(due - 3 * DAY + 60_000);
    const stream = await openEventStream(`${coordination.url}/api/v1/stream`, tokens.secretariat);
    try {
      expect((await tick()).filter((alert) => alert.deadline.id === deadline.id).map((alert) => alert.id)).toEqual([`${handover('cg-han-1')}:approaching:3`]);
      const streamed = await stream.next((event) => event.type === 'alert' && event.data.id === `${handover('cg-han-1')}:approaching:3`);
      expect(streamed.data).toMatchObject({ kind: 'approaching', leadDays: 3, status: 'open', deadline: { id: handover('cg-han-1'), agency: 'labour' } });
    } finally {
      stream.close();
    }

    // Stopped before the deadline, started again after it: the overdue alert comes once.
    await coordination.close();
    setClock(due + 60 * 60_000);
    coordination = await startCoordination();
    expect((await tick()).filter((alert) => alert.deadline.id === deadline.id).map((alert) => alert.id)).toEqual([`${handover('cg-han-1')}:overdue`]);
    expect((await tick()).filter((alert) => alert.deadline.id === deadline.id)).toEqual([]);
    await coordination.close();
    coordination = await startCoordination();
    expect((await tick()).filter((alert) => alert.deadline.id === deadline.id)).toEqual([]);
    expect(await overdueEventsOnStream(handover('cg-han-1'))).toBe(1);
    // The alerts name the case by its reference: nothing coordination published names the referral (ADR 0021).
    expect(await coordinationMessagesMentioning('cg-han-1')).toEqual([]);
    await deliveredAll();
    expect(deliveries.filter((id) => id === `${handover('cg-han-1')}:overdue:labour`)).toHaveLength(1);
    expect(deliveries.filter((id) => id === `${handover('cg-han-1')}:approaching:3:labour`)).toHaveLength(1);

    const open = await alerts('deadlineKind=referral-handover&agency=labour&status=open');
    expect(open.map((alert) => alert.kind)).toEqual(['approaching', 'overdue']);
    expect(open[1]).toMatchObject({ id: `${handover('cg-han-1')}:overdue`, status: 'open', deadline: { id: handover('cg-han-1'), agency: 'labour', refId: handover('cg-han-1').slice('referral:'.length), referralId: 'cg-han-1' } });

    // Labour answers late: the deadline is resolved, and the alerts no longer show as open.
    await post(labour, keys.labour, labourReferralAccepted, { referralId: 'cg-han-1', plannedServices: ['counselling'] }, new Date(due + 2 * 60 * 60_000));
    await eventually(() => deadlineOf(handover('cg-han-1'))?.metAt, 5_000);
    setClock(due + 3 * 60 * 60_000);
    expect((await tick()).filter((alert) => alert.deadline.id === deadline.id).map((alert) => alert.id)).toEqual([`${handover('cg-han-1')}:resolved`]);
    expect(await alerts('deadlineKind=referral-handover&status=open')).toEqual([]);
    expect((await alerts('kind=resolved&agency=labour')).map((alert) => alert.id)).toEqual([`${handover('cg-han-1')}:resolved`]);
  });

  it('raises nothing for a hand-over met in time', async () => {
    const made = new Date(clock.current.getTime());
    await post(police, keys.police, policeReferralMade, referral('cg-han-2'), made);
    await eventually(() => deadlineOf(handover('cg-han-2')), 5_000);
    await post(labour, keys.labour, labourReferralAccepted, { referralId: 'cg-han-2', plannedServices: ['counselling'] }, new Date(made.getTime() + DAY));
    await eventually(() => deadlineOf(handover('cg-han-2'))?.metAt, 5_000);
    for (const days of [5, 8, 20]) {
      setClock(made.getTime() + days * DAY);
      expect((await tick()).filter((alert) => alert.deadline.id === handover('cg-han-2'))).toEqual([]);
    }
  });

  it('raises an overdue alert for exactly the agency and district whose monthly report is missing', async () => {
    // Two district plans for May 2021, each owed a monthly report by police and culture.
    const districtPlan = (id: string, district: string) => ({
      id,
      number: `${id}/KH`,
      issuedOn: '2021-04-20',
      issuingBody: 'coordination',
      level: 'district',
      area: district,
      period: { start: '2021-05-01', end: '2021-05-31' },
      title: { vi: `Kế hoạch tháng 5 (${district})`, en: `May plan (${district})` },
      areas: [
        { code: 'hn-thu', name: { vi: 'Hà Nội (thử)', en: 'Hanoi (test)' }, level: 'province' },
        { code: district, name: { vi: district, en: district }, level: 'district', parent: 'hn-thu' },
      ],
      targets: [],
      tasks: [],
      reporting: { to: 'labour', from: ['police', 'culture'], cadences: ['monthly'], dueDays: 5 },
    });
    // Imported on 1 June, before May's reports are due (a deadline passed at import raises nothing: ADR 0010, 8).
    setClock('2021-06-01T09:00:00+07:00');
    for (const plan of [districtPlan('kh-thu-a', 'hn-thu-a'), districtPlan('kh-thu-b', 'hn-thu-b')]) {
      expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
    }
    const report = (district: string, reportId: string) => ({ reportId, reportingBody: reportId.split('-')[1], areaCode: district, cadence: 'monthly', period: '2021-05' });
    const sent = new Date('2021-06-02T10:00:00+07:00');
    await post(police, keys.police, policeReportSubmitted, report('hn-thu-a', 'bc-police-a'), sent);
    await post(police, keys.police, policeReportSubmitted, report('hn-thu-b', 'bc-police-b'), sent);
    await post(culture, keys.culture, cultureReportSubmitted, report('hn-thu-b', 'bc-culture-b'), sent);
    await eventually(() => (['report:kh-thu-a:police:monthly:2021-05', 'report:kh-thu-b:police:monthly:2021-05', 'report:kh-thu-b:culture:monthly:2021-05'].every((id) => deadlineOf(id)?.metAt) ? true : undefined), 5_000);

    setClock('2021-06-06T08:00:00+07:00'); // due at the end of 5 June
    const raised = (await tick()).filter((alert) => alert.deadline.planId.startsWith('kh-thu-'));
    expect(raised.map((alert) => [alert.kind, alert.deadline.agency, alert.deadline.areaCode, alert.deadline.refId])).toEqual([['overdue', 'culture', 'hn-thu-a', 'monthly:2021-05']]);
    expect((await alerts('deadlineKind=periodic-report&area=hn-thu-a')).map((alert) => alert.id)).toEqual(['report:kh-thu-a:culture:monthly:2021-05:overdue']);
    expect(await alerts('deadlineKind=periodic-report&area=hn-thu-b')).toEqual([]);
  });

  it('holds a recurring duty to its cadence target: a month without a publication is overdue, a month with one is not', async () => {
    const plan = {
      id: 'kh-thu-tuyen-truyen',
      number: 'TT/KH',
      issuedOn: '2021-04-20',
      issuingBody: 'coordination',
      level: 'district',
      area: 'hn-thu-c',
      period: { start: '2021-05-01', end: '2021-06-30' },
      title: { vi: 'Tuyên truyền hằng tháng', en: 'Monthly awareness' },
      areas: [{ code: 'hn-thu-c', name: { vi: 'Quận thử C', en: 'Test district C' }, level: 'district' }],
      targets: [{ id: 'ct-tin-bai', title: { vi: 'Tin bài mỗi tháng', en: 'An article every month' }, agency: 'culture', measure: { kind: 'cadence', eventType: culturePublicationPublished.type, every: 'month' }, goal: { min: 2 } }],
      tasks: [{ id: 'nv-tuyen-truyen', title: { vi: 'Đưa tin hằng tháng', en: 'Publish monthly' }, lead: 'culture', recurrence: 'monthly', targets: ['ct-tin-bai'] }],
    };
    expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
    await post(culture, keys.culture, culturePublicationPublished, { ...culturePublicationPublished.example, publicationId: 'tb-thu-5', areaCode: 'hn-thu-c' }, new Date('2021-05-20T10:00:00+07:00'));
    await eventually(() => (coordination.projector.projection.state.targets.get('kh-thu-tuyen-truyen/ct-tin-bai')?.tally.numeratorValues.has('2021-05') ? true : undefined), 5_000);

    setClock('2021-07-01T08:00:00+07:00');
    const raised = (await tick()).filter((alert) => alert.deadline.planId === 'kh-thu-tuyen-truyen' && alert.kind === 'overdue');
    expect(raised.map((alert) => [alert.deadline.id, alert.deadline.agency])).toEqual([['duty:kh-thu-tuyen-truyen:nv-tuyen-truyen:ct-tin-bai:2021-06', 'culture']]);
  });

  it('rejects bad alert filters with a 400 naming the parameter', async () => {
    const response = await fetch(`${coordination.url}/api/v1/alerts?status=closed`, { headers: asUser() });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid-query', issues: [{ path: 'query.status' }] });
  });
});
