import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npx lienganh …` from the repository root, as a newcomer would. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const spawned = new Set<ChildProcess>();
// A test that fails before its Ctrl-C step must not leave a CLI (and its nats-server) running.
process.once('exit', () => {
  for (const child of spawned) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn('npx', ['--no-install', 'lienganh', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so that interrupt() reaches it as Ctrl-C would
  });
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  return child;
}

/** Ctrl-C: SIGINT to the whole process group (npx does not forward a signal sent to it alone). */
export function interrupt(child: ChildProcess): void {
  process.kill(-child.pid!, 'SIGINT');
}
