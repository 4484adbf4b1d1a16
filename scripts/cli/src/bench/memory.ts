import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { residentMemory, serviceMain, startServiceProcess } from './child-process.js';
import { writeBenchUsers } from './coordination.js';
import type { BenchEnvironment } from './environment.js';
import type { Figures } from './figures.js';
import type { Reporter } from './progress.js';
import { measureRestart, servedBoard } from './restart.js';

/**
 * 6. Resident memory of coordination as its own process (`node services/coordination/dist/main.js`,
 * in-memory store, no deadline ticks) once it has caught up on what the streams hold (`events`
 * agency events, `tasks` tasks in its plans): VmHWM (peak) and VmRSS from /proc/<pid>/status.
 * Then 7., the same child restarted on the snapshot it saved (`measureRestart`).
 */
/** How long coordination may take to close (and save its snapshot) in the bench. */
const CLOSE_DEADLINE_MS = 120_000;

export async function measureMemory(env: BenchEnvironment, figures: Figures, reporter: Reporter, holding: { events: number; tasks: number; plans: number }): Promise<void> {
  reporter.step(`memory: coordination as a child process catching up on ${holding.events} events and ${holding.plans} plans with ${holding.tasks} tasks`);
  const usersDir = mkdtempSync(join(tmpdir(), 'lienganh-bench-users-'));
  // The default store (in memory, with snapshots in PCMD_SNAPSHOTS under this instance id); logs kept for the snapshot lines.
  const childEnv = {
    NATS_URL: env.url,
    COORDINATION_PORT: '0',
    COORDINATION_INSTANCE_ID: 'bench-memory',
    DEADLINE_TICK_MS: '0',
    MONGODB_URI: '',
    LOG_LEVEL: 'info',
    LIENGANH_USERS_FILE: writeBenchUsers(usersDir),
    // Time to save the last snapshot at close: what the restart measures starts from it.
    LIENGANH_STOP_DEADLINE_MS: String(CLOSE_DEADLINE_MS),
  };
  const start = () => startServiceProcess(serviceMain('@lienganh/coordination'), childEnv, 1_800_000, { keepLog: true, stopWithinMs: CLOSE_DEADLINE_MS + 5_000 });
  const service = await start();
  try {
    const served = await servedBoard(service.url);
    const { peakMiB, currentMiB } = residentMemory(service.pid);
    figures.add('memory.events', 'memory: agency events held', holding.events, 'events');
    figures.add('memory.tasks', 'memory: tasks on the board', served.tasks.length, 'tasks');
    figures.add('memory.startup.seconds', 'memory: child start → caught up and listening', service.startMs / 1000, 's');
    figures.add('memory.peak_rss', 'memory: coordination peak RSS (VmHWM)', peakMiB, 'MiB');
    figures.add('memory.rss', 'memory: coordination RSS after catching up and serving the board once (VmRSS)', currentMiB, 'MiB');
    await measureRestart(figures, reporter, { service, start, events: holding.events, served });
  } finally {
    await service.stop();
    rmSync(usersDir, { recursive: true, force: true });
  }
}
