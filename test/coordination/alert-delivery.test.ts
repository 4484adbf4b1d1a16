import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildEvent,
  coordinationAlertDelivered,
  coordinationDeadlineEscalated,
  coordinationDeadlineOverdue,
  encodeBinary,
  MSG_ID_HEADER,
  STREAMS,
  type BusEvent,
  type EventDefinition,
} from '@lienganh/contracts';
import { replayEvents } from '@lienganh/platform';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { AlertDelivery, DEADLINE_ALERT_SUBJECTS, type AlertDeliveredData, type AlertDeliveredEvent, type AlertDeliveryOptions } from '../../services/coordination/src/alerts/alert-delivery.js';
import { LogNotifier } from '../../services/coordination/src/alerts/notifiers/log.notifier.js';
import type { DeadlineAlert } from '../../services/coordination/src/alerts/notifiers/notifier.js';
import { verifyWebhookSignature, WebhookNotifier } from '../../services/coordination/src/alerts/notifiers/webhook.notifier.js';
import { WebhookAllowList } from '../../services/coordination/src/alerts/notifiers/webhook-address.js';
import { eventually } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

const STREAM = STREAMS.coordinationEvents.name;
const LABOUR_SECRET = 'labour-webhook-secret-0001';
const COMMITTEE_SECRET = 'committee-webhook-secret-0001';

interface Post {
  delivery: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real webhook receiver on a fixed loopback port: it can answer an error status, or be closed and opened again on the same port. */
class Receiver {
  readonly posts: Post[] = [];
  status = 200;
  private server: Server | undefined;
  private port = 0;

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await receiver.open();
    receivers.push(receiver);
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/webhooks/lienganh`;
  }

  async open(): Promise<void> {
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const status = this.status;
        this.posts.push({ delivery: String(request.headers['lienganh-delivery']), status, headers: request.headers, body });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** POSTs of one delivery (`<alertId>:<receiver>`), whatever they were answered. */
  postsOf(delivery: string): Post[] {
    return this.posts.filter((post) => post.delivery === delivery);
  }

  /** POSTs of one delivery that this receiver took (2xx). */
  taken(delivery: string): Post[] {
    return this.postsOf(delivery).filter((post) => post.status >= 200 && post.status < 300);
  }
}

let nats: NatsFixture;
const receivers: Receiver[] = [];
const deliveries: AlertDelivery[] = [];

beforeAll(async () => {
  nats = await startNatsFixture();
});
beforeEach(async () => {
  // Every test starts from an empty coordination stream: no alert or record of another test.
  await nats.jsm.streams.purge(STREAM);
});
afterEach(async () => {
  for (const delivery of deliveries.splice(0)) await delivery.stop();
  for (const receiver of receivers.splice(0)) await receiver.close();
});
afterAll(async () => {
  await nats?.close();
});

function overdueAlert(referral: string, agency = 'labour'): DeadlineAlert {
  return alertOf(coordinationDeadlineOverdue, referral, agency);
}

function alertOf(definition: EventDefinition, referral: string, agency: string): DeadlineAlert {
  const action = definition.subject.split('.').at(-1)!;
  return buildEvent(
    definition,
    {
      deadlineId: `referral:${referral}`,
      kind: 'referral-handover',
      agency,
      areaCode: 'hn-ba-dinh-lieu-giai',
      dueAt: '2021-06-10T17:00:00+07:00',
      refId: referral,
    },
    { id: `referral:${referral}:${action}` },
  ) as DeadlineAlert;
}

/** Publishes an alert as the deadline engine does: binary mode, message id = the alert id (unless told otherwise). */
async function publishAlert(alert: BusEvent, msgID = alert.id): Promise<{ duplicate: boolean }> {
  const { headers, data } = encodeBinary(alert);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  const subject = alert.type === coordinationDeadlineEscalated.type ? coordinationDeadlineEscalated.subject : coordinationDeadlineOverdue.subject;
  return nats.js.publish(subject, data, { headers: natsHeadersOf, msgID });
}

/** The delivery records stored on coordination's stream. */
async function records(): Promise<AlertDeliveredData[]> {
  const found: AlertDeliveredData[] = [];
  await replayEvents(nats.nc, STREAM, coordinationAlertDelivered.subject, (event) => found.push(event.data as AlertDeliveredData));
  return found;
}

async function storedAlerts(): Promise<number> {
  return replayEvents(nats.nc, STREAM, DEADLINE_ALERT_SUBJECTS, () => undefined);
}

/** Whether the consumer has been given every alert on the stream and has acked each: every handler has finished. */
async function caughtUp(consumer: string): Promise<true | undefined> {
  const info = await nats.jsm.consumers.info(STREAM, consumer);
  return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
}

function recordingLogger() {
  const lines = { info: [] as string[], warn: [] as string[], error: [] as string[] };
  return {
    lines,
    logger: {
      info: (message: string) => lines.info.push(message),
      warn: (message: string) => lines.warn.push(message),
      error: (message: string) => lines.error.push(message),
    },
  };
}

async function startDelivery(
  consumerName: string,
  webhooks: Record<string, Receiver>,
  options: Partial<AlertDeliveryOptions> = {},
): Promise<{ delivery: AlertDelivery; logged: string[]; lines: ReturnType<typeof recordingLogger>['lines'] }> {
  const logged: string[] = [];
  const secrets: Record<string, string> = { labour: LABOUR_SECRET, committee: COMMITTEE_SECRET };
  const webhook = new WebhookNotifier(Object.fromEntries(Object.entries(webhooks).map(([name, receiver]) => [name, { url: receiver.url, secret: secrets[name]! }])), {
    timeoutMs: 2_000,
    // The receivers listen on 127.0.0.1: loopback allowed explicitly, as LIENGANH_WEBHOOK_ALLOW would.
    allow: new WebhookAllowList(['127.0.0.1']),
  });
  const log = new LogNotifier({ info: (fields) => logged.push((fields as { alertId: string }).alertId) });
  const { logger, lines } = recordingLogger();
  const delivery = new AlertDelivery(nats.nc, [webhook, log], { logger, consumerName, backoff: { initialMs: 50, maxMs: 200 }, ...options });
  deliveries.push(delivery);
  await delivery.start();
  return { delivery, logged, lines };
}

it("delivers an overdue referral alert once to labour's receiver, signed, and records it once; the same alert again changes nothing", async () => {
  const labour = await Receiver.start();
  const committee = await Receiver.start();
  const { delivery, logged } = await startDelivery('alerts-once', { labour, committee });
  const alert = overdueAlert('hs-00000000000000000001');

  expect((await publishAlert(alert)).duplicate).toBe(false);
  expect((await publishAlert(alert)).duplicate).toBe(true); // the engine re-publishing within the window: stored once
  expect(await storedAlerts()).toBe(1);

  await eventually(async () => ((await records()).length === 1 ? true : undefined));
  await eventually(() => caughtUp('alerts-once'));
  expect(labour.posts).toHaveLength(1);
  const [post] = labour.posts;
  expect(post!.delivery).toBe('referral:hs-00000000000000000001:overdue:labour');
  expect(JSON.parse(post!.body)).toMatchObject({ id: 'referral:hs-00000000000000000001:overdue', type: coordinationDeadlineOverdue.type, data: { agency: 'labour', refId: 'hs-00000000000000000001' } });
  expect(verifyWebhookSignature(LABOUR_SECRET, String(post!.headers['lienganh-timestamp']), post!.body, String(post!.headers['lienganh-signature']))).toBe(true);
  expect(committee.posts).toHaveLength(0); // overdue, not escalated
  expect(await records()).toEqual([{ alertId: 'referral:hs-00000000000000000001:overdue', deadlineId: 'referral:hs-00000000000000000001', receiver: 'labour', channel: 'webhook', attempts: 1 }]);
  expect(delivery.delivered('referral:hs-00000000000000000001:overdue', 'labour')).toBe(true);
  expect(logged).toEqual(['referral:hs-00000000000000000001:overdue']);

  // The same alert stored a second time (as after the duplicate window): no second POST, no second record.
  await publishAlert(alert, `${alert.id}:republished`);
  expect(await storedAlerts()).toBe(2);
  await eventually(() => caughtUp('alerts-once'));
  expect(labour.posts).toHaveLength(1);
  expect(await records()).toHaveLength(1);
  expect(logged).toEqual(['referral:hs-00000000000000000001:overdue']);
});

it('retries a receiver that answers 503 with backoff until it takes the alert; receivers that have it already are not sent it again', async () => {
  const labour = await Receiver.start();
  const committee = await Receiver.start();
  labour.status = 503;
  const { logged, lines } = await startDelivery('alerts-503', { labour, committee });
  const alert = alertOf(coordinationDeadlineEscalated, 'hs-00000000000000000002', 'labour');

  await publishAlert(alert);
  // Committee takes it at once; labour refuses it three times.
  await eventually(() => (labour.posts.length >= 3 ? true : undefined));
  labour.status = 200;
  await eventually(() => (labour.taken('referral:hs-00000000000000000002:escalated:labour').length === 1 ? true : undefined));
  await eventually(() => caughtUp('alerts-503'));

  expect(labour.posts.every((post) => post.delivery === 'referral:hs-00000000000000000002:escalated:labour')).toBe(true);
  expect(labour.taken('referral:hs-00000000000000000002:escalated:labour')).toHaveLength(1);
  expect(labour.posts.at(-1)!.status).toBe(200); // nothing after the POST it took
  expect(committee.posts.map((post) => post.delivery)).toEqual(['referral:hs-00000000000000000002:escalated:committee']);
  const stored = await records();
  expect(stored.map(({ receiver }) => receiver).sort()).toEqual(['committee', 'labour']);
  expect(stored.find(({ receiver }) => receiver === 'committee')!.attempts).toBe(1);
  expect(stored.find(({ receiver }) => receiver === 'labour')!.attempts).toBe(labour.posts.length);
  expect(logged).toEqual(['referral:hs-00000000000000000002:escalated']); // the log line is not repeated by the retries
  expect(lines.warn.some((line) => line.includes('webhook of "labour" answered 503'))).toBe(true);
});

it('delivers to a receiver that is down (connection refused) once it is back, without duplicates', async () => {
  const labour = await Receiver.start();
  await labour.close();
  const { lines } = await startDelivery('alerts-down', { labour });
  const alert = overdueAlert('hs-00000000000000000003');

  await publishAlert(alert);
  await eventually(() => (lines.warn.filter((line) => line.includes('webhook of "labour" cannot be reached')).length >= 2 ? true : undefined));
  expect(labour.posts).toHaveLength(0);
  expect(await records()).toHaveLength(0);

  await labour.open(); // back, on the same address
  await eventually(async () => ((await records()).length === 1 ? true : undefined));
  await eventually(() => caughtUp('alerts-down'));
  expect(labour.posts.map((post) => [post.delivery, post.status])).toEqual([['referral:hs-00000000000000000003:overdue:labour', 200]]);
  expect((await records())[0]).toMatchObject({ alertId: 'referral:hs-00000000000000000003:overdue', receiver: 'labour', attempts: expect.any(Number) });
  expect((await records())[0]!.attempts).toBeGreaterThanOrEqual(3);
});

it('does not deliver again after a restart, even when every alert is given out again; an alert raised while stopped is delivered once', async () => {
  const labour = await Receiver.start();
  const first = await startDelivery('alerts-restart', { labour });
  await publishAlert(overdueAlert('hs-00000000000000000004'));
  await eventually(async () => ((await records()).length === 1 ? true : undefined));
  await eventually(() => caughtUp('alerts-restart'));
  await first.delivery.stop();

  // The deadline of another referral passes while the service is down.
  await publishAlert(overdueAlert('hs-00000000000000000005'));
  const second = await startDelivery('alerts-restart', { labour });
  await eventually(async () => ((await records()).length === 2 ? true : undefined));
  await eventually(() => caughtUp('alerts-restart'));
  expect(labour.posts.map((post) => post.delivery)).toEqual(['referral:hs-00000000000000000004:overdue:labour', 'referral:hs-00000000000000000005:overdue:labour']);
  await second.delivery.stop();

  // The durable consumer is lost (recreated from the stream's start): both alerts come again, the records say they are done.
  await nats.jsm.consumers.delete(STREAM, 'alerts-restart');
  const third = await startDelivery('alerts-restart', { labour });
  expect(third.delivery.delivered('referral:hs-00000000000000000004:overdue', 'labour')).toBe(true);
  expect(third.delivery.delivered('referral:hs-00000000000000000005:overdue', 'labour')).toBe(true);
  await eventually(() => caughtUp('alerts-restart'));
  expect((await nats.jsm.consumers.info(STREAM, 'alerts-restart')).delivered.consumer_seq).toBeGreaterThanOrEqual(2); // both were handled again
  expect(labour.posts).toHaveLength(2);
  expect(await records()).toHaveLength(2);
});

it('stores a record that failed to publish on the next attempt without sending the alert to the receiver again', async () => {
  const labour = await Receiver.start();
  let refusals = 1;
  const publishDelivered = async (record: AlertDeliveredEvent) => {
    if (refusals-- > 0) throw new Error('stream unavailable');
    const { headers, data } = encodeBinary(record);
    const natsHeadersOf = natsHeaders();
    for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
    await nats.js.publish(coordinationAlertDelivered.subject, data, { headers: natsHeadersOf, msgID: record.id });
  };
  await startDelivery('alerts-record-retry', { labour }, { publishDelivered });

  await publishAlert(overdueAlert('hs-00000000000000000006'));
  await eventually(async () => ((await records()).length === 1 ? true : undefined));
  await eventually(() => caughtUp('alerts-record-retry'));
  expect(labour.posts).toHaveLength(1);
  expect(await records()).toEqual([expect.objectContaining({ alertId: 'referral:hs-00000000000000000006:overdue', receiver: 'labour', attempts: 1 })]);
});
