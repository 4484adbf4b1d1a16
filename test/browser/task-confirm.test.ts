/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Browser, Page } from 'playwright-core';
import { buildEvent, getEventDefinition } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { cultureService } from '@lienganh/culture';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { launchChromium, signIn } from '../support/browser.js';
import { repoRoot } from '../support/cli.js';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

// The secretariat confirms from the board, by keyboard, a task its lead reported done (#18).

const keys = { culture: 'culture-test-key-0123456789' };
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const TASK = 'kh-ba-dinh-2021/nv-vhtt-01';

let nats: NatsFixture;
let culture: RunningAgencyService;
let coordination: RunningCoordinationService;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-browser-tasks-'));
  culture = await startAgencyService(cultureService, { ...nats.identity('culture'), port: 0, dataDir, keys });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: { now: () => new Date('2021-12-20T09:00:00+07:00') }, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
  // Culture reports its inspection task done, with the document that shows it.
  const data = { planId: 'kh-ba-dinh-2021', taskId: 'nv-vhtt-01', completedOn: '2021-12-15', evidence: { documentNumber: '88/BC-VHTT', issuedOn: '2021-12-15' } };
  const { source: _source, subject: _subject, ...event } = buildEvent(getEventDefinition('vn.pcmd.culture.task.completed.v1'), data as never, { time: '2021-12-15T16:00:00+07:00' });
  expect((await postJson(`${culture.url}/api/v1/events`, event, keys.culture)).status).toBe(202);
  await eventually(async () => ((await getAs(`${coordination.url}/api/v1/tasks?plan=kh-ba-dinh-2021&status=awaiting-confirmation`)).body.tasks.length === 1 ? true : undefined), 10_000);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await coordination?.close();
  await culture?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function signedIn(token: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
  await page.goto(coordination.url);
  await signIn(page, token);
  // The task table is a detail of the board, paged: opened, then the task found by its title.
  await page.locator('#tasks-details > summary').click();
  await page.getByLabel('Tìm nhiệm vụ').fill('cơ sở kinh doanh dịch vụ văn hóa');
  await row(page).waitFor();
  return page;
}

const row = (page: Page) => page.locator(`tr[data-task="${TASK}"]`);

describe('task confirmation on the dashboard', () => {
  it('shows a committee member the status and the evidence, without buttons', async () => {
    const page = await signedIn(tokens.committee);
    await expectText(row(page), 'chờ xác nhận');
    await expectText(row(page), 'Văn bản số 88/BC-VHTT');
    expect(await row(page).locator('button').count()).toBe(0);
    await page.close();
  });

  it('lets the secretariat confirm it by keyboard; the board then shows it done', async () => {
    const page = await signedIn(tokens.secretariat);
    await row(page).scrollIntoViewIfNeeded();
    mkdirSync(join(repoRoot, 'test-output', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test-output', 'screenshots', 'task-confirm-1280.png') });
    const confirm = row(page).getByRole('button', { name: 'Xác nhận hoàn thành' });
    await confirm.focus();
    await page.keyboard.press('Enter');
    await page.locator('#task-decision', { hasText: 'hoàn thành' }).waitFor();
    await expectText(row(page), 'test-secretariat xác nhận');
    expect(await row(page).locator('.status').textContent()).toBe('hoàn thành');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('task-decision');
    const { body } = await getAs(`${coordination.url}/api/v1/tasks?plan=kh-ba-dinh-2021&status=done`);
    expect(body.tasks.map((task: { taskId: string }) => task.taskId)).toContain('nv-vhtt-01');
    await page.close();
  });
});

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).waitFor({ timeout: 10_000 });
}
