/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { ALERT_PLAN_IMPORTED, ALERT_PLAN_NOW, alertPlan } from '../support/alert-plan.js';
import { launchChromium, signIn } from '../support/browser.js';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

// The alerts as a work queue on the board (#21): with 1,000 open alerts, every one is reachable
// by paging, and the stage chips' counts and filter agree with GET /api/v1/alerts.

const plan = alertPlan({ approaching: 200, overdue: 300, escalated: 500 });
const clock = { current: new Date(ALERT_PLAN_IMPORTED), now: () => clock.current };

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let browser: Browser;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
  clock.current = new Date(ALERT_PLAN_NOW);
  const raised = await coordination.deadlines.tick();
  await eventually(() => (raised.every((alert) => coordination.projector.projection.alerts.has(alert.id)) ? true : undefined), 30_000);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await coordination?.close();
  await nats?.close();
});

/** Every open row as the API pages it (500 at most a page). */
async function openRowsFromApi(): Promise<{ ids: string[]; counts: Record<string, number> }> {
  const ids: string[] = [];
  let offset: number | undefined = 0;
  let counts: Record<string, number> = {};
  while (offset !== undefined) {
    const page = await getAs(`${coordination.url}/api/v1/alerts?stage=approaching,overdue,escalated&limit=500&offset=${offset}`, tokens.secretariat);
    expect(page.status).toBe(200);
    ids.push(...page.body.alerts.map((row: { id: string }) => row.id));
    counts = page.body.counts;
    offset = page.body.nextOffset;
  }
  return { ids, counts };
}

async function openBoard(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
  await page.goto(coordination.url);
  await signIn(page, tokens.secretariat);
  return page;
}

const shownIds = (page: Page) => page.locator('#alerts li[data-alert]').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.alert!));

describe('the alert work queue in a real Chromium', () => {
  it('reaches every one of 1,000 open alerts by paging, one row per deadline', async () => {
    const api = await openRowsFromApi();
    expect(api.ids).toHaveLength(1_000);
    const page = await openBoard();
    const seen: string[] = [];
    for (;;) {
      const ids = await shownIds(page);
      expect(ids.length).toBeGreaterThan(0);
      seen.push(...ids);
      const next = page.locator('#alert-pager [data-page="next"]');
      if (await next.isDisabled()) break;
      const first = ids[0]!;
      await next.click();
      await page.waitForFunction((previous) => document.querySelector<HTMLElement>('#alerts li[data-alert]')?.dataset.alert !== previous, first);
    }
    expect(seen).toEqual(api.ids);
    expect(await page.locator('#alert-page').textContent()).toBe('Trang 20/20');
    expect(await page.locator('#alert-summary').textContent()).toBe('951–1.000 / 1.000 cảnh báo');
    await page.close();
  }, 120_000);

  it("shows each stage's count as the API counts it, and filters by stage as the API does", async () => {
    const { counts } = await openRowsFromApi();
    expect(counts).toEqual({ approaching: 200, overdue: 300, escalated: 500, resolved: 0 });
    const page = await openBoard();
    const chipCount = (stage: string) => page.locator(`#alert-stages [data-stage="${stage}"] [data-count]`).getAttribute('data-count');
    expect(await chipCount('open')).toBe('1000');
    for (const stage of ['approaching', 'overdue', 'escalated', 'resolved']) expect(Number(await chipCount(stage))).toBe(counts[stage]);

    for (const [stage, label] of [['overdue', 'Quá hạn'], ['escalated', 'Đã báo cáo BCĐ']] as const) {
      await page.getByRole('button', { name: new RegExp(`^\\S+ ${label} `) }).click();
      await page.waitForFunction((expected) => document.querySelector('#alert-summary')?.textContent?.endsWith(`/ ${expected} cảnh báo`), new Intl.NumberFormat('vi-VN').format(counts[stage]!));
      expect(await page.locator(`#alert-stages [data-stage="${stage}"]`).getAttribute('aria-pressed')).toBe('true');
      const api = await getAs(`${coordination.url}/api/v1/alerts?stage=${stage}&limit=50`, tokens.secretariat);
      expect(await shownIds(page)).toEqual(api.body.alerts.map((row: { id: string }) => row.id));
      for (const shown of await page.locator('#alerts li[data-alert]').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.stage))) expect(shown).toBe(stage);
    }
    await page.close();
  }, 60_000);

  it("filters by body and opens a row's history on demand, in names rather than codes", async () => {
    const page = await openBoard();
    await page.locator('#alert-filters select[name="body"]').selectOption('police');
    const api = await getAs(`${coordination.url}/api/v1/alerts?stage=approaching,overdue,escalated&body=police`, tokens.secretariat);
    await page.waitForFunction((expected) => document.querySelector('#alert-summary')?.textContent?.endsWith(`/ ${expected} cảnh báo`), String(api.body.total));
    const row = page.locator('#alerts li[data-alert]').first();
    expect(await row.locator('summary').textContent()).toContain('Công an quận Ba Đình');
    await page.locator('#alert-stages [data-stage="escalated"]').click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#alerts li[data-alert]')?.dataset.stage === 'escalated');
    await page.locator('#alerts li[data-alert] summary').first().click();
    await page.waitForFunction(() => (document.querySelector('#alerts li[data-alert] .history')?.children.length ?? 0) >= 2);
    expect(await page.locator('#alerts li[data-alert] .history').first().textContent()).toContain('Báo cáo Ban Chỉ đạo');
    await page.close();
  }, 60_000);

  it('leaves an opened row open, its history shown, when the board is redrawn', async () => {
    const page = await openBoard();
    const opened = page.locator('#alerts li[data-alert]').nth(1);
    const id = await opened.getAttribute('data-alert');
    await opened.locator('summary').click();
    await page.waitForFunction((alert) => (document.querySelector(`#alerts li[data-alert="${alert}"] .history`)?.children.length ?? 0) > 0, id);
    // A language switch redraws every row, as the stream's reload does after an event.
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const row = page.locator(`#alerts li[data-alert="${id}"]`);
    expect(await row.locator('details').evaluate((details) => (details as HTMLDetailsElement).open)).toBe(true);
    await page.waitForFunction((alert) => /Approaching|Overdue|Escalated/.test(document.querySelector(`#alerts li[data-alert="${alert}"] .history`)?.textContent ?? ''), id);
    expect(await page.locator('#alerts li[data-alert] > details[open]').count()).toBe(1);
    await page.close();
  }, 60_000);
});
