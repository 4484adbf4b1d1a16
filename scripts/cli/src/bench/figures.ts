/** One measured figure: what, how much, in what unit; or why it was not measured. */
export interface Figure {
  /** Stable dotted name, e.g. `ingest.batch.rate`: what scripts and the JSON file key on. */
  name: string;
  /** A finite number, or null when the figure was skipped. */
  value: number | null;
  unit: string;
  /** What the figure is, in words (the table's first column). */
  label: string;
  /** Why there is no value (e.g. MONGODB_URI unset). */
  skipped?: string;
}

/** A goal from issues #9 and #23: a figure and the bound it must keep. */
export interface Goal {
  figure: string;
  /** `min`: the figure must be at least `bound`; `max`: at most. */
  kind: 'min' | 'max';
  bound: number;
  label: string;
  /** The goal speaks of this much (e.g. 1M events); a smaller run (--quick) shows the figure without judging it. */
  requires?: { figure: string; atLeast: number };
}

export interface GoalResult extends Goal {
  value: number | null;
  /** undefined when the figure was not measured in this run. */
  met: boolean | undefined;
}

export const GOALS: Goal[] = [
  { figure: 'ingest.batch.ratio', kind: 'min', bound: 50, label: 'ingest ≥ 50% of raw publish (batches)' },
  { figure: 'ingest.single.ratio', kind: 'min', bound: 50, label: 'ingest ≥ 50% of raw publish awaited at the same concurrency (single events)' },
  { figure: 'projection.ratio', kind: 'min', bound: 60, label: 'live projection ≥ 60% of raw durable consume' },
  { figure: 'e2e.projection.p99', kind: 'max', bound: 25, label: 'e2e p99 ≤ 25 ms at 1,000 events/s (read model)' },
  { figure: 'e2e.sse.p99', kind: 'max', bound: 25, label: 'e2e p99 ≤ 25 ms at 1,000 events/s (SSE)' },
  { figure: 'replay.100k.rate', kind: 'min', bound: 100_000, label: 'replay from nothing ≥ 100,000 events/s in memory (100k)' },
  { figure: 'replay.1m.rate', kind: 'min', bound: 100_000, label: 'replay from nothing ≥ 100,000 events/s in memory (1M)' },
  { figure: 'replay.10k.rate', kind: 'min', bound: 100_000, label: 'replay from nothing ≥ 100,000 events/s in memory (10k, quick)' },
  {
    figure: 'memory.rss',
    kind: 'max',
    bound: 300,
    label: 'coordination RSS ≤ 300 MiB after 1M events and 10k tasks',
    requires: { figure: 'memory.events', atLeast: 1_000_000 },
  },
  {
    figure: 'restart.seconds',
    kind: 'max',
    bound: 5,
    label: 'restart after 1M events ≤ 5 s until serving (snapshot + tail), the same board as a full replay',
    requires: { figure: 'memory.events', atLeast: 1_000_000 },
  },
  { figure: 'deadline.scan.ms', kind: 'max', bound: 200, label: 'deadline scan of 100k ≤ 200 ms' },
];

/** The figures of one run, in the order they were measured. */
export class Figures {
  readonly list: Figure[] = [];

  add(name: string, label: string, value: number, unit: string): number {
    if (!Number.isFinite(value)) throw new Error(`figure ${name} is not a finite number: ${value}`);
    this.list.push({ name, label, value: round(value), unit });
    return value;
  }

  skip(name: string, label: string, unit: string, reason: string): void {
    this.list.push({ name, label, value: null, unit, skipped: reason });
  }

  get(name: string): number | undefined {
    return this.list.find((figure) => figure.name === name)?.value ?? undefined;
  }

  goals(): GoalResult[] {
    return GOALS.filter((goal) => this.list.some((figure) => figure.name === goal.figure)).map((goal) => {
      const value = this.get(goal.figure) ?? null;
      const applies = !goal.requires || (this.get(goal.requires.figure) ?? 0) >= goal.requires.atLeast;
      const met = value === null || !applies ? undefined : goal.kind === 'min' ? value >= goal.bound : value <= goal.bound;
      return { ...goal, value, met };
    });
  }
}

/** Three significant decimals at most: enough for ms and ratios, no float noise in the JSON. */
function round(value: number): number {
  if (Number.isInteger(value)) return value;
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3;
  return Number(value.toFixed(digits));
}

export const rate = (events: number, ms: number) => events / (Math.max(ms, 0.001) / 1000);
export const percentOf = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : 0);

/** Percentile by nearest rank over sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
