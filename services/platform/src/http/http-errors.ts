import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import { ContractError } from '@lienganh/contracts';
import type { NextFunction, Request, Response } from 'express';
import { ConflictingDuplicateError } from '../ingestion/duplicate-guard.js';
import { OutboxFailedError } from '../publishing/outbox.js';
import { PseudonymisationUnavailableError } from '../ingestion/record-keys.js';

/** The one shape of every error response: a code, a bilingual message, and the issues if any. */
export interface ErrorBody {
  error: string;
  message: string;
  issues?: readonly { path: string; message: string }[];
}

/** A request refused with a 4xx: what a log may say of it (the fields named, never their values). */
export interface Refusal {
  method: string;
  path: string;
  status: number;
  error: string;
  fields: string[];
}

/** Maps every error to a clear JSON answer; never a stack trace, never an internal message. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly onUnexpected: (error: unknown) => void = () => undefined,
    private readonly onRefused?: (refusal: Refusal) => void,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const [status, body, headers] = describeError(error);
    // A refusal by an outbox that cannot write is expected and logged by the publisher, not once per request here.
    if (status >= 500 && !(error instanceof OutboxFailedError)) this.onUnexpected(error);
    if (status >= 400 && status < 500) this.onRefused?.(refusalOf(host.switchToHttp().getRequest<Request>(), status, body));
    if (headers) response.set(headers);
    response.status(status).json(body);
  }
}

/** A refusal the client may retry after a while (429, 503): the answer says when, in `Retry-After`. */
export class RetryLaterException extends HttpException {
  constructor(
    status: 429 | 503,
    body: ErrorBody,
    readonly retryAfterSeconds: number,
  ) {
    super(body, status);
  }
}

/** The status, the body, and headers the answer needs (`Retry-After`). */
export function describeError(error: unknown): [number, ErrorBody, Record<string, string>?] {
  if (error instanceof ContractError) {
    return [400, { error: 'invalid-event', message: 'Sự kiện không hợp lệ / invalid event', issues: error.issues }];
  }
  if (error instanceof PseudonymisationUnavailableError) {
    // The request is well formed; this service lacks the key to take record keys (its configuration).
    const message = 'Dịch vụ không nhận mã hồ sơ khi chưa có khóa bí danh hóa / this service takes no record keys: it has no pseudonymisation key';
    return [422, { error: 'pseudonymisation-unavailable', message, issues: error.issues }];
  }
  if (error instanceof ConflictingDuplicateError) {
    // The same source + id as an event already taken, with another body: not a re-send, and not stored.
    const ids = error.ids.map((id) => `"${id}"`).join(', ');
    const message = `Đã nhận sự kiện cùng nguồn và id nhưng nội dung khác, không lưu gì / an event with the same source and id but a different body was already taken, nothing stored: ${ids}`;
    return [409, { error: 'conflicting-duplicate', message, issues: error.issues }];
  }
  if (error instanceof OutboxFailedError) {
    // The bus did not take the events and the outbox cannot write them: not kept, so not 202; it repairs itself.
    const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    const message = `Tạm thời không lưu được sự kiện, xin gửi lại sau ${seconds} giây / the events could not be kept (message bus unreachable, outbox cannot write), nothing accepted: retry in ${seconds} s`;
    return [503, { error: 'outbox-unavailable', message }, { 'Retry-After': String(seconds) }];
  }
  if (error instanceof RetryLaterException) {
    return [error.getStatus(), error.getResponse() as ErrorBody, { 'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) }];
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const body = typeof response === 'object' && response !== null && 'error' in response && 'message' in response
      ? (response as ErrorBody)
      : { error: codeFor(status), message: error.message };
    return [status, body];
  }
  const status = (error as { status?: unknown; type?: unknown }).status;
  const type = (error as { type?: unknown }).type;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // body-parser's errors: malformed JSON, too large, bad charset.
    if (type === 'entity.too.large') return [413, { error: 'payload-too-large', message: 'Dữ liệu quá lớn / request body too large' }];
    if (type === 'entity.parse.failed') return [400, { error: 'invalid-json', message: 'JSON không hợp lệ / body is not valid JSON' }];
    return [status, { error: codeFor(status), message: 'Yêu cầu không hợp lệ / bad request' }];
  }
  return [500, { error: 'internal', message: 'Lỗi hệ thống / internal error' }];
}

function refusalOf(request: Request, status: number, body: ErrorBody): Refusal {
  return { method: request.method, path: request.path, status, error: body.error, fields: [...new Set((body.issues ?? []).map((issue) => issue.path))] };
}

/** Express error middleware for what fails before Nest's routing (the body parser). */
export function expressErrorHandler(onUnexpected: (error: unknown) => void = () => undefined, onRefused?: (refusal: Refusal) => void) {
  return (error: unknown, request: Request, response: Response, _next: NextFunction): void => {
    const [status, body, headers] = describeError(error);
    if (status >= 500) onUnexpected(error);
    if (status >= 400 && status < 500) onRefused?.(refusalOf(request, status, body));
    if (headers) response.set(headers);
    response.status(status).json(body);
  };
}

function codeFor(status: number): string {
  const codes: Record<number, string> = {
    400: 'bad-request',
    401: 'unauthenticated',
    403: 'forbidden',
    404: 'not-found',
    405: 'method-not-allowed',
    413: 'payload-too-large',
    415: 'unsupported-media-type',
    429: 'too-many-requests',
  };
  return codes[status] ?? 'error';
}
