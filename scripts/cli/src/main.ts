import { CommanderError } from 'commander';
import { createProgram } from './program.js';
import { UsageError } from './usage-error.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

/** 0 done, 1 failure, 2 bad usage or bad input (DESIGN.md conventions). */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return 0; // --help, --version
    return 2;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`lienganh: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(`lienganh: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}
