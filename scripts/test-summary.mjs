#!/usr/bin/env node
// Prints Jest's totals as one plain line: "N passed, N failed[, N skipped]".
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? new URL('../.test-results/jest.json', import.meta.url).pathname;
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log(`0 passed, 1 failed (no test results in ${file}: ${error.message})`);
  process.exit(1);
}
const skipped = results.numPendingTests + results.numTodoTests;
// A suite that fails to load counts its file as one failure: it ran no test but is broken.
const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
console.log(`${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
