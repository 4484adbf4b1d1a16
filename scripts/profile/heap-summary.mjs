// Self size by node type and name of a V8 heap snapshot: where the bytes went.
// Usage: node --max-old-space-size=8000 scripts/profile/heap-summary.mjs FILE [top=30]
import { readFileSync } from 'node:fs';
const snapshot = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { node_fields: fields, node_types: [types] } = snapshot.snapshot.meta;
const width = fields.length;
const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
const totals = new Map();
let all = 0;
for (let i = 0; i < snapshot.nodes.length; i += width) {
  const type = types[snapshot.nodes[i + typeAt]];
  const name = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '(strings)' : type === 'number' ? '(heap numbers)' : snapshot.strings[snapshot.nodes[i + nameAt]];
  const key = `${type}: ${name.slice(0, 60)}`;
  const size = snapshot.nodes[i + sizeAt];
  all += size;
  const entry = totals.get(key) ?? { size: 0, count: 0 };
  entry.size += size;
  entry.count++;
  totals.set(key, entry);
}
console.log(`total self size ${(all / 2 ** 20).toFixed(1)} MiB`);
for (const [key, { size, count }] of [...totals].sort((a, b) => b[1].size - a[1].size).slice(0, Number(process.argv[3] ?? 30))) {
  console.log(`${(size / 2 ** 20).toFixed(1).padStart(8)} MiB ${String(count).padStart(9)}  ${key}`);
}
