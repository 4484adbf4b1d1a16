/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { ALERT_PLAN_IMPORTED, ALERT_PLAN_NOW, alertPlan } from '../support/alert-plan.js';
import { launchChromium, signIn } from '../support/browser.js';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

// The secretariat works the alert queue on the board (#21, ADR 0019): acknowledges, notes and
// assigns an alert in its row's details, and sees it after a reload; a refused note says why.

const plan = alertPlan({ approaching: 1, overdue: 2, escalated: 1 });
const clock = { current: new Date(ALERT_PLAN_IMPORTED), now: () => clock.current };
const ROW = `task:${plan.id}:nv-overdue-0`;

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let browser: Browser;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
  clock.current = new Date(ALERT_PLAN_NOW);
  const raised = await coordination.deadlines.tick();
  await eventually(() => (raised.every((alert) => coordination.projector.projection.alerts.has(alert.id)) ? true : undefined), 10_000);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await coordination?.close();
  await nats?.close();
});

async function openBoard(token: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
  await page.goto(`${coordination.url}/?plan=${plan.id}`);
  await signIn(page, token);
  return page;
}
const row = (page: Page) => page.locator(`#alerts li[data-alert="${ROW}"]`);

describe('handling an alert on the board, in a real Chromium', () => {
  it('acknowledges, notes and assigns an alert; the row shows it, also after a reload', async () => {
    const page = await openBoard(tokens.secretariat);
    await row(page).locator('summary').click();
    expect(await row(page).locator('[data-acknowledged]').textContent()).toBe('○ Chưa xác nhận');

    await row(page).getByRole('button', { name: 'Xác nhận đã biết / Acknowledge' }).click();
    await row(page).locator('[data-acknowledged="true"]').waitFor();
    expect(await row(page).locator('[data-acknowledged]').textContent()).toContain('test-secretariat');

    // A note with a phone number is refused, saying why; nothing is kept.
    await row(page).getByLabel('Ghi chú / Note').fill('Gọi số 0912 345 678');
    await row(page).getByRole('button', { name: 'Thêm ghi chú / Add note' }).click();
    await row(page).locator('.handling-status', { hasText: 'phone number' }).waitFor();
    await row(page).getByLabel('Ghi chú / Note').fill('Đã đôn đốc Công an quận nộp báo cáo');
    await row(page).getByRole('button', { name: 'Thêm ghi chú / Add note' }).click();
    await row(page).locator('.notes li', { hasText: 'Đã đôn đốc Công an quận nộp báo cáo' }).waitFor();

    await row(page).getByLabel('Giao cho / Assign to').selectOption({ label: 'Phòng Văn hóa và Thông tin' });
    await row(page).getByRole('button', { name: 'Giao / Assign' }).click();
    await row(page).locator('[data-assigned="culture"]').waitFor();
    // By name; the code only in the tooltip.
    expect(await row(page).locator('[data-assigned]').textContent()).toBe('→ Giao cho Phòng Văn hóa và Thông tin');
    await row(page).locator('.history li[data-kind="assigned"]').waitFor();
    expect(await row(page).locator('.history li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.kind))).toEqual(['overdue', 'acknowledged', 'noted', 'assigned']);

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    const summary = await row(page).locator('summary').textContent();
    expect(summary).toContain('✓ Đã xác nhận: test-secretariat');
    expect(summary).toContain('→ Giao cho Phòng Văn hóa và Thông tin');
    expect(summary).toContain('1 ghi chú');
    expect(summary).not.toContain('culture');
    const api = (await getAs(`${coordination.url}/api/v1/alerts/${encodeURIComponent(ROW)}`)).body.alert;
    expect(api).toMatchObject({ acknowledged: { by: 'test-secretariat' }, assignedTo: { body: 'culture' }, notes: [{ text: 'Đã đôn đốc Công an quận nộp báo cáo' }] });
    await page.close();
  }, 60_000);

  it('shows a committee member the state without the actions', async () => {
    const page = await openBoard(tokens.committee);
    await row(page).locator('summary').click();
    await row(page).locator('.notes li').first().waitFor();
    expect(await row(page).locator('button, select, input').count()).toBe(0);
    await page.close();
  });
});
