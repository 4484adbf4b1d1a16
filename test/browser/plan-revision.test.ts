import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { launchChromium, signIn } from '../support/browser.js';
import { postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { TEST_USERS, tokens } from '../support/users.js';

// The dashboard says which version of an amended plan it shows, next to the plan's title (#18).

const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
/** The same plan amended from 1 July 2021 (kế hoạch sửa đổi, bổ sung). */
const amended = { ...baDinh, number: '120/KH-UBND', issuedOn: '2021-06-20', revision: { number: 2, effectiveFrom: '2021-07-01' } };

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let browser: Browser;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: { now: () => new Date('2021-07-05T09:00:00+07:00') }, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await coordination?.close();
  await nats?.close();
});

async function signedIn(token: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
  await page.goto(coordination.url);
  await signIn(page, token);
  return page;
}

describe('an amended plan on the dashboard', () => {
  it('shows the revision and the day it is in force from beside the title as soon as it is imported, in Vietnamese and in English', async () => {
    const page = await signedIn(tokens.committee);
    const plan = page.locator('#plan-info', { hasText: baDinh.title.vi });
    // The first version says nothing of revisions.
    expect(await plan.textContent()).not.toContain('sửa đổi');
    // Amended while the dashboard is open: the live stream brings it, without a reload.
    expect((await postJson(`${coordination.url}/api/v1/plans`, amended, tokens.secretariat)).status).toBe(201);
    await plan.filter({ hasText: 'Bản sửa đổi lần 2, hiệu lực từ 01/07/2021' }).waitFor({ timeout: 10_000 });
    expect(await plan.textContent()).toContain('120/KH-UBND');
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('#plan-info', { hasText: 'revision 2, in force from 01/07/2021' }).waitFor({ timeout: 10_000 });
    await page.close();
  });
});
