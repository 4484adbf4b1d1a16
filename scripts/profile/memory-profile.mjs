#!/usr/bin/env node
// Issue #23: coordination's resident memory as the bench measures it (a child process catching up
// on N events with the bench's eleven plans), with the environment given, e.g. to compare
// LIENGANH_SNAPSHOTS=off with the default, or NODE_OPTIONS=--max-old-space-size=…
//   node_modules/.bin/node scripts/profile/memory-profile.mjs [events=300000] [NAME=VALUE…]
import { BenchEnvironment } from '../cli/dist/bench/environment.js';
import { loadAgencyEvents, publishPlans } from '../cli/dist/bench/bulk-load.js';
import { baDinhPlan } from '../cli/dist/bench/coordination.js';
import { generatePlans } from '../cli/dist/bench/generated-plans.js';
import { residentMemory, serviceMain, startServiceProcess } from '../cli/dist/bench/child-process.js';

const events = Number(process.argv[2] ?? 300_000);
const extra = Object.fromEntries(process.argv.slice(3).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
const reporter = { step: (s) => console.error(s), bar: () => ({ update() {}, stop() {} }) };
const env = await BenchEnvironment.start();
try {
  const plan = baDinhPlan();
  await publishPlans(env, [plan, ...generatePlans(plan, 10)]);
  await loadAgencyEvents(env, reporter, { from: 0, to: events, total: events });
  const child = await startServiceProcess(serviceMain('@lienganh/coordination'), { NATS_URL: env.url, COORDINATION_PORT: '0', COORDINATION_INSTANCE_ID: 'memory-profile', DEADLINE_TICK_MS: '0', MONGODB_URI: '', ...extra }, 1_800_000);
  const at = (label) => {
    const { peakMiB, currentMiB } = residentMemory(child.pid);
    console.error(`${label}: VmHWM ${Math.round(peakMiB)} MiB, VmRSS ${Math.round(currentMiB)} MiB`);
  };
  console.error(`caught up on ${events} in ${(child.startMs / 1000).toFixed(1)} s with ${JSON.stringify(extra)}`);
  at('listening');
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  at('after 15 s idle');
  await child.stop();
} finally {
  await env.close();
}
