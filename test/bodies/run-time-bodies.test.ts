import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEMO_PLAN_FILES } from '@lienganh/coordination';
import { buildEvent, encodeBinary, eventKey, MSG_ID_HEADER, reportingActivityHeld, reportingTaskProgressReported, STREAMS, type BusEvent } from '@lienganh/contracts';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { DeadLetterHeaders } from '@lienganh/platform';
import { startReportingService, type RunningReportingService } from '@lienganh/reporting';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Issue #18: a body registered at run time (named in no plan) gets credentials and reports, over
 * HTTP through the reporting service and directly on NATS, without any restart; revoked, it is
 * refused within 5 seconds; it can never speak for another body.
 */

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let reporting: RunningReportingService;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture({ bodies: true, expectPermissionViolations: true });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS });
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-reporting-'));
  reporting = await startReportingService({ ...nats.identity('reporting'), port: 0, dataDir });
});
afterAll(async () => {
  await reporting?.close();
  await coordination?.close();
  await nats?.close();
  const { rmSync } = await import('node:fs');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const bodiesUrl = () => `${coordination.url}/api/v1/bodies`;
const eventsUrl = () => `${reporting.url}/api/v1/events`;

async function deleteAs(url: string, token: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

interface Issued {
  httpKey: string;
  natsSeed: string;
  natsPublicKey: string;
  source: string;
  natsPublish: string;
  natsInboxPrefix: string;
}

async function registerAndIssue(code: string, title: { vi: string; en: string }): Promise<Issued> {
  const registered = await postJson(bodiesUrl(), { code, title, kind: 'mass-organisation' }, tokens.secretariat);
  expect(registered).toMatchObject({ status: 201, body: { code, origin: 'registered', credentials: 'none' } });
  const issued = await postJson(`${bodiesUrl()}/${code}/credentials`, {}, tokens.secretariat);
  expect(issued.status).toBe(201);
  return issued.body as Issued;
}

const activityData = (id: string, organiser: string) => ({ activityId: id, kind: 'awareness-session' as const, areaCode: 'ct-ninh-kieu', organiser, counts: { participants: 80 } });
const activity = (id: string, organiser: string, extra: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id,
  type: reportingActivityHeld.type,
  time: '2026-03-04T09:00:00+07:00',
  data: activityData(id, organiser),
  ...extra,
});

/** The agency stream's message with this event key, if any. */
async function storedEvent(source: string, id: string): Promise<{ subject: string; source: string; seq: number } | undefined> {
  const { state } = await nats.jsm.streams.info(STREAMS.agencyEvents.name);
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const message = await nats.jsm.streams.getMessage(STREAMS.agencyEvents.name, { seq }).catch(() => undefined);
    if (message && message.header.get('ce-source') === source && message.header.get('ce-id') === id) return { subject: message.subject, source: message.header.get('ce-source'), seq };
  }
  return undefined;
}

async function deadLetters(): Promise<{ reason: string; subject: string }[]> {
  const { state } = await nats.jsm.streams.info(STREAMS.deadLetter.name);
  const letters: { reason: string; subject: string }[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const message = await nats.jsm.streams.getMessage(STREAMS.deadLetter.name, { seq }).catch(() => undefined);
    if (message) letters.push({ reason: message.header.get(DeadLetterHeaders.reason), subject: message.header.get(DeadLetterHeaders.originalSubject) });
  }
  return letters;
}

/** Every consumer of the agency stream (coordination's projector among them) has acknowledged up to `seq`. */
async function consumedUpTo(seq: number): Promise<true | undefined> {
  const consumers = await nats.jsm.consumers.list(STREAMS.agencyEvents.name).next();
  const durable = consumers.filter((consumer) => consumer.config.durable_name);
  return durable.length > 0 && durable.every((consumer) => consumer.ack_floor.stream_seq >= seq) ? true : undefined;
}

function connectAsBody(issued: Issued): Promise<NatsConnection> {
  return connect({
    servers: nats.server.url,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(issued.natsSeed)),
    inboxPrefix: issued.natsInboxPrefix,
    maxReconnectAttempts: 0,
    // A connection made while the server reloads may hang: give up soon and try again.
    timeout: 1_000,
  });
}

async function publishAsBody(nc: NatsConnection, event: BusEvent, subject: string): Promise<void> {
  const { headers, data } = encodeBinary(event);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  await jetstream(nc).publish(subject, data, { headers: natsHeadersOf, msgID: eventKey(event), timeout: 2_000 });
}

describe('the register of bodies', () => {
  it('is the secretariat’s: others are refused, bad input names the field, a code is registered once', async () => {
    expect((await postJson(bodiesUrl(), { code: 'youth-union', title: { vi: 'Đoàn Thanh niên', en: 'Youth Union' } }, tokens.committee)).status).toBe(403);
    expect((await postJson(bodiesUrl(), { code: 'youth-union', title: { vi: 'Đoàn Thanh niên', en: 'Youth Union' } })).status).toBe(401);
    const bad = await postJson(bodiesUrl(), { code: 'Youth Union', title: { vi: 'Đoàn Thanh niên' } }, tokens.secretariat);
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['code', 'title.en']);
    expect((await postJson(bodiesUrl(), { code: 'police', title: { vi: 'Công an', en: 'Police' } }, tokens.secretariat)).status).toBe(409);
    expect((await postJson(`${bodiesUrl()}/police/credentials`, {}, tokens.secretariat)).status).toBe(404);
    expect((await postJson(`${bodiesUrl()}/no-such-body/credentials`, {}, tokens.secretariat)).status).toBe(404);
    expect((await postJson(bodiesUrl(), { code: 'youth-union', title: { vi: 'Đoàn Thanh niên', en: 'Youth Union' } }, tokens.secretariat)).status).toBe(201);
    expect((await postJson(bodiesUrl(), { code: 'youth-union', title: { vi: 'Đoàn Thanh niên', en: 'Youth Union' } }, tokens.secretariat)).status).toBe(409);
    const listed = await getAs(bodiesUrl());
    expect(listed.body.bodies).toContainEqual(expect.objectContaining({ code: 'youth-union', origin: 'registered', credentials: 'none' }));
    expect(listed.body.bodies.map((body: { code: string }) => body.code)).not.toContain('reporting');
    // Recorded on coordination's stream as body.registered.
    const recorded = await nats.jsm.streams.getMessage(STREAMS.coordinationEvents.name, { last_by_subj: 'pcmd.events.coordination.body.registered' });
    expect(recorded!.json<{ code: string; registeredBy: string }>()).toMatchObject({ code: 'youth-union', registeredBy: 'test-secretariat' });
  });
});

describe('a body registered at run time', () => {
  it('reports over HTTP with its new key at once, as itself only, and coordination takes the event', async () => {
    const issued = await registerAndIssue('womens-union', { vi: 'Hội Liên hiệp Phụ nữ thành phố', en: "City Women's Union" });
    expect(issued.source).toBe('/pcmd/reporting/womens-union');
    expect(issued.httpKey).toMatch(/^lgb_/);
    const listed = (await getAs(bodiesUrl())).body.bodies.find((body: { code: string }) => body.code === 'womens-union');
    expect(listed).toMatchObject({ credentials: 'active', natsPublicKey: issued.natsPublicKey });
    expect(JSON.stringify(listed)).not.toContain(issued.httpKey);

    const accepted = await postJson(eventsUrl(), activity('hd-hlhpn-0001', 'womens-union'), issued.httpKey);
    expect(accepted).toEqual({ status: 202, body: { accepted: ['hd-hlhpn-0001'] } });
    const stored = await eventually(() => storedEvent('/pcmd/reporting/womens-union', 'hd-hlhpn-0001'), 5_000);
    expect(stored.subject).toBe('pcmd.events.reporting.womens-union.activity.held');
    await eventually(() => consumedUpTo(stored.seq), 10_000);
    expect(await deadLetters()).toEqual([]);

    // Never as another body: a source naming another is refused, nothing published.
    const forged = await postJson(eventsUrl(), activity('hd-hlhpn-0002', 'border-guard', { source: '/pcmd/reporting/border-guard' }), issued.httpKey);
    expect(forged.status).toBe(400);
    expect(forged.body.issues).toEqual([expect.objectContaining({ path: 'source' })]);
    // Only the reporting producer's types.
    const police = await postJson(eventsUrl(), { ...activity('hd-hlhpn-0003', 'womens-union'), type: 'vn.pcmd.police.activity.held.v1' }, issued.httpKey);
    expect(police.status).toBe(400);
    expect(await storedEvent('/pcmd/reporting/border-guard', 'hd-hlhpn-0002')).toBeUndefined();
    expect((await postJson(eventsUrl(), activity('hd-x', 'womens-union'), 'lgb_not-a-key-of-anyone-at-all')).status).toBe(401);

    // Binary mode (issue 22): the attributes in ce- headers, the data as the body; the same rules.
    const binary = (id: string, extra: Record<string, string> = {}) => ({
      'content-type': 'application/json; charset=utf-8', 'ce-specversion': '1.0', 'ce-id': id, 'ce-type': reportingActivityHeld.type, 'ce-time': '2026-03-04T09:00:00+07:00', ...extra,
    });
    const inBinary = await postJson(eventsUrl(), activityData('hd-hlhpn-0004', 'womens-union'), issued.httpKey, binary('hd-hlhpn-0004'));
    expect(inBinary).toEqual({ status: 202, body: { accepted: ['hd-hlhpn-0004'] } });
    expect(await eventually(() => storedEvent('/pcmd/reporting/womens-union', 'hd-hlhpn-0004'), 5_000)).toBeDefined();
    const forgedInBinary = await postJson(eventsUrl(), activityData('hd-hlhpn-0005', 'border-guard'), issued.httpKey, binary('hd-hlhpn-0005', { 'ce-source': '/pcmd/reporting/border-guard' }));
    expect(forgedInBinary.status).toBe(400);
    expect(forgedInBinary.body.issues).toEqual([expect.objectContaining({ path: 'headers.ce-source' })]);
  });

  it('publishes on NATS with its own nkey on its own subjects only', async () => {
    const issued = await registerAndIssue('border-guard', { vi: 'Bộ đội Biên phòng thành phố', en: 'City Border Guard' });
    // The server learns the new user by a reload: the connection succeeds once it has.
    const nc = await eventually(() => connectAsBody(issued), 5_000);
    try {
      const own = buildEvent(reportingTaskProgressReported, { planId: 'kh-can-tho-2026', taskId: 'nv-bien-gioi', percentDone: 40 }, { id: 'td-bp-0001', source: issued.source, time: '2026-03-05T08:00:00+07:00' });
      await publishAsBody(nc, own, 'pcmd.events.reporting.border-guard.task.progress-reported');
      const stored = await eventually(() => storedEvent(issued.source, 'td-bp-0001'), 5_000);
      await eventually(() => consumedUpTo(stored.seq), 10_000);
      expect(await deadLetters()).toEqual([]);

      // Another body's subject: nats-server refuses the publish, the stream never holds it.
      const asOther = buildEvent(reportingActivityHeld, activityData('hd-gia-0001', 'womens-union'), { id: 'hd-gia-0001', source: '/pcmd/reporting/womens-union', time: '2026-03-05T08:00:00+07:00' });
      await expect(publishAsBody(nc, asOther, 'pcmd.events.reporting.womens-union.activity.held')).rejects.toThrow();
      await eventually(() => (nats.permissionViolations().some((line) => line.includes('pcmd.events.reporting.womens-union.activity.held')) ? true : undefined), 5_000);
      expect(await storedEvent('/pcmd/reporting/womens-union', 'hd-gia-0001')).toBeUndefined();
    } finally {
      await nc.close().catch(() => undefined);
    }
  });

  it('is refused within 5 s once its credentials are revoked, over HTTP and on NATS', async () => {
    const issued = await registerAndIssue('provincial-newspaper', { vi: 'Báo Cần Thơ', en: 'Cần Thơ newspaper' });
    const nc = await eventually(() => connectAsBody(issued), 5_000);
    const closed = nc.closed();
    expect((await postJson(eventsUrl(), activity('bao-0001', 'provincial-newspaper'), issued.httpKey)).status).toBe(202);

    const revokedAt = Date.now();
    const revoked = await deleteAs(`${bodiesUrl()}/provincial-newspaper/credentials`, tokens.secretariat);
    expect(revoked).toMatchObject({ status: 200, body: { code: 'provincial-newspaper', credentials: 'revoked' } });
    await eventually(async () => ((await postJson(eventsUrl(), activity('bao-0002', 'provincial-newspaper'), issued.httpKey)).status === 401 ? true : undefined), 5_000);
    // The reload drops the revoked user's connection; it cannot come back.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('the revoked body is still connected after 5 s')), 5_000)))]);
    clearTimeout(timer);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    await expect(connectAsBody(issued)).rejects.toThrow();
    // Once refused, always refused, and nothing of it is stored.
    expect((await postJson(eventsUrl(), activity('bao-0009', 'provincial-newspaper'), issued.httpKey)).status).toBe(401);
    expect(await storedEvent('/pcmd/reporting/provincial-newspaper', 'bao-0009')).toBeUndefined();
    expect((await deleteAs(`${bodiesUrl()}/provincial-newspaper/credentials`, tokens.secretariat)).status).toBe(404);

    // Issued again: new credentials work, the old key stays refused.
    const again = (await postJson(`${bodiesUrl()}/provincial-newspaper/credentials`, {}, tokens.secretariat)).body as Issued;
    expect((await postJson(eventsUrl(), activity('bao-0003', 'provincial-newspaper'), again.httpKey)).status).toBe(202);
    expect((await postJson(eventsUrl(), activity('bao-0004', 'provincial-newspaper'), issued.httpKey)).status).toBe(401);

    // The register's history says who did what, and when; never a secret.
    const history = await getAs(`${bodiesUrl()}/provincial-newspaper/history`);
    expect(history.status).toBe(200);
    expect(history.body.history.map((step: { what: string; by: string }) => [step.what, step.by])).toEqual([
      ['registered', 'test-secretariat'],
      ['credentials-issued', 'test-secretariat'],
      ['credentials-revoked', 'test-secretariat'],
      ['credentials-issued', 'test-secretariat'],
    ]);
    expect(JSON.stringify(history.body)).not.toContain(issued.httpKey);
    expect((await getAs(`${bodiesUrl()}/no-such-body/history`)).status).toBe(404);
    expect((await getAs(`${bodiesUrl()}/provincial-newspaper/history`, tokens.committee)).status).toBe(403);
  });
});

it('coordination dead-letters a reporting event whose subject names another body than its source', async () => {
  const forged = buildEvent(reportingActivityHeld, activityData('hd-gia-0002', 'womens-union'), { id: 'hd-gia-0002', source: '/pcmd/reporting/womens-union', time: '2026-03-05T08:00:00+07:00' });
  const { headers, data } = encodeBinary(forged);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  // The operator may publish anywhere: what a forger with stream access could do.
  await nats.js.publish('pcmd.events.reporting.youth-union.activity.held', data, { headers: natsHeadersOf, msgID: eventKey(forged) });
  const letters = await eventually(async () => {
    const found = (await deadLetters()).filter((letter) => letter.subject === 'pcmd.events.reporting.youth-union.activity.held');
    return found.length > 0 ? found : undefined;
  }, 10_000);
  expect(letters[0]!.reason).toContain('does not name the body of source /pcmd/reporting/womens-union');
});

it('a body registered at run time may lead a plan’s task without the plan declaring it', async () => {
  const plan = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8')) as { id: string; tasks: { lead: string }[] };
  const naming = (id: string) => ({ ...plan, id, tasks: plan.tasks.map((task, index) => (index === 0 ? { ...task, lead: 'farmers-union' } : task)) });
  const before = await postJson(`${coordination.url}/api/v1/plans`, naming('kh-thu-1'), tokens.secretariat);
  expect(before.status).toBe(400);
  expect(JSON.stringify(before.body.issues)).toContain('farmers-union');
  expect((await postJson(bodiesUrl(), { code: 'farmers-union', title: { vi: 'Hội Nông dân thành phố', en: "City Farmers' Union" }, kind: 'mass-organisation' }, tokens.secretariat)).status).toBe(201);
  expect((await postJson(`${coordination.url}/api/v1/plans`, naming('kh-thu-2'), tokens.secretariat)).status).toBe(201);
});

it('nats-server refused nothing of the services: only the body’s publish on another body’s subject', () => {
  const refused = nats.permissionViolations();
  const provoked = (line: string) => line.includes('pcmd.events.reporting.womens-union.activity.held');
  expect(refused.some(provoked)).toBe(true);
  expect(refused.filter((line) => !provoked(line))).toEqual([]);
});
