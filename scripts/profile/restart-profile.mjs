// A restart from a snapshot, profiled (issue #23): coordination in this process catches up on N
// events with the bench's plans, closes (saving its snapshot), and starts again.
// Usage: node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/profile/restart-profile.mjs [events=200000]
// PROFILE_RESTART=FILE: a CPU profile of the restart alone (inspector), for summarise-cpuprofile.mjs.
// SNAPSHOT_PARTS=1: the size of each part of the snapshot saved at close, as JSON.
// RESTART_CHILD=1: the restart as the bench times it, coordination as a child process from spawn
// until it listens, each of its log lines printed with its time since spawn.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { benchStream } from './bench-stream.mjs';
import { serviceMain, startServiceProcess } from '../cli/dist/bench/child-process.js';
import { ProjectionSnapshots, snapshotVersion, startCoordinationService } from '@lienganh/coordination';
import { createLogger } from '@lienganh/platform';

const events = Number(process.argv[2] ?? 200_000);
const { env } = await benchStream(events);
const start = () => startCoordinationService({ natsUrl: env.url, port: 0, instanceId: 'restart-profile', deadlineTickMs: 0, logger: createLogger('coordination', process.env.LOG_LEVEL ?? 'info'), users: [] });
try {
  let t = performance.now();
  const first = await start();
  console.error(`first start (full replay of ${events}): ${((performance.now() - t) / 1000).toFixed(2)} s`);
  t = performance.now();
  await first.close();
  console.error(`close (saves the snapshot): ${((performance.now() - t) / 1000).toFixed(2)} s`);
  if (process.env.SNAPSHOT_PARTS) {
    const saved = await (await ProjectionSnapshots.open(env.nc, 'restart-profile')).latest(snapshotVersion());
    // The body: the JSON's length (32 bits), the JSON, the table of applied events.
    const bytes = Buffer.from(saved.body);
    const jsonLength = bytes.readUInt32BE(0);
    const body = { ...JSON.parse(bytes.toString('utf8', 4, 4 + jsonLength)), 'applied (binary)': 'x'.repeat(bytes.length - 4 - jsonLength) };
    for (const [part, value] of Object.entries(body)) {
      const count = Array.isArray(value) ? value.length : typeof value === 'object' && value ? Object.keys(value).length : 1;
      console.error(`  ${part.padEnd(22)} ${(JSON.stringify(value).length / 1e6).toFixed(1).padStart(7)} MB  ${count.toLocaleString('en')} entries`);
    }
  }
  const profiling = process.env.PROFILE_RESTART ? new Session() : undefined;
  if (profiling) {
    profiling.connect();
    await profiling.post('Profiler.enable');
    await profiling.post('Profiler.start');
  }
  t = performance.now();
  if (process.env.RESTART_CHILD) {
    const spawnedAt = Date.now();
    const child = await startServiceProcess(serviceMain('@lienganh/coordination'), { NATS_URL: env.url, COORDINATION_PORT: '0', COORDINATION_INSTANCE_ID: 'restart-profile', DEADLINE_TICK_MS: '0', MONGODB_URI: '' }, 600_000, { keepLog: true });
    console.error(`restart as a child process (spawn → listening): ${(child.startMs / 1000).toFixed(2)} s`);
    for (const line of child.log()) {
      const entry = JSON.parse(line);
      console.error(`  +${((entry.time - spawnedAt) / 1000).toFixed(2)} s  ${entry.msg.slice(0, 400)}`);
    }
    await child.stop();
    process.exit(0);
  }
  const second = await start();
  console.error(`restart (snapshot + tail): ${((performance.now() - t) / 1000).toFixed(2)} s`);
  if (profiling) writeFileSync(process.env.PROFILE_RESTART, JSON.stringify((await profiling.post('Profiler.stop')).profile));
  await second.close();
} finally {
  await env.close();
}
