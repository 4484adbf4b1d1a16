import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildEvent, cultureReportSubmitted, policeReferralMade } from '@lienganh/contracts';
import { cultureService } from '@lienganh/culture';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { healthService } from '@lienganh/health';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Roles are data (issue 18): since the 2025 reform the demo Cần Thơ 2026 plan names the health
 * department as standing body. Health receives the people police refer, owes the hand-over, and
 * receives and compiles the periodic reports; nothing in code says labour.
 */
const PLAN_FILE = DEMO_PLAN_FILES.find((file) => file.endsWith('can-tho-2026.plan.yaml'))!;
const plan = parseYaml(readFileSync(PLAN_FILE, 'utf8'));
const keys = { police: 'police-standing-key-0123456789', health: 'health-standing-key-0123456789', culture: 'culture-standing-key-0123456789' };
const july2026 = { now: () => new Date('2026-07-10T09:00:00+07:00') };

let nats: NatsFixture;
let dataDir: string;
let police: RunningAgencyService;
let health: RunningAgencyService;
let culture: RunningAgencyService;
let coordination: RunningCoordinationService;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-standing-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
  health = await startAgencyService(healthService, { ...nats.identity('health'), port: 0, dataDir, keys });
  culture = await startAgencyService(cultureService, { ...nats.identity('culture'), port: 0, dataDir, keys });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: july2026, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
});
afterAll(async () => {
  await coordination?.close();
  await culture?.close();
  await health?.close();
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const planSummary = async () => (await getAs(`${coordination.url}/api/v1/committee/overview`)).body.plans.find((entry: { id: string }) => entry.id === plan.id);

it('shows the jurisdiction’s roles as the plan gives them: health is standing body, report receiver and referral receiver', async () => {
  expect((await planSummary()).roles).toEqual({ standingBody: 'health', reportReceiver: 'health', referralReceivers: ['health'] });
});

it('puts a person police refer to health in health’s inbox, with the hand-over owed by health, and counts health’s answer', async () => {
  const made = buildEvent(
    policeReferralMade,
    { ...policeReferralMade.example, referralId: 'cg-ct-2026-0001', areaCode: 'ct-cai-rang', toAgency: 'health' },
    { time: new Date('2026-07-06T10:00:00+07:00') },
  );
  expect((await postJson(`${police.url}/api/v1/events`, made, keys.police)).status).toBe(202);

  const inbox = await eventually(async () => {
    const response = await fetch(`${health.url}/api/v1/referrals`, { headers: { authorization: `Bearer ${keys.health}` } });
    const { referrals } = (await response.json()) as { referrals: { referralId: string; fromAgency: string; status: string }[] };
    return referrals.find((referral) => referral.referralId === 'cg-ct-2026-0001');
  });
  expect(inbox).toMatchObject({ fromAgency: 'police', status: 'received' });

  // Coordination holds health to the plan's hand-over rule: police → health within 7 days.
  const held = await eventually(async () => {
    const { body } = await getAs(`${coordination.url}/api/v1/agencies/health/referrals`);
    return body.referrals?.find((referral: { referralId: string }) => referral.referralId === 'cg-ct-2026-0001');
  });
  expect(held).toMatchObject({ fromAgency: 'police', toAgency: 'health', handover: { dueAt: expect.any(String), overdue: false } });
  expect(new Date(held.handover.dueAt).getTime()).toBeGreaterThan(new Date('2026-07-13T00:00:00+07:00').getTime());

  expect((await postJson(`${health.url}/api/v1/referrals/cg-ct-2026-0001/accept`, { plannedServices: ['health-check'] }, keys.health)).status).toBe(202);
  const target = await eventually(async () => {
    const { body } = await getAs(`${coordination.url}/api/v1/committee/overview`);
    const found = body.targets.find((entry: { id: string; planId?: string }) => entry.id === 'chi-tieu-chuyen-gui-ho-tro');
    return found?.achieved === 100 ? found : undefined;
  });
  expect(target).toMatchObject({ agency: 'health', achieved: 100 });
  const flows = (await planSummary()).referralFlows;
  expect(flows).toEqual([expect.objectContaining({ from: 'police', to: 'health', made: 1, accepted: 1 })]);
});

it('takes the periodic reports for health, and names health as the body that compiles the report', async () => {
  const report = buildEvent(
    cultureReportSubmitted,
    { reportId: 'bc-vh-ct-2026-h1', reportingBody: 'culture', areaCode: 'ct', cadence: 'half-yearly', period: '2026-H1' },
    { time: new Date('2026-07-03T08:00:00+07:00') },
  );
  expect((await postJson(`${culture.url}/api/v1/events`, report, keys.culture)).status).toBe(202);

  const compliance = await eventually(async () => {
    const entry = (await planSummary()).reporting.find((body: { body: string }) => body.body === 'culture');
    return entry?.onTime === 1 ? entry : undefined;
  });
  expect(compliance).toMatchObject({ due: 1, onTime: 1, missing: 0 });
  // Health compiles, so it owes no report to itself; the others that reported nothing are missing.
  const reporting = (await planSummary()).reporting;
  expect(reporting.map((entry: { body: string }) => entry.body)).not.toContain('health');
  expect(reporting.find((entry: { body: string }) => entry.body === 'police')).toMatchObject({ missing: 1, missingPeriods: ['half-yearly:2026-H1'] });

  const { status, body } = await getAs(`${coordination.url}/api/v1/reports/periodic?period=2026-H1&area=ct&plan=${plan.id}&format=json`);
  expect(status).toBe(200);
  expect(body.compiledBy).toEqual({ code: 'health', name: expect.objectContaining({ vi: expect.stringContaining('Y tế') }) });
});
