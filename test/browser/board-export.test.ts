/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { parse as parseYaml } from 'yaml';
import type { Browser, Download, Page } from 'playwright-core';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { launchChromium, signIn } from '../support/browser.js';
import { repoRoot } from '../support/cli.js';
import { postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { TEST_USERS, tokens } from '../support/users.js';

// Export buttons on the board (#21): the periodic report of the plan on screen for the period
// chosen, as the annex (XLSX), CSV and the report document (DOCX), downloaded through the page;
// a failed export says why on the page, in Vietnamese with English beside.

const out = join(repoRoot, 'test-output', 'exports');
const plans = DEMO_PLAN_FILES.map((file) => parseYaml(readFileSync(file, 'utf8')));
const baDinh = plans.find((plan) => plan.id === 'kh-ba-dinh-2021')!;
const canTho2016 = plans.find((plan) => plan.id === 'kh-can-tho-2016')!;
const NOW = new Date('2021-06-01T09:00:00+07:00');
/** Reports a user may take per minute: the committee member's fourth is refused (429) in the last test. */
const PER_MINUTE = 3;

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  nats = await startNatsFixture();
  // June 2021: Ba Đình's plan is in force (quý II/2021), Cần Thơ's of 2016 is over.
  coordination = await startCoordinationService({
    ...nats.identity('coordination'),
    port: 0,
    clock: { now: () => NOW },
    deadlineTickMs: 0,
    users: TEST_USERS,
    // The queue's minute on a fixed clock: the limit does not depend on how fast the test runs.
    reports: { perUserPerMinute: PER_MINUTE, now: () => NOW.getTime() },
  });
  for (const plan of [canTho2016, baDinh]) expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await coordination?.close();
  await nats?.close();
});

async function openBoard(token: string = tokens.secretariat, plan?: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN', acceptDownloads: true });
  await page.goto(plan ? `${coordination.url}/?plan=${plan}` : coordination.url);
  await signIn(page, token);
  return page;
}

/** Clicks an export button and returns what the browser downloaded, its bytes and the page's message after it. */
async function exportFile(page: Page, name: RegExp): Promise<{ download: Download; content: Buffer; status: string }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.getByRole('button', { name }).click()]);
  const path = join(out, download.suggestedFilename());
  await download.saveAs(path);
  await page.waitForFunction(() => document.querySelector('#export-status')?.textContent?.startsWith('Đã tải'));
  return { download, content: readFileSync(path), status: (await page.locator('#export-status').textContent())! };
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

describe('exporting what the board shows, in a real Chromium', () => {
  it('offers the periods of the plan shown, the current quarter first, and the plan’s last quarter for a plan that is over', async () => {
    const page = await openBoard();
    const form = page.locator('#export');
    expect(await form.locator('select[name="cadence"]').inputValue()).toBe('quarterly');
    expect(await form.locator('select[name="period"]').inputValue()).toBe('2021-Q2');
    // Periods by name, as the report writes them.
    expect(await form.locator('select[name="period"] option').allTextContents()).toEqual(['quý I/2021', 'quý II/2021', 'quý III/2021', 'quý IV/2021']);
    await form.locator('select[name="cadence"]').selectOption('monthly');
    expect(await form.locator('select[name="period"] option').count()).toBe(12);
    expect(await form.locator('select[name="period"]').inputValue()).toBe('2021-06');
    await form.locator('select[name="cadence"]').selectOption('half-yearly');
    expect(await form.locator('select[name="period"] option').allTextContents()).toEqual(['6 tháng đầu năm 2021', '6 tháng cuối năm 2021']);
    await form.locator('select[name="cadence"]').selectOption('annual');
    expect(await form.locator('select[name="period"] option').allTextContents()).toEqual(['năm 2021']);

    // Another plan, over by now: its last quarter.
    await form.locator('select[name="cadence"]').selectOption('quarterly');
    await page.locator('#plan-filter').selectOption(canTho2016.id);
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('#export select[name="period"]')?.value === '2016-Q4');
    expect(await form.locator('select[name="period"] option').allTextContents()).toEqual(['quý I/2016', 'quý II/2016', 'quý III/2016', 'quý IV/2016']);
    await page.close();
  });

  it('downloads the XLSX annex, the CSV and the DOCX document of the plan and period on screen', async () => {
    const page = await openBoard();
    const xlsx = await exportFile(page, /^Phụ lục \(XLSX\)$/);
    expect(xlsx.download.suggestedFilename()).toBe('bao-cao-2021-Q2-hn-ba-dinh.xlsx');
    expect(xlsx.status).toBe('Đã tải phụ lục quý II/2021.');
    expect(xlsx.content.subarray(0, 4)).toEqual(ZIP_MAGIC);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.content as unknown as ArrayBuffer);
    const lines = workbook.worksheets[0]!.getColumn(1).values.map((value) => String(value ?? ''));
    // The annex names the plan shown and the period chosen.
    expect(lines).toContain(`Kế hoạch: ${baDinh.number} - ${baDinh.title.vi}`);
    expect(lines).toContain('Kết quả công tác phòng, chống mại dâm quý II năm 2021');

    // Another period: May 2021, as a CSV for Vietnamese Excel.
    await page.locator('#export select[name="cadence"]').selectOption('monthly');
    await page.locator('#export select[name="period"]').selectOption('2021-05');
    const csv = await exportFile(page, /^Bảng \(CSV\)$/);
    expect(csv.download.suggestedFilename()).toBe('bao-cao-2021-05-hn-ba-dinh.csv');
    const text = csv.content.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff); // the byte-order mark Excel needs for Vietnamese
    const [header, ...rows] = text.slice(1).split('\r\n').filter(Boolean);
    expect(header!.split(';')).toEqual(expect.arrayContaining(['STT', 'Cơ quan, đơn vị']));
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(row.split(';').length).toBe(header!.split(';').length);
    expect(rows.map((row) => row.split(';').slice(1, 3))).toContainEqual(['Công an', 'police']);

    const docx = await exportFile(page, /^Văn bản báo cáo \(DOCX\)$/);
    expect(docx.download.suggestedFilename()).toBe('bao-cao-2021-05-hn-ba-dinh.docx');
    expect(docx.content.subarray(0, 4)).toEqual(ZIP_MAGIC);
    const xml = await (await JSZip.loadAsync(docx.content)).file('word/document.xml')!.async('string');
    const words = xml.replace(/<w:p[ >][\s\S]*?<\/w:p>/g, (paragraph) => `${paragraph.replace(/<[^>]+>/g, '')}\n`);
    expect(words).toContain('BÁO CÁO');
    expect(words).toContain('Kết quả công tác phòng, chống mại dâm tháng 5 năm 2021');
    await page.close();
  });

  it('says on the page, in Vietnamese with English beside, why an export failed: too many reports (429), a server error, no connection', async () => {
    // The committee member's own quota: three reports this minute, the fourth refused by the service itself.
    const page = await openBoard(tokens.committee);
    for (let n = 0; n < PER_MINUTE; n++) await exportFile(page, /^Bảng \(CSV\)$/);
    await page.getByRole('button', { name: /^Phụ lục \(XLSX\)$/ }).click();
    const error = page.locator('#export-error');
    await page.waitForFunction(() => document.querySelector('#export-error')?.textContent);
    expect(await error.textContent()).toBe(
      '⚠ Không tải được báo cáo (HTTP 429): đã tải quá nhiều báo cáo trong một phút, thử lại sau 60 giây. / The export failed (HTTP 429): too many reports in a minute: try again in 60 s.',
    );
    expect(await error.getAttribute('role')).toBe('alert');
    // The service's own words (which may name codes) only in the tooltip.
    expect(await error.getAttribute('title')).toMatch(/reports a minute/);
    expect(await page.locator('#export-status').textContent()).toBe('');
    await page.screenshot({ path: join(out, 'export-refused.png') });

    // What a proxy in front of the service may answer, and no answer at all.
    await page.route('**/api/v1/reports/periodic?**', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' }));
    await page.getByRole('button', { name: /^Văn bản báo cáo \(DOCX\)$/ }).click();
    await page.waitForFunction(() => document.querySelector('#export-error')?.textContent?.includes('HTTP 502'));
    expect(await error.textContent()).toBe('⚠ Không tải được báo cáo (HTTP 502): dịch vụ điều phối gặp lỗi, thử lại sau. / The export failed (HTTP 502): the coordination service failed: try again later.');
    await page.unroute('**/api/v1/reports/periodic?**');
    await page.route('**/api/v1/reports/periodic?**', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: /^Bảng \(CSV\)$/ }).click();
    await page.waitForFunction(() => document.querySelector('#export-error')?.textContent?.includes('không kết nối được'));
    expect(await error.textContent()).toBe('⚠ Không tải được báo cáo: không kết nối được dịch vụ điều phối. / The export failed: the coordination service cannot be reached.');
    // Nothing of the failure is left once the plan changes.
    await page.locator('#plan-filter').selectOption(canTho2016.id);
    await page.waitForFunction(() => document.querySelector('#export-error')?.textContent === '');
    await page.close();
  });
});
