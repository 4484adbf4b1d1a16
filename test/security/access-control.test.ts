import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildEvent, EXAMPLE_SUBJECT_REF, labourReferralMade, policeReferralMade, policeSanctionIssued, type BusEvent, type EventDefinition } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { labourService } from '@lienganh/labour';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { openEventStream } from '../support/sse.js';
import { asUser, getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Users, roles and agency scoping on coordination's API (issue #7): an agency officer reads the
 * person-related records of its own agency's cases only, a committee member aggregates only,
 * the secretariat everything; every allowed read is in the audit trail before it is answered.
 */

const keys = { police: 'police-test-key-0123456789', labour: 'labour-test-key-0123456789' };
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const NOW = '2021-06-20T09:00:00+07:00';
/** The plans are imported on 1 June, before labour's answer to police falls due (a deadline passed at import raises no alert: ADR 0010, 8); then it is NOW. */
const clock = { current: new Date('2021-06-01T08:00:00+07:00'), now: () => clock.current };
const OTHER_SUBJECT = `sr_${'B'.repeat(43)}`;

/** A small plan whose target counts police sanctions (events about one person each). */
const sanctionsPlan = {
  id: 'kh-xu-phat-2021',
  number: '2/KH-THU',
  issuedOn: '2021-01-05',
  issuingBody: 'ubnd-ba-dinh',
  level: 'district',
  area: 'hn-ba-dinh',
  period: { start: '2021-01-01', end: '2021-12-31' },
  title: { vi: 'Kế hoạch thử: xử phạt', en: 'Test plan: sanctions' },
  targets: [{ id: 'ct-xu-phat', title: { vi: 'Xử phạt hành chính', en: 'Administrative sanctions' }, agency: 'police', measure: { kind: 'count', eventType: policeSanctionIssued.type }, goal: { min: 10 } }],
  tasks: [{ id: 'nv-xu-phat', title: { vi: 'Xử phạt', en: 'Sanction' }, lead: 'police', due: '2021-12-31', targets: ['ct-xu-phat'] }],
};

let nats: NatsFixture;
let police: RunningAgencyService;
let labour: RunningAgencyService;
let coordination: RunningCoordinationService;
let dataDir: string;

async function post(service: RunningAgencyService, key: string, definition: EventDefinition, data: Record<string, unknown>, time: string): Promise<BusEvent> {
  const { source: _source, subject: _subject, ...event } = buildEvent(definition, data as never, { time: new Date(time) });
  expect((await postJson(`${service.url}/api/v1/events`, event, key)).status).toBe(202);
  return event as BusEvent;
}

const api = (path: string) => `${coordination.url}${path}`;
const audit = async (query = '') => (await getAs(api(`/api/v1/audit${query}`), tokens.secretariat)).body as { total: number; entries: any[] };

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-access-'));
  [police, labour] = await Promise.all([
    startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys }),
    startAgencyService(labourService, { ...nats.identity('labour'), port: 0, dataDir, keys }),
  ]);
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(api('/api/v1/plans'), baDinh, tokens.secretariat)).status).toBe(201);
  expect((await postJson(api('/api/v1/plans'), sanctionsPlan, tokens.secretariat)).status).toBe(201);
  clock.current = new Date(NOW);

  // Police refer a sanctioned person to labour; labour refers another person to health.
  await post(police, keys.police, policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-ca-acl-1', areaCode: 'hn-ba-dinh-kim-ma', toAgency: 'labour' }, '2021-06-01T09:00:00+07:00');
  await post(labour, keys.labour, labourReferralMade, { ...labourReferralMade.example, referralId: 'cg-ld-acl-1', subjectRef: OTHER_SUBJECT, areaCode: 'hn-ba-dinh-kim-ma', toAgency: 'health' }, '2021-06-02T09:00:00+07:00');
  await post(police, keys.police, policeSanctionIssued, { ...policeSanctionIssued.example, sanctionId: 'xp-acl-1' }, '2021-06-03T09:00:00+07:00');
  await eventually(() => (coordination.projector.projection.referrals.size === 2 ? true : undefined), 10_000);
  await eventually(() => (coordination.projector.projection.state.targets.get('kh-xu-phat-2021/ct-xu-phat')?.tally.numeratorCount === 1 ? true : undefined), 10_000);
  // Labour's answer to police is 7 days late by now: the hand-over alert is on the board.
  await coordination.deadlines.tick();
  await eventually(() => ([...coordination.projector.projection.alerts.keys()].some((id) => id === `${handover('cg-ca-acl-1')}:overdue`) ? true : undefined), 10_000);
}, 60_000);
afterAll(async () => {
  await coordination?.close();
  await Promise.all([police?.close(), labour?.close()]);
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("person-related records: an agency's referrals", () => {
  it("gives a health officer 403 on police's records, naming why, and records nothing", async () => {
    const before = (await audit()).total;
    const { status, body } = await getAs(api('/api/v1/agencies/police/referrals'), tokens.health);
    expect(status).toBe(403);
    expect(body).toEqual({ error: 'forbidden', message: expect.stringContaining("a health officer sees person-related records of health's cases only, not police's") });
    expect(body.message).toMatch(/^Cán bộ health chỉ xem/);
    expect(JSON.stringify(body)).not.toContain('cg-ca-acl-1');
    expect((await audit()).total).toBe(before);
  });

  it('gives the police officer its referrals with subject references and hand-over times, and the read is in the audit trail', async () => {
    const { status, body } = await getAs(api('/api/v1/agencies/police/referrals'), tokens.police);
    expect(status).toBe(200);
    expect(body).toEqual({
      agency: 'police',
      total: 1,
      referrals: [
        expect.objectContaining({
          referralId: 'cg-ca-acl-1',
          subjectRef: EXAMPLE_SUBJECT_REF,
          direction: 'sent',
          fromAgency: 'police',
          toAgency: 'labour',
          status: 'made',
          made: '2021-06-01T02:00:00.000Z',
          handover: { deadlineId: handover('cg-ca-acl-1'), dueAt: '2021-06-08T02:00:00.000Z', overdue: true },
        }),
      ],
    });
    // Answered only after the record was stored: it is there at once.
    const trail = await audit('?userId=test-officer-police');
    expect(trail.entries[0]).toEqual({
      id: expect.stringMatching(/^tc-/),
      time: new Date(NOW).toISOString(),
      userId: 'test-officer-police',
      role: 'agency-officer',
      userAgency: 'police',
      action: 'read',
      resource: 'agency-referrals',
      agencyScope: 'police',
      records: 1,
    });
    // The trail holds who and what, never a record: no subject reference, no referral id.
    expect(JSON.stringify(trail)).not.toMatch(/sr_|cg-ca-acl/);
  });

  it('gives the labour officer the referral it received and the one it sent, not health its own from police', async () => {
    const { status, body } = await getAs(api('/api/v1/agencies/labour/referrals'), tokens.labour);
    expect(status).toBe(200);
    expect(body.referrals.map((referral: { referralId: string; direction: string }) => [referral.referralId, referral.direction])).toEqual([
      ['cg-ld-acl-1', 'sent'],
      ['cg-ca-acl-1', 'received'],
    ]);
    const health = await getAs(api('/api/v1/agencies/health/referrals?status=made'), tokens.health);
    expect(health.status).toBe(200);
    expect(health.body.referrals.map((referral: { subjectRef: string }) => referral.subjectRef)).toEqual([OTHER_SUBJECT]);
  });

  it('gives a committee member 403 on records but the aggregated overview', async () => {
    const records = await getAs(api('/api/v1/agencies/police/referrals'), tokens.committee);
    expect(records.status).toBe(403);
    expect(records.body.message).toContain('committee members see aggregated figures only');
    const overview = await getAs(api('/api/v1/committee/overview'), tokens.committee);
    expect(overview.status).toBe(200);
    expect(overview.body.plans.find((plan: { id: string }) => plan.id === 'kh-ba-dinh-2021').referrals).toMatchObject({ made: 2 });
    for (const path of ['/api/v1/tasks', '/api/v1/alerts', '/api/v1/targets/ct-kiem-tra-hanh-chinh-400', '/api/v1/reports/periodic?period=2021-Q2&area=hn-ba-dinh&plan=kh-ba-dinh-2021&format=json']) {
      expect([path, (await getAs(api(path), tokens.committee)).status]).toEqual([path, 200]);
    }
  });

  it('lets the secretariat read every agency and the audit trail; nobody else reads the trail', async () => {
    for (const agency of ['police', 'labour', 'health']) expect((await getAs(api(`/api/v1/agencies/${agency}/referrals`), tokens.secretariat)).status).toBe(200);
    const trail = await audit('?userId=test-secretariat&resource=agency-referrals');
    expect(trail.entries.map((entry) => entry.agencyScope)).toEqual(['health', 'labour', 'police']); // newest first
    expect((await getAs(api('/api/v1/agencies/bo-khong-co/referrals'), tokens.secretariat)).status).toBe(404);
    const bad = await getAs(api('/api/v1/agencies/Police!/referrals'), tokens.secretariat);
    expect([bad.status, bad.body.issues]).toEqual([400, [{ path: 'params.agency', message: expect.any(String) }]]);
    for (const token of [tokens.police, tokens.committee]) expect((await getAs(api('/api/v1/audit'), token)).status).toBe(403);
  });
});

/** A referral's hand-over deadline: named by its case reference (ADR 0021), never by the referral's id. */
const handover = (referralId: string) => coordination.projector.projection.deadlines.referralDeadlineId(referralId);
const caseRefOf = (referralId: string) => handover(referralId).slice('referral:'.length);

describe('aggregated views name a case only to those who may see it', () => {
  const overdueAlert = async (token: string) => ((await getAs(api('/api/v1/alerts/log?deadlineKind=referral-handover&agency=labour'), token)).body.alerts as any[]).find((alert) => alert.kind === 'overdue');

  it("names a hand-over by its case reference; the referral's id only to the two agencies of the case and the secretariat", async () => {
    expect(caseRefOf('cg-ca-acl-1')).toMatch(/^hs-[0-9a-f]{20}$/);
    for (const token of [tokens.secretariat, tokens.police, tokens.labour]) {
      expect(await overdueAlert(token)).toMatchObject({ id: `${handover('cg-ca-acl-1')}:overdue`, deadline: { id: handover('cg-ca-acl-1'), refId: caseRefOf('cg-ca-acl-1'), referralId: 'cg-ca-acl-1', agency: 'labour' } });
    }
    for (const token of [tokens.committee, tokens.health]) {
      const alert = await overdueAlert(token);
      expect(alert).toMatchObject({ id: `${handover('cg-ca-acl-1')}:overdue`, kind: 'overdue', deadline: { kind: 'referral-handover', agency: 'labour', refId: caseRefOf('cg-ca-acl-1') } });
      expect(alert.deadline).not.toHaveProperty('referralId');
      expect(JSON.stringify(alert)).not.toContain('cg-ca-acl-1');
    }
  });

  it("withholds it in the work queue's row and in the deadline's history too, both found by the case reference", async () => {
    const row = async (token: string) => ((await getAs(api('/api/v1/alerts?kind=referral-handover&body=labour&limit=500'), token)).body.alerts as any[]).find((entry) => entry.id === handover('cg-ca-acl-1'));
    expect(await row(tokens.labour)).toMatchObject({ stage: 'escalated', deadline: { referralId: 'cg-ca-acl-1' } });
    const committeeRow = await row(tokens.committee);
    expect(committeeRow).toMatchObject({ stage: 'escalated', deadline: { refId: caseRefOf('cg-ca-acl-1') } });
    expect(JSON.stringify(committeeRow)).not.toContain('cg-ca-acl-1');
    const history = await getAs(api(`/api/v1/alerts/${encodeURIComponent(handover('cg-ca-acl-1'))}`), tokens.committee);
    expect(history.status).toBe(200);
    expect(history.body.history.length).toBeGreaterThan(0);
    expect(JSON.stringify(history.body)).not.toContain('cg-ca-acl-1');
    expect((await getAs(api(`/api/v1/alerts/${encodeURIComponent(handover('cg-ca-acl-1'))}`), tokens.police)).body.alert.deadline.referralId).toBe('cg-ca-acl-1');
    // No deadline is named by a referral's own id, whoever asks.
    for (const token of [tokens.secretariat, tokens.committee]) expect((await getAs(api(`/api/v1/alerts/${encodeURIComponent('referral:cg-ca-acl-1')}`), token)).status).toBe(404);
  });

  it("withholds the ids of events about people from a target's contributing events, and audits them when shown", async () => {
    const path = '/api/v1/targets/ct-xu-phat?plan=kh-xu-phat-2021';
    const committee = await getAs(api(path), tokens.committee);
    expect(committee.body.contributingEvents).toEqual({ total: 1, events: [expect.objectContaining({ type: policeSanctionIssued.type, agency: 'police', hidden: true, eventId: expect.stringMatching(/^an-/) })] });
    const before = (await audit('?resource=target-contributions')).total;
    const policeView = await getAs(api(path), tokens.police);
    expect(policeView.body.contributingEvents.events[0]).not.toHaveProperty('hidden');
    expect((await audit('?resource=target-contributions')).entries[0]).toMatchObject({ userId: 'test-officer-police', targetId: 'kh-xu-phat-2021/ct-xu-phat', records: 1 });
    expect((await audit('?resource=target-contributions')).total).toBe(before + 1);
    // The task board shows its last event to the police, not to the committee.
    const task = async (token: string) => ((await getAs(api('/api/v1/tasks?plan=kh-xu-phat-2021'), token)).body.tasks as any[])[0];
    expect(await task(tokens.police)).toHaveProperty('lastContributingEvent');
    expect(await task(tokens.committee)).not.toHaveProperty('lastContributingEvent');
  });

  it('puts every periodic report taken out in the audit trail', async () => {
    const response = await fetch(api('/api/v1/reports/periodic?period=2021-Q2&area=hn-ba-dinh&plan=kh-ba-dinh-2021&format=csv'), { headers: asUser(tokens.labour) });
    expect(response.status).toBe(200);
    expect((await audit('?resource=periodic-report&userId=test-officer-labour')).entries[0]).toMatchObject({ action: 'export', format: 'csv', period: '2021-Q2', areaCode: 'hn-ba-dinh', userAgency: 'labour' });
  });
});

describe('who may call the API', () => {
  it('answers 401 with a bilingual message without a token or with an unknown one, and keeps health, readiness and the dashboard open', async () => {
    for (const path of ['/api/v1/agencies/police/referrals', '/api/v1/committee/overview', '/api/v1/stream', '/api/v1/audit']) {
      const response = await fetch(api(path));
      expect([path, response.status]).toEqual([path, 401]);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="lienganh"');
      expect(await response.json()).toEqual({ error: 'unauthenticated', message: expect.stringMatching(/^Cần đăng nhập \/ sign-in required/) });
    }
    // Express matches routes case-insensitively: the guard goes by the route, not the URL's spelling.
    expect((await fetch(api('/API/V1/Agencies/police/referrals'))).status).toBe(401);
    expect((await postJson(api('/Api/v1/plans'), { ...sanctionsPlan, id: 'kh-chu-hoa' })).status).toBe(401);
    const unknown = await getAs(api('/api/v1/committee/overview'), 'not-a-token-of-anyone-0123456789');
    expect([unknown.status, unknown.body.error]).toEqual([401, 'unauthenticated']);
    for (const path of ['/healthz', '/readyz', '/']) expect([path, (await fetch(api(path))).status]).toEqual([path, 200]);
  });

  it('lets only the secretariat import a plan', async () => {
    const plan = { ...sanctionsPlan, id: 'kh-thu-quyen' };
    for (const token of [tokens.police, tokens.committee]) {
      const { status, body } = await postJson(api('/api/v1/plans'), plan, token);
      expect([status, body.error]).toEqual([403, 'forbidden']);
      expect(body.message).toContain('only: secretariat');
    }
    expect(coordination.projector.projection.state.plans.has('kh-thu-quyen')).toBe(false);
  });

  it('signs the dashboard in with a token as an HttpOnly, SameSite=Strict cookie that the API and the live stream accept, and out again', async () => {
    const refused = await postJson(api('/api/v1/session'), { token: 'wrong-token-0123456789' });
    expect([refused.status, refused.body.error]).toEqual([401, 'unauthenticated']);
    expect((await postJson(api('/api/v1/session'), {})).body).toMatchObject({ error: 'invalid-sign-in', issues: [{ path: 'body.token' }] });

    const signIn = await fetch(api('/api/v1/session'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tokens.committee }) });
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toEqual({ user: { id: 'test-committee', name: 'test-committee', role: 'committee-member' } });
    const setCookie = signIn.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^lienganh_session=[^;]+; Path=\/api\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    const cookie = setCookie.split(';')[0]!;
    expect((await fetch(api('/api/v1/committee/overview'), { headers: { cookie } })).status).toBe(200);
    expect(await (await fetch(api('/api/v1/session'), { headers: { cookie } })).json()).toMatchObject({ user: { role: 'committee-member' } });
    const stream = await fetch(api('/api/v1/stream'), { headers: { cookie, accept: 'text/event-stream' }, signal: AbortSignal.timeout(5_000) });
    expect(stream.status).toBe(200);
    await stream.body?.cancel();

    const signOut = await fetch(api('/api/v1/session'), { method: 'DELETE', headers: { cookie } });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toMatch(/^lienganh_session=; Path=\/api\/; Max-Age=0;/);
  });

  it("redacts the live stream's alerts per user, as the alerts endpoint does", async () => {
    const committee = await openEventStream(api('/api/v1/stream'), tokens.committee);
    const labourView = await openEventStream(api('/api/v1/stream'), tokens.labour);
    try {
      // A second police referral, left unanswered: its approaching alert goes out on the stream.
      await post(police, keys.police, policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-ca-acl-2', areaCode: 'hn-ba-dinh-kim-ma', toAgency: 'labour' }, '2021-06-16T08:00:00+07:00');
      await eventually(() => coordination.projector.projection.deadlines.deadlines.get(handover('cg-ca-acl-2')), 10_000);
      await coordination.deadlines.tick();
      const shown = await labourView.next((event) => event.type === 'alert' && event.data.deadline.referralId === 'cg-ca-acl-2');
      expect(shown.data.deadline.refId).toBe(caseRefOf('cg-ca-acl-2'));
      const withheld = await committee.next((event) => event.type === 'alert' && event.data.deadline.refId === caseRefOf('cg-ca-acl-2'));
      expect(JSON.stringify(withheld.data)).not.toContain('cg-ca-acl-2');
    } finally {
      committee.close();
      labourView.close();
    }
  });
});

// Last in the file: it stops the nats-server that every other test here uses.
describe('when the audit trail cannot keep the record', () => {
  it('serves no person-related record (503, nothing in the body) and serves again once it can', async () => {
    const url = api('/api/v1/agencies/police/referrals');
    await nats.server.stop();
    try {
      const refused = await getAs(url, tokens.police);
      expect(refused.status).toBe(503);
      expect(refused.body.error).toBe('audit-unavailable');
      expect(JSON.stringify(refused.body)).not.toContain('cg-ca-acl-1');
      expect(JSON.stringify(refused.body)).not.toContain('sr_');
    } finally {
      await nats.server.restart();
    }
    const served = await eventually(async () => {
      const response = await getAs(url, tokens.police);
      return response.status === 200 ? response : undefined;
    }, 30_000);
    expect(JSON.stringify(served.body)).toContain('cg-ca-acl-1');
  }, 60_000);
});
