/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { launchChromium, signIn } from '../support/browser.js';
import { postJson } from '../support/http.js';
import { BINH_LU, communePlan, DOAN_KET, LAI_CHAU_EVENTS, provincePlan, SIN_SUOI_HO } from '../support/lower-plans.js';
import { seedAgencyEvents, startNatsFixture, type NatsFixture } from '../support/nats.js';
import { TEST_USERS, tokens } from '../support/users.js';

// The province board with the plans of its communes (#24): the roll-up beside each target's own
// figure, and per commune its plan (on time, late, missing) and the reports it has not sent.

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let browser: Browser;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS, clock: { now: () => new Date('2026-05-10T09:00:00+07:00') } });
  for (const plan of [provincePlan, communePlan('xa-binh-lu-01', BINH_LU, '2026-04-20'), communePlan('xa-sin-suoi-ho-02', SIN_SUOI_HO, '2026-05-06')]) {
    expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
  }
  await seedAgencyEvents(nats, LAI_CHAU_EVENTS);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await coordination?.close();
  await nats?.close();
});

async function openBoard(plan: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
  await page.goto(`${coordination.url}/?plan=${plan}`);
  await signIn(page, tokens.secretariat);
  return page;
}

it("shows the province target's roll-up beside its own figure, and each commune's plan and missing reports, in Vietnamese and in English", async () => {
  const page = await openBoard(provincePlan.id);
  const target = page.locator(`[data-target="${provincePlan.id}/kt-400"]`);
  expect(await target.locator('[data-achieved]').textContent()).toContain('Đạt: 6');
  expect(await target.locator('[data-roll-up]').textContent()).toContain('Tổng hợp từ 2 kế hoạch cấp dưới: 5');
  await page.locator('#lower-plans-details > summary').click();
  expect(await page.locator('#lower-plans-summary').textContent()).toBe('Hạn ban hành 30/04/2026: 1 đúng hạn, 1 muộn, 36 chưa có, 0 chưa đến hạn.');
  const row = (area: string) => page.locator(`#lower-plans tr[data-lower-area="${area}"]`);
  expect(await page.locator('#lower-plans tbody tr').count()).toBe(38);
  expect(await row(BINH_LU).textContent()).toBe('Xã Bình Lư01/KH-UBND20/04/2026Đúng hạn');
  expect(await row(SIN_SUOI_HO).textContent()).toBe('Xã Sin Suối Hồ02/KH-UBND06/05/2026Ban hành muộntháng 4/2026');
  expect(await row(DOAN_KET).getAttribute('data-status')).toBe('missing');
  expect(await row(DOAN_KET).textContent()).toContain('Chưa có kế hoạch');
  await page.getByRole('button', { name: 'English' }).click();
  expect(await target.locator('[data-roll-up]').textContent()).toContain('Rolled up from 2 lower plans: 5');
  expect(await row(SIN_SUOI_HO).textContent()).toContain('Issued late');
  await page.close();
}, 60_000);

it('shows no lower plans on a commune board', async () => {
  const page = await openBoard('xa-binh-lu-01');
  expect(await page.locator('[data-target="xa-binh-lu-01/kt-xa-20"] [data-achieved]').textContent()).toContain('Đạt: 3');
  expect(await page.locator('#lower-plans-section').isHidden()).toBe(true);
  await page.close();
});
