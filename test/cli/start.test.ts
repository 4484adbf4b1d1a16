import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import { STREAMS } from '@lienganh/contracts';
import { AGENCY_KEYS_BUCKET, BODIES_BUCKET, CASE_KEYS_BUCKET, SNAPSHOTS_BUCKET, SUBSCRIPTIONS_BUCKET, COORDINATION_LEASE_BUCKET, SESSIONS_BUCKET, USERS_BUCKET } from '@lienganh/platform';
import { interrupt, spawnCli } from '../support/cli.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}

describe('npx lienganh start (the embedded default behind npm start)', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'lienganh-start-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs its own nats-server with the backbone streams, and Ctrl-C stops everything it started', async () => {
    const port = await freePort();
    const servicePorts = { LABOUR_PORT: '0', POLICE_PORT: '0', HEALTH_PORT: '0', CULTURE_PORT: '0', JUSTICE_PORT: '0', REPORTING_PORT: '0', COORDINATION_PORT: '0' };
    const start = async () => {
      const child = spawnCli(['start', '--data-dir', dataDir], { MONGODB_URI: '', NATS_PORT: String(port), ...servicePorts });
      const run = { child, output: '', closed: new Promise<void>((resolve) => child.once('close', () => resolve())) };
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (run.output += chunk));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (run.output += chunk));
      await waitFor(() => run.output.includes('Ctrl-C'), 30_000, () => run.output);
      return run;
    };
    const first = await start();
    const { child } = first;
    let output = first.output;
    // 'close' comes when every process holding the pipes has gone, the CLI behind npx included.
    const closed = first.closed;
    expect(output).toContain(`nats://127.0.0.1:${port}`);

    // Coordination runs with the demo plans on its board, for the demo users whose tokens are beside the demo keys.
    const coordinationUrl = /(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/committee\/overview/.exec(output)![1];
    const credentials = join(dataDir, 'demo-credentials.json');
    const { users } = JSON.parse(readFileSync(credentials, 'utf8')) as { users: { id: string; role: string; agency?: string; token: string }[] };
    expect(users.map((user) => [user.role, user.agency ?? null])).toEqual([
      ['secretariat', null],
      ['committee-member', null],
      ...['labour', 'police', 'health', 'culture', 'justice'].map((agency) => ['agency-officer', agency]),
    ]);
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, 'demo-users.json'), 'utf8')).not.toContain(users[0]!.token);
    const headers = { authorization: `Bearer ${users[0]!.token}` };
    expect((await fetch(`${coordinationUrl}/api/v1/committee/overview`)).status).toBe(401);
    const planIds = async (url: string) => ((await (await fetch(`${url}/api/v1/committee/overview`, { headers })).json()) as { plans: { id: string }[] }).plans.map((plan) => plan.id);
    expect(await planIds(coordinationUrl!)).toEqual(['kh-ba-dinh-2021', 'kh-can-tho-2026', 'kh-can-tho-2016']);
    expect(output).toContain('kh-ba-dinh-2021');
    // The country's administrative units ship with it (issue #24): 34 provinces after the 2025 reform, 63 before.
    const provinces = async (at: string) => ((await (await fetch(`${coordinationUrl}/api/v1/areas?level=province&at=${at}`, { headers })).json()) as { count: number }).count;
    expect([await provinces('2026-01-01'), await provinces('2025-01-01')]).toEqual([34, 63]);

    // The five agency services run beside it, with the demo keys written for them.
    const urls = [...output.matchAll(/(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/events/g)].map((match) => match[1]!);
    expect(urls).toHaveLength(5);
    for (const url of urls) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const { agencyKeys } = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
    expect(Object.keys(agencyKeys).sort()).toEqual(['culture', 'health', 'justice', 'labour', 'police']);
    // The reporting service of the other bodies, whose keys the secretariat issues at run time (ADR 0011).
    const reportingUrl = /reporting service of the other bodies: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect((await fetch(`${reportingUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${reportingUrl}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${agencyKeys.police}` } })).status).toBe(401);

    // The server runs with permissions: only the operator's key (made once, mode 600) may look at everything.
    const seedFile = join(dataDir, 'nats-keys', 'operator.nk');
    expect(statSync(seedFile).mode & 0o777).toBe(0o600);
    // Each agency service its own pseudonymisation key, made once, mode 600.
    const pseudonymKeyFiles = ['labour', 'police', 'health', 'culture', 'justice'].map((agency) => join(dataDir, 'pseudonym-keys', `${agency}.key`));
    for (const file of pseudonymKeyFiles) expect(statSync(file).mode & 0o777).toBe(0o600);
    const pseudonymKeys = pseudonymKeyFiles.map((file) => readFileSync(file, 'utf8'));
    expect(new Set(pseudonymKeys).size).toBe(5);
    await expect(connect({ servers: `nats://127.0.0.1:${port}`, reconnect: false, timeout: 2_000 })).rejects.toThrow(/Authorization Violation/);
    const nc = await connect({ servers: `nats://127.0.0.1:${port}`, authenticator: nkeyAuthenticator(new TextEncoder().encode(readFileSync(seedFile, 'utf8').trim())) });
    const names: string[] = [];
    for await (const name of (await jetstreamManager(nc)).streams.names()) names.push(name);
    // The backbone's streams, the key-value bucket of coordination's lease and the registers of bodies, users and sessions;
    // the object store of coordination's snapshots (ADR 0022).
    expect(names.sort()).toEqual(
      [
        ...Object.values(STREAMS).map((stream) => stream.name),
        `KV_${COORDINATION_LEASE_BUCKET}`,
        `KV_${BODIES_BUCKET}`,
        `KV_${USERS_BUCKET}`,
        `KV_${SESSIONS_BUCKET}`,
        `KV_${AGENCY_KEYS_BUCKET}`,
        `KV_${SUBSCRIPTIONS_BUCKET}`,
        `KV_${CASE_KEYS_BUCKET}`,
        `OBJ_${SNAPSHOTS_BUCKET}`,
      ].sort(),
    );
    await nc.close();

    interrupt(child);
    await closed;
    output = first.output;
    expect(output).toContain('Đã dừng / stopped');
    await expect(connect({ servers: `nats://127.0.0.1:${port}`, reconnect: false, timeout: 1_000 })).rejects.toThrow();

    // Started again on the same data, it finds the plans on the stream and imports nothing.
    const second = await start();
    const secondUrl = /(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/committee\/overview/.exec(second.output)![1];
    expect(await planIds(secondUrl!)).toEqual(['kh-ba-dinh-2021', 'kh-can-tho-2026', 'kh-can-tho-2016']);
    expect(second.output).not.toContain('Kế hoạch mẫu / demo plan');
    // The same keys: a person's record key keeps its reference across restarts.
    expect(pseudonymKeyFiles.map((file) => readFileSync(file, 'utf8'))).toEqual(pseudonymKeys);
    interrupt(second.child);
    await second.closed;
  }, 90_000);

  it('stops everything it started when a service port is taken, and says why', async () => {
    const [natsPort, taken] = [await freePort(), createServer()];
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const busyPort = (taken.address() as { port: number }).port;
    try {
      const child = spawnCli(['start', '--data-dir', dataDir], {
        MONGODB_URI: '',
        NATS_PORT: String(natsPort), LABOUR_PORT: '0', POLICE_PORT: String(busyPort), HEALTH_PORT: '0', CULTURE_PORT: '0', JUSTICE_PORT: '0',
      });
      let output = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      expect(code).toBe(1);
      expect(output).toContain('EADDRINUSE');
      expect(output).not.toMatch(/\n\s+at /);
      await expect(connect({ servers: `nats://127.0.0.1:${natsPort}`, reconnect: false, timeout: 1_000 })).rejects.toThrow();
    } finally {
      taken.close();
    }
  });

  it('refuses a NATS_PORT that is not a port, with exit code 2', async () => {
    const child = spawnCli(['start', '--data-dir', dataDir], { MONGODB_URI: '', NATS_PORT: 'eighty' });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('NATS_PORT must be a port number, got "eighty"');
  });
});

describe('npx lienganh start and alert webhooks', () => {
  it('refuses a webhook whose host name resolves to a loopback or private address, with exit code 2 and before anything starts', async () => {
    // The machine's own name resolves to one of its addresses (127.0.0.1 on these machines); unresolvable, it is refused too.
    const dataDir = mkdtempSync(join(tmpdir(), 'lienganh-start-webhook-'));
    try {
      const webhooks = JSON.stringify({ labour: { url: `http://${hostname()}:9/alerts`, secret: 'labour-webhook-secret-0123456789' } });
      const child = spawnCli(['start', '--data-dir', dataDir], { MONGODB_URI: '', NATS_PORT: '0', LIENGANH_WEBHOOKS: webhooks, LIENGANH_WEBHOOK_ALLOW: '' });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      expect(stderr).toContain('labour.url');
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(dataDir, 'nats'))).toBe(false); // nothing started
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

async function waitFor(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
