import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { interrupt, runCli, spawnCli } from '../support/cli.js';
import { eventually, postJson } from '../support/http.js';

/**
 * Under `npm start` (`lienganh start`), which owns the embedded nats-server: a body registered and
 * issued credentials with the CLI while it runs reports over HTTP and connects to NATS with its own
 * nkey, without a restart; revoked, both are refused within 5 s.
 */

let dataDir: string;
let run: { child: ReturnType<typeof spawnCli>; output: string; closed: Promise<void> };
let natsUrl: string;
let coordinationUrl: string;
let reportingUrl: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-start-bodies-'));
  const natsPort = await freePort();
  const ports = Object.fromEntries(['LABOUR', 'POLICE', 'HEALTH', 'CULTURE', 'JUSTICE', 'REPORTING', 'COORDINATION'].map((name) => [`${name}_PORT`, '0']));
  const child = spawnCli(['start', '--data-dir', dataDir], { MONGODB_URI: '', NATS_PORT: String(natsPort), ...ports });
  run = { child, output: '', closed: new Promise<void>((done) => child.once('close', () => done())) };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (run.output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (run.output += chunk));
  await eventually(() => (run.output.includes('Ctrl-C') ? true : undefined), 60_000, () => run.output);
  natsUrl = `nats://127.0.0.1:${natsPort}`;
  coordinationUrl = /(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/committee\/overview/.exec(run.output)![1]!;
  reportingUrl = /reporting service of the other bodies: (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output)![1]!;
}, 90_000);
afterAll(async () => {
  if (run) {
    interrupt(run.child);
    await run.closed;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(['bodies', ...args, '--url', coordinationUrl], { LIENGANH_CREDENTIALS_FILE: join(dataDir, 'demo-credentials.json') });

it('a body registered while it runs reports over HTTP and on NATS, and is refused within 5 s once revoked', async () => {
  expect((await cli(['register', 'red-cross', '--vi', 'Hội Chữ thập đỏ thành phố', '--en', 'City Red Cross', '--kind', 'mass-organisation'])).code).toBe(0);
  const file = join(dataDir, 'red-cross.json');
  expect((await cli(['credentials', 'issue', 'red-cross', '--out', file])).code).toBe(0);
  const issued = JSON.parse(readFileSync(file, 'utf8')) as { httpKey: string; natsSeed: string; natsInboxPrefix: string };

  const event = (id: string) => ({
    specversion: '1.0',
    id,
    type: 'vn.pcmd.reporting.activity.held.v1',
    time: '2026-04-02T09:00:00+07:00',
    data: { activityId: id, kind: 'campaign', areaCode: 'ct-ninh-kieu', organiser: 'red-cross', counts: { participants: 150 } },
  });
  expect((await postJson(`${reportingUrl}/api/v1/events`, event('tn-0001'), issued.httpKey)).status).toBe(202);
  const connectAsBody = () =>
    connect({ servers: natsUrl, authenticator: nkeyAuthenticator(new TextEncoder().encode(issued.natsSeed)), inboxPrefix: issued.natsInboxPrefix, maxReconnectAttempts: 0, timeout: 1_000 });
  const nc: NatsConnection = await eventually(connectAsBody, 5_000);
  const closed = nc.closed();

  expect((await cli(['credentials', 'revoke', 'red-cross'])).code).toBe(0);
  const revokedAt = Date.now(); // the revocation is in the register once the CLI has its answer
  await eventually(async () => ((await postJson(`${reportingUrl}/api/v1/events`, event('tn-0002'), issued.httpKey)).status === 401 ? true : undefined), 5_000);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('still connected 5 s after the revocation')), 5_000)))]);
  clearTimeout(timer);
  expect(Date.now() - revokedAt).toBeLessThan(5_000);
  await expect(connectAsBody()).rejects.toThrow();
}, 60_000);

it('a body a plan names (the border guard of the Cần Thơ plan) is issued credentials without registering, and reports', async () => {
  const listed = JSON.parse((await cli(['list', '--json'])).stdout) as { bodies: { code: string; origin: string; credentials: string }[] };
  expect(listed.bodies).toContainEqual(expect.objectContaining({ code: 'border-guard', origin: 'plan', credentials: 'none' }));
  expect(listed.bodies.map((body) => body.code)).not.toContain('reporting');
  const file = join(dataDir, 'border-guard.json');
  expect((await cli(['credentials', 'issue', 'border-guard', '--out', file])).code).toBe(0);
  const { httpKey } = JSON.parse(readFileSync(file, 'utf8')) as { httpKey: string };
  const answer = await postJson(`${reportingUrl}/api/v1/events`, {
    specversion: '1.0',
    id: 'bp-0001',
    type: 'vn.pcmd.reporting.task.progress-reported.v1',
    time: '2026-04-03T09:00:00+07:00',
    data: { planId: 'kh-can-tho-2026', taskId: 'nv-bien-gioi', percentDone: 30 },
  }, httpKey);
  expect(answer).toEqual({ status: 202, body: { accepted: ['bp-0001'] } });
  expect(JSON.parse((await cli(['list', '--json'])).stdout).bodies).toContainEqual(expect.objectContaining({ code: 'border-guard', origin: 'plan', credentials: 'active' }));
}, 60_000);
