#!/usr/bin/env node
// Issue #23: where replay (replayEvents) and coordination's catch-up spend their time.
//
//   node scripts/profile/replay-profile.mjs [--events 200000] [--profile DIR] [--only read,replay,decode,coordination]
//
// Starts the bench's own nats-server (a free port, a temporary store), loads the agency stream
// with the bench's police inspections and the Ba Đình 2021 plan on coordination's stream, then:
//   (a) replay:       replayEvents over the whole agency stream with a no-op apply
//   (d) read:         the same read with the messages' headers decoded but no event (the client's share)
//   (b) decode:       decodeNatsMessage over the same messages already in memory (no NATS)
//   (c) coordination: a fresh coordination service (in-memory store) from start to listening
// With --profile DIR, the CPU profile of each timed phase (and only of it) is written to
// DIR/<phase>.cpuprofile; `node scripts/profile/summarise-cpuprofile.mjs FILE` lists the top
// functions by self time. Run after `npx turbo run build`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeNatsMessage, STREAMS } from '@lienganh/contracts';
import { replayEvents } from '@lienganh/platform';
import { pathToFileURL } from 'node:url';
import { jetstream } from '@nats-io/jetstream';
import { BenchEnvironment } from '../cli/dist/bench/environment.js';
import { loadAgencyEvents, publishPlans } from '../cli/dist/bench/bulk-load.js';
import { baDinhPlan, inspectionsTarget, startCoordination } from '../cli/dist/bench/coordination.js';
import { Reporter } from '../cli/dist/bench/progress.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    profile: { type: 'string' },
    only: { type: 'string', default: 'read,replay,decode,coordination' },
    runs: { type: 'string', default: '2' },
    /** Another checkout, built: its replayEvents, decoder and coordination run too, alternating with this one's (a noisy machine slows both alike). */
    base: { type: 'string' },
  },
});
const events = Number(values.events);
const phases = new Set(values.only.split(','));
const runs = Number(values.runs);
const impls = [{ label: '', replayEvents, decodeNatsMessage, startCoordination }];
if (values.base) {
  const from = (path) => import(pathToFileURL(join(values.base, path)).href);
  const [platform, contracts, coordination] = await Promise.all([from('services/platform/dist/index.js'), from('contracts/dist/index.js'), from('scripts/cli/dist/bench/coordination.js')]);
  impls.unshift({ label: 'base ', replayEvents: platform.replayEvents, decodeNatsMessage: contracts.decodeNatsMessage, startCoordination: coordination.startCoordination });
}

let session;
async function profiled(name, work) {
  if (values.profile && !session) {
    mkdirSync(values.profile, { recursive: true });
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
  }
  if (session) await session.post('Profiler.start');
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(values.profile, `${name}.cpuprofile`), JSON.stringify(profile));
  }
  return { ms, result };
}

function line(label, count, ms) {
  console.log(`${label.padEnd(40)} ${String(count).padStart(8)} events in ${(ms / 1000).toFixed(2).padStart(6)} s = ${Math.round((count / ms) * 1000).toLocaleString('en').padStart(9)} events/s`);
}

const env = await BenchEnvironment.start();
try {
  const reporter = new Reporter(false);
  const plan = baDinhPlan();
  await publishPlans(env, [plan]);
  const loadStarted = performance.now();
  await loadAgencyEvents(env, reporter, { from: 0, to: events, total: events });
  console.log(`loaded ${events} events in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s (not timed)`);
  const agency = STREAMS.agencyEvents.name;

  for (let run = 1; run <= runs; run++) for (const impl of impls) {
    const suffix = `${impl.label.trim() ? `-${impl.label.trim()}` : ''}${runs > 1 ? `-${run}` : ''}`;
    const { replayEvents, decodeNatsMessage, startCoordination } = impl;
    if (phases.has('replay')) {
      let applied = 0;
      const { ms, result } = await profiled(`replay${suffix}`, () => replayEvents(env.nc, agency, undefined, () => void applied++));
      if (result !== events || applied !== events) throw new Error(`replay read ${result} (${applied} applied), the stream holds ${events}`);
      line(`${impl.label}(a) replayEvents, no-op apply #${run}`, result, ms);
    }
    if (phases.has('read')) {
      // What the client alone costs: an ordered consumer read as replayEvents reads, headers decoded, no event.
      const { ms, result } = await profiled(`read${suffix}`, () => readOnly(env, agency));
      line(`${impl.label}(d) read only (headers, no decode) #${run}`, result, ms);
    }
    if (phases.has('decode')) {
      // The raw messages, fetched (not timed), then decoded as replay does; dropped afterwards, or
      // the next phases would collect garbage in a heap that holds them.
      let raw = await fetchRaw(env, agency, Math.min(events, 100_000));
      const count = raw.length;
      const { ms } = await profiled(`decode${suffix}`, async () => {
        for (const { headers, data } of raw) decodeNatsMessage(headers, data);
      });
      raw = undefined;
      line(`${impl.label}(b) decodeNatsMessage only #${run}`, count, ms);
    }
    if (phases.has('coordination')) {
      const prefix = `profile-${impl.label.trim() || 'this'}-${run}`;
      const { ms, result: coordination } = await profiled(`coordination${suffix}`, () => startCoordination(env.url, { consumerPrefix: prefix }));
      try {
        const applied = inspectionsTarget(coordination, plan).tally.events;
        if (applied !== events) throw new Error(`the rebuilt board counts ${applied} inspections, the stream holds ${events}`);
      } finally {
        await coordination.close();
        await env.deleteConsumers(agency, prefix);
        await env.deleteConsumers(STREAMS.coordinationEvents.name, prefix);
      }
      line(`${impl.label}(c) coordination start → listening #${run}`, events, ms);
    }
  }
} finally {
  session?.disconnect();
  await env.close();
}

/** Messages as `JsMsg` hands them over (headers, data), `count` of them from the start of `stream`. */
async function fetchRaw(env, stream, count) {
  const consumer = await jetstream(env.nc).consumers.get(stream);
  const out = [];
  const messages = await consumer.consume({ max_messages: 1000 });
  for await (const message of messages) {
    out.push({ headers: message.headers, data: message.data });
    if (out.length === count || message.info.pending === 0) break;
  }
  messages.stop();
  return out;
}

async function readOnly(env, stream) {
  const consumer = await jetstream(env.nc).consumers.get(stream);
  const messages = await consumer.consume({ max_messages: 2_000 });
  let count = 0;
  for await (const message of messages) {
    if (message.headers) count++;
    if (message.info.pending === 0) break;
  }
  messages.stop();
  return count;
}
