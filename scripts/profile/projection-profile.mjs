#!/usr/bin/env node
// Issue #23: where the live projection spends its time. Coordination in this process (the
// projection alone, as the bench's projection row runs it) with the Ba Đình plan; a worker thread
// publishes N bench inspections raw; this process is profiled (inspector) from the first publish
// until coordination's consumer has nothing pending.
//   node_modules/.bin/node scripts/profile/projection-profile.mjs [events=100000] [profile=/tmp/projection.cpuprofile]
// then `node scripts/profile/summarise-cpuprofile.mjs FILE`.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { BenchEnvironment } from '../cli/dist/bench/environment.js';
import { baDinhPlan, startCoordination } from '../cli/dist/bench/coordination.js';
import { Figures } from '../cli/dist/bench/figures.js';
import { measureProjection } from '../cli/dist/bench/projection.js';

const events = Number(process.argv[2] ?? 100_000);
const out = process.argv[3] ?? '/tmp/projection.cpuprofile';
const reporter = { step: (s) => console.error(s), bar: () => ({ update() {}, stop() {} }) };
const env = await BenchEnvironment.start();
const session = new Session();
try {
  const coordination = await startCoordination(env.url);
  await coordination.plans.import(baDinhPlan());
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const figures = new Figures();
  await measureProjection(env, figures, reporter, events, { liveConsumeRate: 1, consumeRate: 1 }, { figure: 'projection', label: 'projection', consumer: 'coordination-agency-events' });
  writeFileSync(out, JSON.stringify((await session.post('Profiler.stop')).profile));
  for (const figure of figures.list) if (figure.name !== 'projection.ratio') console.error(`${figure.label}: ${Math.round(figure.value)} ${figure.unit}`);
  await coordination.close();
} finally {
  session.disconnect();
  await env.close();
}
