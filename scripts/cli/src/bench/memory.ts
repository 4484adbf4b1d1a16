import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { residentMemory, serviceMain, startServiceProcess } from './child-process.js';
import { BENCH_TOKEN, writeBenchUsers } from './coordination.js';
import type { BenchEnvironment } from './environment.js';
import type { Figures } from './figures.js';
import type { Reporter } from './progress.js';

/**
 * 6. Resident memory of coordination as its own process (`node services/coordination/dist/main.js`,
 * in-memory store, no deadline ticks) once it has caught up on what the streams hold (`events`
 * agency events, `tasks` tasks in its plans): VmHWM (peak) and VmRSS from /proc/<pid>/status.
 */
export async function measureMemory(env: BenchEnvironment, figures: Figures, reporter: Reporter, holding: { events: number; tasks: number; plans: number }): Promise<void> {
  reporter.step(`memory: coordination as a child process catching up on ${holding.events} events and ${holding.plans} plans with ${holding.tasks} tasks`);
  const usersDir = mkdtempSync(join(tmpdir(), 'lienganh-bench-users-'));
  const service = await startServiceProcess(
    serviceMain('@lienganh/coordination'),
    { NATS_URL: env.url, COORDINATION_PORT: '0', DEADLINE_TICK_MS: '0', MONGODB_URI: '', LOG_LEVEL: 'info', LIENGANH_USERS_FILE: writeBenchUsers(usersDir) },
    1_800_000,
  );
  try {
    const board = ((await (await fetch(new URL('/api/v1/tasks', service.url), { headers: { authorization: `Bearer ${BENCH_TOKEN}` } })).json()) as { tasks: unknown[] }).tasks;
    const { peakMiB, currentMiB } = residentMemory(service.pid);
    figures.add('memory.events', 'memory: agency events held', holding.events, 'events');
    figures.add('memory.tasks', 'memory: tasks on the board', board.length, 'tasks');
    figures.add('memory.startup.seconds', 'memory: child start → caught up and listening', service.startMs / 1000, 's');
    figures.add('memory.peak_rss', 'memory: coordination peak RSS (VmHWM)', peakMiB, 'MiB');
    figures.add('memory.rss', 'memory: coordination RSS after catching up and one task board (VmRSS)', currentMiB, 'MiB');
  } finally {
    await service.stop();
    rmSync(usersDir, { recursive: true, force: true });
  }
}
