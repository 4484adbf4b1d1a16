import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const children = new Set<ChildProcess>();
// A benchmark that dies must not leave services behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
/** A Ctrl-C (or SIGTERM) ends the benchmark: Node would exit without its 'exit' event, leaving the services running. */
let stopOnSignals = () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
  stopOnSignals = () => {};
};

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
  /** Its last log lines (stdout and stderr, up to LOG_LINES): until it listened, or until it exits with `keepLog`. */
  log(): readonly string[];
  /** SIGTERM (a graceful stop: the service closes), SIGKILL if it has not exited within 10 s (`stopWithinMs`); how it exited. */
  stop(): Promise<ProcessExit>;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const LOG_LINES = 5_000;

/**
 * Runs a service as its own process, as in production (`node <service>/dist/main.js`), and
 * resolves once it logs the address it listens on. `keepLog`: its log lines are kept after that
 * too (otherwise dropped, so that a busy service costs the benchmark nothing).
 */
export function startServiceProcess(main: string, env: NodeJS.ProcessEnv, timeoutMs: number, options: { keepLog?: boolean; stopWithinMs?: number } = {}): Promise<ServiceProcess> {
  stopOnSignals();
  const started = performance.now();
  const child = spawn(process.execPath, [main], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(() => children.delete(child));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopWithinMs ?? 10_000);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };
  let output = '';
  const lines: string[] = [];
  // The unfinished last line of stdout and of stderr.
  const partial = { stdout: '', stderr: '' };
  const keep = (from: keyof typeof partial, chunk: string) => {
    const parts = (partial[from] + chunk).split('\n');
    partial[from] = parts.pop()!;
    lines.push(...parts);
    if (lines.length > LOG_LINES) lines.splice(0, lines.length - LOG_LINES);
  };
  const log = () => [...lines, ...[partial.stdout, partial.stderr].filter(Boolean)];
  return new Promise<ServiceProcess>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not listen within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`${main}: ${why}\n${output.slice(-2_000)}`));
    };
    let listening = false;
    const watch = (from: keyof typeof partial) => (chunk: string) => {
      if (listening) {
        if (options.keepLog) keep(from, chunk);
        return;
      }
      keep(from, chunk);
      output = (output + chunk).slice(-20_000);
      const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
      if (url) {
        listening = true;
        clearTimeout(timer);
        resolve({ child, pid: child.pid!, url, startMs: performance.now() - started, log, stop });
      }
    };
    child.stdout!.setEncoding('utf8').on('data', watch('stdout'));
    child.stderr!.setEncoding('utf8').on('data', watch('stderr'));
    child.once('exit', (code) => fail(`exited with code ${code}`));
  });
}

/** Peak (VmHWM) and current (VmRSS) resident memory of a process, in MiB, from /proc. */
export function residentMemory(pid: number): { peakMiB: number; currentMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { peakMiB: kib('VmHWM') / 1024, currentMiB: kib('VmRSS') / 1024 };
}
