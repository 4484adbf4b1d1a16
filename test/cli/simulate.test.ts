import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAMS } from '@lienganh/contracts';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { runCli } from '../support/cli.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

const KEY = 'police-simulate-key-0123456789';
/** No demo keys from the machine running the tests: only what a test passes. */
const NO_KEYS = { LIENGANH_AGENCY_KEYS: '', LIENGANH_CREDENTIALS_FILE: '/nonexistent/demo-credentials.json' };
let nats: NatsFixture;
let police: RunningAgencyService;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-simulate-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys: { police: KEY } });
});
afterAll(async () => {
  await police?.close();
  await nats?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const messages = async () => (await nats.jsm.streams.info(STREAMS.agencyEvents.name)).state.messages;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npx lienganh simulate', () => {
  it('posts realistic police records through the service: all accepted and in the stream', async () => {
    const before = await messages();
    const { code, stdout, stderr } = await runCli(['simulate', '--agency', 'police', '--count', '50', '--seed', '7', '--url', police.url, '--key', KEY, '--json'], NO_KEYS);
    expect(stderr).not.toContain('Đang gửi / sending'); // no progress bar when stderr is not a terminal
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ agency: 'police', seed: 7, count: 50, sent: 50, accepted: 50, refused: 0, errors: [] });
    expect(await messages()).toBe(before + 50);

    // The same seed makes the same events, ids included: the service stores a re-sent id once.
    const again = await runCli(['simulate', '--agency', 'police', '--count', '50', '--seed', '7', '--url', police.url, '--key', KEY, '--json'], NO_KEYS);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ accepted: 50 });
    expect(await messages()).toBe(before + 50);
  });

  it('sends batches at a limited rate, to the port and with the demo key of the agency by default', async () => {
    const credentials = join(dataDir, 'demo-credentials.json');
    writeFileSync(credentials, JSON.stringify({ agencyKeys: { police: KEY } }));
    const before = await messages();
    const { code, stdout } = await runCli(['simulate', '--agency', 'police', '--count', '40', '--batch', '8', '--rate', '100', '--seed', '9', '--json'], {
      ...NO_KEYS,
      LIENGANH_CREDENTIALS_FILE: credentials,
      POLICE_PORT: new URL(police.url).port,
    });
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ url: `${police.url}/api/v1/events`, batch: 8, sent: 40, accepted: 40 });
    expect(summary.seconds).toBeGreaterThanOrEqual(0.3); // the last batch starts at event 32: 0.32 s at 100/s
    expect(await messages()).toBe(before + 40);
  });

  it('reports refusals with their answers, and exits 1', async () => {
    const { code, stdout } = await runCli(['simulate', '--agency', 'police', '--count', '3', '--url', police.url, '--key', 'wrong-key-0123456789'], NO_KEYS);
    expect(code).toBe(1);
    expect(stdout).toMatch(/Đã gửi \/ sent: +3\/3/);
    expect(stdout).toMatch(/Bị từ chối \/ refused: +3/);
    expect(stdout).toContain('HTTP 401');
  });

  it('says clearly when the service is unreachable, without a stack trace, and exits 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { code, stdout, stderr } = await runCli(['simulate', '--agency', 'police', '--count', '100', '--url', url, '--key', KEY, '--json'], NO_KEYS);
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot reach the police service at ${url}/api/v1/events: ECONNREFUSED`);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(JSON.parse(stdout)).toMatchObject({ sent: 0, accepted: 0, refused: 0, unreachable: expect.stringContaining('ECONNREFUSED') });
  });

  it('answers bad usage with exit code 2 and says what is wrong', async () => {
    const cases: [string[], string][] = [
      [['--agency', 'army', '--count', '3'], '--agency: cơ quan không hợp lệ / must be one of labour, police, health, culture, justice, got "army"'],
      [['--agency', 'police', '--count', '-4'], '--count: phải là số nguyên dương / must be a positive integer, got "-4"'],
      [['--agency', 'police', '--count', '2.5'], '--count: phải là số nguyên dương / must be a positive integer'],
      [['--agency', 'police', '--count', '3', '--rate', 'fast'], '--rate: phải là số dương / must be a positive number, got "fast"'],
      [['--agency', 'police', '--count', '3', '--batch', '5000'], '--batch: tối đa / at most 1000 events per request'],
      [['--agency', 'police', '--count', '3', '--url', 'ftp://example.org'], '--url: phải là http(s) / must be http or https'],
      [['--agency', 'police', '--count', '3', '--seed', 'abc'], '--seed: phải là số nguyên'],
      [['--agency', 'police'], "required option '--count <n>' not specified"],
      // A mistyped option is named as such, with the option meant, before any required one is missed.
      [['--agency', 'police', '--cuont', '3'], "unknown option '--cuont'\n(Did you mean --count?)"],
    ];
    const withService = (args: string[]) => ['simulate', ...args, '--key', KEY, ...(args.includes('--url') ? [] : ['--url', police.url])];
    const results = await Promise.all(cases.map(([args]) => runCli(withService(args), NO_KEYS)));
    results.forEach((result, index) => {
      expect({ args: cases[index]![0], code: result.code }).toEqual({ args: cases[index]![0], code: 2 });
      expect(result.stderr).toContain(cases[index]![1]);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  });

  it('asks for a key when there is no demo key', async () => {
    const { code, stderr } = await runCli(['simulate', '--agency', 'police', '--count', '3', '--url', police.url], NO_KEYS);
    expect(code).toBe(2);
    expect(stderr).toContain('no key for police: pass --key, or run npm start once');
  });
});
