/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Browser, Page } from 'playwright-core';
import { buildEvent, encodeBinary, MSG_ID_HEADER, policeInspectionCompleted } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, InMemoryCoordinationStore, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import type { ProjectionChanges } from '@lienganh/coordination';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { launchChromium, signIn } from '../support/browser.js';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { openEventStream, type EventStream } from '../support/sse.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

// Readiness that tells the truth (issue 20): while coordination cannot consume (the bus is down)
// or cannot write its store, /readyz is 503 with the reason, /api/v1/status and the stream say
// since when, and the dashboard shows "data as of HH:MM"; all of it clears by itself.

/** A store whose disk can fill up: commits fail while `failing`. */
class FailingStore extends InMemoryCoordinationStore {
  failing = false;
  override async commit(changes: ProjectionChanges): Promise<void> {
    if (this.failing) throw new Error('ENOSPC: no space left on device');
    return super.commit(changes);
  }
}

let nats: NatsFixture;
let coordination: RunningCoordinationService;
const store = new FailingStore();
let browser: Browser;
let page: Page;
let stream: EventStream;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({
    ...nats.identity('coordination'),
    port: 0,
    store,
    clock: { now: () => new Date('2021-06-01T09:00:00+07:00') },
    deadlineTickMs: 0,
    users: TEST_USERS,
    projector: { ackWaitMs: 1_000 },
  });
  expect((await postJson(`${coordination.url}/api/v1/plans`, parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8')), tokens.secretariat)).status).toBe(201);
  browser = await launchChromium();
  page = await browser.newPage({ locale: 'vi-VN' });
  await page.goto(coordination.url);
  await signIn(page, tokens.committee);
  stream = await openEventStream(`${coordination.url}/api/v1/stream`, tokens.secretariat);
}, 60_000);
afterAll(async () => {
  stream?.close();
  await browser?.close();
  await coordination?.close();
  await nats?.close();
});

const readiness = async () => {
  const response = await fetch(`${coordination.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { reason?: string; detail?: Record<string, unknown> } };
};

it('is ready and current while it consumes and writes; the dashboard shows no notice', async () => {
  const ready = await stream.next((event) => event.type === 'ready');
  expect((ready.data as { status: unknown }).status).toEqual({ current: true, bus: 'connected', store: 'writable' });
  expect((await readiness()).status).toBe(200);
  expect((await getAs(`${coordination.url}/api/v1/status`, tokens.committee)).body).toEqual({ current: true, bus: 'connected', store: 'writable' });
  await expect(page.locator('#stale').isHidden()).resolves.toBe(true);
});

it('with the bus down: 503 bus-unreachable, a status message, "data as of HH:MM" on the dashboard; all clear once it is back', async () => {
  await nats.server.kill();
  const down = await stream.next((event) => event.type === 'status', 10_000);
  expect(down.data).toMatchObject({ current: false, bus: 'unreachable', asOf: expect.any(String) });
  const asOf = (down.data as { asOf: string }).asOf;
  expect(await readiness()).toMatchObject({ status: 503, body: { reason: 'bus-unreachable', detail: { bus: 'unreachable', asOf } } });
  expect((await getAs(`${coordination.url}/api/v1/status`, tokens.committee)).body).toMatchObject({ current: false, bus: 'unreachable', asOf });
  // The time in Vietnam, as the notice says it.
  const hhmm = new Intl.DateTimeFormat('vi-VN', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(asOf));
  await page.waitForSelector('#stale:not([hidden])');
  expect(await page.locator('#stale').textContent()).toBe(`Dữ liệu tính đến ${hhmm}, mất kết nối hệ thống truyền tin (bus): số liệu mới chưa được cập nhật.`);
  // The live indicator beside the time says it too: stale since then.
  expect(await page.locator('#live').textContent()).toBe(`⚠ số liệu cũ, từ ${hhmm}`);
  expect(await page.locator('#live').getAttribute('data-state')).toBe('stale');
  await page.getByRole('button', { name: 'English' }).click();
  expect(await page.locator('#stale').textContent()).toBe(`Data as of ${new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(asOf))}, bus unreachable: new figures are not coming in.`);
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();

  await nats.server.restart();
  const back = await stream.next((event) => event.type === 'status' && (event.data as { current: boolean }).current, 15_000);
  expect(back.data).toEqual({ current: true, bus: 'connected', store: 'writable' });
  await eventually(async () => ((await readiness()).status === 200 ? true : undefined), 10_000);
  await page.locator('#stale').waitFor({ state: 'hidden' });
  expect(await page.locator('#live').textContent()).toBe('● đã kết nối');
}, 60_000);

it('with a store that cannot write: 503 store-cannot-write naming the error, then ready again once it writes, without a restart', async () => {
  store.failing = true;
  const event = buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: 'kt-freshness-1' }, { time: new Date('2021-05-20T21:00:00+07:00') });
  const { headers, data } = encodeBinary(event);
  const carried = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) carried.set(name, value);
  // The fixture's own connection came back after the restart above at its next try (every 2 s): wait for it, and let JetStream settle.
  await nats.nc.flush();
  await nats.js.publish(policeInspectionCompleted.subject, data, { headers: carried, msgID: event.id, timeout: 15_000 });
  const failing = await eventually(async () => {
    const answer = await readiness();
    return answer.status === 503 ? answer : undefined;
  }, 10_000);
  expect(failing.body).toMatchObject({ reason: 'store-cannot-write', detail: { store: 'cannot-write', storeError: expect.stringContaining('ENOSPC') } });
  expect((await getAs(`${coordination.url}/api/v1/status`, tokens.committee)).body).toMatchObject({ current: false, store: 'cannot-write' });

  store.failing = false;
  // The event comes again (it was never acked) and its commit goes through.
  await eventually(async () => ((await readiness()).status === 200 ? true : undefined), 15_000);
  expect((await getAs(`${coordination.url}/api/v1/targets/ct-kiem-tra-hanh-chinh-400?plan=kh-ba-dinh-2021`, tokens.secretariat)).body.achieved).toBe(1);
}, 60_000);
