/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { ALERT_PLAN_IMPORTED, ALERT_PLAN_NOW, alertPlan } from '../support/alert-plan.js';
import { launchChromium, signIn } from '../support/browser.js';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { TEST_USERS, tokens } from '../support/users.js';

// An axe-core scan of the board and of the alert list (#21): no serious or critical violation.

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const alerting = alertPlan({ approaching: 3, overdue: 5, escalated: 6 });
const clock = { current: new Date(ALERT_PLAN_IMPORTED), now: () => clock.current };

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let browser: Browser;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, users: TEST_USERS });
  for (const plan of [baDinh, alerting]) expect((await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat)).status).toBe(201);
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

async function openBoard(plan: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
  // axe is injected as a script of its own: the page's CSP (script-src 'self') is bypassed for it alone.
  const context = await browser.newContext({ viewport, locale: 'vi-VN', bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${coordination.url}/?plan=${plan}`);
  await signIn(page, tokens.secretariat);
  await page.addScriptTag({ content: AXE_SOURCE });
  return page;
}

interface Violation { id: string; impact: string; help: string; nodes: { target: string[] }[] }

/** Serious and critical violations in `selector` (WCAG 2.x A and AA rules, and axe's best practices). */
async function seriousViolations(page: Page, selector: string): Promise<{ id: string; help: string; targets: string[] }[]> {
  const violations = await page.evaluate(async (include) => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run({ include: [include] }, { resultTypes: ['violations'] });
    return result.violations;
  }, selector);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => ({ id: violation.id, help: violation.help, targets: violation.nodes.map((node) => node.target.join(' ')) }));
}

describe('accessibility (axe-core) in a real Chromium', () => {
  it('finds no serious or critical violation on the board, summary first and then every detail opened', async () => {
    const page = await openBoard(baDinh.id);
    expect(await seriousViolations(page, 'body')).toEqual([]);
    await page.evaluate(() => document.querySelectorAll('details').forEach((details) => (details.open = true)));
    expect(await seriousViolations(page, 'body')).toEqual([]);
    await page.getByRole('button', { name: 'English' }).click();
    expect(await seriousViolations(page, 'body')).toEqual([]);
    await page.close();
    // Three scans of the whole board: 10 s on a quiet machine, past the default 30 s beside other test workers (CI).
  }, 90_000);

  it('finds none in the charts: a target chart and the funnel drawn, their tables open, in Vietnamese and in English', async () => {
    const page = await openBoard(baDinh.id);
    await page.locator('#charts-details > summary').click();
    for (const chart of ['funnel', 'target:ct-kiem-tra-hanh-chinh-400']) {
      const details = page.locator(`details[data-chart="${chart}"]`);
      await details.locator('> summary').click();
      await details.locator('canvas[role="img"]').waitFor();
      await details.locator('.chart-table > summary').click();
      await details.locator('table.chart-data').waitFor();
    }
    expect(await seriousViolations(page, 'section[aria-labelledby="charts-heading"]')).toEqual([]);
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('details[data-chart="funnel"] table.chart-data th', { hasText: 'Referred' }).waitFor();
    expect(await seriousViolations(page, 'section[aria-labelledby="charts-heading"]')).toEqual([]);
    await page.close();
  });

  it('finds none in the alert list, filtered, with a row expanded, on a laptop and on a phone', async () => {
    for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
      const page = await openBoard(alerting.id, viewport);
      await page.locator('#alert-stages [data-stage="escalated"]').click();
      await page.waitForFunction(() => document.querySelector<HTMLElement>('#alerts li[data-alert]')?.dataset.stage === 'escalated');
      await page.locator('#alerts li[data-alert] summary').first().click();
      await page.waitForFunction(() => (document.querySelector('#alerts li[data-alert] .history')?.children.length ?? 0) > 0);
      expect(await seriousViolations(page, 'section[aria-labelledby="alerts-heading"]')).toEqual([]);
      await page.close();
    }
  });
});
