import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportingActivityHeld, STREAMS } from '@lienganh/contracts';
import { BodyRegister, newBodySecrets } from '@lienganh/platform';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { startServiceProcess } from '../support/service-process.js';

/** The reporting service as its own process (`node services/reporting/dist/main.js`), configured by environment as deploy/ runs it. */

let nats: NatsFixture;
let child: ChildProcess | undefined;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-reporting-process-'));
});
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await nats?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('runs from its environment, takes a body’s key issued after it started, and stops on SIGTERM', async () => {
  const started = await startServiceProcess('services/reporting/dist/main.js', { ...nats.identityEnv('reporting'), REPORTING_PORT: '0', DATA_DIR: dataDir });
  child = started.child;
  expect((await fetch(`${started.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${started.url}/readyz`)).status).toBe(200);

  const register = await BodyRegister.open(nats.nc);
  const secrets = newBodySecrets();
  await register.write(
    {
      code: 'veterans-association',
      title: { vi: 'Hội Cựu chiến binh thành phố', en: "City Veterans' Association" },
      kind: 'mass-organisation',
      origin: 'registered',
      credentials: { httpKeySha256: secrets.httpKeySha256, natsPublicKey: secrets.natsPublicKey, issuedAt: '2026-04-01T08:00:00Z', issuedBy: 'test-secretariat' },
    },
    0,
  );
  register.close();
  const event = {
    specversion: '1.0',
    id: 'ccb-0001',
    type: reportingActivityHeld.type,
    time: '2026-04-02T09:00:00+07:00',
    data: { activityId: 'ccb-0001', kind: 'awareness-session', areaCode: 'ct-ninh-kieu', organiser: 'veterans-association', counts: { participants: 60 } },
  };
  await eventually(async () => ((await postJson(`${started.url}/api/v1/events`, event, secrets.httpKey)).status === 202 ? true : undefined), 5_000);
  const stored = await nats.jsm.streams.getMessage(STREAMS.agencyEvents.name, { last_by_subj: 'pcmd.events.reporting.veterans-association.activity.held' });
  expect(stored!.header.get('ce-source')).toBe('/pcmd/reporting/veterans-association');

  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 60_000);
