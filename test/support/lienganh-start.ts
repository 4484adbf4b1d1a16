import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { servesStore } from '@lienganh/platform';
import { spawnCli } from './cli.js';

/** One `npx lienganh start` of a test: its output so far and the addresses it printed. */
export interface LienganhRun {
  child: ChildProcess;
  output: string;
  closed: Promise<void>;
  coordinationUrl: string;
  policeUrl: string;
  labourUrl: string;
}

/** Every service on a free port, the embedded nats-server on `natsPort`, no MongoDB. */
export function startEnv(natsPort: number): NodeJS.ProcessEnv {
  return {
    MONGODB_URI: '',
    NATS_PORT: String(natsPort),
    ...Object.fromEntries(['LABOUR', 'POLICE', 'HEALTH', 'CULTURE', 'JUSTICE', 'REPORTING', 'COORDINATION'].map((name) => [`${name}_PORT`, '0'])),
  };
}

/** `npx lienganh start` on `dataDir`, once it says it runs (its Ctrl-C line). */
export async function startLienganh(dataDir: string, env: NodeJS.ProcessEnv, timeoutMs = 40_000): Promise<LienganhRun> {
  const child = spawnCli(['start', '--data-dir', dataDir], env);
  const run: LienganhRun = { child, output: '', closed: new Promise<void>((done) => child.once('close', () => done())), coordinationUrl: '', policeUrl: '', labourUrl: '' };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (run.output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (run.output += chunk));
  await waitFor(() => run.output.includes('Ctrl-C'), timeoutMs, () => run.output);
  run.coordinationUrl = /(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/committee\/overview/.exec(run.output)![1]!;
  run.policeUrl = serviceUrl(run.output, 'police');
  run.labourUrl = serviceUrl(run.output, 'labour');
  return run;
}

/** The address `lienganh start` printed for an agency's service ("… / police service: http://…/api/v1/events"). */
function serviceUrl(output: string, agency: string): string {
  return new RegExp(`/ ${agency} service: (http://127\\.0\\.0\\.1:\\d+)/api/v1/events`).exec(output)![1]!;
}

export interface DemoCredentials {
  agencyKeys: Record<string, string>;
  users: { role: string; token: string }[];
}

export const demoCredentials = (dataDir: string): DemoCredentials => JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as DemoCredentials;
export const secretariatToken = (dataDir: string): string => demoCredentials(dataDir).users.find((user) => user.role === 'secretariat')!.token;

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
    probe.once('error', fail);
  });
}

/** Polls `condition` every 50 ms until it holds; past `timeoutMs`, fails with `describe()`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** `/proc/<pid>/stat`: state and parent pid (after the command name, which may hold spaces). */
function stat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: state!, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  const found = stat(pid);
  return found !== undefined && found.state !== 'Z';
}

export function parentOf(pid: number): number {
  return stat(pid)!.ppid;
}

function pids(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/** `root` and every live process below it. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of pids()) {
    const parent = stat(pid)?.ppid;
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    found.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return found.filter(alive);
}

/** Live nats-servers whose store directory is `storeDir` (never another server of the machine). */
export function natsServersOf(storeDir: string): number[] {
  return pids().filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      // The store on the command line, or in the -c file of a reloadable server (ADR 0011).
      return argv[0]!.endsWith('nats-server') && (argv.includes(resolve(storeDir)) || servesStore(pid, resolve(storeDir))) && alive(pid);
    } catch {
      return false;
    }
  });
}
