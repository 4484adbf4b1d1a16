import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DurableOutbox, ensureStreams, JetStreamEventPublisher, NatsServer } from '@lienganh/platform';
import { connectForever, lastSeq, storedIds, waitFor } from './support/publishing.js';

const platformDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(platformDir, '..', '..');
const distDir = join(platformDir, 'dist');
const fixture = join(platformDir, 'test', 'fixtures', 'accept-then-crash.mjs');

/**
 * The child runs the compiled package (Node cannot load the TypeScript sources): build it
 * when dist is missing or older than the sources, as `npm test`'s setup would.
 */
function ensureBuilt(): void {
  const stale = () =>
    ['outbox', 'event-publisher'].some((name) => {
      const built = join(distDir, 'publishing', `${name}.js`);
      return !existsSync(built) || statSync(built).mtimeMs < statSync(join(platformDir, 'src', 'publishing', `${name}.ts`)).mtimeMs;
    });
  if (!stale()) return;
  const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(platformDir, 'tsconfig.build.json')], {
    encoding: 'utf8',
  });
  // tsc emits despite type errors elsewhere in the package; what matters is fresh output here.
  if (stale()) throw new Error(`could not build services/platform:\n${tsc.stdout}${tsc.stderr}`);
}

/** Lines the child printed so far, and its stderr for failure messages. */
function watchOutput(child: ChildProcess): { lines: string[]; stderr: () => string } {
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { lines, stderr: () => stderr };
}

let server: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let outboxDir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  ensureBuilt();
  server = await NatsServer.start();
  nc = await connectForever(server.url);
  jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  outboxDir = await mkdtemp(join(tmpdir(), 'lienganh-crash-'));
}, 120_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await nc?.close();
  await server?.dispose();
  if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
});

it('publishes, after a crash (SIGKILL), every event the crashed process had accepted, once and in order', async () => {
  const before = await lastSeq(jsm);
  child = spawn(process.execPath, [fixture, server.url, outboxDir, distDir], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
  const output = watchOutput(child);
  const running = () => {
    if (child!.exitCode !== null) throw new Error(`the child exited (${child!.exitCode}):\n${output.stderr()}`);
    return true;
  };

  await waitFor('the child to connect', () => running() && output.lines.includes('ready'));
  await server.stop();
  child.stdin!.write('go\n');
  await waitFor('the child to accept 40 events', () => running() && output.lines.length > 40);
  child.kill('SIGKILL'); // mid-stream: it is still appending
  await exited;
  const accepted = output.lines.filter((line) => line.startsWith('accepted ')).map((line) => line.slice('accepted '.length));
  expect(accepted.length).toBeGreaterThanOrEqual(40);

  await server.restart();
  const outbox = await DurableOutbox.open(outboxDir); // takes over the dead process's lock
  expect(outbox.size).toBeGreaterThanOrEqual(accepted.length);
  const publisher = new JetStreamEventPublisher(nc, outbox, { ackTimeoutMs: 500, retryBackoffMs: [50, 100, 200, 400] });
  publisher.start();
  await publisher.whenDrained(20_000);
  await publisher.close();
  await outbox.close();

  // Everything accepted is there, in order and once; events appended but not yet confirmed
  // when the kill came may follow (the agency would retry them, with the same ids).
  const stored = await storedIds(jsm, before);
  expect(stored.slice(0, accepted.length)).toEqual(accepted);
  expect(stored).toEqual(stored.map((_, index) => `crash-${index}`));
}, 60_000);
