import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, resolve } from 'node:path';

export interface LeftoverNatsServerOptions {
  /** The JetStream store directory (`-sd`): only a server of this directory is ever stopped. */
  storeDir: string;
  /** The pidfile `NatsServer` writes (`pidFile`); removed once its server is gone. */
  pidFile?: string;
  /** How long a server gets to stop after SIGTERM before SIGKILL (default 5 s). */
  graceMs?: number;
}

/**
 * Stops every nats-server still running on `storeDir`, left over by a start that ended without
 * stopping it (a killed parent on a platform without a parent-death signal, an older version):
 * otherwise the next start fails on its port, and two servers would open one store. Candidates
 * are the pidfile's pid and, on Linux, every process in /proc; one is stopped only if its command
 * line is a nats-server with this very store directory, so that a reused pid, or another server
 * of the machine (e.g. the system's own on 4222), is never touched. SIGTERM first (JetStream
 * flushes its store), SIGKILL after `graceMs`. Returns the pids it stopped.
 */
export async function stopLeftoverNatsServers(options: LeftoverNatsServerOptions): Promise<number[]> {
  const storeDir = resolve(options.storeDir);
  const leftovers = natsServersOfStore(storeDir, options.pidFile);
  for (const pid of leftovers) signal(pid, 'SIGTERM');
  const graceMs = options.graceMs ?? 5_000;
  for (const pid of leftovers) {
    if (await gone(pid, graceMs)) continue;
    signal(pid, 'SIGKILL');
    if (!(await gone(pid, 2_000))) throw new Error(`nats-server (pid ${pid}) of ${storeDir} does not stop`);
  }
  if (options.pidFile) rmSync(options.pidFile, { force: true });
  return leftovers;
}

/** The live nats-servers whose store is `storeDir` (the pidfile's, and on Linux any in /proc). */
export function natsServersOfStore(storeDir: string, pidFile?: string): number[] {
  const candidates = new Set<number>();
  const fromPidFile = pidFile ? readPid(pidFile) : undefined;
  if (fromPidFile !== undefined) candidates.add(fromPidFile);
  for (const pid of processIds()) candidates.add(pid);
  candidates.delete(process.pid);
  return [...candidates].filter((pid) => servesStore(pid, resolve(storeDir)));
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Every pid in /proc; none where there is no /proc (the pidfile alone then). */
function processIds(): number[] {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
}

/**
 * Whether `pid` is a live nats-server whose store directory (`-sd`, `--store_dir`, or the
 * `store_dir` of its `-c` file, as a reloadable server's running configuration names it) is `storeDir`.
 */
export function servesStore(pid: number, storeDir: string): boolean {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false; // gone, not ours to read, or no /proc
  }
  if (basename(argv[0] ?? '') !== 'nats-server' || !alive(pid)) return false;
  if (argv.some((arg, index) => ['-sd', '--sd', '-store_dir', '--store_dir'].includes(arg) && argv[index + 1] !== undefined && resolve(argv[index + 1]!) === storeDir)) return true;
  const config = argv.findIndex((arg) => arg === '-c' || arg === '--config');
  return config >= 0 && argv[config + 1] !== undefined && configNamesStore(argv[config + 1]!, pid, storeDir);
}

function configNamesStore(file: string, pid: number, storeDir: string): boolean {
  try {
    // A relative path is the server's own working directory's.
    const text = readFileSync(resolve(`/proc/${pid}/cwd`, file), 'utf8');
    const named = /store_dir:\s*"([^"]+)"/.exec(text)?.[1];
    return named !== undefined && resolve(named) === storeDir;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Alive: it exists and is not a zombie waiting for its parent to reap it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // state is the field after the command name in parentheses (which may itself hold spaces)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: kill(0) is all there is
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((done) => setTimeout(done, 50));
  }
  return true;
}
