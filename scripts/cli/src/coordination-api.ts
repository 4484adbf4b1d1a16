import type { Command } from 'commander';
import { DEFAULT_COORDINATION_URL } from './plans/plan-import.js';
import { serviceEndpoint } from './service-endpoint.js';
import { refusedLine, authorization, TOKEN_HELP, userToken } from './user-token.js';
import { text } from './cli-language.js';

const REQUEST_TIMEOUT_MS = 30_000;

/** The options every command that calls coordination's API takes. */
export interface Connection {
  url?: string;
  token?: string;
  json?: boolean;
}

export function withConnection(command: Command): Command {
  return command
    .option('--url <url>', text({ vi: `dịch vụ điều phối (mặc định: $LIENGANH_COORDINATION_URL, nếu không có thì ${DEFAULT_COORDINATION_URL})`, en: `the coordination service (default: $LIENGANH_COORDINATION_URL, else ${DEFAULT_COORDINATION_URL})` }))
    .option('--token <token>', text(TOKEN_HELP))
    .option('--json', text({ vi: 'in câu trả lời dạng JSON', en: 'print the answer as JSON' }));
}

/** `path` on the coordination service `--url` names (else `LIENGANH_COORDINATION_URL`, else the default). */
export function coordinationEndpoint(url: string | undefined, path: string): string {
  return serviceEndpoint(url || process.env.LIENGANH_COORDINATION_URL || DEFAULT_COORDINATION_URL, path).replace(/\/$/, '');
}

/** What coordination answered (status, parsed body, the token used), or why it could not be reached. */
export type Answer = { kind: 'answered'; status: number; body: any; token: string | undefined } | { kind: 'unreachable'; reason: string; endpoint: string };

export async function call(method: string, endpoint: string, tokenOption: string | undefined, body?: unknown): Promise<Answer> {
  const token = userToken(tokenOption);
  try {
    const response = await fetch(endpoint, {
      method,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...authorization(token) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    return { kind: 'answered', status: response.status, body: parsed, token };
  } catch (error) {
    return { kind: 'unreachable', reason: error instanceof Error ? error.message : String(error), endpoint };
  }
}

/** Prints the answer (Vietnamese first, English beside); the exit code: 0 done, 1 unreachable or failed, 2 bad input or refused. */
export function report(answer: Answer, json: boolean | undefined, line: (body: any) => string): number {
  if (answer.kind === 'unreachable') {
    process.stderr.write(`lienganh: không kết nối được dịch vụ điều phối / cannot reach the coordination service at ${answer.endpoint}: ${answer.reason}\n`);
    return 1;
  }
  const { status, body } = answer;
  if (status >= 200 && status < 300) {
    process.stdout.write(`${json ? JSON.stringify(body, null, 2) : line(body)}\n`);
    return 0;
  }
  if (status === 401 || status === 403) {
    process.stderr.write(`lienganh: ${refusedLine(status, body?.message, answer.token)}\n`);
    return 2;
  }
  const issues = Array.isArray(body?.issues) ? body.issues.map((issue: { path: string; message: string }) => `\n  ${issue.path || '(body)'}: ${issue.message}`).join('') : '';
  process.stderr.write(`lienganh: HTTP ${status}: ${body?.message ?? body?.error ?? ''}${issues}\n`);
  return status >= 400 && status < 500 ? 2 : 1;
}
