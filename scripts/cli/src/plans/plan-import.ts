import type { ContractIssue, Plan } from '@lienganh/contracts';
import { serviceEndpoint } from '../service-endpoint.js';
import { authorization, refusedLine } from '../user-token.js';

/** Where `npm start` will run the coordination service; `LIENGANH_COORDINATION_URL` or `--url` change it. */
export const DEFAULT_COORDINATION_URL = 'http://127.0.0.1:8080';
const PLANS_PATH = '/api/v1/plans';
const REQUEST_TIMEOUT_MS = 30_000;

/** What the coordination service answered to `POST /api/v1/plans`, or why it did not answer. */
export type ImportAnswer =
  | { kind: 'imported'; body: { planId: string; registered: { bodies: string[]; areas: string[] }; revision?: number; supersedes?: number } }
  | { kind: 'exists'; body: ServiceError }
  | { kind: 'invalid'; status: number; body: ServiceError & { issues: ContractIssue[] } }
  /** 401 (no or unknown token) or 403 (a user other than the secretariat). */
  | { kind: 'refused'; status: number; body: ServiceError; token: string | undefined }
  /** Any other answer (401, 404, 500, a body that is not JSON…); `body` is the JSON, if it was JSON. */
  | { kind: 'unexpected'; status: number; body: unknown; text: string }
  | { kind: 'unreachable'; reason: string };

interface ServiceError {
  error?: string;
  message?: string;
}

/** `--url`, else `LIENGANH_COORDINATION_URL`, else the default; the plans endpoint under it. Bad input exits 2. */
export function plansEndpoint(url: string | undefined): string {
  return serviceEndpoint(url || process.env.LIENGANH_COORDINATION_URL || DEFAULT_COORDINATION_URL, PLANS_PATH);
}

/** One POST of the parsed plan as the user of `token`; never retried (a second POST of the same plan would answer 409). */
export async function postPlan(endpoint: string, plan: Plan, token?: string): Promise<ImportAnswer> {
  let status: number;
  let text: string;
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...authorization(token) },
      body: JSON.stringify(plan),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    return { kind: 'unreachable', reason: networkReason(error) };
  }
  const body = parseJson(text);
  if (status === 201 && isObject(body) && typeof body.planId === 'string') {
    const registered = isObject(body.registered) ? body.registered : {};
    const revision = typeof body.revision === 'number' ? { revision: body.revision } : {};
    const supersedes = typeof body.supersedes === 'number' ? { supersedes: body.supersedes } : {};
    return { kind: 'imported', body: { ...body, planId: body.planId, registered: { bodies: strings(registered.bodies), areas: strings(registered.areas) }, ...revision, ...supersedes } };
  }
  if (status === 409 && isObject(body)) return { kind: 'exists', body };
  if (status === 401 || status === 403) return { kind: 'refused', status, body: isObject(body) ? body : {}, token };
  if (status >= 400 && status < 500 && isObject(body) && Array.isArray(body.issues)) {
    return { kind: 'invalid', status, body: { ...body, issues: body.issues.filter(isIssue) } };
  }
  return { kind: 'unexpected', status, body, text };
}

/** Prints the answer (Vietnamese first, English beside) and returns the exit code: 0 imported, 1 failure, 2 refused (invalid, or the user may not). */
export function reportImport(answer: ImportAnswer, endpoint: string, json: boolean): number {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const fail = (line: string) => process.stderr.write(`lienganh: ${line}\n`);
  if (answer.kind === 'unreachable') {
    fail(`không kết nối được dịch vụ điều phối / cannot reach the coordination service at ${endpoint}: ${answer.reason}`);
    return 1;
  }
  if (json && answer.body !== undefined) out(JSON.stringify(answer.body, null, 2));
  switch (answer.kind) {
    case 'imported': {
      const { planId, registered, revision, supersedes } = answer.body;
      if (!json) {
        // A new version of a known plan: it governs from its effectiveFrom, the earlier one stays in its history.
        if (supersedes !== undefined) out(`Đã nhập bản sửa đổi lần ${revision} / revision imported: ${planId}, revision ${revision} (thay bản ${supersedes} / supersedes ${supersedes})`);
        else out(`Đã nhập kế hoạch / plan imported: ${planId}`);
        out(`Cơ quan mới đăng ký / newly registered bodies: ${list(registered.bodies)}`);
        out(`Địa bàn mới đăng ký / newly registered areas: ${list(registered.areas)}`);
      }
      return 0;
    }
    case 'exists':
      if (!json) out(`Không nhập, kế hoạch đã có / not imported, the plan exists (HTTP 409): ${answer.body.message ?? answer.body.error ?? ''}`);
      return 1;
    case 'invalid':
      if (!json) {
        const why = answer.body.message ?? answer.body.error;
        out(`Dịch vụ điều phối từ chối / refused by the coordination service (HTTP ${answer.status})${why ? `: ${why}` : ''}`);
        for (const issue of answer.body.issues) out(`  ${issue.path || '(plan)'}: ${issue.message}`);
      }
      return 2;
    case 'refused':
      fail(refusedLine(answer.status, answer.body.message, answer.token));
      return 2;
    case 'unexpected': {
      const detail = isObject(answer.body) && typeof answer.body.message === 'string' ? answer.body.message : answer.text.slice(0, 500);
      fail(`dịch vụ điều phối trả lời / the coordination service at ${endpoint} answered HTTP ${answer.status}${detail ? `: ${detail}` : ''}`);
      return 1;
    }
  }
}

const list = (codes: string[]) => (codes.length ? `${codes.join(', ')} (${codes.length})` : 'không có / none');

function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `không có trả lời / no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return reason === 'ECONNREFUSED' ? 'ECONNREFUSED (is it running?)' : reason;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> & ServiceError {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIssue(value: unknown): value is ContractIssue {
  return isObject(value) && typeof value.path === 'string' && typeof value.message === 'string';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
