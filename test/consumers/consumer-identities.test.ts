import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  buildEvent,
  coordinationDeadlineEscalated,
  coordinationDeadlineOverdue,
  coordinationPlanPublished,
  decodeNatsMessage,
  encodeBinary,
  findPersonalData,
  getEventDefinition,
  MSG_ID_HEADER,
  policeInspectionCompleted,
  readerConsumerOf,
  STREAMS,
  type BusEvent,
  type EventDefinition,
} from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { AckPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Issue #22: an outside system reads coordination's facts with a consumer identity (ADR 0017):
 * issued at run time, it creates its own durable consumers on coordination's stream and receives
 * alerts and plans as CloudEvents in binary mode; it is refused when it publishes anything, reads
 * the agency stream, the audit trail or another identity's consumer; revoked, it is cut off within 5 s.
 */

const COORDINATION = STREAMS.coordinationEvents.name;
const AGENCY = STREAMS.agencyEvents.name;
let nats: NatsFixture;
let coordination: RunningCoordinationService;
const connections: NatsConnection[] = [];

beforeAll(async () => {
  nats = await startNatsFixture({ bodies: true, expectPermissionViolations: true });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS });
});
afterAll(async () => {
  for (const nc of connections) await nc.close().catch(() => undefined);
  await coordination?.close();
  await nats?.close();
});

const consumersUrl = () => `${coordination.url}/api/v1/consumers`;

interface Issued {
  consumer: string;
  natsSeed: string;
  natsPublicKey: string;
  natsInboxPrefix: string;
  stream: string;
  natsConsumers: { name: string; filterSubject: string }[];
}

async function deleteAs(url: string, token: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

async function registerAndIssue(code: string): Promise<Issued> {
  const registered = await postJson(consumersUrl(), { code, title: { vi: 'Hệ thống hồ sơ vụ việc', en: 'Case management system' } }, tokens.secretariat);
  expect(registered).toMatchObject({ status: 201, body: { code, credentials: 'none' } });
  const issued = await postJson(`${consumersUrl()}/${code}/credentials`, {}, tokens.secretariat);
  expect(issued.status).toBe(201);
  return issued.body as Issued;
}

function connectAs(issued: Issued): Promise<NatsConnection> {
  return connect({
    servers: nats.server.url,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(issued.natsSeed)),
    inboxPrefix: issued.natsInboxPrefix,
    maxReconnectAttempts: 0,
    // A connection made while the server reloads may hang: give up soon and try again.
    timeout: 1_000,
  }).then((nc) => (connections.push(nc), nc));
}

const alert = (definition: EventDefinition, referral: string): BusEvent =>
  buildEvent(
    definition,
    { deadlineId: `referral:${referral}`, kind: 'referral-handover', agency: 'labour', areaCode: 'hn-ba-dinh-lieu-giai', dueAt: '2021-06-10T17:00:00+07:00', refId: referral },
    { id: `referral:${referral}:${definition.subject.split('.').at(-1)}` },
  );

/** Publishes an alert as the deadline engine does: binary mode, on its subject. */
async function publishAlert(event: BusEvent, subject: string): Promise<void> {
  const { headers, data } = encodeBinary(event);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  await nats.js.publish(subject, data, { headers: natsHeadersOf, msgID: event.id });
}

/** Pulls until `count` messages came, acking each (the ack confirmed by the server). */
async function pull(nc: NatsConnection, consumer: string, count: number): Promise<JsMsg[]> {
  const got: JsMsg[] = [];
  const reader = await jetstream(nc).consumers.get(COORDINATION, consumer);
  await eventually(async () => {
    for await (const message of await reader.fetch({ max_messages: count - got.length, expires: 1_000 })) {
      got.push(message);
      await message.ackAck();
    }
    return got.length >= count ? true : undefined;
  }, 10_000);
  return got;
}

const refused = (subject: string) => new RegExp(`Permissions Violation for Publish to "${subject.replaceAll('.', '\\.').replaceAll('$', '\\$').replaceAll('>', '\\>')}`);

describe('consumer identities', () => {
  it('are the secretariat’s to register and issue: others are refused, bad input names the field, a code is taken once', async () => {
    const entry = { code: 'health-reporting', title: { vi: 'Hệ thống báo cáo y tế', en: 'Health reporting system' } };
    expect((await postJson(consumersUrl(), entry)).status).toBe(401);
    expect((await postJson(consumersUrl(), entry, tokens.committee)).status).toBe(403);
    const bad = await postJson(consumersUrl(), { code: 'Health Reporting', title: { vi: 'Hệ thống' }, kind: 'media' }, tokens.secretariat);
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['code', 'kind', 'title.en']);
    expect((await postJson(consumersUrl(), { ...entry, code: 'police' }, tokens.secretariat)).status).toBe(409);
    expect((await postJson(`${consumersUrl()}/no-such-system/credentials`, {}, tokens.secretariat)).status).toBe(404);
    expect((await postJson(`${consumersUrl()}/Bad Code/credentials`, {}, tokens.secretariat)).status).toBe(400);
    expect((await postJson(consumersUrl(), entry, tokens.secretariat)).status).toBe(201);
    expect((await postJson(consumersUrl(), entry, tokens.secretariat)).status).toBe(409);
    // One namespace with bodies: a body may not take the code, and a consumer is no body.
    expect((await postJson(`${coordination.url}/api/v1/bodies`, { ...entry, kind: 'other' }, tokens.secretariat)).status).toBe(409);
    expect((await postJson(`${coordination.url}/api/v1/bodies/health-reporting/credentials`, {}, tokens.secretariat)).status).toBe(404);
    expect((await getAs(`${coordination.url}/api/v1/bodies`)).body.bodies.map((body: { code: string }) => body.code)).not.toContain('health-reporting');
    const listed = await getAs(consumersUrl());
    expect(listed.body.consumers).toEqual([expect.objectContaining({ code: 'health-reporting', credentials: 'none' })]);
    expect((await getAs(consumersUrl(), tokens.committee)).status).toBe(403);
  });

  it('receive alerts and plans as CloudEvents in binary mode on their own durable consumers, nothing personal', async () => {
    const issued = await registerAndIssue('police-case-system');
    expect(issued).toMatchObject({ stream: COORDINATION, natsInboxPrefix: '_INBOX_consumer_police-case-system' });
    expect(issued.natsConsumers).toContainEqual({ name: 'consumer-police-case-system-deadline', filterSubject: 'pcmd.events.coordination.deadline.>' });
    expect(issued.natsSeed).toMatch(/^SU/);
    const listed = (await getAs(consumersUrl())).body.consumers.find((entry: { code: string }) => entry.code === 'police-case-system');
    expect(listed).toMatchObject({ credentials: 'active', natsPublicKey: issued.natsPublicKey });
    expect(JSON.stringify(listed)).not.toContain(issued.natsSeed);

    // The server learns the new user by a reload: the connection succeeds once it has.
    const nc = await eventually(() => connectAs(issued), 5_000);
    const jsm = await jetstreamManager(nc);
    const alerts = readerConsumerOf('police-case-system', 'deadline');
    await jsm.consumers.add(COORDINATION, { durable_name: alerts, filter_subject: 'pcmd.events.coordination.deadline.>', ack_policy: AckPolicy.Explicit });
    const plans = readerConsumerOf('police-case-system', 'plan');
    await jsm.consumers.add(COORDINATION, { durable_name: plans, filter_subject: coordinationPlanPublished.subject, ack_policy: AckPolicy.Explicit });

    const overdue = alert(coordinationDeadlineOverdue, 'hs-540e361ce171ec520bf5');
    const escalated = alert(coordinationDeadlineEscalated, 'hs-540e361ce171ec520bf5');
    await publishAlert(overdue, coordinationDeadlineOverdue.subject);
    await publishAlert(escalated, coordinationDeadlineEscalated.subject);
    // A plan coordination itself publishes on import.
    const plan = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8')) as { id: string };
    expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);

    const received = await pull(nc, alerts, 2);
    expect(received.map((message) => message.headers?.get('ce-type'))).toEqual([coordinationDeadlineOverdue.type, coordinationDeadlineEscalated.type]);
    for (const message of received) {
      // Binary mode: the attributes in ce- headers, the data as the body.
      expect(message.headers?.get('ce-specversion')).toBe('1.0');
      expect(message.headers?.get('content-type')).toBe('application/json');
      const event = decodeNatsMessage(message.headers, message.data);
      expect(event.source).toBe('/pcmd/coordination');
      // What a consumer gets is coordination's strict contract, nothing personal in it.
      expect(getEventDefinition(event.type).schema.safeParse(event.data).success).toBe(true);
      expect(findPersonalData(JSON.stringify(event.data))).toEqual([]);
    }
    expect(decodeNatsMessage(received[0]!.headers, received[0]!.data).id).toBe(overdue.id);

    const [published] = await pull(nc, plans, 1);
    const planEvent = decodeNatsMessage(published!.headers, published!.data);
    expect(planEvent).toMatchObject({ type: coordinationPlanPublished.type, subject: plan.id });
    expect(findPersonalData(JSON.stringify(planEvent.data))).toEqual([]);
    expect((await jsm.consumers.info(COORDINATION, alerts)).num_ack_pending).toBe(0);
  });

  it('are refused when they publish anything, read the agency stream, the audit trail or another’s consumer', async () => {
    const issued = await registerAndIssue('labour-statistics');
    const nc = await eventually(() => connectAs(issued), 5_000);
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const before = (await nats.jsm.streams.info(AGENCY)).state.messages;

    const inspection = buildEvent(policeInspectionCompleted, policeInspectionCompleted.example, { id: 'kt-gia-0001' });
    const { headers, data } = encodeBinary(inspection);
    const natsHeadersOf = natsHeaders();
    for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
    await expect(js.publish(policeInspectionCompleted.subject, data, { headers: natsHeadersOf, timeout: 2_000 })).rejects.toThrow(refused(policeInspectionCompleted.subject));
    await expect(js.publish(coordinationDeadlineOverdue.subject, data, { timeout: 2_000 })).rejects.toThrow(refused(coordinationDeadlineOverdue.subject));
    expect((await nats.jsm.streams.info(AGENCY)).state.messages).toBe(before);

    // The agency stream, under its own consumer's name: refused.
    const own = readerConsumerOf('labour-statistics', 'deadline');
    await expect(jsm.consumers.add(AGENCY, { durable_name: own, filter_subject: 'pcmd.events.police.>', ack_policy: AckPolicy.Explicit })).rejects.toThrow(
      refused(`$JS.API.CONSUMER.CREATE.${AGENCY}.${own}.pcmd.events.police.>`),
    );
    // The audit trail shares coordination's stream: a filter outside the four kinds of fact is refused, as is none.
    const tasks = readerConsumerOf('labour-statistics', 'task');
    await expect(jsm.consumers.add(COORDINATION, { durable_name: tasks, filter_subject: 'pcmd.events.coordination.access.>', ack_policy: AckPolicy.Explicit })).rejects.toThrow(
      refused(`$JS.API.CONSUMER.CREATE.${COORDINATION}.${tasks}.pcmd.events.coordination.access.>`),
    );
    await expect(jsm.consumers.add(COORDINATION, { durable_name: tasks, ack_policy: AckPolicy.Explicit })).rejects.toThrow(refused(`$JS.API.CONSUMER.CREATE.${COORDINATION}.${tasks}`));
    // Another identity's consumer, and the stream's messages read directly.
    const others = readerConsumerOf('police-case-system', 'deadline');
    await expect(jsm.consumers.info(COORDINATION, others)).rejects.toThrow(refused(`$JS.API.CONSUMER.INFO.${COORDINATION}.${others}`));
    await expect(jsm.streams.getMessage(COORDINATION, { seq: 1 })).rejects.toThrow(refused(`$JS.API.STREAM.MSG.GET.${COORDINATION}`));
    await expect(jsm.streams.info(AGENCY)).rejects.toThrow(refused(`$JS.API.STREAM.INFO.${AGENCY}`));

    // Every refusal was this identity's, none a service's.
    const violations = nats.permissionViolations();
    expect(violations.length).toBeGreaterThanOrEqual(7);
    expect(violations.filter((line) => !line.includes(issued.natsPublicKey))).toEqual([]);
  });

  it('are cut off within 5 s once revoked, and may be issued again', async () => {
    const issued = await registerAndIssue('justice-dashboard');
    const nc = await eventually(() => connectAs(issued), 5_000);
    const closed = nc.closed();

    const revokedAt = Date.now();
    const revoked = await deleteAs(`${consumersUrl()}/justice-dashboard/credentials`, tokens.secretariat);
    expect(revoked).toMatchObject({ status: 200, body: { code: 'justice-dashboard', credentials: 'revoked' } });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('the revoked consumer is still connected after 5 s')), 5_000)))]);
    clearTimeout(timer);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    await expect(connectAs(issued)).rejects.toThrow();
    expect((await deleteAs(`${consumersUrl()}/justice-dashboard/credentials`, tokens.secretariat)).status).toBe(404);

    const again = (await postJson(`${consumersUrl()}/justice-dashboard/credentials`, {}, tokens.secretariat)).body as Issued;
    expect(again.natsPublicKey).not.toBe(issued.natsPublicKey);
    const back = await eventually(() => connectAs(again), 5_000);
    expect((await jetstreamManager(back).then((jsm) => jsm.streams.info(COORDINATION))).config.name).toBe(COORDINATION);
  });
});
