import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

/** Every figure `--quick` must write (names are what scripts key on); MongoDB ones are skipped without MONGODB_URI. */
const QUICK_FIGURES = [
  'event.size',
  'baseline.publish.rate',
  'baseline.consume.rate',
  'baseline.publish_notraces.rate',
  'baseline.publish_awaited.rate',
  'ingest.batch.rate',
  'ingest.batch.ratio',
  'ingest.single.rate',
  'ingest.single.ratio',
  'baseline.consume_live.rate',
  'projection.rate',
  'projection.ratio',
  'projection.ratio_at_rest',
  'projection.publish.rate',
  'e2e.offered.rate',
  'e2e.sent.rate',
  'e2e.events',
  'e2e.failed',
  ...['http', 'projection', 'sse'].flatMap((what) => ['p50', 'p95', 'p99', 'max'].map((p) => `e2e.${what}.${p}`)),
  'mongodb.projection.rate',
  'mongodb.projection.ratio',
  'mongodb.projection.ratio_at_rest',
  'replay.10k.rate',
  'replay.10k.seconds',
  'mongodb.replay.10k.rate',
  'mongodb.replay.10k.seconds',
  'memory.events',
  'memory.tasks',
  'memory.startup.seconds',
  'memory.peak_rss',
  'memory.rss',
  'restart.seconds',
  'restart.stop.seconds',
  'restart.snapshot.read.seconds',
  'restart.snapshot.decode.seconds',
  'restart.peak_rss',
  'restart.snapshot.size',
  'restart.snapshot.stored',
  'deadline.open',
  'deadline.scan.ms',
  'deadline.alerts',
  'deadline.decide.ms',
];

interface Figure {
  name: string;
  value: number | null;
  unit: string;
  label: string;
  skipped?: string;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lienganh-bench-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const natsServers = () => {
  try {
    return execFileSync('pgrep', ['-f', 'nats-server.*lienganh-bench'], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
};

describe('npx lienganh bench --quick', () => {
  it('measures everything on a nats-server of its own, writes every figure with its unit, and leaves nothing running', async () => {
    const file = join(dir, 'bench.json');
    const { code, stdout, stderr } = await runCli(['bench', '--quick', '--json', file], { MONGODB_URI: '' });
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

    // The table for people: the machine and the goals. No timing is asserted: the machine is shared.
    expect(stdout).toMatch(/Machine: \d+ cores .*Node v\d+.*nats-server v?\d/);
    expect(stdout).toContain('Goals:');
    expect(stderr).toContain('bench ['); // what it is doing, step by step
    expect(stderr).not.toMatch(/[\u2588\u2591]/); // but no progress bar when stderr is not a terminal

    const result = JSON.parse(readFileSync(file, 'utf8')) as { mode: string; machine: { cores: number; node: string; natsServer: string }; figures: Figure[] };
    expect(result.mode).toBe('quick');
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.machine.natsServer).not.toBe('unknown');
    const names = result.figures.map((figure) => figure.name);
    expect(names).toEqual(expect.arrayContaining(QUICK_FIGURES));
    expect(new Set(names).size).toBe(names.length);
    for (const figure of result.figures) {
      expect(figure.unit).toMatch(/\S/);
      expect(figure.label).toMatch(/\S/);
      if (figure.name.startsWith('mongodb.')) {
        expect(figure).toMatchObject({ value: null, skipped: expect.stringContaining('MONGODB_URI') });
      } else {
        expect({ name: figure.name, finite: Number.isFinite(figure.value) }).toEqual({ name: figure.name, finite: true });
      }
    }
    expect(natsServers()).toBe('');
  }, 180_000);

  it('refuses bad options with exit code 2 before starting anything', async () => {
    const { code, stderr } = await runCli(['bench', '--events', 'many']);
    expect(code).toBe(2);
    expect(stderr).toContain('--events');
  });
});
