import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAMS } from '@lienganh/contracts';
import { connectToNats, freePorts } from '@lienganh/platform';
import { jetstreamManager } from '@nats-io/jetstream';
import { repoRoot } from '../support/cli.js';
import { eventually } from '../support/http.js';

/**
 * scripts/run-cluster.mjs, as a newcomer runs it (docs/operations.md): a three-node NATS cluster
 * on loopback, the streams with three replicas, each service as its own process, the demo plans
 * on the board; Ctrl-C stops every process it started. Free ports, a temporary data folder.
 */


/** The processes whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1] === String(pid);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('scripts/run-cluster.mjs', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'lienganh-run-cluster-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs the cluster of three, the streams with three replicas and every service as its own process with the demo plans; SIGINT stops them all', async () => {
    const [c1, c2, c3, r1, r2, r3, ...service] = await freePorts(13);
    const ports = { COORDINATION_PORT: service[0], LABOUR_PORT: service[1], POLICE_PORT: service[2], HEALTH_PORT: service[3], CULTURE_PORT: service[4], JUSTICE_PORT: service[5], REPORTING_PORT: service[6] };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NATS_CLUSTER_PORTS: `${c1},${c2},${c3}`,
      NATS_CLUSTER_ROUTE_PORTS: `${r1},${r2},${r3}`,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      LOG_LEVEL: 'warn',
    };
    delete env.NATS_URL;
    delete env.MONGODB_URI;
    const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'run-cluster.mjs'), '--data-dir', dataDir], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    let children: number[] = [];
    try {
      await Promise.race([
        eventually(() => (output.includes('Ctrl-C') ? true : undefined), 180_000, () => output),
        closed.then((code) => Promise.reject(new Error(`run-cluster exited (${code}) before it was up:\n${output}`))),
      ]);

      // The dashboard's address and the demo credentials are printed; the board shows the demo plans.
      const coordinationUrl = `http://127.0.0.1:${ports.COORDINATION_PORT}`;
      expect(output).toContain(`${coordinationUrl}/`);
      const credentials = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as { users: { role: string; token: string }[]; agencyKeys: Record<string, string> };
      const token = credentials.users.find((user) => user.role === 'secretariat')!.token;
      expect(output).toContain(token);
      const overview = await fetch(`${coordinationUrl}/api/v1/committee/overview`, { headers: { authorization: `Bearer ${token}` } });
      expect(overview.status).toBe(200);
      const plans = ((await overview.json()) as { plans: { id: string }[] }).plans.map((plan) => plan.id);
      expect(plans).toEqual(expect.arrayContaining(['kh-ba-dinh-2021', 'kh-can-tho-2026']));
      expect((await fetch(`${coordinationUrl}/`)).headers.get('content-type')).toMatch(/^text\/html/);
      for (const port of Object.values(ports)) expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

      // A real cluster: every stream has three replicas on three different nodes.
      const nc = await connectToNats({
        servers: [`nats://127.0.0.1:${c2}`],
        name: 'run-cluster-test',
        identity: 'operator',
        seed: readFileSync(join(dataDir, 'nats-keys', 'operator.nk'), 'utf8'),
        reconnectForever: false,
      });
      try {
        const jsm = await jetstreamManager(nc);
        for (const { name } of Object.values(STREAMS)) {
          const info = await jsm.streams.info(name);
          expect({ name, replicas: info.config.num_replicas, peers: 1 + (info.cluster?.replicas?.length ?? 0) }).toEqual({ name, replicas: 3, peers: 3 });
        }
      } finally {
        await nc.close();
      }

      // Three nats-server nodes and seven services (the reporting service too), each its own process, all children of the script.
      children = childrenOf(child.pid!);
      const commands = children.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
      expect(commands.filter((command) => command.includes('nats-server'))).toHaveLength(3);
      expect(commands.filter((command) => /services\/[a-z]+\/dist\/main\.js/.test(command))).toHaveLength(7);

      child.kill('SIGINT');
      expect(await closed).toBe(0);
      expect(output).toContain('Đã dừng / stopped');
      expect(children.filter(isAlive)).toEqual([]);
    } finally {
      if (child.exitCode === null) {
        if (children.length === 0) children = childrenOf(child.pid!);
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await closed;
        clearTimeout(timer);
      }
      // Whatever failed above, nothing it started outlives the test.
      for (const pid of children.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  }, 240_000);
});
