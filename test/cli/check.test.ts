import { jest } from '@jest/globals';
import { checkCommand, type CheckSummary } from '../../scripts/cli/src/commands/check.command.js';
import type { Difference } from '../../scripts/cli/src/check/figures.js';
import { checkSeed } from '../../scripts/cli/src/check/run-check.js';
import { runCli } from '../support/cli.js';

describe('npx lienganh check', () => {
  it('checks the seeds asked for and exits 0 when the board agrees with the oracle, 1 naming the seed and figure when not', async () => {
    const { code, stdout, stderr } = await runCli(['check', '--seeds', '2', '--from-seed', '5', '--events', '300', '--json']);
    const summary = JSON.parse(stdout) as CheckSummary;
    expect(summary).toMatchObject({ fromSeed: 5, seeds: 2, eventsPerSeed: 300 });
    expect(summary.agreed + summary.failed.length).toBe(2);
    expect(stderr).toContain('check: 2/2 seeds');
    // The same seeds in this process: the command says what the check says.
    const differing = [];
    for (const seed of [5, 6]) if ((await checkSeed(seed, { events: 300 })).differences.length > 0) differing.push(seed);
    expect(summary.failed.map((failure) => failure.seed)).toEqual(differing);
    expect(code).toBe(differing.length > 0 ? 1 : 0);
    for (const failure of summary.failed) expect(failure.text).toMatch(new RegExp(`^seed ${failure.seed}: \\S+ differs \\(plan `));
  }, 120_000); // several npx runs, each a few seconds on a loaded machine

  it('answers bad usage with a message and exit code 2, never a stack trace', async () => {
    for (const args of [['--seeds', '0'], ['--seeds', 'many'], ['--events', '10'], ['--from-seed', '-1'], ['--colour']]) {
      const { code, stderr } = await runCli(['check', ...args]);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stderr).not.toMatch(/\n\s+at /);
    }
    expect((await runCli(['check', '--seeds', 'many'])).stderr).toContain('--seeds: phải là số nguyên từ 1 đến 100000 / must be a whole number from 1 to 100000, got "many"');
  }, 120_000); // several npx runs, each a few seconds on a loaded machine

  it('has --help', async () => {
    const { code, stdout } = await runCli(['check', '--help']);
    expect(code).toBe(0);
    for (const option of ['--seeds', '--from-seed', '--events', '--json']) expect(stdout).toContain(option);
  });
});

describe('lienganh check, with a stand-in for the oracle', () => {
  const difference: Difference = { seed: 2, plan: 'kh-x', figure: 'area', target: 't-1', area: 'hn-ba-dinh-kim-ma', board: 3, oracle: 2 };
  const run = async (failing: number[]) => {
    const written: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const before = process.exitCode;
    try {
      await checkCommand(async (seed) => ({ seed, events: 10, differences: failing.includes(seed) ? [{ ...difference, seed }] : [] })).parseAsync(['--seeds', '3'], { from: 'user' });
      return { exitCode: process.exitCode, output: written.join('') };
    } finally {
      process.exitCode = before;
      stdout.mockRestore();
      stderr.mockRestore();
    }
  };

  it('exits 1 and prints the seed and first differing figure of each seed that differs', async () => {
    const { exitCode, output } = await run([2]);
    expect(exitCode).toBe(1);
    expect(output).toContain('1 of 3 seeds differ');
    expect(output).toContain('seed 2: area differs (plan kh-x, target t-1, area hn-ba-dinh-kim-ma): board 3, oracle 2');
  });

  it('exits 0 when every seed agrees', async () => {
    const { exitCode, output } = await run([]);
    expect(exitCode ?? 0).toBe(0);
    expect(output).toContain('all 3 seeds agree');
  });
});
