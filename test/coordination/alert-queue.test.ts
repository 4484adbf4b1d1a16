import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, getEventDefinition } from '@lienganh/contracts';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { ALERT_PLAN_IMPORTED, ALERT_PLAN_NOW, alertPlan } from '../support/alert-plan.js';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

// The alerts as a work queue (#21): one row per deadline at its current stage, filtered, sorted
// by due date, paged, counted per stage; the history of a deadline on demand.

const keys = { police: 'police-test-key-0123456789' };
const plan = alertPlan({ approaching: 3, overdue: 5, escalated: 6 });
const clock = { current: new Date(ALERT_PLAN_IMPORTED), now: () => clock.current };

let nats: NatsFixture;
let police: RunningAgencyService;
let coordination: RunningCoordinationService;
let dataDir: string;

async function tick(): Promise<void> {
  const raised = await coordination.deadlines.tick();
  await eventually(() => (raised.every((alert) => coordination.projector.projection.alerts.has(alert.id)) ? true : undefined), 10_000);
}
const queue = async (query = '') => {
  const answer = await getAs(`${coordination.url}/api/v1/alerts?plan=${plan.id}${query}`, tokens.secretariat);
  expect(answer.status).toBe(200);
  return answer.body;
};

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-alert-queue-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
  clock.current = new Date(ALERT_PLAN_NOW);
  await tick();
}, 60_000);
afterAll(async () => {
  await coordination?.close();
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('GET /api/v1/alerts: the work queue', () => {
  it('lists one row per deadline at its current stage, sorted by due date, with the count at each stage', async () => {
    const all = await queue('&limit=500');
    expect(all).toMatchObject({ total: 14, offset: 0, limit: 500, counts: { approaching: 3, overdue: 5, escalated: 6, resolved: 0 } });
    expect(all.nextOffset).toBeUndefined();
    const ids = all.alerts.map((row: any) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    const escalated = all.alerts.filter((row: any) => row.stage === 'escalated');
    expect(escalated).toHaveLength(6);
    // Overdue first, then escalated: one row, its earlier alerts in its history.
    for (const row of escalated) expect(row.alertCount).toBeGreaterThanOrEqual(2);
    const dues = all.alerts.map((row: any) => Date.parse(row.deadline.dueAt));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    const latestFirst = (await queue('&limit=500&sort=-due')).alerts;
    expect(latestFirst.map((row: any) => Date.parse(row.deadline.dueAt))).toEqual([...dues].reverse());
    expect(latestFirst.map((row: any) => row.id).sort()).toEqual([...ids].sort());
  });

  it('pages through every row, and filters by stage, body, area and kind with counts for the filter in force', async () => {
    const all = (await queue('&limit=500')).alerts.map((row: any) => row.id);
    const paged: string[] = [];
    let offset: number | undefined = 0;
    while (offset !== undefined) {
      const page: any = await queue(`&limit=4&offset=${offset}`);
      expect(page.alerts.length).toBeLessThanOrEqual(4);
      paged.push(...page.alerts.map((row: any) => row.id));
      offset = page.nextOffset;
    }
    expect(paged).toEqual(all);

    const escalated = await queue('&stage=escalated');
    expect(escalated.total).toBe(6);
    expect(escalated.alerts.every((row: any) => row.stage === 'escalated')).toBe(true);
    // The stage filter leaves the counts as they are: each chip says what it would show.
    expect(escalated.counts).toEqual({ approaching: 3, overdue: 5, escalated: 6, resolved: 0 });

    const open = await queue('&stage=approaching,overdue,escalated&limit=500');
    expect(open.total).toBe(14);
    expect(open.alerts.map((row: any) => row.id)).toEqual(all);

    const police = await queue('&body=police');
    expect(police.alerts.every((row: any) => row.deadline.agency === 'police')).toBe(true);
    expect(police.counts).toEqual({ approaching: 1, overdue: 2, escalated: 2, resolved: 0 }); // tasks 0 and 4 of each stage
    const kimMa = await queue('&area=hn-ba-dinh-kim-ma');
    expect(kimMa.alerts.every((row: any) => row.deadline.areaCode === 'hn-ba-dinh-kim-ma')).toBe(true);
    expect(kimMa.total).toBe(2 + 3 + 3);
    expect((await queue('&kind=referral-handover')).total).toBe(0);
    expect((await queue('&kind=task')).total).toBe(14);
  });

  it("gives a deadline's history on demand, oldest first, and 404 for a deadline with no alert", async () => {
    const [row] = (await queue('&stage=escalated&limit=1')).alerts;
    const answer = await getAs(`${coordination.url}/api/v1/alerts/${encodeURIComponent(row.id)}`, tokens.secretariat);
    expect(answer.status).toBe(200);
    expect(answer.body.alert).toEqual(row);
    const kinds = answer.body.history.map((alert: any) => alert.kind);
    expect(kinds.at(-1)).toBe('escalated');
    expect(kinds).toContain('overdue');
    expect(answer.body.history.every((alert: any) => alert.deadline.id === row.id)).toBe(true);
    const missing = await getAs(`${coordination.url}/api/v1/alerts/${encodeURIComponent('task:khong-co:nv-0')}`, tokens.secretariat);
    expect(missing.status).toBe(404);
  });

  it('moves a row to "resolved" when its lead reports the task done', async () => {
    const definition = getEventDefinition('vn.pcmd.police.task.completed.v1');
    const { source: _source, subject: _subject, ...event } = buildEvent(definition, { planId: plan.id, taskId: 'nv-overdue-0', completedOn: '2021-06-20', evidence: { documentNumber: '31/BC-CAQ', issuedOn: '2021-06-20' } } as never, { time: '2021-06-20T10:00:00+07:00' });
    expect((await postJson(`${police.url}/api/v1/events`, event, keys.police)).status).toBe(202);
    await eventually(() => coordination.projector.projection.deadlines.deadlines.get(`task:${plan.id}:nv-overdue-0`)?.metAt, 10_000);
    clock.current = new Date('2021-06-20T11:00:00+07:00');
    await tick();
    const resolved = await queue('&stage=resolved');
    expect(resolved.alerts.map((row: any) => [row.id, row.status])).toEqual([[`task:${plan.id}:nv-overdue-0`, 'resolved']]);
    expect(resolved.counts).toEqual({ approaching: 3, overdue: 4, escalated: 6, resolved: 1 });
    expect((await queue('&status=open')).counts).toEqual({ approaching: 3, overdue: 4, escalated: 6, resolved: 0 });
  });

  it('answers a bad parameter with a 400 naming it', async () => {
    for (const [query, path] of [
      ['stage=late', 'query.stage'],
      ['stage=overdue,late', 'query.stage'], // as query.stage.1: the second of the list
      ['limit=0', 'query.limit'],
      ['limit=many', 'query.limit'],
      ['offset=-1', 'query.offset'],
      ['sort=title', 'query.sort'],
      ['kind=overdue', 'query.kind'],
      ['body=Police!', 'query.body'],
    ]) {
      const answer = await getAs(`${coordination.url}/api/v1/alerts?${query}`, tokens.secretariat);
      expect([query, answer.status, answer.body.error, answer.body.issues.map((issue: any) => issue.path.split('.').slice(0, 2).join('.'))]).toEqual([query, 400, 'invalid-query', [path]]);
    }
    const unknown = await getAs(`${coordination.url}/api/v1/alerts?page=2`, tokens.secretariat);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.issues)).toContain('page');
  });
});
