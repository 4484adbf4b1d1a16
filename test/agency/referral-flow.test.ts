import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildEvent,
  decodeNatsMessage,
  healthReferralServiceDelivered,
  labourReferralAccepted,
  labourReferralDeclined,
  labourReferralMade,
  labourReferralServiceDelivered,
  policeReferralMade,
  STREAMS,
} from '@lienganh/contracts';
import { healthService } from '@lienganh/health';
import { labourService } from '@lienganh/labour';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { eventually, postJson } from '../support/http.js';

const keys = { police: 'police-flow-key-0123456789', labour: 'labour-flow-key-0123456789', health: 'health-flow-key-0123456789' };
let nats: NatsFixture;
let dataDir: string;
let police: RunningAgencyService;
let labour: RunningAgencyService;
let health: RunningAgencyService;

const startLabour = () => startAgencyService(labourService, { ...nats.identity('labour'), port: 0, dataDir, keys });

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-flow-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
  labour = await startLabour();
  health = await startAgencyService(healthService, { ...nats.identity('health'), port: 0, dataDir, keys });
});
afterAll(async () => {
  await health?.close();
  await labour?.close();
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function inbox(service: RunningAgencyService, key = keys.labour) {
  const response = await fetch(`${service.url}/api/v1/referrals`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as { referrals: { referralId: string; status: string; servicesDelivered: string[] }[] } };
}

it('carries a police sanction referral to labour, and labour’s accept and service-delivered events follow it', async () => {
  const referral = buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-flow-0001' });
  expect((await postJson(`${police.url}/api/v1/events`, referral, keys.police)).status).toBe(202);

  // The reaction: labour's consumer puts it in labour's inbox.
  await eventually(async () => ((await inbox(labour)).body.referrals.some((item) => item.referralId === 'cg-flow-0001') ? true : undefined));

  const accept = await postJson(`${labour.url}/api/v1/referrals/cg-flow-0001/accept`, { plannedServices: ['counselling', 'vocational-training'] }, keys.labour);
  expect(accept.status).toBe(202);
  const service = await postJson(`${labour.url}/api/v1/referrals/cg-flow-0001/services`, { service: 'counselling' }, keys.labour);
  expect(service.status).toBe(202);

  const stream = STREAMS.agencyEvents.name;
  const accepted = await nats.jsm.streams.getMessage(stream, { last_by_subj: labourReferralAccepted.subject });
  const delivered = await nats.jsm.streams.getMessage(stream, { last_by_subj: labourReferralServiceDelivered.subject });
  expect(decodeNatsMessage(accepted!.header, accepted!.data)).toMatchObject({
    id: accept.body.accepted[0],
    source: '/pcmd/labour',
    subject: 'cg-flow-0001',
    data: { referralId: 'cg-flow-0001', plannedServices: ['counselling', 'vocational-training'] },
  });
  expect(decodeNatsMessage(delivered!.header, delivered!.data).data).toEqual({ referralId: 'cg-flow-0001', service: 'counselling' });

  // A restarted labour service rebuilds its inbox from the stream.
  await labour.close();
  labour = await startLabour();
  const [rebuilt] = (await inbox(labour)).body.referrals.filter((item) => item.referralId === 'cg-flow-0001');
  expect(rebuilt).toMatchObject({ status: 'accepted', servicesDelivered: ['counselling'] });
});

it('carries labour’s referral on to health, whose answers follow it', async () => {
  const referral = buildEvent(labourReferralMade, { ...labourReferralMade.example, referralId: 'cg-flow-0100' });
  expect((await postJson(`${labour.url}/api/v1/events`, referral, keys.labour)).status).toBe(202);
  await eventually(async () => ((await inbox(health, keys.health)).body.referrals.some((item) => item.referralId === 'cg-flow-0100') ? true : undefined));
  // Labour's own inbox holds only what was referred to labour.
  expect((await inbox(labour)).body.referrals.some((item) => item.referralId === 'cg-flow-0100')).toBe(false);

  expect((await postJson(`${health.url}/api/v1/referrals/cg-flow-0100/accept`, { plannedServices: ['hiv-sti-care'] }, keys.health)).status).toBe(202);
  expect((await postJson(`${health.url}/api/v1/referrals/cg-flow-0100/services`, { service: 'hiv-sti-care' }, keys.health)).status).toBe(202);
  const delivered = await nats.jsm.streams.getMessage(STREAMS.agencyEvents.name, { last_by_subj: healthReferralServiceDelivered.subject });
  expect(decodeNatsMessage(delivered!.header, delivered!.data)).toMatchObject({ source: '/pcmd/health', data: { referralId: 'cg-flow-0100', service: 'hiv-sti-care' } });
  expect((await postJson(`${health.url}/api/v1/referrals/cg-flow-0100/close`, { outcome: 'other' }, keys.health)).status).toBe(404);
});

it('keeps the inbox current when an answer comes through the generic events endpoint', async () => {
  const referral = buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-flow-0200' });
  await postJson(`${police.url}/api/v1/events`, referral, keys.police);
  await eventually(async () => ((await inbox(labour)).body.referrals.some((item) => item.referralId === 'cg-flow-0200') ? true : undefined));
  const answer = buildEvent(labourReferralDeclined, { referralId: 'cg-flow-0200', reason: 'person-declined' });
  expect((await postJson(`${labour.url}/api/v1/events`, answer, keys.labour)).status).toBe(202);
  await eventually(async () => ((await inbox(labour)).body.referrals.find((item) => item.referralId === 'cg-flow-0200')?.status === 'declined' ? true : undefined));
  expect((await postJson(`${labour.url}/api/v1/referrals/cg-flow-0200/accept`, { plannedServices: ['loan'] }, keys.labour)).status).toBe(409);
});

it('refuses answers that do not fit the referral, and the inbox to other agencies', async () => {
  const unknown = await postJson(`${labour.url}/api/v1/referrals/cg-none/accept`, { plannedServices: ['counselling'] }, keys.labour);
  expect(unknown.status).toBe(404);
  const early = buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-flow-0002' });
  await postJson(`${police.url}/api/v1/events`, early, keys.police);
  await eventually(async () => ((await inbox(labour)).body.referrals.some((item) => item.referralId === 'cg-flow-0002') ? true : undefined));
  const serviceBeforeAccept = await postJson(`${labour.url}/api/v1/referrals/cg-flow-0002/services`, { service: 'loan' }, keys.labour);
  expect(serviceBeforeAccept).toMatchObject({ status: 409, body: { error: 'conflict' } });
  const badBody = await postJson(`${labour.url}/api/v1/referrals/cg-flow-0002/accept`, { plannedServices: ['massage'] }, keys.labour);
  expect(badBody.status).toBe(400);
  expect(badBody.body.issues[0].path).toBe('plannedServices.0');
  expect((await inbox(labour, keys.police)).status).toBe(403);
});
