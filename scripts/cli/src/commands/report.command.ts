import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { AreaCode } from '@lienganh/contracts';
import { parsePeriod, PeriodError, REPORT_LANGUAGES } from '@lienganh/coordination';
import { Command } from 'commander';
import { DEFAULT_COORDINATION_URL } from '../plans/plan-import.js';
import { serviceEndpoint } from '../service-endpoint.js';
import { UsageError } from '../usage-error.js';
import { authorization, refusedLine, TOKEN_HELP, userToken } from '../user-token.js';
import { requiredOption } from '../required-option.js';
import { text } from '../cli-language.js';

const REPORT_PATH = '/api/v1/reports/periodic';
const FORMATS = ['docx', 'xlsx', 'csv'] as const;
const CSV_FORMS = ['semicolon', 'comma'] as const;
const ACCEPT: Record<(typeof FORMATS)[number], string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
};
const REQUEST_TIMEOUT_MS = 60_000;

interface ReportOptions {
  period: string;
  area?: string;
  plan?: string;
  format: string;
  number?: string;
  csv?: string;
  lang: string;
  out?: string;
  url?: string;
  token?: string;
}

/** `lienganh report`: the periodic report for Steering Committee 138, fetched from the running coordination service. */
export function reportCommand(): Command {
  return new Command('report')
    .description(
      text({ vi: 'Tải báo cáo định kỳ cho Ban Chỉ đạo 138 từ dịch vụ điều phối: văn bản DOCX (theo Nghị định 30/2020/NĐ-CP), phụ lục XLSX hoặc CSV', en: 'Tải báo cáo định kỳ cho Ban Chỉ đạo 138: văn bản DOCX (Nghị định 30/2020/NĐ-CP), phụ lục XLSX hoặc CSV / download the periodic report for Steering Committee 138: the document (DOCX, Decree 30/2020), its annex (XLSX) or CSV' }),
    )
    .addOption(requiredOption('--period <period>', text({ vi: 'kỳ báo cáo: tháng 2021-05, quý 2021-Q2, 6 tháng 2021-H1, năm 2021', en: 'tháng / month 2021-05, quý / quarter 2021-Q2, 6 tháng / half-year 2021-H1, năm / year 2021' })))
    .option('--area <code>', text({ vi: 'mã quận/huyện hoặc phường/xã, vd. hn-ba-dinh (mặc định: địa bàn của kế hoạch)', en: "district or ward code, e.g. hn-ba-dinh (default: the plan's area)" }))
    .option('--plan <id>', text({ vi: 'kế hoạch, khi nhiều kế hoạch cùng áp dụng cho địa bàn trong kỳ', en: 'the plan, when several cover the area in the period' }))
    .option('--format <format>', text({ vi: 'docx (văn bản), xlsx (phụ lục) hoặc csv', en: 'docx (văn bản / the document), xlsx (phụ lục / the annex) or csv' }), 'xlsx')
    .option('--number <number>', text({ vi: 'số văn bản, vd. 12 của "Số: 12/BC-BCĐ138" (mặc định: để dấu chấm, điền tay sau)', en: 'số văn bản, vd. 12 của "Số: 12/BC-BCĐ138" / the document number (default: dots to fill in)' }))
    .option('--csv <form>', text({ vi: 'semicolon (";" và dấu phẩy thập phân, cho Excel tiếng Việt; mặc định với --lang vi) hoặc comma ("," và dấu chấm thập phân; mặc định với --lang en)', en: 'semicolon (";" và dấu phẩy thập phân, Excel tiếng Việt / for Vietnamese Excel; default with --lang vi) or comma ("," and a decimal point; default with --lang en)' }))
    .option('--lang <lang>', text({ vi: 'ngôn ngữ của báo cáo: vi (tiếng Việt, văn bản chính thức) hoặc en (bản tiếng Anh)', en: 'the language of the report: vi (Vietnamese, the official document) or en (the English version)' }), 'vi')
    .option('--out <file>', text({ vi: 'nơi ghi (một tệp hoặc một thư mục); mặc định: tên do dịch vụ đặt, trong thư mục hiện tại', en: 'where to write it (a file, or a folder); default: the name the service gives, in the current folder' }))
    .option('--url <url>', text({ vi: `dịch vụ điều phối (mặc định: $LIENGANH_COORDINATION_URL, nếu không có thì http://127.0.0.1:$COORDINATION_PORT, nếu không có nữa thì ${DEFAULT_COORDINATION_URL})`, en: `the coordination service (default: $LIENGANH_COORDINATION_URL, else http://127.0.0.1:$COORDINATION_PORT, else ${DEFAULT_COORDINATION_URL})` }))
    .option('--token <token>', text(TOKEN_HELP))
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
    response = await fetch(request.url, { headers: { accept: `${ACCEPT[request.format]}, application/json`, ...authorization(token) }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
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
  if (!(FORMATS as readonly string[]).includes(options.format)) throw new UsageError(`--format: phải là / must be ${FORMATS.join(', ')}`);
  if (options.number !== undefined && !/^[0-9]{1,6}$/.test(options.number)) throw new UsageError('--number: số văn bản là 1-6 chữ số / the document number is 1-6 digits');
  if (options.csv !== undefined && !(CSV_FORMS as readonly string[]).includes(options.csv)) throw new UsageError(`--csv: phải là / must be ${CSV_FORMS.join(' or ')}`);
  if (!(REPORT_LANGUAGES as readonly string[]).includes(options.lang)) throw new UsageError(`--lang: phải là / must be ${REPORT_LANGUAGES.join(' or ')}`);
  const endpoint = serviceEndpoint(options.url || defaultCoordinationUrl(), REPORT_PATH);
  const url = new URL(endpoint);
  url.searchParams.set('period', options.period.trim());
  if (options.area !== undefined) url.searchParams.set('area', options.area);
  if (options.plan !== undefined) url.searchParams.set('plan', options.plan);
  url.searchParams.set('format', options.format);
  if (options.number !== undefined) url.searchParams.set('number', options.number);
  if (options.format === 'csv' && options.csv !== undefined) url.searchParams.set('csv', options.csv);
  if (options.lang !== 'vi') url.searchParams.set('lang', options.lang);
  return { url: url.toString(), endpoint, format: options.format as (typeof FORMATS)[number] };
}

/**
 * Where the service is when no `--url` is given: `LIENGANH_COORDINATION_URL`, else the port `npm start`
 * was told with `COORDINATION_PORT` (the same shell usually runs both), else 8080.
 */
function defaultCoordinationUrl(): string {
  const url = process.env.LIENGANH_COORDINATION_URL?.trim();
  if (url) return url;
  const port = process.env.COORDINATION_PORT?.trim();
  if (!port) return DEFAULT_COORDINATION_URL;
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65_535) throw new UsageError('COORDINATION_PORT: không phải cổng / not a port (1-65535)');
  return `http://127.0.0.1:${Number(port)}`;
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

const defaultName = (options: ReportOptions, format: string) => `bao-cao-${options.period.trim()}${options.area ? `-${options.area}` : ''}${options.lang === 'vi' ? '' : `-${options.lang}`}.${format}`;

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
