import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  demoUserToken,
  ensureDemoUsers,
  FixedWindowStorage,
  loadUserDirectory,
  parseUsers,
  rateLimitFromEnv,
  SessionPolicyError,
  sessionPolicyFromEnv,
  tokenDigest,
  TrustProxyError,
  trustProxyFromEnv,
  UserDirectory,
  UsersFileError,
} from '@lienganh/platform';

const hash = (token: string) => tokenDigest(token);

describe('the user directory', () => {
  const users = parseUsers(
    JSON.stringify({
      users: [
        { id: 'thu-ky', name: 'Thư ký', role: 'secretariat', tokenSha256: hash('token-of-the-secretariat') },
        { id: 'cb-y-te', name: 'Cán bộ y tế', role: 'agency-officer', agency: 'health', tokenSha256: hash('token-of-health') },
      ],
    }),
    'users.json',
  );

  it('finds the user a token belongs to, and nobody for any other token', () => {
    const directory = new UserDirectory(users);
    expect(directory.find('token-of-health')).toEqual({ id: 'cb-y-te', name: 'Cán bộ y tế', role: 'agency-officer', agency: 'health' });
    expect(directory.find('token-of-the-secretariat')?.role).toBe('secretariat');
    expect(directory.find('token-of-health ')).toBeUndefined();
    expect(new UserDirectory().find('token-of-health')).toBeUndefined();
  });

  it('names every problem of a users file', () => {
    const bad = {
      users: [
        { id: 'a', name: 'A', role: 'agency-officer', tokenSha256: hash('x') },
        { id: 'a', name: 'B', role: 'committee-member', agency: 'police', tokenSha256: hash('x') },
        { id: 'c d', name: 'C', role: 'admin', token: 'plain' },
      ],
    };
    const problem = (() => {
      try {
        parseUsers(JSON.stringify(bad), 'users.json');
      } catch (error) {
        return error as UsersFileError;
      }
      throw new Error('accepted');
    })();
    expect(problem).toBeInstanceOf(UsersFileError);
    for (const part of ['users.0.agency', 'users.1.agency', 'users.2.id', 'users.2.role', 'users.2.token: unknown field', 'users.2.tokenSha256']) {
      expect(problem.message).toContain(part);
    }
    const twice = { users: [bad.users[0], { ...bad.users[0], name: 'B' }].map((user) => ({ ...user, agency: 'police' })) };
    expect(() => parseUsers(JSON.stringify(twice), 'users.json')).toThrow('users.1.id: user id "a" appears twice; users.1.tokenSha256: two users share one token');
    expect(() => parseUsers('{', 'users.json')).toThrow('users.json: không phải JSON / not JSON');
  });

  it('is empty without LIENGANH_USERS_FILE, and refuses a file that is not there', () => {
    expect(loadUserDirectory({}).size).toBe(0);
    expect(() => loadUserDirectory({ LIENGANH_USERS_FILE: '/nonexistent/users.json' })).toThrow(UsersFileError);
  });
});

describe('demo users', () => {
  it('adds users with tokens to the demo credentials (mode 600), keeps the agency keys, and writes a users file of hashes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lienganh-demo-users-'));
    try {
      const credentials = join(dir, 'demo-credentials.json');
      const usersFile = join(dir, 'demo-users.json');
      writeFileSync(credentials, JSON.stringify({ agencyKeys: { police: 'police-key-0123456789' } }));
      const entries = ensureDemoUsers(credentials, usersFile);
      expect(entries.map((user) => [user.role, user.agency])).toEqual([
        ['secretariat', undefined],
        ['committee-member', undefined],
        ...['labour', 'police', 'health', 'culture', 'justice'].map((agency) => ['agency-officer', agency]),
      ]);
      const saved = JSON.parse(readFileSync(credentials, 'utf8'));
      expect(saved.agencyKeys).toEqual({ police: 'police-key-0123456789' });
      expect(statSync(credentials).mode & 0o777).toBe(0o600);
      const token = demoUserToken('secretariat', credentials)!;
      expect(loadUserDirectory({ LIENGANH_USERS_FILE: usersFile }).find(token)?.id).toBe('demo-secretariat');
      expect(readFileSync(usersFile, 'utf8')).not.toContain(token);
      // A second start keeps the tokens people already use.
      ensureDemoUsers(credentials, usersFile);
      expect(demoUserToken('secretariat', credentials)).toBe(token);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the rate limit', () => {
  it('counts per key and window, blocks beyond the limit until the window ends, and says when to retry', async () => {
    let now = 1_000_000;
    const storage = new FixedWindowStorage(() => now);
    const hits = async (key: string, n: number) => {
      const results = [];
      for (let index = 0; index < n; index++) results.push(await storage.increment(key, 10_000, 3));
      return results;
    };
    expect((await hits('a', 4)).map((record) => record.isBlocked)).toEqual([false, false, false, true]);
    expect((await hits('b', 1))[0]!.isBlocked).toBe(false);
    now += 4_000;
    expect((await hits('a', 1))[0]).toMatchObject({ isBlocked: true, timeToBlockExpire: 6 });
    now += 6_000;
    expect((await hits('a', 1))[0]).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('reads LIENGANH_RATE_LIMIT and LIENGANH_RATE_LIMIT_WINDOW_MS', () => {
    expect(rateLimitFromEnv({})).toEqual({ limit: 6_000, windowMs: 60_000 });
    expect(rateLimitFromEnv({ LIENGANH_RATE_LIMIT: '100', LIENGANH_RATE_LIMIT_WINDOW_MS: '1000' })).toEqual({ limit: 100, windowMs: 1_000 });
    expect(rateLimitFromEnv({ LIENGANH_RATE_LIMIT: 'off' })).toBe(false);
    expect(() => rateLimitFromEnv({ LIENGANH_RATE_LIMIT: 'many' })).toThrow('LIENGANH_RATE_LIMIT must be a whole number');
    expect(() => rateLimitFromEnv({ LIENGANH_RATE_LIMIT_WINDOW_MS: '-1' })).toThrow('LIENGANH_RATE_LIMIT_WINDOW_MS');
  });
});

describe('settings of sessions and proxies (ADR 0013)', () => {
  it('reads LIENGANH_SESSION_IDLE_MINUTES and LIENGANH_SESSION_MAX_HOURS, naming a bad one', () => {
    expect(sessionPolicyFromEnv({})).toMatchObject({ idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 });
    expect(sessionPolicyFromEnv({ LIENGANH_SESSION_IDLE_MINUTES: '5', LIENGANH_SESSION_MAX_HOURS: '1.5' })).toMatchObject({ idleMs: 5 * 60_000, maxMs: 1.5 * 3_600_000 });
    expect(() => sessionPolicyFromEnv({ LIENGANH_SESSION_IDLE_MINUTES: 'soon' })).toThrow(SessionPolicyError);
    expect(() => sessionPolicyFromEnv({ LIENGANH_SESSION_MAX_HOURS: '0' })).toThrow('LIENGANH_SESSION_MAX_HOURS');
    expect(() => sessionPolicyFromEnv({ LIENGANH_SESSION_MAX_HOURS: '1000' })).toThrow('at most 168');
    expect(() => sessionPolicyFromEnv({ LIENGANH_SESSION_IDLE_MINUTES: '120', LIENGANH_SESSION_MAX_HOURS: '1' })).toThrow('must not be longer');
  });

  it('reads TRUST_PROXY: off by default, a number of proxies, true, or addresses and ranges', () => {
    expect(trustProxyFromEnv({})).toBeUndefined();
    expect(trustProxyFromEnv({ TRUST_PROXY: 'false' })).toBeUndefined();
    expect(trustProxyFromEnv({ TRUST_PROXY: '1' })).toBe(1);
    expect(trustProxyFromEnv({ TRUST_PROXY: 'true' })).toBe(true);
    expect(trustProxyFromEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.0.2.10' })).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.10']);
    expect(() => trustProxyFromEnv({ TRUST_PROXY: 'proxy.internal' })).toThrow(TrustProxyError);
    expect(() => trustProxyFromEnv({ TRUST_PROXY: '10.0.0.0/33' })).toThrow('"10.0.0.0/33"');
    expect(() => trustProxyFromEnv({ TRUST_PROXY: '0' })).toThrow('1 to 10');
  });
});
