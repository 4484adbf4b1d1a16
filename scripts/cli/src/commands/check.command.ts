import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { describeDifference, type Difference } from '../check/figures.js';
import { DEFAULT_EVENTS } from '../check/generator.js';
import { checkSeed, type CheckOptions, type SeedResult } from '../check/run-check.js';
import { UsageError } from '../usage-error.js';
import { text } from '../cli-language.js';

const DEFAULT_SEEDS = 200;
const MAX_SEEDS = 100_000;
const MIN_EVENTS = 50;
const MAX_EVENTS = 200_000;
/** Without a terminal, a progress line every this many seeds. */
const PLAIN_PROGRESS_EVERY = 10;

interface CheckCommandOptions {
  seeds: string;
  fromSeed: string;
  events: string;
  json?: boolean;
}

interface CheckSettings {
  seeds: number;
  fromSeed: number;
  events: number;
}

export interface CheckSummary {
  fromSeed: number;
  seeds: number;
  /** Distinct agency events generated per seed (re-sends come on top). */
  eventsPerSeed: number;
  /** Events fed to the board over every seed, re-sends included. */
  eventsFed: number;
  agreed: number;
  /** Seeds where the board and the oracle disagree, each with its first differing figure (and, in JSON, the first 50). */
  failed: { seed: number; differences: number; first: Difference; text: string; all: Difference[] }[];
  seconds: number;
}

/**
 * `lienganh check`: the figures oracle of ADR 0010. For each seed, a generated stream of events
 * (two plans in two jurisdictions, referrals and answers, same ids from different sources,
 * out-of-order times, re-sends) goes through coordination's projection, and every figure of the
 * board is compared with a recomputation from the list of events; the same events in another
 * order must give the same read model. Exit 0 when every seed agrees, 1 on a difference.
 */
export function checkCommand(check: SeedChecker = checkSeed): Command {
  return new Command('check')
    .description(
      text({ vi: 'Đối chiếu số liệu (ADR 0010): các luồng sự kiện sinh từ hạt giống đi qua phép chiếu của dịch vụ điều phối, mọi số liệu của bảng theo dõi (chỉ tiêu, theo địa bàn, cấp kế hoạch, phễu chuyển gửi theo cặp cơ quan và địa bàn, số lũy kế từng quý, tên cơ quan) được so với số tính lại từ sự kiện, và bản phát lại với bản đang chạy; thoát mã 1 ở số liệu khác nhau đầu tiên của bất kỳ hạt giống nào', en: "Đối chiếu số liệu / the figures oracle (ADR 0010): seeded event streams through coordination's projection, every figure of the board (targets, per area, plan level, funnel per agency pair and area, each quarter's cumulative values, body names) against a recomputation from the events, and replay against live; exit 1 on the first differing figure of any seed" }),
    )
    .option('--seeds <n>', text({ vi: 'số hạt giống', en: 'how many seeds' }), String(DEFAULT_SEEDS))
    .option('--from-seed <s>', text({ vi: 'hạt giống đầu tiên', en: 'the first seed' }), '1')
    .option('--events <n>', text({ vi: 'số sự kiện của các cơ quan cho mỗi hạt giống', en: 'agency events per seed' }), String(DEFAULT_EVENTS))
    .option('--json', text({ vi: 'in bản tóm tắt dạng JSON ra stdout', en: 'print the summary as JSON on stdout' }))
    .action(async (options: CheckCommandOptions) => {
      const settings = settingsOf(options);
      const summary = await runCheck(settings, check, process.stderr.isTTY === true);
      process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
      if (summary.failed.length > 0) process.exitCode = 1;
    });
}

function settingsOf(options: CheckCommandOptions): CheckSettings {
  return {
    seeds: integer('--seeds', options.seeds, 1, MAX_SEEDS),
    fromSeed: integer('--from-seed', options.fromSeed, 0, 2 ** 31),
    events: integer('--events', options.events, MIN_EVENTS, MAX_EVENTS),
  };
}

function integer(option: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${option}: phải là số nguyên từ ${min} đến ${max} / must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** What checks one seed: the real one, or a stand-in in a test of the command itself. */
export type SeedChecker = (seed: number, options: CheckOptions) => Promise<SeedResult>;

async function runCheck(settings: CheckSettings, check: SeedChecker, tty: boolean): Promise<CheckSummary> {
  const started = performance.now();
  const summary: CheckSummary = { fromSeed: settings.fromSeed, seeds: settings.seeds, eventsPerSeed: settings.events, eventsFed: 0, agreed: 0, failed: [], seconds: 0 };
  const progress = progressOf(settings, tty);
  try {
    for (let seed = settings.fromSeed; seed < settings.fromSeed + settings.seeds; seed++) {
      const result = await check(seed, { events: settings.events });
      summary.eventsFed += result.events;
      const first = result.differences[0];
      if (first) {
        const text = describeDifference(first);
        summary.failed.push({ seed, differences: result.differences.length, first, text, all: result.differences.slice(0, 50) });
        progress.log(`check: ${text}`);
      } else summary.agreed++;
      progress.update(seed - settings.fromSeed + 1, summary.failed.length);
    }
  } finally {
    progress.stop();
  }
  summary.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
  return summary;
}

interface Progress {
  update(done: number, failed: number): void;
  log(line: string): void;
  stop(): void;
}

/** A bar on a terminal; otherwise a line every PLAIN_PROGRESS_EVERY seeds (CI, a pipe, a log). Differences as they are found. */
function progressOf(settings: CheckSettings, tty: boolean): Progress {
  if (tty) {
    const bar = new cliProgress.SingleBar(
      { format: 'Đối chiếu / checking [{bar}] {value}/{total} seeds | {failed} khác / differ | {eta_formatted}', stream: process.stderr, hideCursor: true, fps: 5 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(settings.seeds, 0, { failed: 0 });
    return {
      update: (done, failed) => bar.update(done, { failed }),
      // Above the bar, which redraws below it.
      log: (line) => process.stderr.write(`\r\x1b[K${line}\n`),
      stop: () => bar.stop(),
    };
  }
  const line = (text: string) => process.stderr.write(`${text}\n`);
  let printed = 0;
  return {
    update: (done, failed) => {
      if (done - printed >= PLAIN_PROGRESS_EVERY || done === settings.seeds) {
        printed = done;
        line(`check: ${done}/${settings.seeds} seeds, ${failed} differ`);
      }
    },
    log: line,
    stop: () => undefined,
  };
}

function formatSummary(summary: CheckSummary): string {
  const last = summary.fromSeed + summary.seeds - 1;
  const lines = [
    `Đối chiếu / checked seeds ${summary.fromSeed}-${last}: ${summary.eventsPerSeed} sự kiện / events each (${summary.eventsFed} fed with re-sends), ${summary.seconds} s`,
  ];
  if (summary.failed.length === 0) lines.push(`Khớp / all ${summary.agreed} seeds agree: the board shows what the events say`);
  else {
    lines.push(`KHÁC / ${summary.failed.length} of ${summary.seeds} seeds differ (first differing figure of each):`);
    for (const failure of summary.failed) lines.push(`  ${failure.text}${failure.differences > 1 ? ` (+${failure.differences - 1} more)` : ''}`);
    lines.push(`Rerun one seed: npx lienganh check --from-seed <seed> --seeds 1 --events ${summary.eventsPerSeed} --json`);
  }
  return `${lines.join('\n')}\n`;
}
