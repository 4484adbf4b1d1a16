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

/** `npx lienganh consumers …` against a running coordination service, as the secretariat would use it (ADR 0017). */

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let dir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS });
  dir = mkdtempSync(join(tmpdir(), 'lienganh-consumers-cli-'));
});
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const as = (token: string) => ['--url', coordination.url, '--token', token];

it('registers an outside system, issues its seed into a file of mode 600, puts its read-only user in an external server’s config, lists it and revokes it', async () => {
  const registered = await runCli(['consumers', 'register', 'police-case-system', '--vi', 'Hệ thống hồ sơ vụ việc Công an thành phố', '--en', 'City police case system', ...as(tokens.secretariat)]);
  expect(registered).toMatchObject({ code: 0, stdout: expect.stringContaining('police-case-system') });

  const out = join(dir, 'police-case-system.json');
  const issued = await runCli(['consumers', 'credentials', 'issue', 'police-case-system', '--out', out, ...as(tokens.secretariat)]);
  expect(issued.code).toBe(0);
  expect(statSync(out).mode & 0o777).toBe(0o600);
  const secrets = JSON.parse(readFileSync(out, 'utf8')) as { natsSeed: string; natsPublicKey: string; natsConsumers: { name: string }[] };
  expect(secrets.natsSeed).toMatch(/^SU/);
  expect(secrets.natsConsumers.map((consumer) => consumer.name)).toContain('consumer-police-case-system-deadline');
  expect(issued.stdout).not.toContain(secrets.natsSeed);

  // An external nats-server's users: the consumer reads, publishes no event subject; nats-server accepts the file.
  const conf = join(dir, 'nats');
  expect((await runCli(['nats', 'config', '--bodies', '--out', conf], { NATS_URL: nats.server.url, NATS_NKEY_SEED: nats.keys.operator.seed })).code).toBe(0);
  const auth = readFileSync(join(conf, 'auth.conf'), 'utf8');
  const block = auth.slice(auth.indexOf(`nkey: ${secrets.natsPublicKey}`));
  expect(block).toContain('"$JS.API.CONSUMER.CREATE.PCMD_COORDINATION_EVENTS.consumer-police-case-system-deadline.pcmd.events.coordination.deadline.>"');
  expect(block).toContain('"_INBOX_consumer_police-case-system.>"');
  expect(block.slice(0, block.indexOf('subscribe'))).not.toMatch(/"pcmd\.events\./);
  const checked = await promisify(execFile)(findNatsServerBinary(), ['-t', '-c', join(conf, 'server.conf')], { env: { ...process.env, ...natsKeysEnv(nats.keys) } });
  expect(checked.stderr).toContain('is valid');

  const listed = await runCli(['consumers', 'list', '--json', ...as(tokens.secretariat)]);
  expect(JSON.parse(listed.stdout).consumers).toEqual([expect.objectContaining({ code: 'police-case-system', credentials: 'active' })]);
  expect(listed.stdout).not.toContain(secrets.natsSeed);
  const revoked = await runCli(['consumers', 'credentials', 'revoke', 'police-case-system', ...as(tokens.secretariat)]);
  expect(revoked).toMatchObject({ code: 0, stdout: expect.stringContaining('police-case-system') });
  expect((await runCli(['consumers', 'list', ...as(tokens.secretariat)])).stdout).toContain('police-case-system\trevoked');
}, 120_000); // several npx runs, each a few seconds on a loaded machine

it('exits 2 on bad input and on refusal, saying why', async () => {
  expect(await runCli(['consumers', 'register', 'Police System', '--vi', 'x', '--en', 'x', ...as(tokens.secretariat)])).toMatchObject({ code: 2, stderr: expect.stringContaining('invalid consumer code') });
  expect(await runCli(['consumers', 'register', 'health-stats', '--vi', 'Thống kê y tế', '--en', 'Health statistics', ...as(tokens.committee)])).toMatchObject({ code: 2, stderr: expect.stringContaining('HTTP 403') });
  expect(await runCli(['consumers', 'credentials', 'issue', 'no-such-system', ...as(tokens.secretariat)])).toMatchObject({ code: 2, stderr: expect.stringContaining('HTTP 404') });
  expect(await runCli(['consumers', 'register', 'police', '--vi', 'Công an', '--en', 'Police', ...as(tokens.secretariat)])).toMatchObject({ code: 2, stderr: expect.stringContaining('HTTP 409') });
}, 60_000);
