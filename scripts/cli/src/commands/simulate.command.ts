import { randomInt } from 'node:crypto';
import { AGENCY_SERVICES, type AgencyService, type BusEvent } from '@lienganh/contracts';
import { loadAgencyKeys, MAX_BATCH_SIZE } from '@lienganh/platform';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { createRecordGenerator } from '../simulation/record-generator.js';
import { UsageError } from '../usage-error.js';
import { serviceEndpoint } from '../service-endpoint.js';
import { requiredOption } from '../required-option.js';
import { text } from '../cli-language.js';

/** The ports `npm start` gives the agency services (`<AGENCY>_PORT` changes one). */
const DEFAULT_PORTS: Record<AgencyService, number> = { labour: 8081, police: 8082, health: 8083, culture: 8084, justice: 8085 };
/** Requests in flight at once: enough to keep a service busy, few enough not to drown it. */
const IN_FLIGHT = 8;
const REQUEST_TIMEOUT_MS = 60_000;
const KEPT_ERRORS = 5;

interface SimulateOptions {
  agency: string;
  count: string;
  rate?: string;
  url?: string;
  key?: string;
  batch: string;
  seed?: string;
  json?: boolean;
}

interface SimulationPlan {
  agency: AgencyService;
  count: number;
  batch: number;
  seed: number;
  rate: number | undefined;
  endpoint: string;
  key: string;
}

export interface SimulationSummary {
  agency: AgencyService;
  url: string;
  seed: number;
  count: number;
  batch: number;
  /** Events the service answered for: accepted + refused. */
  sent: number;
  accepted: number;
  refused: number;
  /** The first few answers other than 202. */
  errors: string[];
  /** Set when the service could not be reached: the run stopped there, the rest unsent. */
  unreachable?: string;
  seconds: number;
  eventsPerSecond: number;
}

export function simulateCommand(): Command {
  return new Command('simulate')
    .description(text({ vi: 'Gửi các bản ghi sát thực tế của một cơ quan tới dịch vụ của cơ quan đó: phường, cơ sở kinh doanh, tụ điểm, người mang mã bí danh, vụ án và chuyển gửi của Ba Đình trong năm 2021', en: "Post realistic records of one agency to its service: Ba Đình's wards, businesses, hotspots, pseudonymous people, cases and referrals over 2021" }))
    .addOption(requiredOption('--agency <agency>', text({ vi: `một trong các cơ quan ${AGENCY_SERVICES.join(', ')}`, en: `one of ${AGENCY_SERVICES.join(', ')}` })))
    .addOption(requiredOption('--count <n>', text({ vi: 'số sự kiện', en: 'how many events' })))
    .option('--rate <r>', text({ vi: 'tối đa bấy nhiêu sự kiện mỗi giây', en: 'at most this many events per second' }))
    .option('--url <url>', text({ vi: 'địa chỉ dịch vụ của cơ quan (mặc định http://127.0.0.1:<AGENCY>_PORT, labour 8081 … justice 8085)', en: "the agency service's address (default http://127.0.0.1:<AGENCY>_PORT, labour 8081 … justice 8085)" }))
    .option('--key <key>', text({ vi: 'khóa của cơ quan (mặc định: khóa demo của cơ quan trong .data/demo-credentials.json, do npm start ghi)', en: "the agency's key (default: its demo key in .data/demo-credentials.json, written by npm start)" }))
    .option('--batch <b>', text({ vi: `số sự kiện mỗi yêu cầu, 1-${MAX_BATCH_SIZE}`, en: `events per request, 1-${MAX_BATCH_SIZE}` }), '1')
    .option('--seed <s>', text({ vi: 'cùng hạt giống cho cùng bản ghi (và các cơ quan dùng chung một hạt giống thì chuyển gửi cho nhau); mặc định: ngẫu nhiên', en: 'the same seed gives the same records (and several agencies with one seed refer to each other); default: random' }))
    .option('--json', text({ vi: 'in bản tóm tắt dạng JSON ra stdout', en: 'print the summary as JSON on stdout' }))
    .action(async (options: SimulateOptions) => {
      const plan = planOf(options);
      const summary = await simulate(plan, process.stderr.isTTY === true);
      process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
      if (summary.unreachable) process.stderr.write(`lienganh: ${summary.unreachable}\n`);
      if (summary.accepted < summary.count) process.exitCode = 1;
    });
}

// ---------------------------------------------------------------------------------------
// Options: every one is checked before anything is sent.

function planOf(options: SimulateOptions): SimulationPlan {
  const agency = agencyOf(options.agency);
  const batch = positiveInteger('--batch', options.batch);
  if (batch > MAX_BATCH_SIZE) throw new UsageError(`--batch: tối đa / at most ${MAX_BATCH_SIZE} events per request, got ${batch}`);
  return {
    agency,
    count: positiveInteger('--count', options.count),
    batch,
    seed: options.seed === undefined ? randomInt(1, 1_000_000) : seedOf(options.seed),
    rate: options.rate === undefined ? undefined : positiveNumber('--rate', options.rate),
    endpoint: endpointOf(agency, options.url),
    key: options.key ?? demoKeyOf(agency),
  };
}

function agencyOf(value: string): AgencyService {
  if (!(AGENCY_SERVICES as readonly string[]).includes(value)) {
    throw new UsageError(`--agency: cơ quan không hợp lệ / must be one of ${AGENCY_SERVICES.join(', ')}, got "${value}"`);
  }
  return value as AgencyService;
}

function positiveInteger(name: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`${name}: phải là số nguyên dương / must be a positive integer, got "${value}"`);
  }
  return number;
}

function positiveNumber(name: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new UsageError(`${name}: phải là số dương / must be a positive number, got "${value}"`);
  }
  return number;
}

function seedOf(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number > 0xffff_ffff) {
    throw new UsageError(`--seed: phải là số nguyên 0-4294967295 / must be an integer 0-4294967295, got "${value}"`);
  }
  return number;
}

/** `--url`, else the port `npm start` gives the agency; the events endpoint under it. */
function endpointOf(agency: AgencyService, url: string | undefined): string {
  return serviceEndpoint(url ?? `http://127.0.0.1:${portOf(agency)}`, '/api/v1/events');
}

function portOf(agency: AgencyService): number {
  const name = `${agency.toUpperCase()}_PORT`;
  const raw = process.env[name];
  if (raw === undefined) return DEFAULT_PORTS[agency];
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new UsageError(`${name} must be a port number, got "${raw}"`);
  return port;
}

function demoKeyOf(agency: AgencyService): string {
  let key: string | undefined;
  try {
    key = loadAgencyKeys()[agency];
  } catch (error) {
    throw new UsageError(`không đọc được khóa / cannot read the keys: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!key) {
    throw new UsageError(
      `không có khóa của ${agency} / no key for ${agency}: pass --key, or run npm start once (it writes the demo keys to .data/demo-credentials.json)`,
    );
  }
  return key;
}

// ---------------------------------------------------------------------------------------
// Posting: IN_FLIGHT workers take batches in turn; the run stops if the service is unreachable.

type Outcome = { kind: 'accepted' } | { kind: 'refused'; error: string } | { kind: 'unreachable'; error: string };

async function simulate(plan: SimulationPlan, showProgress: boolean): Promise<SimulationSummary> {
  const generator = createRecordGenerator(plan.agency, { seed: plan.seed, count: plan.count });
  const summary: SimulationSummary = {
    agency: plan.agency,
    url: plan.endpoint,
    seed: plan.seed,
    count: plan.count,
    batch: plan.batch,
    sent: 0,
    accepted: 0,
    refused: 0,
    errors: [],
    seconds: 0,
    eventsPerSecond: 0,
  };
  const bar = showProgress ? progressBar(plan.count) : undefined;
  const started = performance.now();
  const pace = pacer(plan.rate, started);
  let generated = 0;

  const nextBatch = (): { first: number; events: BusEvent[] } => {
    const first = generated;
    const events: BusEvent[] = [];
    while (events.length < plan.batch && generated < plan.count) {
      events.push(generator.next());
      generated++;
    }
    return { first, events };
  };

  const worker = async () => {
    while (!summary.unreachable) {
      const { first, events } = nextBatch();
      if (events.length === 0) return;
      await pace(first);
      if (summary.unreachable) return;
      tally(summary, events.length, await post(plan, events));
      bar?.update(summary.sent);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  bar?.stop();
  summary.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
  summary.eventsPerSecond = Math.round(summary.accepted / Math.max(summary.seconds, 0.001));
  return summary;
}

function tally(summary: SimulationSummary, events: number, outcome: Outcome): void {
  if (outcome.kind === 'unreachable') {
    summary.unreachable ??= outcome.error;
    return;
  }
  summary.sent += events;
  if (outcome.kind === 'accepted') summary.accepted += events;
  else {
    summary.refused += events;
    if (summary.errors.length < KEPT_ERRORS && !summary.errors.includes(outcome.error)) summary.errors.push(outcome.error);
  }
}

/** Spacing for --rate: the event at index i leaves no earlier than i / rate seconds after the start. */
function pacer(rate: number | undefined, started: number): (index: number) => Promise<void> {
  return async (index) => {
    if (!rate) return;
    const wait = started + (index / rate) * 1000 - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
}

/**
 * One request; Node's fetch keeps the connection alive between them. A network error is tried
 * once more (a kept-alive socket the server just closed), which is safe: a re-sent event (same
 * source + id, same body) is stored once.
 */
async function post(plan: SimulationPlan, events: BusEvent[], retry = true): Promise<Outcome> {
  try {
    const response = await fetch(plan.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${plan.key}` },
      body: JSON.stringify(plan.batch === 1 ? events[0] : events),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = await response.text();
    if (response.status === 202) return { kind: 'accepted' };
    return { kind: 'refused', error: `HTTP ${response.status} ${body.slice(0, 500)}` };
  } catch (error) {
    if (retry && !isTimeout(error)) return post(plan, events, false);
    return { kind: 'unreachable', error: `không kết nối được dịch vụ ${plan.agency} / cannot reach the ${plan.agency} service at ${plan.endpoint}: ${networkReason(error)}` };
  }
}

const isTimeout = (error: unknown) => error instanceof Error && error.name === 'TimeoutError';

function networkReason(error: unknown): string {
  if (isTimeout(error)) return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return reason === 'ECONNREFUSED' ? 'ECONNREFUSED (is it running? npm start)' : reason;
}

// ---------------------------------------------------------------------------------------
// Output.

function progressBar(total: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar(
    { format: 'Đang gửi / sending [{bar}] {value}/{total} | {eta_formatted}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

function formatSummary(summary: SimulationSummary): string {
  const lines = [
    `Mô phỏng / simulation: ${summary.agency}, seed ${summary.seed} → ${summary.url}`,
    `Đã gửi / sent:          ${summary.sent}/${summary.count}`,
    `Được nhận / accepted:   ${summary.accepted}`,
    `Bị từ chối / refused:   ${summary.refused}`,
    `Thời gian / duration:   ${summary.seconds} s (${summary.eventsPerSecond} sự kiện/giây / events/s)`,
  ];
  if (summary.errors.length > 0) lines.push('Lỗi / errors:', ...summary.errors.map((error) => `  ${error}`));
  return `${lines.join('\n')}\n`;
}
