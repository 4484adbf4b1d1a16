import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, coordinationDeadlineEscalated, coordinationDeadlineOverdue, parseEvent } from '@lienganh/contracts';
import { LogNotifier } from '../src/alerts/notifiers/log.notifier.js';
import type { DeadlineAlert } from '../src/alerts/notifiers/notifier.js';
import { loadWebhookReceivers, parseWebhookReceivers, WebhookConfigError } from '../src/alerts/notifiers/webhook-config.js';
import { signWebhookBody, verifyWebhookSignature, WebhookDeliveryError, WebhookNotifier } from '../src/alerts/notifiers/webhook.notifier.js';

const LABOUR_SECRET = 'labour-secret-0123456789';
const COMMITTEE_SECRET = 'committee-secret-0123456789';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver: records every request, answers `status()`. */
async function startReceiver(status: () => number = () => 204): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ method: request.method!, path: request.url!, headers: request.headers, body });
      response.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alerts`, received, server };
}

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

function alert(definition = coordinationDeadlineOverdue, agency = 'labour', id = 'referral:cg-1:overdue'): DeadlineAlert {
  return buildEvent(
    definition,
    {
      deadlineId: 'referral:cg-1',
      kind: 'referral-handover',
      agency,
      areaCode: 'hn-ba-dinh-lieu-giai',
      dueAt: '2021-06-10T17:00:00+07:00',
      refId: 'cg-1',
    },
    { id, time: '2021-06-10T17:00:01+07:00' },
  ) as DeadlineAlert;
}

describe('WebhookNotifier', () => {
  it('POSTs the alert as a structured CloudEvent, signed with the receiver secret, with the delivery id and timestamp', async () => {
    const labour = await startReceiver();
    const notifier = new WebhookNotifier({ labour: { url: labour.url, secret: LABOUR_SECRET } });
    const overdue = alert();

    const before = Math.floor(Date.now() / 1000);
    await notifier.deliver(overdue, 'labour');

    expect(labour.received).toHaveLength(1);
    const [request] = labour.received;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/hooks/alerts');
    expect(request!.headers['content-type']).toMatch(/^application\/cloudevents\+json(;|$)/);
    expect(request!.headers['lienganh-delivery']).toBe('referral:cg-1:overdue:labour');
    const timestamp = request!.headers['lienganh-timestamp'] as string;
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(timestamp)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));

    // The body is the CloudEvent itself, valid against the catalog.
    const body = JSON.parse(request!.body);
    expect(body).toEqual(overdue);
    expect(parseEvent(body)).toEqual(overdue);

    const signature = request!.headers['lienganh-signature'] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signature).toBe(signWebhookBody(LABOUR_SECRET, timestamp, request!.body));
    expect(verifyWebhookSignature(LABOUR_SECRET, timestamp, request!.body, signature)).toBe(true);
    expect(verifyWebhookSignature('another-secret-0123456789', timestamp, request!.body, signature)).toBe(false);
    expect(verifyWebhookSignature(LABOUR_SECRET, String(Number(timestamp) + 1), request!.body, signature)).toBe(false);
    expect(verifyWebhookSignature(LABOUR_SECRET, timestamp, request!.body.replace('labour', 'police'), signature)).toBe(false);
  });

  it('throws a WebhookDeliveryError naming the receiver and the status on a non-2xx answer', async () => {
    const failing = await startReceiver(() => 500);
    const notifier = new WebhookNotifier({ labour: { url: failing.url, secret: LABOUR_SECRET } });

    const error = await notifier.deliver(alert(), 'labour').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect(error).toMatchObject({ receiver: 'labour', failure: 'status', status: 500 });
    expect((error as Error).message).toBe('webhook of "labour" answered 500');
    expect(failing.received).toHaveLength(1);
  });

  it('does not follow a redirect: a 3xx is a failed delivery', async () => {
    const redirecting = await startReceiver(() => 307);
    const notifier = new WebhookNotifier({ labour: { url: redirecting.url, secret: LABOUR_SECRET } });

    await expect(notifier.deliver(alert(), 'labour')).rejects.toMatchObject({ failure: 'status', status: 307 });
  });

  it('throws when the receiver cannot be reached', async () => {
    const closed = await startReceiver();
    await new Promise((resolve) => closed.server.close(resolve));
    const notifier = new WebhookNotifier({ labour: { url: closed.url, secret: LABOUR_SECRET } });

    const error = await notifier.deliver(alert(), 'labour').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect(error).toMatchObject({ receiver: 'labour', failure: 'network' });
    expect((error as Error).message).toMatch(/^webhook of "labour" cannot be reached: ECONNREFUSED/);
    expect((error as Error).message).not.toContain(closed.url);
  });

  it('throws when the receiver does not answer in time', async () => {
    const pending: (() => void)[] = [];
    const silent = createServer((_request, response) => pending.push(() => response.end()));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    servers.push(silent);
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    const notifier = new WebhookNotifier({ labour: { url, secret: LABOUR_SECRET } }, { timeoutMs: 100 });

    try {
      await expect(notifier.deliver(alert(), 'labour')).rejects.toMatchObject({ receiver: 'labour', failure: 'timeout', message: 'webhook of "labour" did not answer within 100 ms' });
    } finally {
      for (const answer of pending) answer();
      silent.closeAllConnections();
    }
  });

  it('routes an alert to the webhook of the agency that owes the action, an escalated one also to the committee', () => {
    const notifier = new WebhookNotifier({
      labour: { url: 'http://127.0.0.1:1/labour', secret: LABOUR_SECRET },
      committee: { url: 'http://127.0.0.1:1/committee', secret: COMMITTEE_SECRET },
    });

    expect(notifier.receiversOf(alert(coordinationDeadlineOverdue, 'labour'))).toEqual(['labour']);
    expect(notifier.receiversOf(alert(coordinationDeadlineEscalated, 'labour', 'referral:cg-1:escalated'))).toEqual(['labour', 'committee']);
    // An agency with no webhook gets nothing; the committee only escalations.
    expect(notifier.receiversOf(alert(coordinationDeadlineOverdue, 'health'))).toEqual([]);
    expect(notifier.receiversOf(alert(coordinationDeadlineEscalated, 'health', 'referral:cg-1:escalated'))).toEqual(['committee']);

    const agencyOnly = new WebhookNotifier({ labour: { url: 'http://127.0.0.1:1/labour', secret: LABOUR_SECRET } });
    expect(agencyOnly.receiversOf(alert(coordinationDeadlineEscalated, 'labour', 'referral:cg-1:escalated'))).toEqual(['labour']);
    expect(new WebhookNotifier({}).receiversOf(alert())).toEqual([]);
  });

  it('signs each receiver with its own secret', async () => {
    const labour = await startReceiver();
    const committee = await startReceiver();
    const notifier = new WebhookNotifier({ labour: { url: labour.url, secret: LABOUR_SECRET }, committee: { url: committee.url, secret: COMMITTEE_SECRET } });
    const escalated = alert(coordinationDeadlineEscalated, 'labour', 'referral:cg-1:escalated');

    for (const receiver of notifier.receiversOf(escalated)) await notifier.deliver(escalated, receiver);

    const [toCommittee] = committee.received;
    expect(toCommittee!.headers['lienganh-delivery']).toBe('referral:cg-1:escalated:committee');
    const timestamp = toCommittee!.headers['lienganh-timestamp'] as string;
    const signature = toCommittee!.headers['lienganh-signature'] as string;
    expect(verifyWebhookSignature(COMMITTEE_SECRET, timestamp, toCommittee!.body, signature)).toBe(true);
    expect(verifyWebhookSignature(LABOUR_SECRET, timestamp, toCommittee!.body, signature)).toBe(false);
    expect(labour.received.map((request) => request.headers['lienganh-delivery'])).toEqual(['referral:cg-1:escalated:labour']);
  });
});

describe('webhook configuration', () => {
  const valid = { labour: { url: 'https://labour.example.vn/hooks', secret: LABOUR_SECRET }, committee: { url: 'http://127.0.0.1:9000/', secret: COMMITTEE_SECRET } };

  it('reads receivers from LIENGANH_WEBHOOKS, or from the file LIENGANH_WEBHOOKS_FILE names; none configured is no webhooks', () => {
    expect(loadWebhookReceivers({ LIENGANH_WEBHOOKS: JSON.stringify(valid) })).toEqual(valid);
    const dir = mkdtempSync(join(tmpdir(), 'lienganh-webhooks-'));
    try {
      const file = join(dir, 'webhooks.json');
      writeFileSync(file, JSON.stringify(valid));
      expect(loadWebhookReceivers({ LIENGANH_WEBHOOKS_FILE: file })).toEqual(valid);
      expect(() => loadWebhookReceivers({ LIENGANH_WEBHOOKS_FILE: join(dir, 'missing.json') })).toThrow(`LIENGANH_WEBHOOKS_FILE (${join(dir, 'missing.json')}): file not found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(loadWebhookReceivers({})).toEqual({});
  });

  it('names every bad field, never a secret', () => {
    const bad = {
      labour: { url: 'ftp://labour.example.vn/hooks', secret: 'short-secret' },
      committee: { url: 'not a url', secret: COMMITTEE_SECRET, extra: 1 },
      Police: { url: 'https://police.example.vn/', secret: 'police-secret-0123456789' },
    };
    let error: unknown;
    try {
      parseWebhookReceivers(JSON.stringify(bad), 'LIENGANH_WEBHOOKS');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WebhookConfigError);
    const { issues, message } = error as WebhookConfigError;
    expect(issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['labour.url', 'labour.secret', 'committee.url', 'committee.extra', 'Police']));
    expect(message).toMatch(/^LIENGANH_WEBHOOKS: /);
    expect(message).toContain('labour.url: must be an http:// or https:// URL');
    expect(message).toContain('labour.secret: must be at least 16 characters');
    expect(message).toContain('committee.extra: unknown field');
    expect(message).toContain('Police: is not a receiver');
    expect(message).not.toContain('short-secret');
  });

  it('says when the configuration is not JSON or not an object, or a field is missing', () => {
    expect(() => loadWebhookReceivers({ LIENGANH_WEBHOOKS: '{labour:' })).toThrow('LIENGANH_WEBHOOKS: is not valid JSON');
    expect(() => loadWebhookReceivers({ LIENGANH_WEBHOOKS: '[]' })).toThrow('LIENGANH_WEBHOOKS: must be a JSON object');
    expect(() => loadWebhookReceivers({ LIENGANH_WEBHOOKS: '{"labour":{"url":"https://labour.example.vn/"}}' })).toThrow('LIENGANH_WEBHOOKS: labour.secret: is required');
    expect(() => loadWebhookReceivers({ LIENGANH_WEBHOOKS: '{"labour":{}}' })).toThrow('LIENGANH_WEBHOOKS: labour.url: is required; labour.secret: is required');
    expect(() => loadWebhookReceivers({ LIENGANH_WEBHOOKS: '{"labour":"https://labour.example.vn/"}' })).toThrow('LIENGANH_WEBHOOKS: labour: must be an object');
  });
});

describe('LogNotifier', () => {
  it('logs every alert in one Vietnamese and English line with kind, agency, area and due time', async () => {
    const lines: { fields: object; message: string }[] = [];
    const notifier = new LogNotifier({ info: (fields, message) => lines.push({ fields, message }) });
    const overdue = alert(coordinationDeadlineOverdue, 'police');

    expect(notifier.recordsDelivery).toBe(false);
    for (const receiver of notifier.receiversOf(overdue)) await notifier.deliver(overdue, receiver);

    expect(lines).toEqual([
      {
        fields: expect.objectContaining({ alertId: 'referral:cg-1:overdue', kind: 'referral-handover', agency: 'police', areaCode: 'hn-ba-dinh-lieu-giai' }),
        message: 'Quá hạn / Deadline missed (overdue): referral-handover · police · hn-ba-dinh-lieu-giai · hạn/due 2021-06-10T17:00:00+07:00',
      },
    ]);
  });
});
