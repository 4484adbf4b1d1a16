#!/usr/bin/env node
// The test command: Jest over every package, with its JSON results kept so that `.ci/run`
// (and anyone) can print the totals in one plain line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, '.test-results', 'jest.json');
rmSync(results, { force: true });
mkdirSync(join(root, '.test-results'), { recursive: true });

// Tests are transpiled without type checks; the compiler checks every package and test first.
const typecheck = spawnSync(join(root, 'node_modules', '.bin', 'turbo'), ['run', 'typecheck', '--output-logs=errors-only'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
});
if (typecheck.status !== 0) {
  console.error('Type check failed: fix the errors above (npm run typecheck).');
  process.exit(typecheck.status ?? 1);
}

const jest = spawnSync(
  join(root, 'node_modules', '.bin', 'jest'),
  ['--json', `--outputFile=${results}`, ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim() },
  },
);
process.exit(jest.status ?? 1);
