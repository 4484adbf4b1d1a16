import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { asUser, tokens, TEST_USERS } from '../support/users.js';

/**
 * Person-related and report answers of coordination are never kept by a browser or a proxy
 * cache (issue #19): `Cache-Control: no-store` on the referrals, a target's contributing events,
 * the periodic report in every format, the audit trail and the session endpoints.
 */

const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const clock = { now: () => new Date('2021-06-20T09:00:00+07:00') };

let nats: NatsFixture;
let coordination: RunningCoordinationService;
const api = (path: string) => `${coordination.url}${path}`;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(api('/api/v1/plans'), baDinh, tokens.secretariat)).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
});

describe('Cache-Control: no-store', () => {
  it.each([
    '/api/v1/agencies/police/referrals',
    '/api/v1/targets/ct-kiem-tra-hanh-chinh-400',
    '/api/v1/reports/periodic?period=2021-Q2&area=hn-ba-dinh&plan=kh-ba-dinh-2021&format=json',
    '/api/v1/reports/periodic?period=2021-Q2&area=hn-ba-dinh&plan=kh-ba-dinh-2021&format=csv',
    '/api/v1/reports/periodic?period=2021-Q2&area=hn-ba-dinh&plan=kh-ba-dinh-2021&format=xlsx',
    '/api/v1/audit',
    '/api/v1/session',
    '/api/v1/users',
    '/api/v1/users/history',
  ])('on GET %s', async (path) => {
    const response = await fetch(api(path), { headers: asUser(tokens.secretariat) });
    await response.arrayBuffer();
    expect({ path, status: response.status, cacheControl: response.headers.get('cache-control') }).toEqual({ path, status: 200, cacheControl: 'no-store' });
  });

  it('on signing in and out', async () => {
    const signIn = await fetch(api('/api/v1/session'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tokens.secretariat }) });
    await signIn.arrayBuffer();
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('cache-control')).toBe('no-store');
    const signOut = await fetch(api('/api/v1/session'), { method: 'DELETE' });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('cache-control')).toBe('no-store');
  });
});
