import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { AreaCode } from '@lienganh/contracts';
import { parsePeriod, PeriodError } from '@lienganh/coordination';
import { Command } from 'commander';
import { DEFAULT_COORDINATION_URL } from '../plans/plan-import.js';
import { serviceEndpoint } from '../service-endpoint.js';
import { UsageError } from '../usage-error.js';
import { authorization, refusedLine, TOKEN_HELP, userToken } from '../user-token.js';

const REPORT_PATH = '/api/v1/reports/periodic';
const FORMATS = ['xlsx', 'csv'] as const;
const REQUEST_TIMEOUT_MS = 60_000;

interface ReportOptions {
  period: string;
  area?: string;
  plan?: string;
  format: string;
  out?: string;
  url?: string;
  token?: string;
}

/** `lienganh report`: the periodic report for Steering Committee 138, fetched from the running coordination service. */
export function reportCommand(): Command {
  return new Command('report')
    .description('Download the periodic report (báo cáo định kỳ) for Steering Committee 138 as XLSX or CSV: per agency targets, achieved in the period, tasks, referrals, missing reports')
    .requiredOption('--period <period>', 'tháng / month 2021-05, quý / quarter 2021-Q2, 6 tháng / half-year 2021-H1, năm / year 2021')
    .option('--area <code>', "district or ward code, e.g. hn-ba-dinh (default: the plan's area)")
    .option('--plan <id>', 'the plan, when several cover the area in the period')
    .option('--format <format>', FORMATS.join(' or '), 'xlsx')
    .option('--out <file>', 'where to write it (a file, or a folder); default: the name the service gives, in the current folder')
    .option('--url <url>', `the coordination service (default: $LIENGANH_COORDINATION_URL, else ${DEFAULT_COORDINATION_URL})`)
    .option('--token <token>', TOKEN_HELP)
    .action(async (options: ReportOptions) => {
      process.exitCode = await downloadReport(options);
    });
}

/** Fetches and writes the report; returns the exit code (0 written, 1 failure, 2 bad input). */
async function downloadReport(options: ReportOptions): Promise<number> {
  const request = requestOf(options);
  const token = userToken(options.token);
  const fail = (line: string) => process.stderr.write(`lienganh: ${line}\n`);
  let response: Response;
  let content: Buffer;
  try {
    response = await fetch(request.url, { headers: { accept: `${request.format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv'}, application/json`, ...authorization(token) }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    content = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    fail(`không kết nối được dịch vụ điều phối / cannot reach the coordination service at ${request.endpoint}: ${networkReason(error)}`);
    return 1;
  }
  if (response.status !== 200) {
    const body = parseJson(content.toString('utf8'));
    const message = typeof body?.message === 'string' ? body.message : content.toString('utf8').slice(0, 500);
    if (response.status === 401 || response.status === 403) {
      fail(refusedLine(response.status, message, token));
      return 2;
    }
    fail(`dịch vụ điều phối trả lời / the coordination service answered HTTP ${response.status}${message ? `: ${message}` : ''}`);
    if (Array.isArray(body?.issues)) for (const issue of body.issues as { path?: string; message?: string }[]) fail(`  ${issue.path ?? ''}: ${issue.message ?? ''}`);
    if (Array.isArray(body?.plans)) fail(`  kế hoạch / plans: ${(body.plans as string[]).join(', ')} (--plan)`);
    // The service refused what was asked (bad period or area, no plan there, several plans): bad input.
    return response.status >= 400 && response.status < 500 && body ? 2 : 1;
  }
  const target = outputPath(options.out, fileNameOf(response.headers.get('content-disposition')) ?? defaultName(options, request.format));
  try {
    writeFileSync(target, content);
  } catch (error) {
    fail(`không ghi được tệp / cannot write ${target}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  process.stdout.write(`Đã ghi báo cáo / report written: ${target} (${content.length} bytes)\n`);
  return 0;
}

/** Every option checked before anything is sent: a bad one is bad usage (exit 2). */
function requestOf(options: ReportOptions): { url: string; endpoint: string; format: (typeof FORMATS)[number] } {
  try {
    parsePeriod(options.period);
  } catch (error) {
    if (error instanceof PeriodError) throw new UsageError(`--period: ${error.message}`);
    throw error;
  }
  if (options.area !== undefined && !AreaCode.safeParse(options.area).success) throw new UsageError('--area: mã địa bàn không hợp lệ / not an area code such as hn-ba-dinh');
  if (options.plan !== undefined && options.plan.trim() === '') throw new UsageError('--plan: không được để trống / must not be empty');
  if (!(FORMATS as readonly string[]).includes(options.format)) throw new UsageError(`--format: phải là / must be ${FORMATS.join(' or ')}`);
  const endpoint = serviceEndpoint(options.url || process.env.LIENGANH_COORDINATION_URL || DEFAULT_COORDINATION_URL, REPORT_PATH);
  const url = new URL(endpoint);
  url.searchParams.set('period', options.period.trim());
  if (options.area !== undefined) url.searchParams.set('area', options.area);
  if (options.plan !== undefined) url.searchParams.set('plan', options.plan);
  url.searchParams.set('format', options.format);
  return { url: url.toString(), endpoint, format: options.format as (typeof FORMATS)[number] };
}

/** `--out` as given; a folder gets the file name inside it; no `--out`: the name in the current folder. */
function outputPath(out: string | undefined, name: string): string {
  if (!out) return resolve(name);
  const path = resolve(out);
  return existsSync(path) && statSync(path).isDirectory() ? join(path, name) : path;
}

/** The file name of `attachment; filename="…"`, without any folder part. */
function fileNameOf(disposition: string | null): string | undefined {
  const match = disposition ? /filename="?([^";]+)"?/i.exec(disposition) : null;
  const name = match ? basename(match[1]!.trim()) : '';
  return name && name !== '.' && name !== '..' ? name : undefined;
}

const defaultName = (options: ReportOptions, format: string) => `bao-cao-${options.period.trim()}${options.area ? `-${options.area}` : ''}.${format}`;

function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `không có trả lời / no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return reason === 'ECONNREFUSED' ? 'ECONNREFUSED (is it running?)' : reason;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
