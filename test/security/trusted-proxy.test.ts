import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Issue #19: behind a TLS proxy (`TRUST_PROXY`), the session cookie is `Secure` when the proxy says
 * the client came over HTTPS, and the per-address rate limit counts the real client, not the proxy;
 * without the setting those headers are ignored (anyone could send them). The limit also counts
 * per signed-in user, across its tokens and sessions.
 */

const rateLimit = { limit: 5, windowMs: 60_000 };

let nats: NatsFixture;
let proxied: RunningCoordinationService;
let direct: RunningCoordinationService;

beforeAll(async () => {
  nats = await startNatsFixture();
  const start = (instanceId: string, trustProxy?: string[]) =>
    startCoordinationService({ ...nats.identity('coordination'), port: 0, instanceId, deadlineTickMs: 0, users: TEST_USERS, rateLimit, ...(trustProxy ? { trustProxy } : {}) });
  [proxied, direct] = await Promise.all([start('coordination-proxied', ['loopback']), start('coordination-direct')]);
}, 60_000);
afterAll(async () => {
  await proxied?.close();
  await direct?.close();
  await nats?.close();
});

const signIn = (service: RunningCoordinationService, token: string, headers: Record<string, string> = {}) =>
  fetch(`${service.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ token }) });

describe('TRUST_PROXY', () => {
  it('makes the session cookie Secure when the trusted proxy forwards X-Forwarded-Proto: https, and only then', async () => {
    const overHttps = await signIn(proxied, tokens.committee, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.1' });
    expect(overHttps.status).toBe(200);
    expect(overHttps.headers.get('set-cookie')).toMatch(/^lienganh_session=[A-Za-z0-9_-]{43}; Path=\/api\/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure$/);
    const cookie = overHttps.headers.get('set-cookie')!.split(';')[0]!;
    const signOut = await fetch(`${proxied.url}/api/v1/session`, { method: 'DELETE', headers: { cookie, 'x-forwarded-proto': 'https' } });
    expect(signOut.headers.get('set-cookie')).toMatch(/; Secure$/);

    const overHttp = await signIn(proxied, tokens.committee, { 'x-forwarded-for': '198.51.100.2' });
    expect(overHttp.headers.get('set-cookie')).not.toMatch(/Secure/);
    // Not behind a trusted proxy: the header is anyone's word, ignored.
    const forged = await signIn(direct, tokens.committee, { 'x-forwarded-proto': 'https' });
    expect(forged.status).toBe(200);
    expect(forged.headers.get('set-cookie')).not.toMatch(/Secure/);
  });

  it('limits each client address as the proxy forwarded it, not the proxy; a direct service ignores the header', async () => {
    const statuses = async (service: RunningCoordinationService, client: string, count: number) => {
      const seen: number[] = [];
      for (let n = 0; n < count; n++) seen.push((await fetch(`${service.url}/api/v1/session`, { headers: { 'x-forwarded-for': client } })).status);
      return seen;
    };
    expect(await statuses(proxied, '203.0.113.7', 6)).toEqual([401, 401, 401, 401, 401, 429]);
    expect(await statuses(proxied, '203.0.113.8', 1)).toEqual([401]); // another client behind the same proxy
    // Without TRUST_PROXY every client is the address the connection comes from (its sign-in above counted too).
    expect(await statuses(direct, '203.0.113.9', 5)).toEqual([401, 401, 401, 401, 429]);
    expect(await statuses(direct, '203.0.113.10', 1)).toEqual([429]);
  });
});

describe('the rate limit per signed-in user', () => {
  it("counts a user's sessions and token together: signing in again does not reset it; other users are served", async () => {
    const cookies: string[] = [];
    for (const client of ['198.51.100.21', '198.51.100.22']) {
      const response = await signIn(proxied, tokens.labour, { 'x-forwarded-for': client });
      expect(response.status).toBe(200);
      cookies.push(response.headers.get('set-cookie')!.split(';')[0]!);
    }
    const read = (cookie?: string) =>
      cookie ? fetch(`${proxied.url}/api/v1/session`, { headers: { cookie, 'x-forwarded-for': '198.51.100.23' } }).then((response) => response.status) : getAs(`${proxied.url}/api/v1/session`, tokens.labour).then((answer) => answer.status);
    const seen = [await read(cookies[0]), await read(cookies[1]), await read(), await read(cookies[0]), await read(cookies[1]), await read(), await read(cookies[0])];
    expect(seen).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect((await getAs(`${proxied.url}/api/v1/session`, tokens.health)).status).toBe(200);
  });
});
