/// <reference lib="dom" />
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { launchChromium } from '../support/browser.js';
import { startBoardDemo, openDemoBoard, type BoardDemo } from '../support/board-demo.js';
import { repoRoot } from '../support/cli.js';

// The board printed (#21): Chromium's print to PDF of a board page gives A4 pages, without the
// controls that only work on a screen, with no table row cut across two pages and each table's
// header repeated on the pages it continues on, nothing wider than the page.

const out = join(repoRoot, 'test-output', 'print');
/** A4 in points (210 × 297 mm); Chromium rounds a page to whole CSS pixels (794 × 1124 px = 595.9 × 842.9 pt). */
const A4 = { width: 595.28, height: 841.89 };
const ROUNDING_PT = 1.5;
/** The page's printable width in CSS px: A4's 210 mm less the 10 mm side margins of `@page` (board-print.css). */
const PRINTABLE_PX = Math.floor(((210 - 20) / 25.4) * 96);

let demo: BoardDemo;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  demo = await startBoardDemo();
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** Text as compared between the page and the PDF: no whitespace (lines wrap differently), no status icons (CSS generated content), NFC. */
const squeeze = (text: string) => text.normalize('NFC').replace(/[\s●✓▲▼✖○◐◷◔⚠]/gu, '');

interface PdfPage { width: number; height: number; text: string; right: number }

/** Each page of a PDF: its size in points, its text in drawing order (squeezed), and how far right its text reaches. */
async function readPdf(data: Uint8Array): Promise<PdfPage[]> {
  const loading = getDocument({ data, useSystemFonts: false });
  const pdf = await loading.promise;
  const pages: PdfPage[] = [];
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number);
    const { width, height } = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    const items = content.items.filter((item): item is Extract<typeof item, { str: string }> => 'str' in item);
    pages.push({ width, height, text: squeeze(items.map((item) => item.str).join('')), right: Math.max(0, ...items.filter((item) => item.str.trim()).map((item) => item.transform[4] + item.width)) });
  }
  await loading.destroy();
  return pages;
}

/** Every table row and alert row of the page, as its text in reading order. */
const rowsOf = (page: Page, selector: string) => page.locator(selector).evaluateAll((rows) => rows.map((row) => (row as HTMLElement).innerText));

describe('the board printed to PDF in a real Chromium', () => {
  let page: Page;
  let pdf: PdfPage[];

  beforeAll(async () => {
    page = await openDemoBoard(browser, demo.coordination.url);
    // Every detail opened: the longest board, whose tables run over several pages.
    await page.evaluate(() => document.querySelectorAll<HTMLDetailsElement>('details.detail').forEach((details) => (details.open = true)));
    const bytes = await page.pdf({ format: 'A4' });
    writeFileSync(join(out, 'board.pdf'), bytes);
    pdf = await readPdf(new Uint8Array(bytes));
  }, 60_000);
  afterAll(() => page?.close());

  it('prints on A4 pages only', () => {
    expect(pdf.length).toBeGreaterThan(2);
    for (const sheet of pdf) {
      expect(Math.abs(sheet.width - A4.width)).toBeLessThanOrEqual(ROUNDING_PT);
      expect(Math.abs(sheet.height - A4.height)).toBeLessThanOrEqual(ROUNDING_PT);
    }
  });

  it('leaves out buttons, filters and the live indicator, and keeps the plan, the summary and the alerts', async () => {
    await page.emulateMedia({ media: 'print' });
    try {
      // Nothing that can be clicked or chosen is left; the columns' sort buttons print as plain header text (no box of their own).
      expect(await page.locator('th > button.sort').evaluateAll((buttons) => [...new Set(buttons.map((button) => getComputedStyle(button).display))])).toEqual(['contents']);
      expect(await page.locator('button:visible:not(th > button.sort), select:visible, input:visible').evaluateAll((nodes) => nodes.map((node) => node.outerHTML.slice(0, 120)))).toEqual([]);
      expect(await page.locator('#live').isVisible()).toBe(false);
      for (const kept of ['#plan-info', '#summary', '#alerts', '#tasks']) expect(await page.locator(kept).isVisible()).toBe(true);
    } finally {
      await page.emulateMedia({ media: null });
    }
    const text = pdf.map((sheet) => sheet.text).join('');
    expect(text).toContain(squeeze((await page.locator('#plan-info strong').textContent())!));
    expect(text).not.toContain(squeeze('Phụ lục (XLSX)'));
    expect(text).not.toContain(squeeze('Đăng xuất'));
    expect(text).not.toContain(squeeze('đã kết nối'));
  });

  it('cuts no table row or alert across two pages, and repeats the task table’s header on every page it continues on', async () => {
    const rows = [
      ...(await rowsOf(page, '#summary tbody tr')),
      ...(await rowsOf(page, '#alerts > li')),
      ...(await rowsOf(page, '#tasks tbody tr')),
      ...(await rowsOf(page, '#reporting tbody tr')),
      ...(await rowsOf(page, '#areas tbody tr')),
      ...(await rowsOf(page, '#backlog tbody tr')),
    ];
    expect(rows.length).toBeGreaterThan(60);
    // A row cut by a page break has its text split between two pages: no single page holds all of it, in order.
    const cut = rows.filter((row) => !pdf.some((sheet) => sheet.text.includes(squeeze(row))));
    expect(cut).toEqual([]);

    const taskPages = new Set((await rowsOf(page, '#tasks tbody tr')).map((row) => pdf.findIndex((sheet) => sheet.text.includes(squeeze(row)))));
    // The check means something only if the task table does run over a page break.
    expect(taskPages.size).toBeGreaterThan(1);
    // The secretariat's decision column is left out in print (its buttons mean nothing on paper).
    const header = squeeze((await page.locator('#tasks thead th:not(:nth-child(7))').allInnerTexts()).join(''));
    for (const index of taskPages) expect(pdf[index]!.text).toContain(header);
  });

  it('has nothing wider than the page: laid out at the printable width, and no text past the right margin in the PDF', async () => {
    for (const sheet of pdf) expect(sheet.right).toBeLessThanOrEqual(sheet.width - 20); // the 10 mm margin, less a little
    const narrow = await browser.newPage({ viewport: { width: PRINTABLE_PX, height: 1000 }, locale: 'vi-VN' });
    await narrow.context().addCookies(await page.context().cookies());
    await narrow.goto(demo.coordination.url);
    await narrow.waitForSelector('body[data-ready="true"]');
    await narrow.evaluate(() => document.querySelectorAll<HTMLDetailsElement>('details.detail').forEach((details) => (details.open = true)));
    await narrow.emulateMedia({ media: 'print' });
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PRINTABLE_PX);
    // No table wider than the box it is in (a scroll box would hide the overflow on screen, not on paper).
    const wide = await narrow.locator('table').evaluateAll((tables) => tables.filter((table) => table.scrollWidth > (table.parentElement as HTMLElement).clientWidth + 1).map((table) => table.id));
    expect(wide).toEqual([]);
    await narrow.close();
  });
});
