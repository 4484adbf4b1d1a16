import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { NextFunction, Request, Response } from 'express';
import { contextOfRequest } from './trace-context.js';
import { tracer } from './tracing.js';

/**
 * Express middleware giving each request a server span (`POST /api/v1/events`), a child of the
 * caller's `traceparent` when it sends one. Request and response emitters are bound to the span's
 * context, so that the body parser's callbacks, the controller and the publisher it calls all run
 * inside it. Installed only while tracing is on. No query string: it may name a person's area.
 */
export function traceRequests(request: Request, response: Response, next: NextFunction): void {
  const method = request.method;
  const parent = contextOfRequest(request.headers);
  const span = tracer().startSpan(
    method,
    { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: request.path, [ATTR_URL_SCHEME]: request.protocol } },
    parent,
  );
  const active = trace.setSpan(parent, span);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    // Express knows the route only once a handler matched it: the span is named then.
    const route = (request.route as { path?: unknown } | undefined)?.path;
    if (typeof route === 'string') {
      const full = `${request.baseUrl}${route}`;
      span.setAttribute(ATTR_HTTP_ROUTE, full);
      span.updateName(`${method} ${full}`);
    }
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  response.once('finish', end);
  response.once('close', end);
  context.bind(active, request);
  context.bind(active, response);
  context.with(active, next);
}
