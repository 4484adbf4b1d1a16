/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { launchChromium, signIn } from '../support/browser.js';
import { repoRoot } from '../support/cli.js';
import { postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { TEST_USERS, tokens } from '../support/users.js';

// One plan at a time (#21): the current plan first, a summary per body before the details, names
// where codes were, a page a secretariat can take in at a glance on a laptop and on a phone.

const screenshots = join(repoRoot, 'test-output', 'screenshots');
const plans = DEMO_PLAN_FILES.map((file) => parseYaml(readFileSync(file, 'utf8')));
const baDinh = plans.find((plan) => plan.id === 'kh-ba-dinh-2021')!;
const canTho2016 = plans.find((plan) => plan.id === 'kh-can-tho-2016')!;

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let browser: Browser;
let stopped = false;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  nats = await startNatsFixture();
  // June 2021: Ba Đình's plan is in force, Cần Thơ's of 2016 is not.
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: { now: () => new Date('2021-06-01T09:00:00+07:00') }, deadlineTickMs: 0, users: TEST_USERS });
  for (const plan of [canTho2016, baDinh]) expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  if (!stopped) await coordination?.close();
  await nats?.close();
});

async function openBoard(viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'vi-VN' });
  await page.goto(coordination.url);
  await signIn(page, tokens.secretariat);
  return page;
}

const openEveryDetail = (page: Page) => page.evaluate(() => document.querySelectorAll('details').forEach((details) => (details.open = true)));

/** The registry codes a plan uses: its id, areas, bodies, targets, tasks, event types, hotspots. */
function codesOf(plan: unknown): Set<string> {
  const codes = new Set<string>();
  const keys = new Set(['id', 'code', 'area', 'agency', 'lead', 'supporting', 'from', 'to', 'by', 'issuingBody', 'eventType', 'hotspotId', 'parent']);
  const walk = (value: unknown, key?: string): void => {
    if (typeof value === 'string') {
      if ((key && keys.has(key)) || value.startsWith('vn.pcmd.')) codes.add(value);
    } else if (Array.isArray(value)) value.forEach((item) => walk(item, key));
    else if (value && typeof value === 'object') {
      for (const [name, item] of Object.entries(value)) {
        if (name === 'eachArea') Object.keys(item as object).forEach((body) => codes.add(body));
        walk(item, name);
      }
    }
  };
  walk(plan);
  return codes;
}

describe('the board, one plan at a time, in a real Chromium', () => {
  it('opens on the plan in force today and shows only it; another is chosen in the selector', async () => {
    const page = await openBoard({ width: 1366, height: 768 });
    expect(await page.locator('#plan-filter').inputValue()).toBe(baDinh.id);
    expect(await page.locator('#plan-filter option').count()).toBe(2);
    // What the board shows (the selector lists every plan by its title: left out).
    const boardText = () => page.evaluate(() => [...document.querySelectorAll<HTMLElement>('#plan-info, main > section:not(.plan-bar)')].map((node) => node.innerText).join('\n'));
    const text = await boardText();
    expect(text).toContain(baDinh.title.vi);
    expect(text).not.toContain(canTho2016.title.vi);
    expect(await page.locator('#task-summary').textContent()).toBe(`${baDinh.tasks.length} / ${baDinh.tasks.length} nhiệm vụ`);
    // Every body of the plan with targets or tasks in the summary, each with its state in words.
    const states = await page.locator('#summary tbody tr .status').allTextContents();
    expect(states.length).toBeGreaterThan(5);
    for (const state of states) expect(['quá hạn', 'có nguy cơ chậm', 'đúng tiến độ', 'hoàn thành']).toContain(state);
    // Said by an icon too, not by colour alone.
    expect(await page.locator('#summary tbody tr .status').first().evaluate((node) => getComputedStyle(node, '::before').content)).toMatch(/[●▲✖✓]/);

    await page.locator('#plan-filter').selectOption(canTho2016.id);
    await page.waitForFunction((total) => document.querySelector('#task-summary')?.textContent === `${total} / ${total} nhiệm vụ`, canTho2016.tasks.length);
    const after = await boardText();
    expect(after).toContain(canTho2016.title.vi);
    expect(after).not.toContain(baDinh.title.vi);
    // The choice is kept in the address: a reload shows the same plan.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#plan-filter').inputValue()).toBe(canTho2016.id);
    await page.close();
  });

  it("shows names, not registry codes: none of the plan's codes is in the page's text, every detail opened", async () => {
    const page = await openBoard({ width: 1366, height: 768 });
    await openEveryDetail(page);
    const codes = [...codesOf(baDinh)];
    expect(codes).toEqual(expect.arrayContaining(['kh-ba-dinh-2021', 'hn-ba-dinh', 'hn-ba-dinh-kim-ma', 'police', 'ubnd-phuong', 'vn.pcmd.police.hotspot.reactivated.v1']));
    const text = await page.evaluate(() => document.body.innerText);
    const shown = codes.filter((code) => new RegExp(`(^|[^\\p{L}\\p{N}_.-])${code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}_-])`, 'u').test(text));
    expect(shown).toEqual([]);
    // The codes are still there for whoever needs them, in tooltips.
    expect(await page.locator('#summary [data-body="police"] th').getAttribute('title')).toBe('police');
    await page.close();
  });

  it('fits in three screen heights at 1366x768 before any detail is opened, and has no horizontal overflow at 390 px', async () => {
    const laptop = await openBoard({ width: 1366, height: 768 });
    expect(await laptop.locator('details[open]').count()).toBe(0);
    const height = await laptop.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeLessThanOrEqual(3 * 768);
    await laptop.screenshot({ path: join(screenshots, 'board-1366.png'), fullPage: true });
    await laptop.close();

    const phone = await openBoard({ width: 390, height: 844 });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await openEveryDetail(phone);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(screenshots, 'board-phone-390.png') });
    await phone.close();
  });

  it('writes days, periods, recurrences and numbers as Vietnamese does: 01/01/2021, "quý I/2021", "tháng 4/2021", "hằng tháng"', async () => {
    const page = await openBoard({ width: 1366, height: 768 });
    expect(await page.locator('#plan-info').textContent()).toContain('01/01/2021 – 31/12/2021');
    expect(await page.locator('#generated-at').textContent()).toBe('01/06/2021');
    await openEveryDetail(page);
    // June 2021, nothing reported yet: the periods missed so far, as the report writes them.
    const reporting = await page.locator('#reporting').innerText();
    expect(reporting).toContain('quý I/2021');
    expect(reporting).toContain('tháng 4/2021');
    // Recurring tasks (no due day) come first when sorted by due date, latest first.
    await page.locator('#tasks button[data-sort="due"]').click();
    await page.locator('#tasks button[data-sort="due"]').click();
    await page.waitForFunction(() => document.querySelector('#tasks th[aria-sort="descending"] [data-sort="due"]'));
    const dues = await page.locator('#tasks tbody tr td:nth-child(4)').allTextContents();
    expect(dues).toEqual(expect.arrayContaining(['hằng tháng', 'hằng năm']));
    for (const due of dues) expect(due).toMatch(/^(hằng tháng|hằng quý|hằng năm|6 tháng một lần|\d{2}\/\d{2}\/\d{4})$/);
    const text = await page.evaluate(() => document.body.innerText);
    // No English month abbreviations, ISO days or period keys left in the page.
    expect(text).not.toMatch(/\bthg\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{4}-[QH]\d\b|\bmonthly\b|\bannual\b/);
    await page.close();
  });

  it('sorts, filters and pages the task table', async () => {
    const page = await openBoard({ width: 1366, height: 768 });
    await page.locator('#tasks-details > summary').click();
    const rows = page.locator('#tasks tbody tr');
    expect(await rows.count()).toBe(20);
    await page.locator('#task-pager [data-page="next"]').click();
    await page.waitForFunction(() => document.querySelector('#task-page')?.textContent === 'Trang 2/3');
    const titles = () => page.locator('#tasks tbody tr td:first-child').allTextContents();
    await page.locator('#tasks button[data-sort="title"]').click();
    await page.waitForFunction(() => document.querySelector('#tasks th[aria-sort="ascending"] [data-sort="title"]'));
    // Back to the first page, in Vietnamese alphabetical order.
    expect(await page.locator('#task-page').textContent()).toBe('Trang 1/3');
    const sorted = await titles();
    expect(sorted).toEqual([...sorted].sort((a, b) => a.localeCompare(b, 'vi')));
    await page.locator('#tasks button[data-sort="title"]').click();
    await page.waitForFunction(() => document.querySelector('#tasks th[aria-sort="descending"] [data-sort="title"]'));
    const reversed = await titles();
    expect(reversed).toEqual([...reversed].sort((a, b) => b.localeCompare(a, 'vi')));

    await page.locator('#task-filters select[name="agency"]').selectOption('culture');
    await page.waitForFunction(() => !document.querySelector('#task-summary')?.textContent?.startsWith('59 /'));
    const culture = baDinh.tasks.filter((task: { lead: string; supporting?: string[] }) => task.lead === 'culture' || task.supporting?.includes('culture')).length;
    expect(await page.locator('#task-summary').textContent()).toBe(`${culture} / ${baDinh.tasks.length} nhiệm vụ`);
    await page.close();
  });

  it('says the live stream is connected, and reconnecting with figures stale since HH:MM when the service goes, in words', async () => {
    const page = await openBoard({ width: 1366, height: 768 });
    await page.waitForSelector('#live[data-state="connected"]');
    expect(await page.locator('#live').textContent()).toBe('● đã kết nối');
    // Last in the file: the service stops; the board says it is reconnecting, its figures stale since then.
    await coordination.close();
    stopped = true;
    await page.waitForSelector('#live[data-state="stale"]');
    expect(await page.locator('#live').textContent()).toMatch(/^↻ mất kết nối, đang kết nối lại… ⚠ số liệu cũ, từ \d\d:\d\d$/);
    await page.close();
  });
});
