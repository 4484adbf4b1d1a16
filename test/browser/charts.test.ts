/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Browser, Page } from 'playwright-core';
import {
  buildEvent,
  labourReferralAccepted,
  policeInspectionCompleted,
  policeReferralMade,
  type BusEvent,
} from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { launchChromium, signIn } from '../support/browser.js';
import { repoRoot } from '../support/cli.js';
import { postJson } from '../support/http.js';
import { publishBinary, seedAgencyEvents, startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

// The board's charts (#21) in a real Chromium: opened on demand, drawn by Chart.js served by the
// service itself, each with a text alternative whose numbers are the API's.

const screenshots = join(repoRoot, 'test-output', 'screenshots');
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const NOW = '2021-07-10T09:00:00+07:00';
const TARGET = 'ct-kiem-tra-hanh-chinh-400';

const inspection = (id: string, time: string) =>
  buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: `kt-${id}`, areaCode: 'hn-ba-dinh-kim-ma', business: { businessId: `b-${id}`, kind: 'karaoke' } }, { id: `evt-kt-${id}`, time });
const seeded: BusEvent[] = [
  ...Array.from({ length: 12 }, (_, index) => inspection(`m${index}`, `2021-0${1 + (index % 6)}-${String(10 + index).padStart(2, '0')}T09:00:00+07:00`)),
  buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-1', areaCode: 'hn-ba-dinh-kim-ma' }, { id: 'evt-cg-1', time: '2021-02-02T10:00:00+07:00' }),
  buildEvent(labourReferralAccepted, { referralId: 'cg-1', plannedServices: ['counselling'] }, { id: 'evt-tn-cg-1', time: '2021-03-05T10:00:00+07:00' }),
  buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-2', areaCode: 'hn-ba-dinh-lieu-giai' }, { id: 'evt-cg-2', time: '2021-05-02T10:00:00+07:00' }),
];

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: { now: () => new Date(NOW) }, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
  await seedAgencyEvents(nats, seeded);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await coordination?.close();
  await nats?.close();
});

async function openBoard(viewport = { width: 1366, height: 768 }): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'vi-VN' });
  await page.goto(`${coordination.url}/?plan=${baDinh.id}`);
  await signIn(page, tokens.secretariat);
  return page;
}

/** Opens the charts' section and one chart; waits until Chart.js has drawn it. */
async function openChart(page: Page, chart: string): Promise<void> {
  if (!(await page.locator('#charts-details').evaluate((node) => (node as HTMLDetailsElement).open))) await page.locator('#charts-details > summary').click();
  const details = page.locator(`details[data-chart="${chart}"]`);
  await details.locator('> summary').click();
  await details.locator('canvas').waitFor();
  await page.waitForFunction((selector) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`${selector} canvas`);
    return canvas && (globalThis as unknown as { Chart?: { getChart(canvas: HTMLCanvasElement): unknown } }).Chart?.getChart(canvas) !== undefined;
  }, `details[data-chart="${chart}"]`);
  await details.locator('.chart-table > summary').click();
}

/** Whether a canvas has anything drawn on it: some pixels not transparent. */
const drawnPixels = (page: Page, chart: string) =>
  page.locator(`details[data-chart="${chart}"] canvas`).evaluate((canvas: HTMLCanvasElement) => {
    const { width, height } = canvas;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    let painted = 0;
    for (let index = 3; index < pixels.length; index += 4) if (pixels[index]! > 0) painted++;
    return { width, height, painted };
  });

const vi = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
const dayVi = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

describe('the charts of the board, in a real Chromium', () => {
  it('are closed at first: the library is loaded only when a chart opens', async () => {
    const page = await openBoard();
    expect(await page.locator('#charts-details').evaluate((node) => (node as HTMLDetailsElement).open)).toBe(false);
    expect(await page.evaluate(() => 'Chart' in globalThis)).toBe(false);
    expect(await page.locator('#charts-heading').textContent()).toBe('Biểu đồ tiến độ');
    await page.close();
  });

  it("draws a target's cumulative figure by month against the straight line, with a caption and a table of the API's numbers", async () => {
    const { body: series } = await getAs(`${coordination.url}/api/v1/targets/${TARGET}/series?plan=${baDinh.id}`);
    expect(series.points).toHaveLength(7);
    const page = await openBoard();
    await openChart(page, `target:${TARGET}`);
    const pixels = await drawnPixels(page, `target:${TARGET}`);
    expect(pixels.width).toBeGreaterThan(300);
    expect(pixels.painted).toBeGreaterThan(1_000);
    // Served by the service from its node_modules, not from a CDN.
    expect(await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname).filter((path) => path.includes('chart')))).toEqual(['/assets/charts.js', '/assets/lib/chart.umd.min.js']);

    const details = page.locator(`details[data-chart="target:${TARGET}"]`);
    const rows = await details.locator('table.chart-data tbody tr:not([data-month="start"])').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => (cell as HTMLElement).innerText.trim())));
    expect(rows).toEqual(
      series.points.map((point: { month: string; achieved: number; expected: number; status: string }) => [
        `tháng ${Number(point.month.slice(5))}/${point.month.slice(0, 4)}`,
        vi.format(point.achieved),
        vi.format(point.expected),
        { 'at-risk': 'có nguy cơ chậm', 'on-track': 'đúng tiến độ', achieved: 'đã đạt', overdue: 'quá hạn' }[point.status],
      ]),
    );
    expect(await details.locator('tr[data-month="start"] td').nth(1).innerText()).toBe('0');
    const last = series.points.at(-1);
    const caption = `Đạt ${vi.format(last.achieved)}/400 đến ${dayVi(last.day)}, chậm so với tiến độ (theo đường thẳng: ${vi.format(last.expected)}) / ${last.achieved} of 400 by ${dayVi(last.day)}, behind the straight-line path (${new Intl.NumberFormat('en-GB').format(last.expected)} expected)`;
    expect(last.status).toBe('at-risk');
    expect(await details.locator('figcaption').innerText()).toBe(caption);
    expect(await details.locator('canvas').getAttribute('aria-label')).toBe(caption);
    expect(await details.locator('canvas').getAttribute('role')).toBe('img');
    await page.screenshot({ path: join(screenshots, 'board-chart-target.png'), fullPage: false });
    await page.close();
  });

  it('draws the referral funnel by month with its table, and fits a phone without overflowing it', async () => {
    const { body: series } = await getAs(`${coordination.url}/api/v1/referrals/funnel/series?plan=${baDinh.id}`);
    const page = await openBoard({ width: 390, height: 844 });
    await openChart(page, 'funnel');
    expect((await drawnPixels(page, 'funnel')).painted).toBeGreaterThan(1_000);
    const rows = await page.locator('details[data-chart="funnel"] table.chart-data tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => (cell as HTMLElement).innerText.trim())));
    expect(rows).toEqual(
      series.points.map((point: Record<string, number | string>) => [`tháng ${Number(String(point.month).slice(5))}/2021`, ...['made', 'accepted', 'serviceDelivered', 'closed', 'declined'].map((stage) => vi.format(point[stage] as number))]),
    );
    expect(rows.at(-1)).toEqual(['tháng 7/2021', '2', '1', '0', '0', '0']);
    expect(await page.locator('details[data-chart="funnel"] figcaption').innerText()).toBe('Đến 10/07/2021: 2 ca chuyển gửi, 1 đã tiếp nhận, 0 đã hỗ trợ, 0 đã kết thúc, 0 từ chối / By 10/07/2021: 2 referred, 1 taken on, 0 served, 0 closed, 0 declined');
    await openChart(page, `target:${TARGET}`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.locator('details[data-chart="funnel"]').screenshot({ path: join(screenshots, 'board-chart-funnel-390.png') });
    await page.close();
  });

  it('draws an open chart again when the live stream brings new figures, its table still open', async () => {
    const page = await openBoard();
    await openChart(page, `target:${TARGET}`);
    const july = page.locator(`details[data-chart="target:${TARGET}"] tr[data-month="2021-07"] td`).first();
    const before = Number(await july.innerText());
    const event = inspection('live', '2021-07-09T15:00:00+07:00');
    await publishBinary(nats.js, event);
    await page.waitForFunction(
      ([selector, expected]) => document.querySelector(selector)?.textContent === expected,
      [`details[data-chart="target:${TARGET}"] tr[data-month="2021-07"] td`, String(before + 1)] as const,
      { timeout: 15_000 },
    );
    // June, over before the event, does not move.
    expect(await page.locator(`details[data-chart="target:${TARGET}"] tr[data-month="2021-06"] td`).first().innerText()).toBe(String(before));
    expect(await page.locator(`details[data-chart="target:${TARGET}"] figcaption`).innerText()).toMatch(new RegExp(`^Đạt ${before + 1}/400 đến 10/07/2021`));
    await page.close();
  });

  it('keeps what is open when the language changes, and writes the table in English then, the caption still Vietnamese first', async () => {
    const page = await openBoard();
    await openChart(page, `target:${TARGET}`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.querySelector('#charts-heading')?.textContent === 'Progress charts');
    const details = page.locator(`details[data-chart="target:${TARGET}"]`);
    await details.locator('table.chart-data').waitFor();
    expect(await details.locator('table.chart-data thead').innerText()).toContain('Straight-line path');
    expect(await details.locator('tr[data-month="2021-07"] th').innerText()).toBe('07/2021');
    expect(await details.locator('figcaption').innerText()).toMatch(/^Đạt \d+\/400 đến 10\/07\/2021, .* \/ \d+ of 400 by 10\/07\/2021, /);
    await page.close();
  });
});
