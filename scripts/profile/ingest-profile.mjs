#!/usr/bin/env node
// Issue #23: where the police service spends its time ingesting (the bench's ingest rows: batches
// of 100, then single events from 32 clients). The service runs as the bench runs it, a child
// process, with `--cpu-prof` (the profile is written when it exits).
//   node_modules/.bin/node scripts/profile/ingest-profile.mjs [events=50000] [dir=/tmp/ingest-profile]
// then `node scripts/profile/summarise-cpuprofile.mjs DIR/*.cpuprofile`.
import { mkdirSync } from 'node:fs';
import { BenchEnvironment } from '../cli/dist/bench/environment.js';
import { Figures } from '../cli/dist/bench/figures.js';
import { measureIngest, startPoliceProcess } from '../cli/dist/bench/ingest.js';

const events = Number(process.argv[2] ?? 50_000);
const dir = process.argv[3] ?? '/tmp/ingest-profile';
mkdirSync(dir, { recursive: true });
const reporter = { step: (s) => console.error(s), bar: () => ({ update() {}, stop() {} }) };
const env = await BenchEnvironment.start();
try {
  // The child inherits this process's environment: only it is profiled.
  process.env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${dir}`;
  const police = await startPoliceProcess(env);
  delete process.env.NODE_OPTIONS;
  const figures = new Figures();
  await measureIngest(env, police, figures, reporter, events, { publishRate: 1, awaitedPublishRate: 1, consumeRate: 1 });
  for (const figure of figures.list) if (figure.unit === 'events/s') console.error(`${figure.label}: ${Math.round(figure.value)} ${figure.unit}`);
  await police.close();
} finally {
  await env.close();
}
