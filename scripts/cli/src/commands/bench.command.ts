import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { runNationalYear } from '../bench/national-year.js';
import { Reporter } from '../bench/progress.js';
import { runBench, type BenchOptions } from '../bench/run-bench.js';
import { formatNationalTable, formatTable } from '../bench/table.js';
import { UsageError } from '../usage-error.js';
import { text } from '../cli-language.js';

const FULL_EVENTS = 100_000;
const QUICK_EVENTS = 10_000;
const DEFAULT_RATE = 1_000;
/** The national year (issue #24): the country's events, and the provinces run (all 34; --quick 2 of 40,000). */
const NATIONAL_EVENTS = 2_000_000;
const QUICK_NATIONAL_EVENTS = 40_000;
const PROVINCES = 34;
const QUICK_PROVINCES = 2;

interface BenchCommandOptions {
  events?: string;
  rate?: string;
  json?: string;
  quick?: boolean;
  national?: boolean;
  provinces?: string;
}

/**
 * `lienganh bench`: the backbone side by side with raw JetStream, on this machine, against a
 * nats-server of its own (issue #9). Prints a table; `--json FILE` writes every figure.
 */
export function benchCommand(): Command {
  return new Command('bench')
    .description(text({ vi: 'Đo hệ thống trục so với JetStream thuần trên nats-server riêng: tiếp nhận, chiếu sự kiện, độ trễ đầu cuối, phát lại, bộ nhớ, quét thời hạn', en: 'Measure the backbone against raw JetStream on its own nats-server: ingest, projection, end-to-end latency, replay, memory, deadline scan' }))
    .option('--events <n>', text({ vi: `số sự kiện mỗi lần đo thông lượng (mặc định ${FULL_EVENTS.toLocaleString('vi')}; --quick ${QUICK_EVENTS.toLocaleString('vi')})`, en: `events per throughput measurement (default ${FULL_EVENTS.toLocaleString('en')}; --quick ${QUICK_EVENTS.toLocaleString('en')})` }))
    .option('--rate <r>', text({ vi: `tốc độ gửi khi đo độ trễ đầu cuối, sự kiện/giây (mặc định ${DEFAULT_RATE})`, en: `offered rate of the end-to-end latency measurement, events/s (default ${DEFAULT_RATE})` }))
    .option('--json <file>', text({ vi: 'ghi thêm mọi số đo (tên, giá trị, đơn vị) vào tệp JSON này', en: 'also write every figure (name, value, unit) to this JSON file' }))
    .option('--quick', text({ vi: 'vài giây mỗi phép đo (10 nghìn sự kiện, phát lại 10 nghìn, đo độ trễ ngắn): CI chạy chế độ này để phép đo luôn còn dùng được', en: 'a few seconds per measurement (10k events, replay of 10k, short latency run): what CI runs so that the bench never rots' }))
    .option('--national', text({ vi: 'thay vào đó: một năm của cả nước qua cấu trúc phân vùng (trạm trung tâm ba nút, mỗi tỉnh một điểm): --events là số sự kiện cả nước (mặc định 2.000.000)', en: "instead: a national year through the partitioned topology (a three-node hub, a site per province): --events is the country's events (default 2,000,000)" }))
    .option('--provinces <n>', text({ vi: `với --national: số tỉnh chạy, 1-34 (mặc định ${PROVINCES}; --quick ${QUICK_PROVINCES})`, en: `with --national: provinces run, 1-34 (default ${PROVINCES}; --quick ${QUICK_PROVINCES})` }))
    .action(async (options: BenchCommandOptions) => {
      if (options.national) {
        const quick = options.quick === true;
        const events = options.events === undefined ? (quick ? QUICK_NATIONAL_EVENTS : NATIONAL_EVENTS) : positiveInteger('--events', options.events);
        const provinces = options.provinces === undefined ? (quick ? QUICK_PROVINCES : PROVINCES) : positiveInteger('--provinces', options.provinces);
        if (provinces > PROVINCES) throw new UsageError(`--provinces: at most ${PROVINCES} (the provinces of the list of 1 July 2025), got ${provinces}`);
        if (options.json !== undefined && options.json.trim() === '') throw new UsageError('--json: a file name is needed');
        const result = await runNationalYear({ provinces, events }, new Reporter(process.stderr.isTTY === true));
        process.stdout.write(formatNationalTable(result));
        if (options.json) writeFileSync(resolve(options.json), `${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      if (options.provinces !== undefined) throw new UsageError('--provinces: only with --national');
      const benchOptions = optionsOf(options);
      const result = await runBench(benchOptions, process.stderr.isTTY === true);
      process.stdout.write(formatTable(result));
      if (options.json) writeFileSync(resolve(options.json), `${JSON.stringify(result, null, 2)}\n`);
    });
}

function optionsOf(options: BenchCommandOptions): BenchOptions {
  const quick = options.quick === true;
  const events = options.events === undefined ? (quick ? QUICK_EVENTS : FULL_EVENTS) : positiveInteger('--events', options.events);
  const rate = options.rate === undefined ? DEFAULT_RATE : positiveInteger('--rate', options.rate);
  if (options.json !== undefined && options.json.trim() === '') throw new UsageError('--json: a file name is needed');
  return { quick, events, rate };
}

function positiveInteger(name: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`${name}: phải là số nguyên dương / must be a positive integer, got "${value}"`);
  }
  return number;
}
