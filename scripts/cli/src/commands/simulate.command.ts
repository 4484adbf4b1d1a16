import { AGENCY_SERVICES, type AgencyService, type BusEvent } from '@lienganh/contracts';
import { loadAgencyKeys } from '@lienganh/platform';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { createRecordGenerator } from '../simulation/record-generator.js';
import { UsageError } from '../usage-error.js';

const DEFAULT_PORTS: Record<AgencyService, number> = { labour: 8081, police: 8082, health: 8083, culture: 8084, justice: 8085 };
const IN_FLIGHT = 8;

interface SimulateOptions {
  agency: string;
  count: string;
  rate?: string;
  url?: string;
  key?: string;
  batch: string;
  seed: string;
  json?: boolean;
}

export interface SimulationSummary {
  agency: AgencyService;
  sent: number;
  accepted: number;
  refused: number;
  errors: string[];
  seconds: number;
  eventsPerSecond: number;
}

export function simulateCommand(): Command {
  return new Command('simulate')
    .description('Post realistic records of one agency to its service (demo data, load)')
    .requiredOption('--agency <agency>', `one of ${AGENCY_SERVICES.join(', ')}`)
    .requiredOption('--count <n>', 'how many events')
    .option('--rate <r>', 'at most this many events per second')
    .option('--url <url>', "the agency service's address (default http://127.0.0.1:<the agency's port>)")
    .option('--key <key>', "the agency's key (default: the demo key in .data/demo-credentials.json)")
    .option('--batch <b>', 'events per request', '1')
    .option('--seed <s>', 'seed of the generator: the same seed gives the same records', '1')
    .option('--json', 'print the summary as JSON')
    .action(async (options: SimulateOptions) => {
      const agency = parseAgency(options.agency);
      const count = positiveInteger('--count', options.count);
      const batch = positiveInteger('--batch', options.batch);
      const seed = positiveInteger('--seed', options.seed);
      const rate = options.rate === undefined ? undefined : positiveNumber('--rate', options.rate);
      const key = options.key ?? loadAgencyKeys()[agency];
      if (!key) throw new UsageError(`no key for ${agency}: pass --key, or run npm start once to write the demo keys`);
      const url = `${(options.url ?? `http://127.0.0.1:${process.env[`${agency.toUpperCase()}_PORT`] ?? DEFAULT_PORTS[agency]}`).replace(/\/$/, '')}/api/v1/events`;

      const summary = await simulate({ agency, count, batch, seed, rate, url, key, progress: !options.json && process.stderr.isTTY === true });
      if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else printSummary(summary);
      if (summary.refused > 0) process.exitCode = 1;
    });
}

async function simulate(plan: {
  agency: AgencyService;
  count: number;
  batch: number;
  seed: number;
  rate: number | undefined;
  url: string;
  key: string;
  progress: boolean;
}): Promise<SimulationSummary> {
  const generator = createRecordGenerator(plan.agency, plan.seed);
  const bar = plan.progress ? new cliProgress.SingleBar({ format: 'Đang gửi / sending [{bar}] {value}/{total} {eta_formatted}', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(plan.count, 0);
  const summary: SimulationSummary = { agency: plan.agency, sent: 0, accepted: 0, refused: 0, errors: [], seconds: 0, eventsPerSecond: 0 };
  const started = performance.now();
  let generated = 0;

  const nextBatch = (): BusEvent[] => {
    const events: BusEvent[] = [];
    while (events.length < plan.batch && generated < plan.count) {
      events.push(generator.next());
      generated++;
    }
    return events;
  };

  const worker = async () => {
    for (let events = nextBatch(); events.length > 0; events = nextBatch()) {
      if (plan.rate) {
        // Spacing: event n leaves no earlier than n / rate seconds after the start.
        const due = started + ((generated - events.length) / plan.rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      summary.sent += events.length;
      const outcome = await post(plan.url, plan.key, plan.batch === 1 ? events[0] : events);
      if (outcome.ok) summary.accepted += events.length;
      else {
        summary.refused += events.length;
        if (summary.errors.length < 5) summary.errors.push(outcome.error);
      }
      bar?.increment(events.length);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  bar?.stop();
  summary.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
  summary.eventsPerSecond = Math.round(summary.accepted / Math.max(summary.seconds, 0.001));
  return summary;
}

async function post(url: string, key: string, body: unknown): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return response.status === 202 ? { ok: true } : { ok: false, error: `${response.status} ${text.slice(0, 500)}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, error: `không kết nối được / unreachable: ${url}${cause ? ` (${cause})` : ''}` };
  }
}

function printSummary(summary: SimulationSummary): void {
  console.log(
    `Đã gửi / sent ${summary.sent}, được nhận / accepted ${summary.accepted}, bị từ chối / refused ${summary.refused} ` +
      `in ${summary.seconds} s (${summary.eventsPerSecond} events/s)`,
  );
  for (const error of summary.errors) console.log(`  ${error}`);
}

function parseAgency(value: string): AgencyService {
  if (!(AGENCY_SERVICES as readonly string[]).includes(value)) {
    throw new UsageError(`--agency must be one of ${AGENCY_SERVICES.join(', ')}, got "${value}"`);
  }
  return value as AgencyService;
}

function positiveInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`${name} must be a positive integer, got "${value}"`);
  return number;
}

function positiveNumber(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${name} must be a positive number, got "${value}"`);
  return number;
}
