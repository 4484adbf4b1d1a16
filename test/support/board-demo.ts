import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { signIn } from './browser.js';
import { eventually, postJson } from './http.js';
import { startNatsFixture, type NatsFixture } from './nats.js';
import { TEST_USERS, tokens } from './users.js';

// A board with something on it, as a secretariat sees it in June 2021: Ba Đình's demo plan
// imported on the day it was issued, then four months of deadlines checked, so that the summary
// has bodies at every state and the alert queue has rows (print and README screenshot tests).

export const BA_DINH = parseYaml(readFileSync(DEMO_PLAN_FILES.find((file) => file.includes('ba-dinh'))!, 'utf8'));
const IMPORTED = '2021-02-01T09:00:00+07:00';
export const BOARD_DEMO_NOW = '2021-06-08T09:00:00+07:00';

export interface BoardDemo {
  nats: NatsFixture;
  coordination: RunningCoordinationService;
  close(): Promise<void>;
}

export async function startBoardDemo(): Promise<BoardDemo> {
  const nats = await startNatsFixture();
  const clock = { current: new Date(IMPORTED), now: () => clock.current };
  // The secretariat with a person's name, as the screenshots show it (the tokens are the tests' own).
  const users = TEST_USERS.map((user) => (user.role === 'secretariat' ? { ...user, name: 'Nguyễn Thị Hà' } : user));
  const coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, users });
  const imported = await postJson(`${coordination.url}/api/v1/plans`, BA_DINH, tokens.secretariat);
  if (imported.status !== 201) throw new Error(`plan import: HTTP ${imported.status}`);
  clock.current = new Date(BOARD_DEMO_NOW);
  const raised = await coordination.deadlines.tick();
  await eventually(() => (raised.every((alert) => coordination.projector.projection.alerts.has(alert.id)) ? true : undefined), 30_000);
  return {
    nats,
    coordination,
    close: async () => {
      await coordination.close();
      await nats.close();
    },
  };
}

/** Signs in as the secretariat on a new page and waits for the board. */
export async function openDemoBoard(browser: Browser, url: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'vi-VN' });
  await page.goto(url);
  await signIn(page, tokens.secretariat);
  return page;
}
