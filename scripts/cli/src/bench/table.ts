import type { Figure, GoalResult } from './figures.js';
import type { NationalYearResult } from './national-year.js';
import type { BenchResult } from './run-bench.js';

/** The run as a plain-text table for people: the machine, every figure, the goals, how it was measured. */
export function formatTable(result: BenchResult): string {
  const { machine, parameters } = result;
  const lines = [
    `lienganh bench — ${result.mode} run, ${result.date}`,
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}; nats-server ${machine.natsServer}`,
    `Events: ${formatNumber(parameters.events)} police inspection CloudEvents per throughput measurement (binary mode on NATS); e2e at ${formatNumber(parameters.rate)}/s for ${parameters.e2eSeconds} s; replay of ${parameters.replay.map(formatNumber).join(' and ')}`,
    '',
  ];
  lines.push(...figureTable(result.figures, result.goals));

  const skipped = result.figures.filter((figure) => figure.skipped);
  const reasons = [...new Set(skipped.map((figure) => figure.skipped!))];
  if (reasons.length > 0) lines.push('', ...reasons.map((reason) => `skipped: ${reason}`));

  lines.push('', 'Goals:');
  for (const goal of result.goals) {
    const verdict = goal.met !== undefined ? (goal.met ? 'met' : 'NOT met') : goal.value === null ? 'not measured' : 'not judged (a smaller run than the goal speaks of)';
    lines.push(`  ${goal.met === undefined ? '-' : goal.met ? '✓' : '✗'} ${goal.label}: ${goal.value === null ? '—' : formatNumber(goal.value)} → ${verdict}`);
  }
  lines.push('', 'How:', ...result.notes.map((note) => `  - ${note}`));
  return `${lines.join('\n')}\n`;
}

/** `lienganh bench --national`: the machine, the assumption, every figure, how it was measured. */
export function formatNationalTable(result: NationalYearResult): string {
  const { machine, parameters } = result;
  const lines = [
    `lienganh bench --national — ${result.date}`,
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}; nats-server ${machine.natsServer}`,
    `Run: ${parameters.provinces} provinces, ${formatNumber(parameters.communes)} of the ${formatNumber(parameters.countryCommunes)} communes, ${formatNumber(parameters.events)} of a year's ${formatNumber(parameters.countryEvents)} events (${formatNumber(parameters.eventsPerCommune)} a commune)`,
    '',
    ...figureTable(result.figures, []),
    '',
    'How:',
    ...result.notes.map((note) => `  - ${note}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The figures as rows: what, value, unit, and the goal where one applies. */
function figureTable(figures: readonly Figure[], goals: readonly GoalResult[]): string[] {
  const goalOf = new Map(goals.map((goal) => [goal.figure, goal]));
  const rows = figures.map((figure) => [figure.label, valueOf(figure), figure.unit, goalText(goalOf.get(figure.name))]);
  const header = ['Measurement', 'Value', 'Unit', 'Goal'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]) =>
    row
      .map((cell, column) => (column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(format)];
}

function valueOf(figure: Figure): string {
  return figure.value === null ? 'skipped' : formatNumber(figure.value);
}

function goalText(goal: GoalResult | undefined): string {
  if (!goal) return '';
  const bound = `${goal.kind === 'min' ? '≥' : '≤'} ${formatNumber(goal.bound)}`;
  return goal.met === undefined ? bound : `${bound} ${goal.met ? '✓' : '✗'}`;
}

export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  const digits = Number.isInteger(value) || magnitude >= 1_000 ? 0 : magnitude >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
