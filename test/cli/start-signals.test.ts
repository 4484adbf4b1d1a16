import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { interrupt } from '../support/cli.js';
import { alive, demoCredentials, descendants, freePort, natsServersOf, parentOf, secretariatToken, startEnv, startLienganh, waitFor, type LienganhRun } from '../support/lienganh-start.js';
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

  const start = () => startLienganh(dataDir, startEnv(natsPort));
  type Run = LienganhRun;
  const credentials = () => demoCredentials(dataDir);
  const secretariat = () => secretariatToken(dataDir);

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
