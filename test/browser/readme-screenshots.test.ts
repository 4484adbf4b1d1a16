/// <reference lib="dom" />
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { BA_DINH, openDemoBoard, startBoardDemo, type BoardDemo } from '../support/board-demo.js';
import { repoRoot } from '../support/cli.js';

// The README's quick tour (#21): its two screenshots are made here. With UPDATE_SCREENSHOTS=1
// they are written to docs/images/; otherwise to test-output/readme/, after checking that the
// board shows what the tour says (plan selector, summary per body, alert queue, export buttons).

const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';
const dir = UPDATE ? join(repoRoot, 'docs', 'images') : join(repoRoot, 'test-output', 'readme');
/** The README carries them: kept small. */
const MAX_BYTES = 300 * 1024;

let demo: BoardDemo;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  demo = await startBoardDemo();
  browser = await launchChromium();
  page = await openDemoBoard(browser, demo.coordination.url, { width: 1366, height: 768 });
  // A steady picture: the live indicator settled.
  await page.waitForSelector('#live[data-state="connected"]');
}, 90_000);
afterAll(async () => {
  await page?.close();
  await browser?.close();
  await demo?.close();
});

async function shoot(name: string): Promise<void> {
  const path = join(dir, name);
  await page.screenshot({ path });
  expect(statSync(path).size).toBeLessThan(MAX_BYTES);
}

describe('the README quick tour, in a real Chromium at 1366x768', () => {
  it('board-summary.png: the plan in force in the selector, its export buttons, the summary per body', async () => {
    expect(await page.locator('#plan-filter').inputValue()).toBe(BA_DINH.id);
    expect(await page.locator('#plan-info strong').textContent()).toBe(BA_DINH.title.vi);
    // Export: the current quarter and the three files.
    expect(await page.locator('#export select[name="period"] option:checked').textContent()).toBe('quý II/2021');
    for (const name of ['Phụ lục (XLSX)', 'Bảng (CSV)', 'Văn bản báo cáo (DOCX)']) expect(await page.getByRole('button', { name, exact: true }).isVisible()).toBe(true);
    // How many bodies at each state, then one row per body, the worst first: the tour names these states.
    expect(await page.locator('#summary-counts li').allTextContents()).toEqual([
      expect.stringMatching(/^\d+ cơ quan quá hạn$/),
      expect.stringMatching(/^\d+ cơ quan có nguy cơ chậm$/),
      expect.stringMatching(/^\d+ cơ quan đúng tiến độ$/),
      expect.stringMatching(/^\d+ cơ quan hoàn thành$/),
    ]);
    const states = await page.locator('#summary tbody tr .status').allTextContents();
    expect(states.length).toBeGreaterThanOrEqual(10);
    expect(states[0]).toBe('quá hạn');
    // The summary's first rows are in the picture.
    expect(await page.locator('#summary tbody tr').nth(4).boundingBox().then((box) => box!.y + box!.height)).toBeLessThanOrEqual(768);
    await shoot('board-summary.png');
  });

  it('board-alerts.png: the alert queue, its stage chips with counts, a row opened on its history', async () => {
    const chips = await page.locator('#alert-stages button').allTextContents();
    expect(chips.map((chip) => chip.replace(/\s*\(.*\)$/, ''))).toEqual(['● Đang mở', '◔ Sắp đến hạn', '⚠ Quá hạn', '▲ Đã báo cáo BCĐ', '✓ Đã xử lý']);
    const open = Number(await page.locator('#alert-stages [data-stage="open"] [data-count]').getAttribute('data-count'));
    expect(open).toBeGreaterThan(50);
    expect(await page.locator('#alert-summary').textContent()).toBe(`1–50 / ${new Intl.NumberFormat('vi-VN').format(open)} cảnh báo`);
    expect(await page.locator('#alerts li[data-alert]').count()).toBe(50);
    // Latest due first: the deadlines just missed (overdue) above those already escalated to the committee.
    await page.locator('#alert-filters select[name="sort"]').selectOption('-due');
    await page.waitForSelector('#alerts li[data-alert]:first-child[data-stage="overdue"]');
    expect(await page.locator('#alerts li[data-stage="overdue"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#alerts li[data-stage="escalated"]').count()).toBeGreaterThan(0);
    await page.locator('#alerts li[data-alert] summary').first().click();
    await page.waitForFunction(() => (document.querySelector('#alerts li[data-alert] .history')?.children.length ?? 0) > 0);
    // The section at the top of the screen, a little air above its heading.
    await page.evaluate(() => window.scrollTo(0, window.scrollY + document.querySelector('#alerts-heading')!.getBoundingClientRect().top - 12));
    await page.waitForFunction(() => Math.abs(document.querySelector('#alerts-heading')!.getBoundingClientRect().top - 12) < 2);
    await shoot('board-alerts.png');
  });
});
