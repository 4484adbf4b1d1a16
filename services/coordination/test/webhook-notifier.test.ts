import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, coordinationDeadlineEscalated, coordinationDeadlineOverdue, parseEvent } from '@lienganh/contracts';
import { LogNotifier } from '../src/alerts/notifiers/log.notifier.js';
import type { DeadlineAlert } from '../src/alerts/notifiers/notifier.js';
import { checkWebhookReceivers, loadWebhookReceivers, parseWebhookReceivers, WebhookConfigError } from '../src/alerts/notifiers/webhook-config.js';
import { WebhookAllowList } from '../src/alerts/notifiers/webhook-address.js';
import { signWebhookBody, verifyWebhookSignature, WebhookDeliveryError, WebhookNotifier } from '../src/alerts/notifiers/webhook.notifier.js';

const LABOUR_SECRET = 'labour-secret-0123456789';
const COMMITTEE_SECRET = 'committee-secret-0123456789';
/** The receivers here listen on 127.0.0.1: allowed explicitly, as a deployment would have to. */
const LOOPBACK = new WebhookAllowList(['127.0.0.1']);

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

function alert(definition = coordinationDeadlineOverdue, agency = 'labour', id = 'referral:hs-00000000000000000001:overdue'): DeadlineAlert {
  return buildEvent(
    definition,
    {
      deadlineId: 'referral:hs-00000000000000000001',
      kind: 'referral-handover',
      agency,
      areaCode: 'hn-ba-dinh-lieu-giai',
      dueAt: '2021-06-10T17:00:00+07:00',
      refId: 'hs-00000000000000000001',
    },
    { id, time: '2021-06-10T17:00:01+07:00' },
  ) as DeadlineAlert;
}

describe('WebhookNotifier', () => {
  it('POSTs the alert as a structured CloudEvent, signed with the receiver secret, with the delivery id and timestamp', async () => {
    const labour = await startReceiver();
    const notifier = new WebhookNotifier({ labour: { url: labour.url, secret: LABOUR_SECRET } }, { allow: LOOPBACK });
    const overdue = alert();

    const before = Math.floor(Date.now() / 1000);
    await notifier.deliver(overdue, 'labour');

    expect(labour.received).toHaveLength(1);
    const [request] = labour.received;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/hooks/alerts');
    expect(request!.headers['content-type']).toMatch(/^application\/cloudevents\+json(;|$)/);
    expect(request!.headers['lienganh-delivery']).toBe('referral:hs-00000000000000000001:overdue:labour');
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
    const notifier = new WebhookNotifier({ labour: { url: failing.url, secret: LABOUR_SECRET } }, { allow: LOOPBACK });

    const error = await notifier.deliver(alert(), 'labour').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect(error).toMatchObject({ receiver: 'labour', failure: 'status', status: 500 });
    expect((error as Error).message).toBe('webhook of "labour" answered 500');
    expect(failing.received).toHaveLength(1);
  });

  it('does not follow a redirect: a 3xx is a failed delivery', async () => {
    const redirecting = await startReceiver(() => 307);
    const notifier = new WebhookNotifier({ labour: { url: redirecting.url, secret: LABOUR_SECRET } }, { allow: LOOPBACK });

    await expect(notifier.deliver(alert(), 'labour')).rejects.toMatchObject({ failure: 'status', status: 307 });
  });

  it('throws when the receiver cannot be reached', async () => {
    const closed = await startReceiver();
    await new Promise((resolve) => closed.server.close(resolve));
    const notifier = new WebhookNotifier({ labour: { url: closed.url, secret: LABOUR_SECRET } }, { allow: LOOPBACK });

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
    const notifier = new WebhookNotifier({ labour: { url, secret: LABOUR_SECRET } }, { timeoutMs: 100, allow: LOOPBACK });

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
    expect(notifier.receiversOf(alert(coordinationDeadlineEscalated, 'labour', 'referral:hs-00000000000000000001:escalated'))).toEqual(['labour', 'committee']);
    // An agency with no webhook gets nothing; the committee only escalations.
    expect(notifier.receiversOf(alert(coordinationDeadlineOverdue, 'health'))).toEqual([]);
    expect(notifier.receiversOf(alert(coordinationDeadlineEscalated, 'health', 'referral:hs-00000000000000000001:escalated'))).toEqual(['committee']);

    const agencyOnly = new WebhookNotifier({ labour: { url: 'http://127.0.0.1:1/labour', secret: LABOUR_SECRET } }, { allow: LOOPBACK });
    expect(agencyOnly.receiversOf(alert(coordinationDeadlineEscalated, 'labour', 'referral:hs-00000000000000000001:escalated'))).toEqual(['labour']);
    expect(new WebhookNotifier({}).receiversOf(alert())).toEqual([]);
  });

  it('signs each receiver with its own secret', async () => {
    const labour = await startReceiver();
    const committee = await startReceiver();
    const notifier = new WebhookNotifier({ labour: { url: labour.url, secret: LABOUR_SECRET }, committee: { url: committee.url, secret: COMMITTEE_SECRET } }, { allow: LOOPBACK });
    const escalated = alert(coordinationDeadlineEscalated, 'labour', 'referral:hs-00000000000000000001:escalated');

    for (const receiver of notifier.receiversOf(escalated)) await notifier.deliver(escalated, receiver);

    const [toCommittee] = committee.received;
    expect(toCommittee!.headers['lienganh-delivery']).toBe('referral:hs-00000000000000000001:escalated:committee');
    const timestamp = toCommittee!.headers['lienganh-timestamp'] as string;
    const signature = toCommittee!.headers['lienganh-signature'] as string;
    expect(verifyWebhookSignature(COMMITTEE_SECRET, timestamp, toCommittee!.body, signature)).toBe(true);
    expect(verifyWebhookSignature(LABOUR_SECRET, timestamp, toCommittee!.body, signature)).toBe(false);
    expect(labour.received.map((request) => request.headers['lienganh-delivery'])).toEqual(['referral:hs-00000000000000000001:escalated:labour']);
  });
});

describe('webhook configuration', () => {
  const valid = { labour: { url: 'https://labour.example.vn/hooks', secret: LABOUR_SECRET }, committee: { url: 'http://127.0.0.1:9000/', secret: COMMITTEE_SECRET } };

  it('reads receivers from LIENGANH_WEBHOOKS, or from the file LIENGANH_WEBHOOKS_FILE names; none configured is no webhooks', () => {
    expect(loadWebhookReceivers({ LIENGANH_WEBHOOKS: JSON.stringify(valid), LIENGANH_WEBHOOK_ALLOW: '127.0.0.1' })).toEqual(valid);
    const dir = mkdtempSync(join(tmpdir(), 'lienganh-webhooks-'));
    try {
      const file = join(dir, 'webhooks.json');
      writeFileSync(file, JSON.stringify(valid));
      expect(loadWebhookReceivers({ LIENGANH_WEBHOOKS_FILE: file, LIENGANH_WEBHOOK_ALLOW: '127.0.0.0/8' })).toEqual(valid);
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

describe('webhook targets (server-side request forgery)', () => {
  const refused = ['http://127.0.0.1:9000/', 'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:9000/', 'http://localhost:9000/', 'http://[::ffff:10.0.0.1]/', 'http://100.64.0.1/', 'http://172.16.5.4/', 'http://192.168.1.1/', 'http://0.0.0.0/', 'http://[fd00::1]/', 'http://[fe80::1]/', 'http://[::]/'];

  it.each(refused)('refuses %s at configuration time with an error naming the receiver and the address', (url) => {
    const error = (() => {
      try {
        loadWebhookReceivers({ LIENGANH_WEBHOOKS: JSON.stringify({ labour: { url, secret: LABOUR_SECRET } }) });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(WebhookConfigError);
    const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
    expect((error as Error).message).toMatch(new RegExp(`^LIENGANH_WEBHOOKS: labour\\.url: .*${host.replace(/[.[\]]/g, '\\$&')}.*refused \\(allow it in LIENGANH_WEBHOOK_ALLOW\\)`));
    expect((error as Error).message).not.toContain(LABOUR_SECRET);
  });

  it('accepts them when LIENGANH_WEBHOOK_ALLOW lists the address, its range or the host name', () => {
    const webhooks = (url: string) => JSON.stringify({ labour: { url, secret: LABOUR_SECRET } });
    expect(loadWebhookReceivers({ LIENGANH_WEBHOOKS: webhooks('http://127.0.0.1:9000/'), LIENGANH_WEBHOOK_ALLOW: '127.0.0.1' })).toHaveProperty('labour');
    expect(loadWebhookReceivers({ LIENGANH_WEBHOOKS: webhooks('http://10.0.0.1/'), LIENGANH_WEBHOOK_ALLOW: '10.0.0.0/8, 192.168.0.0/16' })).toHaveProperty('labour');
    expect(loadWebhookReceivers({ LIENGANH_WEBHOOKS: webhooks('http://[::1]:9000/'), LIENGANH_WEBHOOK_ALLOW: '::1' })).toHaveProperty('labour');
    expect(loadWebhookReceivers({ LIENGANH_WEBHOOKS: webhooks('http://localhost:9000/'), LIENGANH_WEBHOOK_ALLOW: 'localhost' })).toHaveProperty('labour');
    // Public addresses need no allow-list.
    expect(loadWebhookReceivers({ LIENGANH_WEBHOOKS: webhooks('https://203.113.131.1/hooks') })).toHaveProperty('labour');
    // Allowing one address does not allow another.
    expect(() => loadWebhookReceivers({ LIENGANH_WEBHOOKS: webhooks('http://169.254.169.254/'), LIENGANH_WEBHOOK_ALLOW: '127.0.0.1' })).toThrow('169.254.169.254, a link-local (cloud metadata) address: refused');
    expect(() => loadWebhookReceivers({ LIENGANH_WEBHOOKS: webhooks('https://203.113.131.1/'), LIENGANH_WEBHOOK_ALLOW: 'not a host!' })).toThrow('LIENGANH_WEBHOOK_ALLOW: "host!" is not a host name');
  });

  it('resolves host names and checks every address they resolve to, at start', async () => {
    const lookup = async (host: string) =>
      ({ 'hooks.labour.example.vn': [{ address: '203.113.131.1', family: 4 }, { address: '10.0.0.1', family: 4 }], 'public.example.vn': [{ address: '203.113.131.1', family: 4 }] })[host] ?? [];
    const receivers = { labour: { url: 'https://hooks.labour.example.vn/', secret: LABOUR_SECRET }, committee: { url: 'https://public.example.vn/', secret: COMMITTEE_SECRET } };
    await expect(checkWebhookReceivers(receivers, new WebhookAllowList(), { origin: 'LIENGANH_WEBHOOKS', lookup })).rejects.toThrow(
      'LIENGANH_WEBHOOKS: labour.url: hooks.labour.example.vn resolves to 10.0.0.1, a private address: refused (allow it in LIENGANH_WEBHOOK_ALLOW)',
    );
    await expect(checkWebhookReceivers(receivers, new WebhookAllowList(['hooks.labour.example.vn']), { lookup })).resolves.toBeUndefined();
    await expect(checkWebhookReceivers(receivers, new WebhookAllowList(['10.0.0.1']), { lookup })).resolves.toBeUndefined();
    // The real resolver: localhost is this host.
    await expect(checkWebhookReceivers({ labour: { url: 'http://localhost:1/', secret: LABOUR_SECRET } }, new WebhookAllowList())).rejects.toThrow(/labour\.url: localhost resolves to (127\.0\.0\.1|::1), a loopback address: refused/);
  });

  it('checks again at each delivery and connects only to the address checked (DNS can change)', async () => {
    const labour = await startReceiver();
    const port = new URL(labour.url).port;
    let answer = '203.113.131.1';
    const lookup = async () => [{ address: answer, family: 4 }];
    // A name that resolved to a public address at start, then to loopback: refused, nothing sent.
    answer = '127.0.0.1';
    const notifier = new WebhookNotifier({ labour: { url: `http://hooks.labour.example.vn:${port}/hooks/alerts`, secret: LABOUR_SECRET } }, { lookup });
    const error = await notifier.deliver(alert(), 'labour').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect(error).toMatchObject({ receiver: 'labour', failure: 'refused' });
    expect((error as Error).message).toBe('webhook of "labour" is refused: hooks.labour.example.vn resolves to 127.0.0.1, a loopback address: refused (allow it in LIENGANH_WEBHOOK_ALLOW)');
    for (const url of ['http://10.0.0.1/', 'http://169.254.169.254/', `http://[::1]:${port}/`, `http://localhost:${port}/`]) {
      await expect(new WebhookNotifier({ labour: { url, secret: LABOUR_SECRET } }).deliver(alert(), 'labour')).rejects.toMatchObject({ failure: 'refused' });
    }
    expect(labour.received).toHaveLength(0);

    // Allowed: the request goes to the address the check resolved (the name is never looked up again).
    const allowed = new WebhookNotifier({ labour: { url: `http://hooks.labour.example.vn:${port}/hooks/alerts`, secret: LABOUR_SECRET } }, { lookup, allow: LOOPBACK });
    await allowed.deliver(alert(), 'labour');
    expect(labour.received).toHaveLength(1);
    expect(labour.received[0]!.headers.host).toBe(`hooks.labour.example.vn:${port}`);
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
        fields: expect.objectContaining({ alertId: 'referral:hs-00000000000000000001:overdue', kind: 'referral-handover', agency: 'police', areaCode: 'hn-ba-dinh-lieu-giai' }),
        message: 'Quá hạn / Deadline missed (overdue): referral-handover · police · hn-ba-dinh-lieu-giai · hạn/due 2021-06-10T17:00:00+07:00',
      },
    ]);
  });
});
