#!/usr/bin/env node
// Issue #23: coordination's resident memory as the bench measures it (a child process catching up
// on N events with the bench's eleven plans), with the environment given, e.g. to compare
// LIENGANH_SNAPSHOTS=off with the default, or NODE_OPTIONS=--max-old-space-size=…
//   node_modules/.bin/node scripts/profile/memory-profile.mjs [events=300000] [NAME=VALUE…]
import { residentMemory, serviceMain, startServiceProcess } from '../cli/dist/bench/child-process.js';
import { benchStream } from './bench-stream.mjs';

const events = Number(process.argv[2] ?? 300_000);
const extra = Object.fromEntries(process.argv.slice(3).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
const { env } = await benchStream(events);
try {
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
