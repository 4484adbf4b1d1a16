import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTcp, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { servesStore } from '@lienganh/platform';
import { interrupt, spawnCli } from '../support/cli.js';
import { openEventStream } from '../support/sse.js';

/**
 * `lienganh start` stops everything it started whatever stops it (issue 20): real processes,
 * real signals, awaited conditions with deadlines (no sleeps).
 */
describe('npx lienganh start and signals', () => {
  let dataDir: string;
  let natsPort: number;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lienganh-signals-'));
    natsPort = await freePort();
  });
  afterEach(async () => {
    // Whatever happened, no nats-server of this data directory outlives the test.
    const left = natsServersOf(join(dataDir, 'nats'));
    for (const pid of left) process.kill(pid, 'SIGKILL');
    await waitFor(() => left.every((pid) => !alive(pid)), 5_000, () => `pids ${left.join(', ')}`);
    rmSync(dataDir, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  const env = () => ({
    MONGODB_URI: '',
    NATS_PORT: String(natsPort),
    ...Object.fromEntries(['LABOUR', 'POLICE', 'HEALTH', 'CULTURE', 'JUSTICE', 'REPORTING', 'COORDINATION'].map((name) => [`${name}_PORT`, '0'])),
  });

  /** `npx lienganh start` on the test's data directory, once it says it runs. */
  async function start() {
    const child = spawnCli(['start', '--data-dir', dataDir], env());
    const run = {
      child,
      output: '',
      closed: new Promise<void>((done) => child.once('close', () => done())),
      coordinationUrl: '',
      policeUrl: '',
    };
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (run.output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (run.output += chunk));
    await waitFor(() => run.output.includes('Ctrl-C'), 40_000, () => run.output);
    run.coordinationUrl = /(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/committee\/overview/.exec(run.output)![1]!;
    run.policeUrl = /(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/events/.exec(run.output.slice(run.output.indexOf('police service')))![1]!;
    return run;
  }
  type Run = Awaited<ReturnType<typeof start>>;

  const credentials = () =>
    JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as { agencyKeys: Record<string, string>; users: { role: string; token: string }[] };
  const secretariat = () => credentials().users.find((user) => user.role === 'secretariat')!.token;

  async function postInspection(run: Run, id: string): Promise<void> {
    const response = await fetch(`${run.policeUrl}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credentials().agencyKeys.police}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        specversion: '1.0', id, type: 'vn.pcmd.police.inspection.completed.v1', time: '2021-05-04T09:30:00+07:00',
        data: { inspectionId: id, areaCode: 'hn-ba-dinh-lieu-giai', business: { businessId: '0101234567', kind: 'karaoke' }, outcome: 'compliant', violations: [] },
      }),
    });
    expect(response.status).toBe(202);
  }

  /** Police inspections on the board (the Ba Đình plan's count target). */
  async function inspectionsOnBoard(run: Run): Promise<number> {
    const response = await fetch(`${run.coordinationUrl}/api/v1/targets/ct-kiem-tra-hanh-chinh-400?plan=kh-ba-dinh-2021`, { headers: { authorization: `Bearer ${secretariat()}` } });
    return ((await response.json()) as { achieved: number }).achieved;
  }

  async function untilOnBoard(run: Run, count: number): Promise<void> {
    let seen = -1;
    await waitFor(async () => (seen = await inspectionsOnBoard(run)) === count, 10_000, () => `inspections on the board: ${seen}, expected ${count}`);
  }

  /** Every process of a run: npx, the CLI, and the nats-server it started (in its own process group). */
  function processesOf(run: Run): number[] {
    return descendants(run.child.pid!);
  }

  it('SIGHUP (the terminal closed) stops everything; the next start is clean and the board keeps the events posted before', async () => {
    const first = await start();
    await postInspection(first, 'kt-hup-1');
    await untilOnBoard(first, 1);
    const processes = processesOf(first);
    expect(natsServersOf(join(dataDir, 'nats'))).toHaveLength(1);

    process.kill(-first.child.pid!, 'SIGHUP'); // what a closing terminal sends to its foreground group
    await waitFor(() => processes.every((pid) => !alive(pid)), 10_000, () => `still running: ${processes.filter(alive).join(', ')}\n${first.output}`);
    await first.closed;
    expect(first.output).toContain('Đã dừng / stopped');

    const second = await start();
    expect(second.output).not.toContain('leftover');
    expect(await inspectionsOnBoard(second)).toBe(1);
    interrupt(second.child);
    await second.closed;
  }, 120_000);

  it('SIGKILL of lienganh start: its nats-server ends with it; a leftover server of the data directory is stopped by the next start, in one line', async () => {
    const storeDir = join(dataDir, 'nats');
    const first = await start();
    await postInspection(first, 'kt-kill-1');
    await untilOnBoard(first, 1);
    const [natsPid] = natsServersOf(storeDir);
    expect(readFileSync(join(dataDir, 'nats-server.pid'), 'utf8').trim()).toBe(String(natsPid));
    const cli = parentOf(natsPid!); // the node process running `lienganh start`
    expect(readFileSync(`/proc/${cli}/cmdline`, 'utf8')).toContain('start');
    // What a leftover server would run: the same command line and environment (its nkeys).
    const argv = readFileSync(`/proc/${natsPid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const serverEnv = Object.fromEntries(readFileSync(`/proc/${natsPid}/environ`, 'utf8').split('\0').filter(Boolean).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));

    process.kill(cli, 'SIGKILL');
    // The kernel's parent-death signal: the server does not outlive the CLI.
    await waitFor(() => !alive(natsPid!), 10_000, () => `nats-server ${natsPid} still runs`);
    await first.closed;

    // A server that did outlive its parent (an older start, a platform without the parent-death signal).
    const leftover = spawn(argv[0]!, argv.slice(1), { env: serverEnv, detached: true, stdio: 'ignore' });
    await waitFor(() => accepts(natsPort), 10_000, () => 'the leftover server does not listen');

    const second = await start();
    const said = second.output.split('\n').filter((line) => line.includes('leftover'));
    expect(said).toEqual([`Đã dừng nats-server còn sót lại (pid ${leftover.pid}) của ${resolve(storeDir)} / stopped a leftover nats-server (pid ${leftover.pid}) of the same data directory`]);
    expect(alive(leftover.pid!)).toBe(false);
    expect(await inspectionsOnBoard(second)).toBe(1);
    interrupt(second.child);
    await second.closed;
  }, 120_000);

  it('SIGINT with three dashboards streaming and a slow HTTP client: every process has exited within 10 s, each stream told it closes', async () => {
    const run = await start();
    const streams = await Promise.all([1, 2, 3].map(() => openEventStream(`${run.coordinationUrl}/api/v1/stream`, secretariat())));
    await Promise.all(streams.map((stream) => stream.next((event) => event.type === 'ready')));
    // A client that announces a body and never sends all of it: its request stays in flight.
    const slow = connectTcp(Number(new URL(run.policeUrl).port), '127.0.0.1');
    slow.on('error', () => undefined);
    await new Promise<void>((done) => slow.once('connect', () => done()));
    slow.write('POST /api/v1/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"spec');
    const slowClosed = new Promise<void>((done) => slow.once('close', () => done()));
    const processes = processesOf(run);
    expect(processes.length).toBeGreaterThanOrEqual(3);

    const stoppedAt = Date.now();
    interrupt(run.child);
    await waitFor(() => processes.every((pid) => !alive(pid)), 10_000, () => `still running: ${processes.filter(alive).join(', ')}\n${run.output}`);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    await run.closed;
    await slowClosed;
    expect(run.output).toContain('Đã dừng / stopped');
    for (const stream of streams) {
      expect((await stream.next((event) => event.type === 'closing', 1_000)).data).toEqual({ reason: 'shutdown' });
      stream.close();
    }
  }, 120_000);
});

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
    probe.once('error', fail);
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connectTcp(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** `/proc/<pid>/stat`: state and parent pid (after the command name, which may hold spaces). */
function stat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: state!, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  const found = stat(pid);
  return found !== undefined && found.state !== 'Z';
}

function parentOf(pid: number): number {
  return stat(pid)!.ppid;
}

function pids(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/** `root` and every process below it. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of pids()) {
    const parent = stat(pid)?.ppid;
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    found.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return found.filter(alive);
}

/** Live nats-servers whose store directory is `storeDir` (never another server of the machine). */
function natsServersOf(storeDir: string): number[] {
  return pids().filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      // The store on the command line, or in the -c file of a reloadable server (ADR 0011).
      return argv[0]!.endsWith('nats-server') && (argv.includes(resolve(storeDir)) || servesStore(pid, resolve(storeDir))) && alive(pid);
    } catch {
      return false;
    }
  });
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
