/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Browser, Page } from 'playwright-core';
import { buildEvent, policeInspectionCompleted, type BusEvent } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { launchChromium, signIn } from '../support/browser.js';
import { repoRoot } from '../support/cli.js';
import { postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { asUser, TEST_USERS, tokens } from '../support/users.js';

const keys = { police: 'police-test-key-0123456789' };
const screenshots = join(repoRoot, 'test-output', 'screenshots');
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const TARGET = 'kh-ba-dinh-2021/ct-kiem-tra-hanh-chinh-400';

let nats: NatsFixture;
let police: RunningAgencyService;
let coordination: RunningCoordinationService;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-browser-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: { now: () => new Date('2021-06-01T09:00:00+07:00') }, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await coordination?.close();
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Console errors of every page opened (a blocked script or style under the CSP shows there). */
const consoleErrors: string[] = [];


async function openDashboard(viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'vi-VN' });
  page.on('console', (message) => message.type() === 'error' && !message.text().includes('401') && consoleErrors.push(message.text()));
  await page.goto(coordination.url);
  await signIn(page, tokens.committee);
  // Signed in, the session cookie outlives a reload: each test starts from a freshly loaded page.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

const barOf = (page: Page, key: string) => page.locator(`[data-target="${key}"] [role="progressbar"]`);

function inspection(n: number): Omit<BusEvent, 'source' | 'subject'> {
  const data = { ...policeInspectionCompleted.example, inspectionId: `kt-web-${n}`, areaCode: 'hn-ba-dinh-kim-ma' };
  const { source: _source, subject: _subject, ...event } = buildEvent(policeInspectionCompleted, data, { time: new Date('2021-05-20T21:00:00+07:00') });
  return event;
}

/** A province plan as large as the load measurement asks: 50 targets, 500 tasks. */
function largePlan() {
  const areas = Array.from({ length: 20 }, (_, n) => ({ code: `tn-phuong-${n}`, name: { vi: `Phường ${n}`, en: `Ward ${n}` }, level: 'ward', parent: 'tn' }));
  const agencies = ['police', 'labour', 'health', 'culture', 'justice'];
  return {
    id: 'kh-tai-thu-2021',
    number: '1/KH-THU',
    issuedOn: '2021-01-05',
    issuingBody: 'coordination',
    level: 'province',
    area: 'tn',
    period: { start: '2021-01-01', end: '2021-12-31' },
    title: { vi: 'Kế hoạch thử tải', en: 'Load test plan' },
    areas: [{ code: 'tn', name: { vi: 'Tỉnh thử', en: 'Test province' }, level: 'province' }, ...areas],
    targets: Array.from({ length: 50 }, (_, n) => ({
      id: `ct-${n}`,
      title: { vi: `Chỉ tiêu ${n}: kiểm tra cơ sở`, en: `Target ${n}: inspections` },
      agency: agencies[n % agencies.length],
      measure: { kind: 'count', eventType: 'vn.pcmd.police.inspection.completed.v1', area: areas[n % areas.length]!.code },
      goal: { min: 10 + n },
    })),
    tasks: Array.from({ length: 500 }, (_, n) => ({
      id: `nv-${n}`,
      title: { vi: `Nhiệm vụ ${n}`, en: `Task ${n}` },
      lead: agencies[n % agencies.length],
      supporting: [agencies[(n + 1) % agencies.length]],
      area: areas[n % areas.length]!.code,
      due: '2021-12-31',
      targets: [`ct-${n % 50}`],
    })),
  };
}

describe('the committee dashboard in a real Chromium', () => {
  it('asks for an access token first (Vietnamese, English beside), refuses a wrong one, and signs out', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    await page.goto(coordination.url);
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.locator('#main').isHidden()).toBe(true);
    expect(await page.locator('#sign-in h2').textContent()).toBe('Đăng nhập / Sign in');
    await page.screenshot({ path: join(screenshots, 'dashboard-sign-in.png') });
    await page.getByLabel('Mã truy cập / Access token').fill('not-a-token-0123456789');
    await page.getByRole('button', { name: 'Đăng nhập / Sign in' }).click();
    await page.waitForSelector('#sign-in-error:has-text("unknown or revoked token")');
    expect(await page.locator('#main').isHidden()).toBe(true);

    await signIn(page, tokens.police);
    expect(await page.locator('#who').textContent()).toContain('test-officer-police');
    // The session is a cookie scripts cannot read.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForSelector('#sign-in:not([hidden])');
    await page.reload();
    await page.waitForSelector('#sign-in:not([hidden])');
    await page.close();
  });

  it("goes back to the sign-in form by itself when the user's token is revoked while the dashboard is open", async () => {
    const issued = await postJson(`${coordination.url}/api/v1/users`, { id: 'tv-bcd-browser', name: 'Thành viên BCĐ (trình duyệt)', role: 'committee-member' }, tokens.secretariat);
    expect(issued.status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    await page.goto(coordination.url);
    await signIn(page, issued.body.token);
    await page.waitForSelector('#live[data-state="connected"]:has-text("đã kết nối")');
    const revoked = await fetch(`${coordination.url}/api/v1/users/tv-bcd-browser/token`, { method: 'DELETE', headers: asUser(tokens.secretariat) });
    expect(revoked.status).toBe(200);
    // The live stream ends with the session (checked every 2 s); the page asks for a token again.
    await page.waitForSelector('#sign-in:not([hidden])', { timeout: 5_000 });
    expect(await page.locator('#main').isHidden()).toBe(true);
    await page.close();
  });

  it("loads the imported plan's targets, in Vietnamese, labelled for screen readers", async () => {
    const page = await openDashboard({ width: 1280, height: 900 });
    await expect(page.locator('h1').textContent()).resolves.toContain('Ban Chỉ đạo 138');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    const bars = page.locator('#targets [role="progressbar"]');
    expect(await bars.count()).toBe(baDinh.targets.length);
    // Every bar is named by its target's title and says its value in words.
    const bar = barOf(page, TARGET);
    const labelId = await bar.getAttribute('aria-labelledby');
    expect(await page.locator(`#${labelId}`).textContent()).toContain('400');
    expect(await bar.getAttribute('aria-valuetext')).toMatch(/≥ 400/);
    // One plan at a time; its tasks in pages of 20.
    expect(await page.locator('#task-summary').textContent()).toBe(`${baDinh.tasks.length} / ${baDinh.tasks.length} nhiệm vụ`);
    expect(await page.locator('#tasks tbody tr').count()).toBe(20);
    // By district (here the 14 wards) and who reported on time.
    expect(await page.locator('#areas [role="meter"]').count()).toBe(14);
    // One row per body, and one per ward for the ward committees, which report each for its ward.
    expect(await page.locator('#reporting tbody tr').count()).toBe(baDinh.reporting.from.length - 1 + 14);
    expect(await page.locator('#reporting tbody tr', { hasText: 'Phường Kim Mã' }).count()).toBe(1);
    // Imported on 1 June 2021: the duties missed before then are a backlog per body, not alerts.
    const wards = page.locator('#backlog tbody tr[data-backlog="kh-ba-dinh-2021/ubnd-phuong"]');
    expect(await wards.textContent()).toContain('báo cáo định kỳ 70'); // January to April and Q1, 14 wards
    expect(await page.locator('#backlog-starts').textContent()).toContain('cảnh báo tính từ');
    // The security headers' CSP lets the page's own script and its bar widths through.
    expect(consoleErrors).toEqual([]);
    expect(await page.locator(`[data-target="${TARGET}"] .bar > span`).evaluate((bar) => (bar as HTMLElement).style.width)).toBe('0%');
    await page.close();
  });

  it('is served under a CSP with no inline script or style and no other origin', async () => {
    const csp = (await fetch(coordination.url)).headers.get('content-security-policy')!;
    const directives = Object.fromEntries(csp.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('https:');
  });

  it('moves the matching progress bar when police post an inspection, without a reload', async () => {
    const page = await openDashboard({ width: 1280, height: 900 });
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    expect(await barOf(page, TARGET).getAttribute('aria-valuenow')).toBe('0');
    await page.waitForSelector('#live[data-state="connected"]:has-text("đã kết nối")');

    expect((await postJson(`${police.url}/api/v1/events`, [inspection(1), inspection(2)], keys.police)).status).toBe(202);

    await page.waitForFunction((key) => document.querySelector(`[data-target="${key}"] [role="progressbar"]`)?.getAttribute('aria-valuenow') === '0.5', TARGET);
    expect(await page.locator(`[data-target="${TARGET}"] [data-achieved]`).textContent()).toContain('2');
    // The bar's width is set through the CSSOM, which the CSP allows (an inline style attribute it would block).
    expect(await page.locator(`[data-target="${TARGET}"] .bar > span`).evaluate((bar) => (bar as HTMLElement).style.width)).toBe('0.5%');
    expect(consoleErrors).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
    await page.close();
  });

  it('switches to English and back, and filters the task board', async () => {
    const page = await openDashboard({ width: 1280, height: 900 });
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('h1').textContent()).resolves.toContain('Steering Committee 138');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#backlog-heading').textContent()).toBe('Backlog before import');
    expect(await page.locator('#backlog tbody tr[data-backlog="kh-ba-dinh-2021/ubnd-phuong"]').textContent()).toContain('periodic report 70');
    const title = await page.locator(`[data-target="${TARGET}"] .name`).textContent();
    expect(title).toBe(baDinh.targets.find((target: { id: string }) => target.id === 'ct-kiem-tra-hanh-chinh-400').title.en);

    await page.locator('#tasks-details > summary').click();
    await page.getByLabel('Status').selectOption('in-progress');
    const rows = page.locator('#tasks tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('#tasks tbody tr').length < 10);
    expect(await rows.count()).toBeGreaterThan(0);
    for (const status of await page.locator('#tasks tbody .status').allTextContents()) expect(status).toBe('in progress');

    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await expect(page.locator('h1').textContent()).resolves.toContain('Ban Chỉ đạo 138');
    await page.close();
  });

  it('is reachable by keyboard and readable on a 1280 px screen and a 390 px phone (screenshots written)', async () => {
    const desktop = await openDashboard({ width: 1280, height: 900 });
    await desktop.keyboard.press('Tab');
    expect(await desktop.evaluate(() => document.activeElement?.textContent)).toContain('Bỏ qua');
    await desktop.screenshot({ path: join(screenshots, 'dashboard-desktop-1280.png'), fullPage: true });
    await desktop.close();

    const phone = await openDashboard({ width: 390, height: 844 });
    // Nothing wider than the phone's screen but the scrollable tables.
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(screenshots, 'dashboard-phone-390.png'), fullPage: true });
    await phone.screenshot({ path: join(screenshots, 'dashboard-phone-390-first-screen.png') });
    await phone.close();
  });

  it('renders a plan of 500 tasks and 50 targets (load time measured and written, not asserted)', async () => {
    expect((await postJson(`${coordination.url}/api/v1/plans`, largePlan(), tokens.secretariat)).status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(coordination.url);
    await page.waitForSelector('#sign-in:not([hidden])');
    const started = Date.now();
    await signIn(page, tokens.committee);
    // Ba Đình's plan, issued later, is the one shown first; the large one is chosen.
    expect(await page.locator('#plan-filter').inputValue()).toBe('kh-ba-dinh-2021');
    await page.locator('#plan-filter').selectOption('kh-tai-thu-2021');
    await page.waitForFunction(() => document.querySelector('#task-summary')?.textContent === '500 / 500 nhiệm vụ');
    const loadMs = Date.now() - started;
    const rendered = { tasks: await page.locator('#tasks tbody tr').count(), targets: await page.locator('#targets [role="progressbar"]').count() };
    expect(rendered).toEqual({ tasks: 20, targets: 50 });
    expect(new URL(page.url()).searchParams.get('plan')).toBe('kh-tai-thu-2021');
    writeFileSync(join(repoRoot, 'test-output', 'dashboard-load.json'), `${JSON.stringify({ ...rendered, loadMs }, null, 2)}\n`);
    console.log(`dashboard with ${rendered.tasks} tasks and ${rendered.targets} targets ready in ${loadMs} ms`);
    await page.close();
  });
});
