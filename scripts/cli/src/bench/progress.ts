import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

const none: Progress = { update() {}, stop() {} };

/**
 * Progress of one step on stderr: a line saying what runs, and on a terminal a bar for long
 * steps. Nothing but the line when stderr is not a terminal (CI, tests, a pipe).
 */
export class Reporter {
  private readonly started = performance.now();

  constructor(readonly tty: boolean) {}

  step(text: string): void {
    const elapsed = ((performance.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(`bench [${elapsed.padStart(6)} s]: ${text}\n`);
  }

  bar(label: string, total: number): Progress {
    if (!this.tty || total < 5_000) return none;
    const bar = new cliProgress.SingleBar(
      { format: `  ${label} [{bar}] {value}/{total} | {eta_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: true, fps: 5 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(Math.min(done, total)), stop: () => bar.stop() };
  }
}
