import { isDeepStrictEqual } from 'node:util';
import { residentMemory, type ServiceProcess } from './child-process.js';
import { BENCH_TOKEN } from './coordination.js';
import type { Figures } from './figures.js';
import type { Reporter } from './progress.js';

/** What coordination serves: the task board and the committee overview (without its `generatedAt`). */
export interface ServedBoard {
  tasks: unknown[];
  overview: Record<string, unknown>;
}

/** GET /api/v1/tasks and GET /api/v1/committee/overview as the bench's user. */
export async function servedBoard(url: string): Promise<ServedBoard> {
  const get = async (path: string) => {
    const response = await fetch(new URL(path, url), { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const { tasks } = (await get('/api/v1/tasks')) as { tasks: unknown[] };
  const { generatedAt: _generatedAt, ...overview } = await get('/api/v1/committee/overview');
  return { tasks, overview };
}

/** A coordination child process that has caught up, how to start another like it, and what it served. */
export interface RunningChild {
  service: ServiceProcess;
  /** Starts coordination again with the same environment (the same instance id, so the same snapshots). */
  start(): Promise<ServiceProcess>;
  /** Agency events the streams hold. */
  events: number;
  served: ServedBoard;
}

/**
 * 7. Restart (ADR 0022): the child of the memory measurement stopped gracefully (SIGTERM: it
 * closes and saves its last snapshot in PCMD_SNAPSHOTS), then started again with the same
 * environment and timed from spawn until it listens, which it does once it has loaded the snapshot
 * and replayed the tail. The restarted child must serve the board it served before.
 */
export async function measureRestart(figures: Figures, reporter: Reporter, first: RunningChild): Promise<void> {
  reporter.step(`restart: stopping coordination gracefully (SIGTERM, last snapshot) and starting it again after ${first.events} events`);
  const stopping = performance.now();
  const exit = await first.service.stop();
  const stopSeconds = (performance.now() - stopping) / 1000;
  const firstLog = first.service.log();
  if (exit.code !== 0) throw new Error(`restart: coordination did not stop gracefully (exit code ${exit.code}, signal ${exit.signal})\n${tail(firstLog)}`);
  const saved = lastMatch(firstLog, SAVED);
  if (!saved) throw new Error(`restart: coordination logged no "snapshot saved" before it exited; a restart would replay everything\n${tail(snapshotLines(firstLog))}`);

  const service = await first.start();
  try {
    const loaded = lastMatch(service.log(), LOADED);
    if (!loaded || loaded[1] !== saved[1]) {
      throw new Error(`restart: coordination did not start from the snapshot saved at close (covering ${saved[1]}); it logged:\n${tail(snapshotLines(service.log())) || '(nothing about snapshots)'}`);
    }
    const served = await servedBoard(service.url);
    const { peakMiB } = residentMemory(service.pid);
    const tasks = difference(first.served.tasks, served.tasks, 'tasks');
    const overview = difference(first.served.overview, served.overview, 'overview');
    if (tasks || overview) {
      throw new Error(`restart: the restarted coordination serves another board than the one that replayed everything: ${[tasks, overview].filter(Boolean).join('; ')}`);
    }
    figures.add('restart.seconds', `restart after ${first.events.toLocaleString('en')} events: child start → listening (snapshot + tail)`, service.startMs / 1000, 's');
    figures.add('restart.stop.seconds', 'restart: SIGTERM → exited (closing, saving the last snapshot)', stopSeconds, 's');
    figures.add('restart.snapshot.read.seconds', 'restart: of which reading the snapshot (object store, zstd, digest)', Number(loaded[2]), 's');
    figures.add('restart.snapshot.decode.seconds', 'restart: of which decoding it', Number(loaded[3]), 's');
    figures.add('restart.peak_rss', 'restart: coordination peak RSS after restarting (VmHWM)', peakMiB, 'MiB');
    figures.add('restart.snapshot.size', 'restart: snapshot saved at close (uncompressed)', Number(saved[2]) / 2 ** 20, 'MiB');
    figures.add('restart.snapshot.stored', 'restart: snapshot saved at close, as stored in PCMD_SNAPSHOTS (zstd)', Number(saved[3]) / 2 ** 20, 'MiB');
  } finally {
    await service.stop();
  }
}

// coordination's log lines (pino JSON, the message in `msg`), see SnapshottingCoordinationStore.
const SAVED = /^coordination: snapshot saved, covering (.*) \((\d+) bytes, (\d+) stored\)$/;
const LOADED = /^coordination: snapshot loaded, covering (.*): replaying only what came after \(\d+ bytes read in ([\d.]+) s, decoded in ([\d.]+) s\)$/;

const messageOf = (line: string): string => {
  try {
    const parsed = JSON.parse(line) as { msg?: unknown };
    return typeof parsed.msg === 'string' ? parsed.msg : line;
  } catch {
    return line;
  }
};

function lastMatch(lines: readonly string[], pattern: RegExp): RegExpExecArray | undefined {
  for (let index = lines.length - 1; index >= 0; index--) {
    const match = pattern.exec(messageOf(lines[index]!));
    if (match) return match;
  }
  return undefined;
}

const snapshotLines = (lines: readonly string[]) => lines.map(messageOf).filter((message) => message.includes('snapshot'));
const tail = (lines: readonly string[]) => lines.slice(-20).join('\n');

/** Where two JSON values first differ (`tasks[3].status: "done" ≠ "overdue"`), or undefined when equal. */
function difference(before: unknown, after: unknown, path: string): string | undefined {
  if (isDeepStrictEqual(before, after)) return undefined;
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length !== after.length) return `${path}: ${before.length} entries before, ${after.length} after`;
    for (const [index, item] of before.entries()) {
      const found = difference(item, after[index], `${path}[${index}]`);
      if (found) return found;
    }
  } else if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const found = difference(before[key], after[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  const show = (value: unknown) => JSON.stringify(value)?.slice(0, 200) ?? 'undefined';
  return `${path}: ${show(before)} before, ${show(after)} after the restart`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
