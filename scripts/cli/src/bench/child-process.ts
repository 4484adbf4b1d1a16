import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const children = new Set<ChildProcess>();
// A benchmark that dies must not leave services behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** `<package>/dist/main.js` of a workspace service, found through its package entry point. */
export function serviceMain(packageName: string): string {
  return join(dirname(fileURLToPath(import.meta.resolve(packageName))), 'main.js');
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  /** ms from spawn until it listened (coordination listens only after catching up). */
  readonly startMs: number;
  stop(): Promise<void>;
}

/**
 * Runs a service as its own process, as in production (`node <service>/dist/main.js`), and
 * resolves once it logs the address it listens on.
 */
export function startServiceProcess(main: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ServiceProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [main], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => children.delete(child));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  let output = '';
  return new Promise<ServiceProcess>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not listen within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`${main}: ${why}\n${output.slice(-2_000)}`));
    };
    const watch = (chunk: string) => {
      output = (output + chunk).slice(-20_000);
      const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data').resume();
        child.stderr!.removeAllListeners('data').resume();
        resolve({ child, pid: child.pid!, url, startMs: performance.now() - started, stop });
      }
    };
    child.stdout!.setEncoding('utf8').on('data', watch);
    child.stderr!.setEncoding('utf8').on('data', watch);
    child.once('exit', (code) => fail(`exited with code ${code}`));
  });
}

/** Peak (VmHWM) and current (VmRSS) resident memory of a process, in MiB, from /proc. */
export function residentMemory(pid: number): { peakMiB: number; currentMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { peakMiB: kib('VmHWM') / 1024, currentMiB: kib('VmRSS') / 1024 };
}
