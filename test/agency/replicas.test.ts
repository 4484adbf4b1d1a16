import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, policeCaseTransferred, policeInspectionCompleted, policeReferralMade, STREAMS } from '@lienganh/contracts';
import { justiceService } from '@lienganh/justice';
import { labourService } from '@lienganh/labour';
import { replayEvents, startAgencyService, type AgencyServiceDefinition, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

/**
 * Agency services as N replicas behind a load balancer (issue #8): nothing a replica answers
 * from lives only in another replica. An event id posted to two replicas is stored once (the
 * stream's duplicate window on `Nats-Msg-Id`); every replica's referral inbox and case files see
 * every event (each reads through consumers of its own), also the answers another replica
 * recorded. Each replica has its own data folder: the outbox is per replica.
 */

const keys = { police: 'police-replica-key-0123456789', labour: 'labour-replica-key-0123456789', justice: 'justice-replica-key-0123456789' };
let nats: NatsFixture;
const dataDirs: string[] = [];
const services: RunningAgencyService[] = [];

async function replica(definition: AgencyServiceDefinition, replica: number): Promise<RunningAgencyService> {
  const dataDir = mkdtempSync(join(tmpdir(), `lienganh-${definition.agency}-r${replica}-`));
  dataDirs.push(dataDir);
  const service = await startAgencyService(definition, { ...nats.identity(definition.agency), port: 0, dataDir, keys, replica });
  services.push(service);
  return service;
}

let police: RunningAgencyService[];
let labour: RunningAgencyService[];
let justice: RunningAgencyService[];

beforeAll(async () => {
  nats = await startNatsFixture();
  police = [await replica(policeService, 0), await replica(policeService, 1)];
  // The replicas of one agency together, as a rollout starts them: their replays at start must not get in each other's way.
  labour = await Promise.all([replica(labourService, 0), replica(labourService, 1)]);
  justice = await Promise.all([replica(justiceService, 0), replica(justiceService, 1)]);
});
afterAll(async () => {
  for (const service of services) await service.close();
  await nats?.close();
  for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
});

type Referral = { referralId: string; status: string; servicesDelivered: string[] };
async function inbox(service: RunningAgencyService): Promise<Referral[]> {
  const response = await fetch(`${service.url}/api/v1/referrals`, { headers: { authorization: `Bearer ${keys.labour}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { referrals: Referral[] }).referrals;
}
const referralOn = async (service: RunningAgencyService, referralId: string) => (await inbox(service)).find((referral) => referral.referralId === referralId);

async function caseFile(service: RunningAgencyService, caseId: string): Promise<{ caseId: string; status: string } | undefined> {
  const response = await fetch(`${service.url}/api/v1/cases`, { headers: { authorization: `Bearer ${keys.justice}` } });
  return ((await response.json()) as { cases: { caseId: string; status: string }[] }).cases.find((file) => file.caseId === caseId);
}

it('stores an event posted to two police replicas at once a single time', async () => {
  const inspection = buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: 'kt-replica-1' }, { id: 'kt-replica-1' });
  const { source: _source, subject: _subject, ...posted } = inspection;
  const answers = await Promise.all(police.map((service) => postJson(`${service.url}/api/v1/events`, posted, keys.police)));
  expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
  expect(answers.map((answer) => answer.body.accepted)).toEqual([['kt-replica-1'], ['kt-replica-1']]);
  // And once more on the first, as a client retrying after a lost answer would.
  expect((await postJson(`${police[0]!.url}/api/v1/events`, posted, keys.police)).status).toBe(202);
  const stored: string[] = [];
  await replayEvents(nats.nc, STREAMS.agencyEvents.name, policeInspectionCompleted.subject, (event) => stored.push(event.id));
  expect(stored.filter((id) => id === 'kt-replica-1')).toHaveLength(1);
});

it('shows a police referral in the inbox of both labour replicas, and each replica’s answers on the other', async () => {
  const referral = buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-replica-1', toAgency: 'labour' });
  expect((await postJson(`${police[1]!.url}/api/v1/events`, referral, keys.police)).status).toBe(202);
  for (const service of labour) await eventually(async () => ((await referralOn(service, 'cg-replica-1'))?.status === 'received' ? true : undefined), 10_000);

  // Accepted on one replica: the other knows, and refuses to decline it (the load balancer may send the next request anywhere).
  expect((await postJson(`${labour[0]!.url}/api/v1/referrals/cg-replica-1/accept`, { plannedServices: ['counselling'] }, keys.labour)).status).toBe(202);
  await eventually(async () => ((await referralOn(labour[1]!, 'cg-replica-1'))?.status === 'accepted' ? true : undefined), 10_000);
  expect((await postJson(`${labour[1]!.url}/api/v1/referrals/cg-replica-1/decline`, { reason: 'person-declined' }, keys.labour)).status).toBe(409);
  expect((await postJson(`${labour[1]!.url}/api/v1/referrals/cg-replica-1/services`, { service: 'counselling' }, keys.labour)).status).toBe(202);
  await eventually(async () => ((await referralOn(labour[0]!, 'cg-replica-1'))?.servicesDelivered.includes('counselling') ? true : undefined), 10_000);

  // A third replica started now reads the history through names of its own.
  const late = await replica(labourService, 2);
  expect(await referralOn(late, 'cg-replica-1')).toMatchObject({ status: 'accepted', servicesDelivered: ['counselling'] });
  // Each replica reads through its own consumers (named after its number), none through a shared one.
  const consumers: string[] = [];
  for await (const consumer of nats.jsm.consumers.list(STREAMS.agencyEvents.name)) consumers.push(consumer.name);
  expect(consumers.filter((name) => name.startsWith('labour-referrals-from-police')).sort()).toEqual(['labour-referrals-from-police-r0', 'labour-referrals-from-police-r1', 'labour-referrals-from-police-r2']);
});

it('lets one justice replica record the trial of a case another replica prosecuted', async () => {
  const transfer = buildEvent(policeCaseTransferred, { ...policeCaseTransferred.example, caseId: 'va-replica-1' });
  expect((await postJson(`${police[0]!.url}/api/v1/events`, transfer, keys.police)).status).toBe(202);
  for (const service of justice) await eventually(async () => ((await caseFile(service, 'va-replica-1'))?.status === 'transferred' ? true : undefined), 10_000);
  expect((await postJson(`${justice[0]!.url}/api/v1/cases/va-replica-1/prosecute`, { defendants: 2, offences: ['harbouring'] }, keys.justice)).status).toBe(202);
  await eventually(async () => ((await caseFile(justice[1]!, 'va-replica-1'))?.status === 'prosecuted' ? true : undefined), 10_000);
  const trial = { defendants: 2, mobileTrial: true, exemplaryTrial: false, verdict: 'convicted' };
  expect((await postJson(`${justice[1]!.url}/api/v1/cases/va-replica-1/trial`, trial, keys.justice)).status).toBe(202);
  await eventually(async () => ((await caseFile(justice[0]!, 'va-replica-1'))?.status === 'tried' ? true : undefined), 10_000);
});
