import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, which `scripts/setup.mjs` installs for the tests (`npx playwright install` does not work here). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: run \`node scripts/setup.mjs --tests\` (apt-get install chromium) or set CHROMIUM_PATH`);
  // No sandbox: the tests run as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** Signs in on the dashboard's form with an access token, and waits until the board is drawn. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Mã truy cập / Access token').fill(token);
  await page.getByRole('button', { name: 'Đăng nhập / Sign in' }).click();
  await page.waitForSelector('body[data-ready="true"]');
}
