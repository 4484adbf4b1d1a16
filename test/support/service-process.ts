import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './cli.js';
import { eventually } from './http.js';

/**
 * A service as its own process, the way it runs in production (`node <service>/dist/main.js`):
 * resolves with its URL once it logs that it listens. The caller kills it.
 */
export function startServiceProcess(main: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(repoRoot, main)], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return eventually(
    () => {
      const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
      return url ? { child, url } : undefined;
    },
    30_000,
    () => output,
  );
}
