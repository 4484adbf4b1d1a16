import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, policeInspectionCompleted, STREAMS } from '@lienganh/contracts';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/** A client beyond its rate limit gets 429 with Retry-After; the service goes on serving everyone else. */

const keys = { police: 'police-test-key-0123456789' };
const rateLimit = { limit: 5, windowMs: 60_000 };

let nats: NatsFixture;
let police: RunningAgencyService;
let coordination: RunningCoordinationService;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-rate-limit-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys, rateLimit });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS, rateLimit });
});
afterAll(async () => {
  await coordination?.close();
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function inspection(n: number) {
  const { source: _source, subject: _subject, ...event } = buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: `kt-rl-${n}` });
  return event;
}

describe('rate limits at the HTTP edge', () => {
  it("answers a burst of one agency's key beyond the limit with 429 and Retry-After, publishing only what it accepted", async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let n = 0; n < 8; n++) {
      const response = await fetch(`${police.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.police}` }, body: JSON.stringify(inspection(n)) });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
      else await response.arrayBuffer();
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused!.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused!.json()).toEqual({ error: 'too-many-requests', message: expect.stringMatching(/^Quá nhiều yêu cầu, thử lại sau \d+ giây \/ too many requests: at most 5 per 60 s/) });
    await eventually(async () => ((await nats.jsm.streams.info(STREAMS.agencyEvents.name)).state.messages === 5 ? true : undefined), 5_000);

    // It keeps serving: probes, and a client that is not the one over its limit.
    expect((await fetch(`${police.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${police.url}/readyz`)).status).toBe(200);
    expect((await postJson(`${police.url}/api/v1/events`, inspection(99))).status).toBe(401);
  });

  it("limits each API user on its own: the secretariat's burst leaves the police officer served", async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 7; n++) statuses.push((await getAs(`${coordination.url}/api/v1/committee/overview`, tokens.secretariat)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect((await getAs(`${coordination.url}/api/v1/committee/overview`, tokens.police)).status).toBe(200);
    expect((await fetch(coordination.url)).status).toBe(200); // the dashboard's page
  });
});
