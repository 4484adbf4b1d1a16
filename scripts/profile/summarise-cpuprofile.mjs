#!/usr/bin/env node
// Top functions by self time in a V8 .cpuprofile (what `node --cpu-prof` or the inspector writes).
//   node scripts/profile/summarise-cpuprofile.mjs FILE [--top 25] [--by file]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, by: { type: 'string', default: 'function' } } });
for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const dt = deltas[i] ?? 0;
    total += dt;
    const key = keyOf(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
  for (const [key, us] of rows) console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
}

function keyOf({ functionName, url, lineNumber }) {
  const where = shorten(url);
  if (values.by === 'file') return where || `(${functionName || 'program'})`;
  return `${functionName || '(anonymous)'}${where ? `  ${where}:${lineNumber + 1}` : ''}`;
}

function shorten(url) {
  if (!url) return '';
  return url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^\/work\/[^/]+\//, '');
}
