import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, decodeNatsMessage, justiceCaseTried, policeCaseTransferred, STREAMS } from '@lienganh/contracts';
import { justiceService } from '@lienganh/justice';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { eventually, postJson } from '../support/http.js';

const keys = { police: 'police-case-key-0123456789', justice: 'justice-case-key-0123456789' };
let nats: NatsFixture;
let dataDir: string;
let police: RunningAgencyService;
let justice: RunningAgencyService;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-cases-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
  justice = await startAgencyService(justiceService, { ...nats.identity('justice'), port: 0, dataDir, keys });
});
afterAll(async () => {
  await justice?.close();
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function cases(): Promise<{ caseId: string; status: string }[]> {
  const response = await fetch(`${justice.url}/api/v1/cases`, { headers: { authorization: `Bearer ${keys.justice}` } });
  return ((await response.json()) as { cases: { caseId: string; status: string }[] }).cases;
}

it('follows a case police transferred through prosecution and a mobile trial', async () => {
  const transfer = buildEvent(policeCaseTransferred, { ...policeCaseTransferred.example, caseId: 'va-flow-001' });
  expect((await postJson(`${police.url}/api/v1/events`, transfer, keys.police)).status).toBe(202);
  await eventually(async () => ((await cases()).some((file) => file.caseId === 'va-flow-001') ? true : undefined));

  const trialFirst = await postJson(`${justice.url}/api/v1/cases/va-flow-001/trial`, { defendants: 2, mobileTrial: true, exemplaryTrial: false, verdict: 'convicted' }, keys.justice);
  expect(trialFirst.status).toBe(409); // not prosecuted yet

  expect((await postJson(`${justice.url}/api/v1/cases/va-flow-001/prosecute`, { defendants: 2, offences: ['harbouring'] }, keys.justice)).status).toBe(202);
  expect((await postJson(`${justice.url}/api/v1/cases/va-flow-001/trial`, { defendants: 2, mobileTrial: true, exemplaryTrial: false, verdict: 'convicted' }, keys.justice)).status).toBe(202);

  const tried = await nats.jsm.streams.getMessage(STREAMS.agencyEvents.name, { last_by_subj: justiceCaseTried.subject });
  expect(decodeNatsMessage(tried!.header, tried!.data)).toMatchObject({
    source: '/pcmd/justice',
    subject: 'va-flow-001',
    data: { caseId: 'va-flow-001', areaCode: policeCaseTransferred.example.areaCode, mobileTrial: true, verdict: 'convicted' },
  });
  expect((await cases()).find((file) => file.caseId === 'va-flow-001')!.status).toBe('tried');
  expect((await postJson(`${justice.url}/api/v1/cases/va-none/prosecute`, { defendants: 1, offences: ['other'] }, keys.justice)).status).toBe(404);
});
