import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoordinationService, WebhookAllowList, type RunningCoordinationService } from '@lienganh/coordination';
import { runCli } from '../support/cli.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { TEST_USERS, tokens } from '../support/users.js';

/** `npx lienganh subscriptions …` against a running coordination service, as the secretariat would use it (ADR 0017). */

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let receiver: Server;
let dir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS, webhookAllow: new WebhookAllowList(['127.0.0.1']) });
  // A webhook that agrees to the handshake and takes everything.
  receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, request.method === 'OPTIONS' ? { 'WebHook-Allowed-Origin': '*' } : {}).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  dir = mkdtempSync(join(tmpdir(), 'lienganh-subscriptions-cli-'));
});
afterAll(async () => {
  await coordination?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await nats?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const as = (token: string) => ['--url', coordination.url, '--token', token];
const webhook = () => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;

it('creates a subscription with its secret in a file of mode 600, lists it, shows its log and removes it', async () => {
  const out = join(dir, 'subscription.json');
  const created = await runCli(['subscriptions', 'create', webhook(), '--entity', 'deadline', '--since', '2026-01-01T00:00:00+07:00', '--out', out, ...as(tokens.secretariat)]);
  expect(created.code).toBe(0);
  expect(statSync(out).mode & 0o777).toBe(0o600);
  const { id, secret } = JSON.parse(readFileSync(out, 'utf8')) as { id: string; secret: string };
  expect(created.stdout).toContain(id);
  expect(created.stdout).not.toContain(secret);

  const listed = await runCli(['subscriptions', 'list', ...as(tokens.secretariat)]);
  expect(listed).toMatchObject({ code: 0, stdout: expect.stringContaining(`${id}\tdeadline\t2025-12-31T17:00:00.000Z`) });
  expect((await runCli(['subscriptions', 'deliveries', id, '--json', ...as(tokens.secretariat)])).code).toBe(0);
  expect(await runCli(['subscriptions', 'remove', id, ...as(tokens.secretariat)])).toMatchObject({ code: 0, stdout: expect.stringContaining(id) });
  expect((await runCli(['subscriptions', 'remove', id, ...as(tokens.secretariat)])).code).toBe(2);
}, 120_000); // several npx runs, each a few seconds on a loaded machine

it('exits 2 on bad input and on refusal, saying why', async () => {
  expect(await runCli(['subscriptions', 'create', 'ftp://example.org/x', ...as(tokens.secretariat)])).toMatchObject({ code: 2, stderr: expect.stringContaining('invalid webhook URL') });
  expect(await runCli(['subscriptions', 'create', webhook(), '--entity', 'access', ...as(tokens.secretariat)])).toMatchObject({ code: 2, stderr: expect.stringContaining('--entity') });
  expect(await runCli(['subscriptions', 'create', 'http://10.1.2.3/hook', ...as(tokens.secretariat)])).toMatchObject({ code: 2, stderr: expect.stringContaining('private') });
  expect(await runCli(['subscriptions', 'create', webhook(), ...as(tokens.committee)])).toMatchObject({ code: 2, stderr: expect.stringContaining('HTTP 403') });
  expect(await runCli(['subscriptions', 'deliveries', 'nope', ...as(tokens.secretariat)])).toMatchObject({ code: 2, stderr: expect.stringContaining('invalid subscription id') });
}, 120_000);
