import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, policeInspectionCompleted } from '@lienganh/contracts';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { AGENCY_KEYS_BUCKET, startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { Kvm } from '@nats-io/kv';
import { runCli } from '../support/cli.js';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Issue #19: the agencies' API keys are issued, rotated and revoked at run time, through the API
 * and `npx lienganh keys`, and each change is in force on the agency service within 5 s without a
 * restart: the configured key stops working once a key is issued, a rotated key once it is
 * replaced, a revoked one at once. The register keeps digests and who did what, never a key.
 */

const CONFIGURED = { police: 'police-configured-key-0123456789', labour: 'labour-configured-key-0123456789' };
const WITHIN_5_S = 5_000;

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let police: RunningAgencyService;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-agency-keys-'));
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS });
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys: CONFIGURED });
}, 60_000);
afterAll(async () => {
  await police?.close();
  await coordination?.close();
  await nats?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

let sequence = 0;
/** The status police answers an inspection sent with `key`. */
async function sendWith(key: string): Promise<number> {
  const event = buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: `kt-key-${++sequence}` }, { time: '2021-05-04T09:30:00+07:00' });
  return (await postJson(`${police.url}/api/v1/events`, event, key)).status;
}

/** Waits until police answers `status` for `key` (a change travels through the bucket's watch). */
const answersWithin5s = (key: string, status: number) =>
  eventually(async () => ((await sendWith(key)) === status ? true : undefined), WITHIN_5_S, () => `police did not answer ${status} within 5 s`);

const keysApi = `/api/v1/agencies`;
const send = async (method: string, path: string, token: string) => {
  const response = await fetch(`${coordination.url}${keysApi}${path}`, { method, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
};

describe('through the API', () => {
  it('lists every agency as configured until a key is issued', async () => {
    const listed = await getAs(`${coordination.url}${keysApi}/keys`, tokens.secretariat);
    expect(listed.status).toBe(200);
    expect(listed.body.agencies).toEqual(['labour', 'police', 'health', 'culture', 'justice'].map((agency) => ({ agency, key: 'configured' })));
    expect(await sendWith(CONFIGURED.police)).toBe(202);
  });

  it('issues a key: it works at once, the configured key gets 401 within 5 s; the key is shown once, only its digest kept', async () => {
    const issued = await send('POST', '/police/key', tokens.secretariat);
    expect(issued.status).toBe(201);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    expect(issued.body).toMatchObject({ agency: 'police', key: expect.stringMatching(/^lga_police_[A-Za-z0-9_-]{43}$/), replaced: 'configured' });
    const key = issued.body.key as string;
    await answersWithin5s(key, 202);
    await answersWithin5s(CONFIGURED.police, 401);
    // Another agency's configured key is still that agency's: told so, not taken.
    expect(await sendWith(CONFIGURED.labour)).toBe(403);

    const bucket = await new Kvm(nats.nc).open(AGENCY_KEYS_BUCKET);
    const stored = (await bucket.get('police'))!.string();
    expect(stored).not.toContain(key);
    expect(JSON.parse(stored)).toMatchObject({ agency: 'police', keySha256: expect.stringMatching(/^[0-9a-f]{64}$/), issuedBy: 'test-secretariat' });
    expect((await getAs(`${coordination.url}${keysApi}/keys`, tokens.secretariat)).body.agencies[1]).toMatchObject({ agency: 'police', key: 'issued', issuedBy: 'test-secretariat' });
  });

  it('rotates (the old key gets 401 within 5 s, the new one works) and revokes (401 within 5 s), each in the history', async () => {
    const first = (await send('POST', '/police/key', tokens.secretariat)).body.key as string;
    await answersWithin5s(first, 202);
    const rotated = await send('POST', '/police/key', tokens.secretariat);
    expect(rotated.body.replaced).toBe('issued');
    await answersWithin5s(rotated.body.key, 202);
    await answersWithin5s(first, 401);

    const revoked = await send('DELETE', '/police/key', tokens.secretariat);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ agency: 'police', key: 'revoked', revokedBy: 'test-secretariat' });
    await answersWithin5s(rotated.body.key, 401);
    expect(await sendWith(CONFIGURED.police)).toBe(401); // revoking leaves no key at all

    const history = (await getAs(`${coordination.url}${keysApi}/police/key/history`, tokens.secretariat)).body.history as { key: string }[];
    expect(history.map((step) => step.key)).toEqual(['issued', 'issued', 'issued', 'revoked']);
  });

  it('refuses what is not the secretariat, and names a bad agency', async () => {
    for (const token of [tokens.committee, tokens.police]) expect((await send('POST', '/labour/key', token)).status).toBe(403);
    const bad = await send('POST', '/phong-van-hoa/key', tokens.secretariat);
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ path: 'agency', message: 'must be one of labour, police, health, culture, justice' }]);
    expect((await getAs(`${coordination.url}${keysApi}/keys`, tokens.secretariat)).body.agencies[0]).toEqual({ agency: 'labour', key: 'configured' });
  });
});

describe('npx lienganh keys', () => {
  it('issues (the key once, into a file of mode 600), lists, revokes and shows the history; a bad agency is exit 2', async () => {
    const args = () => ['--url', coordination.url, '--token', tokens.secretariat];
    const out = join(dataDir, 'police-key.json');
    const issued = await runCli(['keys', 'issue', 'police', '--out', out, ...args()]);
    expect(issued.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const key = JSON.parse(readFileSync(out, 'utf8')).key as string;
    expect(issued.stdout).not.toContain(key);
    await answersWithin5s(key, 202);

    const listed = await runCli(['keys', 'list', ...args()]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^police\tissued\t/m);
    expect(listed.stdout).toMatch(/^labour\tconfigured\t$/m);

    const revoked = await runCli(['keys', 'revoke', 'police', ...args()]);
    expect(revoked.code).toBe(0);
    await answersWithin5s(key, 401);
    const history = await runCli(['keys', 'history', 'police', ...args()]);
    expect(history.stdout.trim().split('\n').at(-1)).toMatch(/\trevoked\t.*\ttest-secretariat$/);

    const bad = await runCli(['keys', 'issue', 'Công an', ...args()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid agency "Công an"');
  }, 120_000);
});
