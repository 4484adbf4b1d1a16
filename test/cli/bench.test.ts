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
    for (const [args, message] of [
      [['--national', '--provinces', '35'], '--provinces: at most 34'],
      [['--provinces', '3'], '--provinces: only with --national'],
    ] as const) {
      const refused = await runCli(['bench', ...args]);
      expect({ code: refused.code, stderr: refused.stderr }).toEqual({ code: 2, stderr: expect.stringContaining(message) });
    }
  });
});

describe('npx lienganh bench --national --quick', () => {
  it('runs a hub, a site per province and the national view, counts every event there once, and leaves nothing running', async () => {
    const file = join(dir, 'national.json');
    const { code, stdout, stderr } = await runCli(['bench', '--national', '--quick', '--json', file]);
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/Run: 2 provinces, 182 of the 3,321 communes, 2,192 of a year's 40,000 events/);
    const result = JSON.parse(readFileSync(file, 'utf8')) as { parameters: { events: number }; figures: Figure[] };
    const value = (name: string) => result.figures.find((figure) => figure.name === name)?.value;
    // The national view counted exactly the events the sites took, each once.
    expect(value('national.events')).toBe(result.parameters.events);
    expect(value('national.counted')).toBe(result.parameters.events);
    for (const name of ['national.year.seconds', 'national.latency.p50', 'national.site.rss.max', 'national.hub.rss', 'national.hub.nats.rss.mean']) {
      expect({ name, positive: (value(name) ?? 0) > 0 }).toEqual({ name, positive: true });
    }
    expect(natsServers()).toBe('');
  }, 180_000);
});
