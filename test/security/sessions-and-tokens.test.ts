import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { SESSIONS_BUCKET, USERS_BUCKET } from '@lienganh/platform';
import { Kvm } from '@nats-io/kv';
import { runCli } from '../support/cli.js';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { openEventStream } from '../support/sse.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Issue #19, sessions and tokens (ADR 0013), with two coordination instances on one NATS, as
 * behind a load balancer: the dashboard's cookie is an opaque session id; sign-out, the idle and
 * the absolute expiry (on an injected clock) and revocation each make the old cookie or token get
 * 401 within 5 seconds on both instances, without a restart; users' tokens are issued, rotated and
 * revoked through the API and the CLI, each change in the audit trail.
 */

const IDLE_MS = 30 * 60_000;
const MAX_MS = 12 * 3_600_000;
/** The sessions' clock, shared by both instances (the board's clock is another). */
const sessionClock = { now: Date.parse('2026-12-01T08:00:00Z') };
const passes = (ms: number) => (sessionClock.now += ms);
const WITHIN_5_S = 5_000;

let nats: NatsFixture;
let alpha: RunningCoordinationService;
let beta: RunningCoordinationService;
let dir: string;

const start = (instanceId: string) =>
  startCoordinationService({ ...nats.identity('coordination'), port: 0, instanceId, deadlineTickMs: 0, users: TEST_USERS, sessions: { idleMs: IDLE_MS, maxMs: MAX_MS, clock: () => sessionClock.now } });

beforeAll(async () => {
  nats = await startNatsFixture();
  [alpha, beta] = await Promise.all([start('coordination-alpha'), start('coordination-beta')]);
  dir = mkdtempSync(join(tmpdir(), 'lienganh-users-'));
}, 60_000);
afterAll(async () => {
  await alpha?.close();
  await beta?.close();
  await nats?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signIn(service: RunningCoordinationService, token: string): Promise<{ cookie: string; setCookie: string }> {
  const response = await fetch(`${service.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  expect(response.status).toBe(200);
  const setCookie = response.headers.get('set-cookie')!;
  return { cookie: setCookie.split(';')[0]!, setCookie };
}

/** Who is signed in with the cookie on an instance: the status, and the error message if refused. */
async function withCookie(service: RunningCoordinationService, cookie: string): Promise<{ status: number; message?: string }> {
  const response = await fetch(`${service.url}/api/v1/session`, { headers: { cookie, accept: 'application/json' } });
  const body = (await response.json()) as { message?: string };
  return { status: response.status, ...(body.message ? { message: body.message } : {}) };
}

/** Waits until the session's last use at the clock's present is in the bucket (an instance writes it after answering). */
async function used(cookie: string): Promise<void> {
  const key = createHash('sha256').update(cookie.split('=')[1]!).digest('hex');
  const kv = await new Kvm(nats.nc).open(SESSIONS_BUCKET);
  const now = new Date(sessionClock.now).toISOString();
  await eventually(async () => ((await kv.get(key))?.json<{ lastSeenAt: string }>().lastSeenAt === now ? true : undefined), WITHIN_5_S);
}

/** Both instances refuse the cookie (or token) within 5 s: the revocation reached them through the bucket's watch, no restart. */
async function refusedEverywhere(check: (service: RunningCoordinationService) => Promise<{ status: number }>): Promise<number> {
  const began = Date.now();
  for (const service of [alpha, beta]) await eventually(async () => ((await check(service)).status === 401 ? true : undefined), WITHIN_5_S);
  return Date.now() - began;
}

const bearer = (token: string) => (service: RunningCoordinationService) => getAs(`${service.url}/api/v1/session`, token);
const cookieOf = (cookie: string) => (service: RunningCoordinationService) => withCookie(service, cookie);

describe('dashboard sessions', () => {
  it('puts an opaque session id in the cookie, never the token, kept in the bucket only as its SHA-256', async () => {
    const { cookie, setCookie } = await signIn(alpha, tokens.committee);
    expect(setCookie).toMatch(/^lienganh_session=[A-Za-z0-9_-]{43}; Path=\/api\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    const id = cookie.split('=')[1]!;
    expect(id).not.toContain(tokens.committee);
    // The other instance knows it at once (it reads the bucket when its watch has not brought it yet).
    expect(await withCookie(beta, cookie)).toEqual({ status: 200 });
    const kv = await new Kvm(nats.nc).open(SESSIONS_BUCKET);
    const keys: string[] = [];
    for await (const key of await kv.keys()) keys.push(key);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      const stored = JSON.stringify((await kv.get(key))?.json());
      expect(stored).not.toContain(id);
      expect(stored).not.toContain(tokens.committee);
    }
  });

  it('ends the session on the server at sign-out: the old cookie gets 401 on every instance', async () => {
    const { cookie } = await signIn(alpha, tokens.police);
    expect((await withCookie(alpha, cookie)).status).toBe(200);
    expect((await withCookie(beta, cookie)).status).toBe(200);
    const live = await openEventStream(`${alpha.url}/api/v1/stream`, undefined, { cookie });
    await live.next((event) => event.type === 'ready');
    const signOut = await fetch(`${beta.url}/api/v1/session`, { method: 'DELETE', headers: { cookie } });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toMatch(/^lienganh_session=; Path=\/api\/; Max-Age=0;/);
    const took = await refusedEverywhere(cookieOf(cookie));
    console.log(`sign-out: the old cookie refused on both instances after ${took} ms`);
    expect((await withCookie(alpha, cookie)).message).toContain('Phiên đã hết hạn hoặc đã kết thúc');
    // The live stream the dashboard had open on the other instance ends too, with a last message saying why.
    await live.next((event) => event.type === 'closing' && event.data.reason === 'session-ended', WITHIN_5_S);
    live.close();
    // The token itself still works: signing out ends the session, not the user.
    expect((await getAs(`${alpha.url}/api/v1/session`, tokens.police)).status).toBe(200);
  });

  it('ends a session unused for the idle time, on every instance', async () => {
    const { cookie } = await signIn(alpha, tokens.labour);
    passes(20 * 60_000);
    expect((await withCookie(beta, cookie)).status).toBe(200); // used: idle from here
    await used(cookie);
    passes(20 * 60_000);
    expect((await withCookie(alpha, cookie)).status).toBe(200); // 40 min after sign-in, 20 min after its last use
    passes(IDLE_MS + 60_000);
    const took = await refusedEverywhere(cookieOf(cookie));
    console.log(`idle expiry: refused on both instances after ${took} ms`);
  });

  it('ends a session at its longest life however much it is used, on every instance', async () => {
    const { cookie } = await signIn(beta, tokens.health);
    const began = sessionClock.now;
    for (let turn = 0; sessionClock.now - began < MAX_MS - 20 * 60_000; turn++) {
      passes(20 * 60_000);
      expect((await withCookie(turn % 2 === 0 ? alpha : beta, cookie)).status).toBe(200);
      await used(cookie);
    }
    passes(20 * 60_000);
    await refusedEverywhere(cookieOf(cookie));
  });

  it('refuses cookies that are no session: made up, or a token put in the cookie', async () => {
    for (const cookie of [`lienganh_session=${'A'.repeat(43)}`, `lienganh_session=${tokens.secretariat}`, 'lienganh_session=x']) {
      expect((await withCookie(alpha, cookie)).status).toBe(401);
    }
  });
});

describe("users' tokens at run time", () => {
  const users = (service: RunningCoordinationService) => `${service.url}/api/v1/users`;

  async function send(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; body: any; cacheControl: string | null }> {
    const response = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, cacheControl: response.headers.get('cache-control') };
  }

  it('issues a token on one instance that works on the other, rotates it (the old token and its sessions refused everywhere) and revokes it', async () => {
    const issued = await send('POST', users(alpha), tokens.secretariat, { id: 'cb-y-te-02', name: 'Cán bộ Y tế 02', role: 'agency-officer', agency: 'health' });
    expect(issued.status).toBe(201);
    expect(issued.cacheControl).toBe('no-store');
    expect(issued.body).toMatchObject({ user: { id: 'cb-y-te-02', role: 'agency-officer', agency: 'health' }, token: expect.stringMatching(/^lgu_[A-Za-z0-9_-]{43}$/) });
    const first = issued.body.token as string;
    await eventually(async () => ((await getAs(`${beta.url}/api/v1/session`, first)).status === 200 ? true : undefined), WITHIN_5_S);
    const { cookie } = await signIn(beta, first);

    // Listed without the token or its digest.
    const listed = await send('GET', users(beta), tokens.secretariat);
    expect(listed.body.users).toContainEqual(expect.objectContaining({ id: 'cb-y-te-02', state: 'active', origin: 'issued', issuedBy: 'test-secretariat' }));
    expect(listed.body.users).toContainEqual(expect.objectContaining({ id: 'test-committee', state: 'active', origin: 'file' }));
    expect(JSON.stringify(listed.body)).not.toContain(first);
    expect(JSON.stringify(listed.body)).not.toMatch(/[0-9a-f]{64}/);

    const live = await openEventStream(`${alpha.url}/api/v1/stream`, first);
    await live.next((event) => event.type === 'ready');
    const rotated = await send('POST', `${users(beta)}/cb-y-te-02/token`, tokens.secretariat);
    expect(rotated.status).toBe(201);
    const second = rotated.body.token as string;
    expect(second).not.toBe(first);
    console.log(`rotation: the old token refused on both instances after ${await refusedEverywhere(bearer(first))} ms`);
    await refusedEverywhere(cookieOf(cookie));
    await live.next((event) => event.type === 'closing' && event.data.reason === 'session-ended', WITHIN_5_S);
    live.close();
    await eventually(async () => ((await getAs(`${alpha.url}/api/v1/session`, second)).status === 200 ? true : undefined), WITHIN_5_S);

    const revoked = await send('DELETE', `${users(alpha)}/cb-y-te-02/token`, tokens.secretariat);
    expect(revoked).toMatchObject({ status: 200, body: { id: 'cb-y-te-02', state: 'revoked', revokedBy: 'test-secretariat' } });
    console.log(`revocation: the token refused on both instances after ${await refusedEverywhere(bearer(second))} ms`);
    expect((await send('DELETE', `${users(alpha)}/cb-y-te-02/token`, tokens.secretariat)).status).toBe(404);

    // Issued again: a new token, the revoked ones stay refused.
    const again = await send('POST', users(alpha), tokens.secretariat, { id: 'cb-y-te-02', name: 'Cán bộ Y tế 02', role: 'agency-officer', agency: 'health' });
    expect(again.status).toBe(201);
    expect((await getAs(`${alpha.url}/api/v1/session`, second)).status).toBe(401);
  });

  it("revokes a user of the users file: its token and its sessions refused everywhere within 5 s, and it stays revoked for a new instance", async () => {
    const { cookie } = await signIn(alpha, tokens.culture);
    const revoked = await send('DELETE', `${users(beta)}/test-officer-culture/token`, tokens.secretariat);
    expect(revoked).toMatchObject({ status: 200, body: { id: 'test-officer-culture', state: 'revoked', origin: 'file' } });
    await refusedEverywhere(bearer(tokens.culture));
    await refusedEverywhere(cookieOf(cookie));
    // The register outlives a restart: an instance started now, with the same users file, refuses it too.
    const gamma = await start('coordination-gamma');
    try {
      expect((await getAs(`${gamma.url}/api/v1/session`, tokens.culture)).status).toBe(401);
      expect((await getAs(`${gamma.url}/api/v1/session`, tokens.justice)).status).toBe(200);
    } finally {
      await gamma.close();
    }
  });

  it('records who issued, rotated and revoked which token, and when, never the token', async () => {
    const history = await send('GET', `${users(alpha)}/cb-y-te-02/history`, tokens.secretariat);
    expect(history.status).toBe(200);
    expect(history.body.changes.map((change: { change: string }) => change.change)).toEqual(['issued', 'rotated', 'revoked', 'issued']);
    expect(history.body.changes[0]).toMatchObject({ userId: 'cb-y-te-02', role: 'agency-officer', userAgency: 'health', changedBy: 'test-secretariat', time: expect.any(String) });
    const every = await send('GET', `${users(beta)}/history`, tokens.secretariat);
    expect(every.body.changes).toContainEqual(expect.objectContaining({ userId: 'test-officer-culture', change: 'revoked' }));
    // Only account ids and digests-free records: nothing in the users bucket or the trail is a token.
    const kv = await new Kvm(nats.nc).open(USERS_BUCKET);
    const stored = JSON.stringify((await kv.get('cb-y-te-02'))?.json());
    expect(stored).not.toMatch(/lgu_/);
  });

  it('takes a recorded change back when it could not be made: of two rotations at once one gets 409, and the trail withdraws its record', async () => {
    expect((await send('POST', users(alpha), tokens.secretariat, { id: 'cb-lao-dong-03', name: 'Cán bộ Lao động 03', role: 'agency-officer', agency: 'labour' })).status).toBe(201);
    await eventually(async () => ((await send('GET', users(beta), tokens.secretariat)).body.users.some((user: { id: string }) => user.id === 'cb-lao-dong-03') ? true : undefined), WITHIN_5_S);
    let made = 0;
    let lost = 0;
    // Both read the same revision before either writes (each records the change first): one write loses.
    for (let attempt = 0; attempt < 10 && lost === 0; attempt++) {
      const answers = await Promise.all([alpha, beta].map((service) => send('POST', `${users(service)}/cb-lao-dong-03/token`, tokens.secretariat)));
      made += answers.filter((answer) => answer.status === 201).length;
      lost += answers.filter((answer) => answer.status === 409).length;
      expect(answers.every((answer) => answer.status === 201 || answer.status === 409)).toBe(true);
    }
    expect(lost).toBeGreaterThan(0);

    const changes = (await send('GET', `${users(alpha)}/cb-lao-dong-03/history`, tokens.secretariat)).body.changes as { id: string; change: string; withdraws?: string }[];
    const withdrawals = changes.filter((change) => change.withdraws !== undefined);
    expect(withdrawals).toHaveLength(lost);
    for (const withdrawal of withdrawals) {
      const taken = changes.findIndex((change) => change.id === withdrawal.withdraws);
      expect(taken).toBeGreaterThanOrEqual(0);
      expect(taken).toBeLessThan(changes.indexOf(withdrawal));
      expect(changes[taken]!.change).toBe(withdrawal.change);
    }
    // What the trail says was made is what was made.
    const withdrawn = new Set(withdrawals.map((withdrawal) => withdrawal.withdraws));
    expect(changes.filter((change) => change.change === 'rotated' && change.withdraws === undefined && !withdrawn.has(change.id))).toHaveLength(made);
  });

  it('answers bad input with 400 naming the field, a token in force with 409, others than the secretariat with 403', async () => {
    const bad = await send('POST', users(alpha), tokens.secretariat, { id: 'has spaces', name: '', role: 'agency-officer' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['body.agency', 'body.id', 'body.name']);
    const unknownAgency = await send('POST', users(alpha), tokens.secretariat, { id: 'cb-x', name: 'X', role: 'agency-officer', agency: 'no-such-body' });
    expect(unknownAgency.body.issues).toEqual([expect.objectContaining({ path: 'body.agency' })]);
    expect((await send('POST', users(alpha), tokens.secretariat, { id: 'test-committee', name: 'x', role: 'committee-member' })).status).toBe(409);
    expect((await send('POST', `${users(alpha)}/no-such-user/token`, tokens.secretariat)).status).toBe(404);
    // The only secretariat user keeps its token: nobody could issue one again without a restart.
    const last = await send('DELETE', `${users(alpha)}/test-secretariat/token`, tokens.secretariat);
    expect([last.status, last.body.message]).toEqual([409, expect.stringContaining('last secretariat user')]);
    expect((await send('POST', `${users(alpha)}/bad id/token`, tokens.secretariat)).body).toMatchObject({ error: 'invalid-user', issues: [{ path: 'id' }] });
    for (const token of [tokens.committee, tokens.police]) {
      expect((await send('GET', users(alpha), token)).status).toBe(403);
      expect((await send('POST', `${users(alpha)}/test-committee/token`, token)).status).toBe(403);
    }
  });
});

describe('npx lienganh users', () => {
  const as = (service: RunningCoordinationService) => ['--url', service.url, '--token', tokens.secretariat];

  it('issues (the token once, into a file of mode 600), lists, rotates and revokes, each in force within 5 s on both instances', async () => {
    const out = join(dir, 'tv-bcd-02.json');
    const issued = await runCli(['users', 'issue', 'tv-bcd-02', '--name', 'Thành viên BCĐ 02', '--role', 'committee-member', '--out', out, ...as(alpha)]);
    expect(issued).toMatchObject({ code: 0, stderr: '' });
    expect(issued.stdout).toContain('tv-bcd-02');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const first = JSON.parse(readFileSync(out, 'utf8')).token as string;
    expect(issued.stdout).not.toContain(first);
    await eventually(async () => ((await getAs(`${beta.url}/api/v1/session`, first)).status === 200 ? true : undefined), WITHIN_5_S);

    const listed = await runCli(['users', 'list', ...as(beta)]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^tv-bcd-02\tactive\tcommittee-member\tissued$/m);

    const rotated = await runCli(['users', 'rotate', 'tv-bcd-02', ...as(beta)]);
    expect(rotated.code).toBe(0);
    const second = rotated.stdout.trim().split('\n').at(-1)!;
    expect(second).toMatch(/^lgu_/);
    expect(rotated.stderr).toContain('shown once');
    await refusedEverywhere(bearer(first));

    const revoked = await runCli(['users', 'revoke', 'tv-bcd-02', ...as(alpha)]);
    expect(revoked).toMatchObject({ code: 0 });
    expect(revoked.stdout).toContain('token revoked: tv-bcd-02');
    await refusedEverywhere(bearer(second));
    const history = await runCli(['users', 'history', 'tv-bcd-02', ...as(alpha)]);
    expect(history.stdout.split('\n').filter(Boolean).map((line) => line.split('\t')[2])).toEqual(['issued', 'rotated', 'revoked']);
  }, 60_000);

  it('exits 2 on bad input with a clear message and no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['users', 'issue', 'bad id', '--name', 'x', '--role', 'committee-member'], /invalid user id "bad id"/],
      [['users', 'issue', 'cb-x', '--name', 'x', '--role', 'boss'], /--role .*must be one of secretariat, agency-officer, committee-member/],
      [['users', 'issue', 'cb-x', '--name', 'x', '--role', 'agency-officer'], /an agency-officer needs --agency/],
      [['users', 'issue', 'cb-x', '--role', 'committee-member'], /required option '--name <name>'/],
      [['users', 'rotate', 'no-such-user'], /HTTP 404: Không có người dùng này/],
      [['users', 'revoke', 'bad id'], /invalid user id/],
      [['users', 'issue', 'test-committee', '--name', 'x', '--role', 'committee-member'], /HTTP 409/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli([...args, ...as(alpha)]);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const refused = await runCli(['users', 'list', '--url', alpha.url, '--token', tokens.committee]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('HTTP 403');
  }, 60_000);
});
