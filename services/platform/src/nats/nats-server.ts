import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface NatsServerOptions {
  /** Client port; 0 (the default) lets the server pick a free one. */
  port?: number;
  host?: string;
  /** JetStream store directory; a fresh temporary one (removed on stop) when omitted. */
  storeDir?: string;
  /**
   * The configuration file names the JetStream store (`writeRuntimeNatsConfig`): no `-js -sd` flags,
   * which nats-server would refuse beside it. Needed for a server that is reloaded.
   */
  storeInConfig?: boolean;
  /** Extra command-line arguments, e.g. `['-c', 'deploy/nats/server.conf']`. */
  args?: string[];
  /**
   * Extra environment of the server process, on top of this one's: e.g. the public nkeys
   * (`LIENGANH_NKEY_<IDENTITY>`) that deploy/nats/auth.conf reads.
   */
  env?: Record<string, string>;
  /** Server name; JetStream keeps it in its metadata, so a restart must use the same one. */
  name?: string;
  readyTimeoutMs?: number;
  /**
   * A file the server's pid is written to while it runs (removed when it exits): how the next
   * start finds a server that outlived its parent (`stopLeftoverNatsServers`).
   */
  pidFile?: string;
  /**
   * The server ends when the process that started it ends, however that ends (SIGKILL
   * included), where the platform allows: on Linux through `setpriv --pdeathsig` (default true).
   */
  dieWithParent?: boolean;
}

/** How a server exited: its exit code, or the signal that ended it. */
export interface NatsServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class NatsServerNotFoundError extends Error {
  override readonly name = 'NatsServerNotFoundError';
  constructor() {
    super('nats-server not found: run `npm run setup` (installs Debian\'s nats-server) or set NATS_SERVER_BIN');
  }
}

export class NatsServerStartError extends Error {
  override readonly name = 'NatsServerStartError';
}

const running = new Set<ChildProcess>();
// A test worker or CLI that dies must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * A real `nats-server` with JetStream, run as a child process: what tests, the benchmark
 * and `npm start` use. Never a mock: the whole point is to meet the real server's behaviour.
 */
export class NatsServer {
  private child: ChildProcess | undefined;
  private readonly ownsStoreDir: boolean;
  private readonly log: string[] = [];
  private readonly violations: string[] = [];
  private readonly lineListeners = new Set<(line: string) => void>();
  private readonly exitListeners = new Set<(exit: NatsServerExit) => void>();
  /** The child this harness is stopping itself: its exit is expected. */
  private stopping: ChildProcess | undefined;

  private constructor(
    private readonly options: Required<Pick<NatsServerOptions, 'host' | 'name' | 'readyTimeoutMs'>> & NatsServerOptions,
    readonly storeDir: string,
    private currentPort: number,
  ) {
    this.ownsStoreDir = options.storeDir === undefined;
  }

  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'lienganh-nats-'));
    const server = new NatsServer(
      { host: '127.0.0.1', name: `lienganh-${process.pid}-${Date.now().toString(36)}`, readyTimeoutMs: 15_000, ...options },
      storeDir,
      options.port ?? 0,
    );
    try {
      await server.launch();
    } catch (error) {
      server.removeStore();
      throw error;
    }
    return server;
  }

  get port(): number {
    return this.currentPort;
  }

  /** The server name (`-n`): how JetStream names a stream's leader and its replicas. */
  get name(): string {
    return this.options.name;
  }

  get url(): string {
    return `nats://${this.options.host}:${this.currentPort}`;
  }

  /** The running server's process id (its memory, for the benchmark); undefined when stopped. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isRunning(): boolean {
    return this.child !== undefined;
  }

  /** Every publish or subscription the server refused for lack of permission, as it logged them. */
  permissionViolations(): string[] {
    return [...this.violations];
  }

  /** The server's last log lines, for a test's failure message. */
  recentLog(): string {
    return this.log.join('\n');
  }

  /**
   * Reloads the configuration files (SIGHUP), e.g. after the users of bodies changed (ADR 0011):
   * resolves once the server says it reloaded; rejects with its reason when it refused the files,
   * and keeps running the previous configuration then. Clients of a removed user are disconnected.
   */
  async reload(timeoutMs = 5_000): Promise<void> {
    const child = this.child;
    if (!child) throw new NatsServerStartError('nats-server is not running');
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.lineListeners.delete(listen);
        if (error) reject(error);
        else resolve();
      };
      const listen = (line: string) => {
        if (line.includes('Reloaded server configuration')) done();
        else if (/Failed to reload server configuration/i.test(line)) done(new NatsServerStartError(`nats-server kept its configuration: ${line}`));
      };
      const timer = setTimeout(() => done(new NatsServerStartError(`nats-server did not reload within ${timeoutMs} ms\n${this.recentLog()}`)), timeoutMs);
      this.lineListeners.add(listen);
      child.kill('SIGHUP');
    });
  }

  /** Called when the running server exits without this harness stopping it (a crash, a kill from outside). */
  onUnexpectedExit(listener: (exit: NatsServerExit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Graceful stop (SIGTERM): the store stays, `restart()` brings the same server back. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** Abrupt stop (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Starts again on the same port with the same store. */
  async restart(): Promise<void> {
    if (this.child) await this.stop();
    await this.launch();
  }

  /** Stops the server and removes its store if this harness created it. */
  async dispose(): Promise<void> {
    await this.stop();
    this.removeStore();
  }

  private removeStore(): void {
    if (this.ownsStoreDir) rmSync(this.storeDir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.stopping = child;
    child.kill(signal);
    await exited;
  }

  private launch(): Promise<void> {
    const args = [
      '-a', this.options.host,
      '-p', this.currentPort === 0 ? '-1' : String(this.currentPort),
      '-n', this.options.name,
      ...(this.options.storeInConfig ? [] : ['-js', '-sd', this.storeDir]),
      ...(this.options.args ?? []),
    ];
    // Its own process group: a Ctrl-C aimed at our terminal must not stop the server before
    // we have drained our connections; we stop it ourselves, in order.
    const binary = findNatsServerBinary();
    // A child that cannot outlive its parent. On Linux the kernel does it: `setpriv --pdeathsig TERM`
    // (util-linux, always on Debian) sets PR_SET_PDEATHSIG and then execs nats-server in the same
    // process (same pid, so the pidfile and /proc/<pid>/cmdline name nats-server itself). When this
    // process dies, even by SIGKILL, the server gets SIGTERM and shuts down cleanly. No polling
    // watchdog, no extra process. (The parent "dies" with the thread that spawned it: Node spawns from
    // its main thread.) Elsewhere the pidfile lets the next start find and stop what is left.
    const wrapper = this.options.dieWithParent !== false ? parentDeathWrapper() : undefined;
    const [command, commandArgs] = wrapper ? [wrapper, ['--pdeathsig', 'TERM', '--', binary, ...args]] : [binary, args];
    const child = spawn(command, commandArgs, {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
      ...(this.options.env ? { env: { ...process.env, ...this.options.env } } : {}),
    });
    running.add(child);
    this.child = child;
    const pidFile = this.options.pidFile;
    if (pidFile && child.pid !== undefined) writeFileSync(pidFile, `${child.pid}\n`);
    let ready = false;
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (this.child === child) this.child = undefined;
      if (pidFile) removePidFile(pidFile, child.pid);
      // A server that never became ready is the launch's failure, said by its promise.
      if (ready && this.stopping !== child) for (const listener of this.exitListeners) listener({ code, signal });
    });

    return new Promise<void>((resolve, reject) => {
      let listening = false;
      let buffered = '';
      const timer = setTimeout(() => fail(`not ready after ${this.options.readyTimeoutMs} ms`), this.options.readyTimeoutMs);
      // Settling twice is harmless: an exit after `ready` finds the promise already resolved.
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new NatsServerStartError(`nats-server ${why}\n${this.recentLog()}`));
      };
      child.once('error', (error) => fail(`could not start: ${error.message}`));
      child.once('exit', (code) => fail(`exited with code ${code}`));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          this.log.push(line);
          for (const listener of this.lineListeners) listener(line);
          if (/ - (Publish|Subscription) Violation - /.test(line)) this.violations.push(line);
          if (this.log.length > 60) this.log.shift();
          const port = /Listening for client connections on .*:(\d+)/.exec(line)?.[1];
          if (port) {
            this.currentPort = Number(port);
            listening = true;
          }
          if (listening && line.includes('Server is ready')) {
            clearTimeout(timer);
            ready = true;
            resolve();
          }
        }
      });
    });
  }
}

/** Removes the pidfile if it still names `pid` (a later server may have written its own). */
function removePidFile(pidFile: string, pid: number | undefined): void {
  try {
    if (readFileSync(pidFile, 'utf8').trim() === String(pid)) rmSync(pidFile, { force: true });
  } catch {
    // already gone
  }
}

let setprivPath: string | null | undefined;
/** `setpriv` where it can set a parent-death signal (Linux, util-linux); undefined elsewhere. */
function parentDeathWrapper(): string | undefined {
  if (setprivPath === undefined) {
    setprivPath = null;
    if (process.platform === 'linux') {
      for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/bin']) {
        try {
          accessSync(join(dir, 'setpriv'), constants.X_OK);
          setprivPath = join(dir, 'setpriv');
          break;
        } catch {
          // try the next place
        }
      }
    }
  }
  return setprivPath ?? undefined;
}

export function findNatsServerBinary(): string {
  const candidates = process.env.NATS_SERVER_BIN
    ? [process.env.NATS_SERVER_BIN]
    : [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin'].map((dir) =>
        join(dir, 'nats-server'),
      );
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next place
    }
  }
  throw new NatsServerNotFoundError();
}
