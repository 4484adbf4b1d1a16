import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { findNatsServerBinary, natsKeysEnv } from '@lienganh/platform';
import { runCli } from '../support/cli.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { TEST_USERS, tokens } from '../support/users.js';

/** `npx lienganh bodies …` against a running coordination service, as the secretariat would use it. */

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let dir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS });
  dir = mkdtempSync(join(tmpdir(), 'lienganh-bodies-cli-'));
});
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const as = (token: string) => ['--url', coordination.url, '--token', token];

it('registers a body, issues its credentials into a file of mode 600, lists it and revokes them', async () => {
  const registered = await runCli(['bodies', 'register', 'fatherland-front', '--vi', 'Ủy ban MTTQ Việt Nam thành phố', '--en', 'City Fatherland Front', '--kind', 'mass-organisation', ...as(tokens.secretariat)]);
  expect(registered).toMatchObject({ code: 0, stdout: expect.stringContaining('fatherland-front') });

  const out = join(dir, 'fatherland-front.json');
  const issued = await runCli(['bodies', 'credentials', 'issue', 'fatherland-front', '--out', out, ...as(tokens.secretariat)]);
  expect(issued.code).toBe(0);
  expect(statSync(out).mode & 0o777).toBe(0o600);
  const secrets = JSON.parse(readFileSync(out, 'utf8')) as { httpKey: string; natsSeed: string };
  expect(secrets.httpKey).toMatch(/^lgb_/);
  expect(secrets.natsSeed).toMatch(/^SU/);
  expect(issued.stdout).not.toContain(secrets.httpKey);

  // An external nats-server's users: the committed auth.conf plus this body, which nats-server accepts.
  const conf = join(dir, 'nats');
  const config = await runCli(['nats', 'config', '--bodies', '--out', conf], { NATS_URL: nats.server.url, NATS_NKEY_SEED: nats.keys.operator.seed });
  expect(config).toMatchObject({ code: 0, stdout: expect.stringContaining('fatherland-front') });
  const publicKey = JSON.parse(readFileSync(out, 'utf8')).natsPublicKey as string;
  const auth = readFileSync(join(conf, 'auth.conf'), 'utf8');
  expect(auth).toContain(`nkey: ${publicKey}`);
  expect(auth).toContain('"pcmd.events.reporting.fatherland-front.>"');
  expect(auth).not.toContain(secrets.natsSeed);
  const checked = await promisify(execFile)(findNatsServerBinary(), ['-t', '-c', join(conf, 'server.conf')], { env: { ...process.env, ...natsKeysEnv(nats.keys) } });
  expect(checked.stderr).toContain('is valid');
  // deploy/nats/ stays the committed file, without bodies.
  expect((await runCli(['nats', 'config', '--bodies'], { NATS_URL: nats.server.url, NATS_NKEY_SEED: nats.keys.operator.seed })).code).toBe(2);

  const listed = await runCli(['bodies', 'list', '--json', ...as(tokens.secretariat)]);
  expect(listed.code).toBe(0);
  expect(JSON.parse(listed.stdout).bodies).toContainEqual(expect.objectContaining({ code: 'fatherland-front', credentials: 'active' }));
  expect(listed.stdout).not.toContain(secrets.httpKey);

  const revoked = await runCli(['bodies', 'credentials', 'revoke', 'fatherland-front', ...as(tokens.secretariat)]);
  expect(revoked).toMatchObject({ code: 0, stdout: expect.stringContaining('fatherland-front') });
  expect(JSON.parse((await runCli(['bodies', 'list', '--json', ...as(tokens.secretariat)])).stdout).bodies).toContainEqual(expect.objectContaining({ code: 'fatherland-front', credentials: 'revoked' }));
}, 120_000); // several npx runs, each a few seconds on a loaded machine

it('exits 2 on bad input and on refusal, saying why', async () => {
  const badCode = await runCli(['bodies', 'register', 'Fatherland Front', '--vi', 'x', '--en', 'x', ...as(tokens.secretariat)]);
  expect(badCode).toMatchObject({ code: 2, stderr: expect.stringContaining('invalid body code') });
  const badKind = await runCli(['bodies', 'register', 'youth-union', '--vi', 'Đoàn Thanh niên', '--en', 'Youth Union', '--kind', 'club', ...as(tokens.secretariat)]);
  expect(badKind).toMatchObject({ code: 2, stderr: expect.stringContaining('--kind') });
  const refused = await runCli(['bodies', 'register', 'youth-union', '--vi', 'Đoàn Thanh niên', '--en', 'Youth Union', ...as(tokens.committee)]);
  expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('HTTP 403') });
  const unknown = await runCli(['bodies', 'credentials', 'issue', 'no-such-body', ...as(tokens.secretariat)]);
  expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('HTTP 404') });
  const twice = await runCli(['bodies', 'credentials', 'revoke', 'no-such-body', ...as(tokens.secretariat)]);
  expect(twice.code).toBe(2);
  // Nothing half-written: the refused registration left no body.
  expect(JSON.parse((await runCli(['bodies', 'list', '--json', ...as(tokens.secretariat)])).stdout).bodies.map((body: { code: string }) => body.code)).not.toContain('youth-union');
}, 120_000); // several npx runs, each a few seconds on a loaded machine
