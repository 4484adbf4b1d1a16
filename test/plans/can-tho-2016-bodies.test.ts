import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlanDocument, PRODUCER_AGENCIES } from '@lienganh/contracts';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { cultureService } from '@lienganh/culture';
import { healthService } from '@lienganh/health';
import { justiceService } from '@lienganh/justice';
import { labourService } from '@lienganh/labour';
import { startAgencyService, type AgencyServiceDefinition, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { startReportingService, type RunningReportingService } from '@lienganh/reporting';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { asUser, TEST_USERS, tokens } from '../support/users.js';
import { planText } from './can-tho-2016-source.js';

/**
 * Issue #18, first acceptance line: the Cần Thơ 2016 plan imported, and every body it assigns work
 * to moves one of its own tasks or targets with an event sent through its own credentials: the
 * five agencies through their own services with their own keys, the other bodies through the
 * reporting service with the HTTP key the secretariat issued them, BCĐ 138 by the secretariat's
 * decision on a task it supports. The city People's Committee issues the plan and receives the
 * reports; the text gives it no duty, so it has nothing to move.
 */

const plan = parsePlanDocument(planText, 'yaml');
const PLAN = plan.id;
const AGENCY_KEYS = { labour: 'labour-ct2016-key-0123456789', police: 'police-ct2016-key-0123456789', health: 'health-ct2016-key-0123456789', culture: 'culture-ct2016-key-0123456789', justice: 'justice-ct2016-key-0123456789' };
type Agency = keyof typeof AGENCY_KEYS;
const SERVICES: Record<Agency, AgencyServiceDefinition> = { labour: labourService, police: policeService, health: healthService, culture: cultureService, justice: justiceService };
const REPORTING_BODIES = ['finance', 'fatherland-front', 'front-member-organisations', 'ubnd-quan-huyen'] as const;
const july2016 = { now: () => new Date('2016-07-25T09:00:00+07:00') };

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let reporting: RunningReportingService;
const agencies = {} as Record<Agency, RunningAgencyService>;
const bodyKeys = {} as Record<(typeof REPORTING_BODIES)[number], string>;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture({ bodies: true });
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-ct2016-'));
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: july2016, deadlineTickMs: 0, users: TEST_USERS });
  reporting = await startReportingService({ ...nats.identity('reporting'), port: 0, dataDir: join(dataDir, 'reporting') });
  for (const agency of Object.keys(SERVICES) as Agency[]) {
    agencies[agency] = await startAgencyService(SERVICES[agency], { ...nats.identity(agency), port: 0, dataDir: join(dataDir, agency), keys: AGENCY_KEYS });
  }
}, 60_000);
afterAll(async () => {
  await reporting?.close();
  for (const service of Object.values(agencies)) await service?.close();
  await coordination?.close();
  await nats?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const get = async (path: string) => {
  const response = await fetch(`${coordination.url}${path}`, { headers: asUser() });
  expect(response.status).toBe(200);
  return (await response.json()) as any;
};
const targetOf = async (id: string) => (await get('/api/v1/committee/overview')).targets.find((target: { planId: string; id: string }) => target.planId === PLAN && target.id === id);
const taskOf = async (id: string) => (await get(`/api/v1/tasks?plan=${PLAN}`)).tasks.find((task: { taskId: string }) => task.taskId === id);
const untilTarget = (id: string, achieved: number) => eventually(async () => ((await targetOf(id))?.achieved === achieved ? targetOf(id) : undefined), 5_000);
const untilTask = (id: string, status: string) => eventually(async () => ((await taskOf(id))?.status === status ? taskOf(id) : undefined), 5_000);

/** A structured CloudEvent as a body's own system posts it; the service sets `source` from the key. */
const event = (type: string, id: string, time: string, data: Record<string, unknown>) => ({ specversion: '1.0', id, type, time, data });
const activity = (producer: string, id: string, data: Record<string, unknown>) => event(`vn.pcmd.${producer}.activity.held.v1`, id, '2016-07-20T09:00:00+07:00', { activityId: id, planId: PLAN, ...data });
const completed = (producer: string, id: string, taskId: string, documentNumber: string) =>
  event(`vn.pcmd.${producer}.task.completed.v1`, id, '2016-07-22T15:00:00+07:00', { planId: PLAN, taskId, completedOn: '2016-07-22', evidence: { documentNumber, issuedOn: '2016-07-22' } });

/** Whether the running nats-server's auth.conf (the fixture's runtime copy) names this public nkey. */
function natsUserWritten(publicKey: string): string {
  const dirs = readdirSync(tmpdir()).filter((name) => name.startsWith('lienganh-nats-conf-')).map((name) => join(tmpdir(), name));
  const newest = dirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  return newest ? String(readFileSync(join(newest, 'auth.conf'), 'utf8').includes(publicKey)) : 'no runtime configuration found';
}

const postAsAgency = (agency: Agency, body: unknown) => postJson(`${agencies[agency].url}/api/v1/events`, body, AGENCY_KEYS[agency]);
const postAsBody = (body: (typeof REPORTING_BODIES)[number], payload: unknown) => postJson(`${reporting.url}/api/v1/events`, payload, bodyKeys[body]);

describe('every body of the Cần Thơ 2016 plan moves its own work with its own credentials', () => {
  it('imports the plan, and the secretariat issues credentials to each body it declares that has no service', async () => {
    expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
    const declared = plan.bodies.map((body) => body.code).filter((code) => !(PRODUCER_AGENCIES as readonly string[]).includes(code));
    // Every declared body with a duty gets its own key; the issuer has none to report.
    expect(declared.filter((code) => code !== plan.issuingBody).sort()).toEqual([...REPORTING_BODIES].sort());
    // One after another, each once the previous body's NATS user is in force (nats-server reloads
    // for each). Its NATS user is in force once it connects with its own seed.
    for (const code of REPORTING_BODIES) {
      const answer = await postJson(`${coordination.url}/api/v1/bodies/${code}/credentials`, {}, tokens.secretariat);
      expect({ code, status: answer.status, source: answer.body.source, error: answer.status === 201 ? undefined : answer.body }).toEqual({ code, status: 201, source: `/pcmd/reporting/${code}`, error: undefined });
      bodyKeys[code] = answer.body.httpKey;
      const { natsSeed, natsInboxPrefix, natsPublicKey } = answer.body;
      const nc = await eventually(
        // Each try bounded (a connect waits 20 s by default), the whole within 15 s on a loaded machine.
        () => connect({ servers: nats.server.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(natsSeed)), inboxPrefix: natsInboxPrefix, maxReconnectAttempts: 0, timeout: 2_000 }).catch(() => undefined),
        15_000,
        () => `(${code}'s NATS user not in force; in the server's auth.conf: ${natsUserWritten(natsPublicKey)})`,
      );
      await nc.close();
    }
    const duties = plan.tasks.filter((task) => task.lead === plan.issuingBody || task.supporting.includes(plan.issuingBody));
    expect([...duties, ...plan.targets.filter((target) => target.agency === plan.issuingBody)]).toEqual([]);
  }, 90_000);

  it('labour: a pilot model in Cái Răng through its own service moves its target and tasks (II.8.1)', async () => {
    const posted = await postAsAgency('labour', activity('labour', 'mh-cai-rang-01', { kind: 'pilot-model', areaCode: 'ct-quan-cai-rang', organiser: 'labour', partners: ['ubnd-quan-huyen'], taskId: 'nv-8-1-06', counts: { participants: 35 } }));
    expect(posted).toEqual({ status: 202, body: { accepted: ['mh-cai-rang-01'] } });
    expect(await untilTarget('chi-tieu-mo-hinh-cai-rang', 1)).toMatchObject({ agency: 'labour', goal: { min: 1 }, status: 'achieved' });
    expect(await untilTask('nv-8-1-06', 'done')).toMatchObject({ lead: 'labour', area: 'ct-quan-cai-rang' });
    // The same kind of activity in another district does not count for Cái Răng.
    expect((await targetOf('chi-tieu-mo-hinh-ninh-kieu')).achieved).toBe(0);
  });

  it('culture: a news item through its own service moves the monthly mass-media target (II.2)', async () => {
    const data = { publicationId: 'bt-ct-2016-07-01', areaCode: 'ct', outlet: 'Báo Cần Thơ', medium: 'newspaper', topic: 'Phòng, chống mại dâm trên địa bàn thành phố' };
    expect((await postAsAgency('culture', event('vn.pcmd.culture.publication.published.v1', 'bt-ct-2016-07-01', '2016-07-18T08:00:00+07:00', data))).status).toBe(202);
    expect(await untilTarget('chi-tieu-tuyen-truyen-dai-chung', 1)).toMatchObject({ agency: 'culture', measure: 'cadence', goal: { min: 7 } });
    expect((await untilTask('nv-2-01', 'in-progress')).lead).toBe('culture');
  });

  it('police, health and justice: their lead reports through their own services move their tasks', async () => {
    expect((await postAsAgency('police', completed('police', 'ht-ca-nv-1-02', 'nv-1-02', '112/KH-CATP'))).status).toBe(202);
    const police = await untilTask('nv-1-02', 'awaiting-confirmation');
    expect(police.reports.completion).toMatchObject({ body: 'police', completedOn: '2016-07-22', evidence: { documentNumber: '112/KH-CATP' } });

    expect((await postAsAgency('justice', completed('justice', 'ht-tp-nv-3-02', 'nv-3-02', '45/BC-STP'))).status).toBe(202);
    expect((await untilTask('nv-3-02', 'awaiting-confirmation')).reports.completion.body).toBe('justice');

    const progress = event('vn.pcmd.health.task.progress-reported.v1', 'td-yt-nv-3-03', '2016-07-21T10:00:00+07:00', { planId: PLAN, taskId: 'nv-3-03', percentDone: 40 });
    expect((await postAsAgency('health', progress)).status).toBe(202);
    expect((await untilTask('nv-3-03', 'in-progress')).reports.reportedPercent).toBe(40);
  });

  it('finance, the Fatherland Front and its member organisations: activities through the reporting service move their targets (III.3, III.5)', async () => {
    const guidance = activity('reporting', 'hd-stc-2016-01', { kind: 'guidance-issued', areaCode: 'ct', organiser: 'finance', taskId: 'nv-iii-3-01', evidence: { documentNumber: '1520/STC-HCSN', issuedOn: '2016-07-20' } });
    expect(await postAsBody('finance', guidance)).toEqual({ status: 202, body: { accepted: ['hd-stc-2016-01'] } });
    expect(await untilTarget('chi-tieu-huong-dan-noi-dung-chi', 1)).toMatchObject({ agency: 'finance', status: 'achieved' });
    expect((await untilTask('nv-iii-3-01', 'done')).lead).toBe('finance');

    const front = activity('reporting', 'tt-mttq-2016-01', { kind: 'awareness-session', areaCode: 'ct-quan-thot-not', organiser: 'fatherland-front', taskId: 'nv-iii-5-01', counts: { participants: 150 } });
    expect((await postAsBody('fatherland-front', front)).status).toBe(202);
    expect(await untilTarget('chi-tieu-mttq-tuyen-truyen', 1)).toMatchObject({ agency: 'fatherland-front' });

    // The member organisations' target counts their sessions only, not the Front's.
    expect((await targetOf('chi-tieu-to-chuc-thanh-vien-tuyen-truyen')).achieved).toBe(0);
    const members = activity('reporting', 'tt-dt-2016-01', { kind: 'awareness-session', areaCode: 'ct-huyen-co-do', organiser: 'front-member-organisations', partners: ['fatherland-front'], taskId: 'nv-iii-5-02', counts: { participants: 90 } });
    expect((await postAsBody('front-member-organisations', members)).status).toBe(202);
    expect(await untilTarget('chi-tieu-to-chuc-thanh-vien-tuyen-truyen', 1)).toMatchObject({ agency: 'front-member-organisations' });
    expect((await targetOf('chi-tieu-mttq-tuyen-truyen')).achieved).toBe(1);
  });

  it('the district committees: an integration reported for Ô Môn moves the every-district target by one district in nine (II.1)', async () => {
    const integration = activity('reporting', 'lg-o-mon-2016-01', { kind: 'programme-integration', areaCode: 'ct-quan-o-mon', organiser: 'ubnd-quan-huyen', taskId: 'nv-1-08' });
    expect((await postAsBody('ubnd-quan-huyen', integration)).status).toBe(202);
    const target = await eventually(async () => {
      const current = await targetOf('chi-tieu-long-ghep-quan-huyen');
      return current?.achieved > 0 ? current : undefined;
    }, 5_000);
    expect(target).toMatchObject({ agency: 'ubnd-quan-huyen', measure: 'percentage', goal: { min: 100 } });
    expect(target.percent).toBeCloseTo(100 / 9, 1);
    expect((await untilTask('nv-1-08', 'in-progress')).lead).toBe('ubnd-quan-huyen');
    // A body's key speaks for that body only.
    const asAnother = await postJson(`${reporting.url}/api/v1/events`, { ...integration, id: 'lg-gia-01', source: '/pcmd/reporting/finance' }, bodyKeys['ubnd-quan-huyen']);
    expect(asAnother.status).toBe(400);
  });

  it('BCĐ 138: the secretariat confirms the assessment task it supports once labour reports it done (II.1)', async () => {
    // A document symbol with "Đ" (SLĐTBXH, QĐ) is refused by the Identifier format of evidence: written without it here.
    expect((await postAsAgency('labour', completed('labour', 'ht-ld-nv-1-09', 'nv-1-09', '98/BC-SLDTBXH'))).status).toBe(202);
    await untilTask('nv-1-09', 'awaiting-confirmation');
    const confirmed = await postJson(`${coordination.url}/api/v1/tasks/${PLAN}/nv-1-09/confirm`, {}, tokens.secretariat);
    expect(confirmed.status).toBe(200);
    const task = await untilTask('nv-1-09', 'done');
    expect(task).toMatchObject({ lead: 'labour', supporting: ['coordination'] });
    expect(task.reports.confirmed).toMatchObject({ by: expect.any(String) });
  });

  it('leaves every body of the plan with at least one of its tasks or targets moved', async () => {
    const tasks = (await get(`/api/v1/tasks?plan=${PLAN}`)).tasks as { lead: string; status: string; reports?: { confirmed?: unknown } }[];
    const targets = (await get('/api/v1/committee/overview')).targets.filter((target: { planId: string }) => target.planId === PLAN) as { agency: string; achieved: number }[];
    // A body moved its own work: a task it leads left not-started, a target it answers for counted,
    // or (BCĐ 138, whose secretariat decides) a task confirmed.
    const moved = new Set<string>();
    for (const task of tasks) if (task.status !== 'not-started') moved.add(task.lead);
    for (const target of targets) if (target.achieved > 0) moved.add(target.agency);
    if (tasks.some((task) => task.reports?.confirmed)) moved.add('coordination');
    const withDuties = [...new Set([...plan.tasks.flatMap((task) => [task.lead, ...task.supporting]), ...plan.targets.map((target) => target.agency)])].sort();
    expect(withDuties.filter((body) => !moved.has(body))).toEqual([]);
    expect(withDuties).toEqual(['coordination', 'culture', 'fatherland-front', 'finance', 'front-member-organisations', 'health', 'justice', 'labour', 'police', 'ubnd-quan-huyen']);
  });
});
