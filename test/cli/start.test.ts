import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { STREAMS } from '@lienganh/contracts';
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
    const servicePorts = { LABOUR_PORT: '0', POLICE_PORT: '0', HEALTH_PORT: '0', CULTURE_PORT: '0', JUSTICE_PORT: '0', COORDINATION_PORT: '0' };
    const start = async () => {
      const child = spawnCli(['start', '--data-dir', dataDir], { NATS_PORT: String(port), ...servicePorts });
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

    // Coordination runs with the demo plans on its board.
    const coordinationUrl = /(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/committee\/overview/.exec(output)![1];
    const planIds = async (url: string) => ((await (await fetch(`${url}/api/v1/committee/overview`)).json()) as { plans: { id: string }[] }).plans.map((plan) => plan.id);
    expect(await planIds(coordinationUrl!)).toEqual(['kh-ba-dinh-2021', 'kh-can-tho-2026']);
    expect(output).toContain('kh-ba-dinh-2021');

    // The five agency services run beside it, with the demo keys written for them.
    const urls = [...output.matchAll(/(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/events/g)].map((match) => match[1]!);
    expect(urls).toHaveLength(5);
    for (const url of urls) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const { agencyKeys } = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
    expect(Object.keys(agencyKeys).sort()).toEqual(['culture', 'health', 'justice', 'labour', 'police']);

    const nc = await connect({ servers: `nats://127.0.0.1:${port}` });
    const names: string[] = [];
    for await (const name of (await jetstreamManager(nc)).streams.names()) names.push(name);
    expect(names.sort()).toEqual(Object.values(STREAMS).map((stream) => stream.name).sort());
    await nc.close();

    interrupt(child);
    await closed;
    output = first.output;
    expect(output).toContain('Đã dừng / stopped');
    await expect(connect({ servers: `nats://127.0.0.1:${port}`, reconnect: false, timeout: 1_000 })).rejects.toThrow();

    // Started again on the same data, it finds the plans on the stream and imports nothing.
    const second = await start();
    const secondUrl = /(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/committee\/overview/.exec(second.output)![1];
    expect(await planIds(secondUrl!)).toEqual(['kh-ba-dinh-2021', 'kh-can-tho-2026']);
    expect(second.output).not.toContain('Kế hoạch mẫu / demo plan');
    interrupt(second.child);
    await second.closed;
  }, 90_000);

  it('stops everything it started when a service port is taken, and says why', async () => {
    const [natsPort, taken] = [await freePort(), createServer()];
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const busyPort = (taken.address() as { port: number }).port;
    try {
      const child = spawnCli(['start', '--data-dir', dataDir], {
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
    const child = spawnCli(['start', '--data-dir', dataDir], { NATS_PORT: 'eighty' });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('NATS_PORT must be a port number, got "eighty"');
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
