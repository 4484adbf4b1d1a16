import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildEvent,
  coordinationDeadlineEscalated,
  coordinationDeadlineOverdue,
  coordinationDeadlineResolved,
  encodeBinary,
  findPersonalData,
  MSG_ID_HEADER,
  STREAMS,
  type BusEvent,
  type EventDefinition,
} from '@lienganh/contracts';
import { startCoordinationService, verifyWebhookSignature, WebhookAllowList, type RunningCoordinationService } from '@lienganh/coordination';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Issue #22: an outside system subscribes a webhook (ADR 0017). Created after three alerts with a
 * `since` before them, it receives all three, then new ones, each once, in CloudEvents binary
 * mode, signed, after the CloudEvents validation handshake; every attempt is in its own delivery
 * log; only the leader delivers. A webhook that does not agree, or points where webhooks may not
 * point, is refused at creation.
 */

const COORDINATION = STREAMS.coordinationEvents.name;
let nats: NatsFixture;
let coordination: RunningCoordinationService;
const receivers: Receiver[] = [];

interface Post {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A real webhook receiver on loopback: answers the handshake (or not) and takes POSTs, answering `status`. */
class Receiver {
  readonly posts: Post[] = [];
  readonly handshakes: IncomingHttpHeaders[] = [];
  status = 200;
  constructor(
    private readonly server: Server,
    readonly allowedOrigin: string | null,
  ) {}

  static async start(allowedOrigin: string | null = 'lienganh'): Promise<Receiver> {
    let receiver!: Receiver;
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        if (request.method === 'OPTIONS') {
          receiver.handshakes.push(request.headers);
          const origin = request.headers['webhook-request-origin'];
          if (receiver.allowedOrigin && origin === receiver.allowedOrigin) response.writeHead(200, { 'WebHook-Allowed-Origin': String(origin), Allow: 'POST' }).end();
          else response.writeHead(405).end();
          return;
        }
        const status = receiver.status;
        receiver.posts.push({ headers: request.headers, body, status });
        response.writeHead(status).end();
      });
    });
    receiver = new Receiver(server, allowedOrigin);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receivers.push(receiver);
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/lienganh/events`;
  }

  /** The event ids it took (answered 2xx), in order. */
  taken(): string[] {
    return this.posts.filter((post) => post.status === 200).map((post) => String(post.headers['ce-id']));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const startCoordination = (instanceId: string) =>
  startCoordinationService({
    ...nats.identity('coordination'),
    port: 0,
    instanceId,
    leaseTtlMs: 1_500,
    deadlineTickMs: 0,
    users: TEST_USERS,
    // The receivers listen on 127.0.0.1: loopback allowed explicitly, as LIENGANH_WEBHOOK_ALLOW would.
    webhookAllow: new WebhookAllowList(['127.0.0.1']),
    subscriptionDelivery: { backoff: { initialMs: 50, maxMs: 200 }, timeoutMs: 2_000 },
  });
let standby: RunningCoordinationService | undefined;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordination('coordination');
});
afterAll(async () => {
  await standby?.close();
  await coordination?.close();
  for (const receiver of receivers) await receiver.close();
  await nats?.close();
});

const subscriptionsUrl = () => `${coordination.url}/api/v1/subscriptions`;

const alert = (definition: EventDefinition, referral: string): BusEvent =>
  buildEvent(
    definition,
    { deadlineId: `referral:${referral}`, kind: 'referral-handover', agency: 'labour', areaCode: 'hn-ba-dinh-lieu-giai', dueAt: '2021-06-10T17:00:00+07:00', refId: referral },
    { id: `referral:${referral}:${definition.subject.split('.').at(-1)}` },
  );

/** Publishes an alert as the deadline engine does: binary mode, on its subject. */
async function raise(definition: EventDefinition, referral: string): Promise<BusEvent> {
  const event = alert(definition, referral);
  const { headers, data } = encodeBinary(event);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  await nats.js.publish(definition.subject, data, { headers: natsHeadersOf, msgID: event.id });
  return event;
}

/** The subscription's consumer has been given everything and every handler has finished. */
async function caughtUp(id: string): Promise<true | undefined> {
  const info = await nats.jsm.consumers.info(COORDINATION, `subscription-${id}`).catch(() => undefined);
  return info && info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
}

async function deleteAs(url: string, token: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

it('refuses bad input naming the field, a webhook that does not agree or may not be reached, and anyone but the secretariat', async () => {
  const receiver = await Receiver.start();
  expect((await postJson(subscriptionsUrl(), { url: receiver.url })).status).toBe(401);
  expect((await postJson(subscriptionsUrl(), { url: receiver.url }, tokens.committee)).status).toBe(403);
  const bad = await postJson(subscriptionsUrl(), { url: 'ftp://example.org/x', entity: 'access', since: 'yesterday', extra: 1 }, tokens.secretariat);
  expect(bad.status).toBe(400);
  expect(bad.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['entity', 'extra', 'since', 'url']);

  // No agreement in the handshake: refused, nothing created, nothing POSTed.
  const unwilling = await Receiver.start(null);
  const refused = await postJson(subscriptionsUrl(), { url: unwilling.url }, tokens.secretariat);
  expect(refused.status).toBe(400);
  expect(refused.body.issues).toEqual([{ path: 'url', message: expect.stringContaining('validation request (OPTIONS) with 405') }]);
  expect(unwilling.handshakes).toHaveLength(1);
  expect(unwilling.posts).toEqual([]);
  // A private address (server-side request forgery): refused before any request.
  const privateTarget = await postJson(subscriptionsUrl(), { url: 'http://10.1.2.3/hook' }, tokens.secretariat);
  expect(privateTarget.status).toBe(400);
  expect(privateTarget.body.issues[0].message).toContain('private');
  expect(JSON.stringify(privateTarget.body)).not.toContain('10.1.2.3/hook');
  expect((await getAs(subscriptionsUrl())).body.subscriptions).toEqual([]);
  expect((await getAs(`${subscriptionsUrl()}/ws-00000000-0000-0000-0000-000000000000/deliveries`)).status).toBe(404);
  expect((await getAs(`${subscriptionsUrl()}/not-an-id/deliveries`)).status).toBe(400);
});

it('created after three alerts with `since` before them, delivers all three, then new ones, each once, signed, after the handshake', async () => {
  // An alert stored before `since` is not delivered: `since` is a point on the stream's clock.
  const older = await raise(coordinationDeadlineOverdue, 'hs-00000000000000000000');
  const stored = await nats.jsm.streams.getMessage(COORDINATION, { last_by_subj: coordinationDeadlineOverdue.subject });
  const sinceMs = new Date(stored!.time).getTime() + 1;
  const since = new Date(sinceMs).toISOString();
  await eventually(() => (Date.now() > sinceMs + 1 ? true : undefined), 1_000);
  const before = [await raise(coordinationDeadlineOverdue, 'hs-00000000000000000001'), await raise(coordinationDeadlineEscalated, 'hs-00000000000000000001'), await raise(coordinationDeadlineOverdue, 'hs-00000000000000000002')];
  const receiver = await Receiver.start();

  const created = await postJson(subscriptionsUrl(), { url: receiver.url, entity: 'deadline', since }, tokens.secretariat);
  expect(created.status).toBe(201);
  const { id, secret } = created.body as { id: string; secret: string };
  expect(secret).toMatch(/^lgw_/);
  expect(created.body).toMatchObject({ entity: 'deadline', since, allowedOrigin: 'lienganh' });
  // The handshake came first: OPTIONS with our origin.
  expect(receiver.handshakes).toEqual([expect.objectContaining({ 'webhook-request-origin': 'lienganh' })]);
  const listed = await getAs(subscriptionsUrl());
  expect(listed.body.subscriptions).toEqual([expect.objectContaining({ id, url: receiver.url })]);
  expect(JSON.stringify(listed.body)).not.toContain(secret);

  await eventually(() => (receiver.taken().length >= 3 ? true : undefined), 10_000);
  expect(receiver.taken()).toEqual(before.map((event) => event.id));

  const after = [await raise(coordinationDeadlineResolved, 'hs-00000000000000000001'), await raise(coordinationDeadlineOverdue, 'hs-00000000000000000003')];
  await eventually(() => (receiver.taken().length >= 5 ? true : undefined), 10_000);
  await eventually(() => caughtUp(id), 10_000);
  expect(receiver.taken()).toEqual([...before, ...after].map((event) => event.id));
  expect(receiver.taken()).not.toContain(older.id);

  for (const post of receiver.posts) {
    // Binary mode: attributes in ce- headers, the data as the body, nothing personal.
    expect(post.headers).toMatchObject({ 'ce-specversion': '1.0', 'ce-source': '/pcmd/coordination', 'content-type': 'application/json' });
    expect(post.headers['ce-type']).toMatch(/^vn\.pcmd\.coordination\.deadline\./);
    expect(JSON.parse(post.body)).toMatchObject({ kind: 'referral-handover', agency: 'labour' });
    expect(findPersonalData(post.body)).toEqual([]);
    // Signed as the alert webhooks are, under this subscription's secret.
    expect(post.headers['lienganh-delivery']).toBe(`${String(post.headers['ce-id'])}:${id}`);
    expect(verifyWebhookSignature(secret, String(post.headers['lienganh-timestamp']), post.body, String(post.headers['lienganh-signature']))).toBe(true);
  }

  // A webhook that fails is tried again; the log has every attempt.
  receiver.status = 503;
  const retried = await raise(coordinationDeadlineEscalated, 'hs-00000000000000000003');
  await eventually(() => (receiver.posts.some((post) => post.status === 503) ? true : undefined), 10_000);
  receiver.status = 200;
  await eventually(() => (receiver.taken().includes(retried.id) ? true : undefined), 10_000);
  await eventually(() => caughtUp(id), 10_000);
  expect(receiver.taken().filter((taken) => taken === retried.id)).toHaveLength(1);

  const log = await eventually(async () => {
    const answer = await getAs(`${subscriptionsUrl()}/${id}/deliveries`);
    return answer.body.deliveries.filter((entry: { outcome: string }) => entry.outcome === 'delivered').length === 6 ? answer : undefined;
  }, 5_000);
  expect(log.body.deliveries.filter((entry: { outcome: string }) => entry.outcome === 'delivered').map((entry: { eventId: string }) => entry.eventId)).toEqual([...before, ...after, retried].map((event) => event.id));
  expect(log.body.deliveries).toContainEqual(expect.objectContaining({ eventId: retried.id, outcome: 'failed', status: 503, attempt: 1 }));
  expect((await getAs(`${subscriptionsUrl()}/${id}/deliveries`, tokens.committee)).status).toBe(403);

  // Removed: its consumer goes, nothing more is delivered.
  expect(await deleteAs(`${subscriptionsUrl()}/${id}`, tokens.secretariat)).toMatchObject({ status: 200, body: { id } });
  await expect(nats.jsm.consumers.info(COORDINATION, `subscription-${id}`)).rejects.toThrow(/consumer not found/i);
  expect((await getAs(`${subscriptionsUrl()}/${id}/deliveries`)).status).toBe(404);
  expect((await deleteAs(`${subscriptionsUrl()}/${id}`, tokens.secretariat)).status).toBe(404);
});

it('is delivered by the leader only, whichever instance took it, and a new leader goes on where the old one stopped', async () => {
  standby = await startCoordination('coordination-b');
  expect(coordination.leadership.leads).toBe(true);
  expect(standby.leadership.leads).toBe(false);
  const receiver = await Receiver.start();
  const created = await postJson(`${standby.url}/api/v1/subscriptions`, { url: receiver.url }, tokens.secretariat);
  expect(created.status).toBe(201);
  const { id } = created.body as { id: string };

  const first = await raise(coordinationDeadlineOverdue, 'hs-0000000000000000000a');
  await eventually(() => (receiver.taken().includes(first.id) ? true : undefined), 10_000);
  await eventually(() => caughtUp(id), 10_000);
  expect(coordination.subscriptions.delivering()).toEqual([id]);
  expect(standby.subscriptions.delivering()).toEqual([]);

  // The leader goes: the standby takes the lead and resumes the same durable consumer.
  const leaving = coordination;
  coordination = undefined as unknown as RunningCoordinationService;
  await leaving.close();
  await eventually(() => (standby!.leadership.leads ? true : undefined), 10_000);
  expect(standby.subscriptions.delivering()).toEqual([id]);
  const second = await raise(coordinationDeadlineEscalated, 'hs-0000000000000000000a');
  await eventually(() => (receiver.taken().includes(second.id) ? true : undefined), 10_000);
  await eventually(() => caughtUp(id), 10_000);
  expect(receiver.taken()).toEqual([first.id, second.id]);
  const log = await getAs(`${standby.url}/api/v1/subscriptions/${id}/deliveries`);
  expect(log.body.deliveries.map((entry: { eventId: string; outcome: string }) => [entry.eventId, entry.outcome])).toEqual([
    [first.id, 'delivered'],
    [second.id, 'delivered'],
  ]);
});
