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
    const servicePorts = { LABOUR_PORT: '0', POLICE_PORT: '0', HEALTH_PORT: '0', CULTURE_PORT: '0', JUSTICE_PORT: '0' };
    const child = spawnCli(['start', '--data-dir', dataDir], { NATS_PORT: String(port), ...servicePorts });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    // 'close' comes when every process holding the pipes has gone, the CLI behind npx included.
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

    await waitFor(() => output.includes('Ctrl-C'), 20_000, () => output);
    expect(output).toContain(`nats://127.0.0.1:${port}`);

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
    expect(output).toContain('Đã dừng / stopped');
    await expect(connect({ servers: `nats://127.0.0.1:${port}`, reconnect: false, timeout: 1_000 })).rejects.toThrow();
  });

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
