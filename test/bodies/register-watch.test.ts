import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportingActivityHeld } from '@lienganh/contracts';
import { BodyRegister, newBodySecrets, type BodyRecord } from '@lienganh/platform';
import { startReportingService, type RunningReportingService } from '@lienganh/reporting';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

/** The reporting service keeps watching the register of bodies across a restart of nats-server: a revocation after it is still refused within 5 s. */

let nats: NatsFixture;
let reporting: RunningReportingService;
let operatorRegister: BodyRegister;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-register-watch-'));
  reporting = await startReportingService({ ...nats.identity('reporting'), port: 0, dataDir });
  operatorRegister = await BodyRegister.open(nats.nc);
});
afterAll(async () => {
  operatorRegister?.close();
  await reporting?.close();
  await nats?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const event = (id: string) => ({
  specversion: '1.0',
  id,
  type: reportingActivityHeld.type,
  time: '2026-04-02T09:00:00+07:00',
  data: { activityId: id, kind: 'dialogue', areaCode: 'ct-ninh-kieu', organiser: 'farmers-union', counts: { participants: 40 } },
});

it('refuses a key revoked after nats-server restarted, within 5 s', async () => {
  const secrets = newBodySecrets();
  const record: BodyRecord = {
    code: 'farmers-union',
    title: { vi: 'Hội Nông dân thành phố', en: "City Farmers' Union" },
    kind: 'mass-organisation',
    origin: 'registered',
    credentials: { httpKeySha256: secrets.httpKeySha256, natsPublicKey: secrets.natsPublicKey, issuedAt: '2026-04-01T08:00:00Z', issuedBy: 'test-secretariat' },
  };
  const revision = await operatorRegister.write(record, 0);
  await eventually(async () => ((await postJson(`${reporting.url}/api/v1/events`, event('nd-0001'), secrets.httpKey)).status === 202 ? true : undefined), 5_000);

  await nats.server.restart();
  await eventually(async () => ((await postJson(`${reporting.url}/api/v1/events`, event('nd-0002'), secrets.httpKey)).status === 202 ? true : undefined), 15_000);

  const { credentials: _credentials, ...rest } = record;
  // The operator's connection is back once it reads the register again.
  const latest = await eventually(() => operatorRegister.read('farmers-union'), 15_000);
  expect(latest.revision).toBe(revision);
  await operatorRegister.write({ ...rest, revoked: { at: '2026-04-02T10:00:00Z', by: 'test-secretariat', natsPublicKey: secrets.natsPublicKey } }, revision);
  const revokedAt = Date.now();
  await eventually(async () => ((await postJson(`${reporting.url}/api/v1/events`, event('nd-0003'), secrets.httpKey)).status === 401 ? true : undefined), 5_000);
  expect(Date.now() - revokedAt).toBeLessThan(5_000);
}, 60_000);
