import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { traceRequests } from '../telemetry/http-spans.js';
import type { Logger } from '../telemetry/logger.js';
import { serveMetrics } from '../telemetry/metrics.js';
import { metricsAccess } from '../telemetry/metrics-access.js';
import { tracingEnabled } from '../telemetry/tracing.js';
import { expressErrorHandler, HttpErrorFilter, type Refusal } from './http-errors.js';
import { rateLimitFromEnv, withRateLimit, type RateLimit, type UserOfRequest } from './rate-limit.js';
import { trustProxyFromEnv, type TrustProxy } from './trust-proxy.js';

export interface HttpAppOptions {
  /** Largest accepted request body; larger ones get 413. */
  bodyLimit?: string;
  logger?: LoggerService | false;
  onUnexpectedError?: (error: unknown) => void;
  /** Every request refused with a 4xx (a refused event…): the fields named, never their values; for the log. */
  onRefused?: (refusal: Refusal) => void;
  /** Requests per client per window (429 beyond); `false`: none. Default: `LIENGANH_RATE_LIMIT`, `LIENGANH_RATE_LIMIT_WINDOW_MS`. */
  rateLimit?: RateLimit | false;
  /** The signed-in user of a request (coordination): the rate limit counts per user. */
  userOf?: UserOfRequest;
  /** The proxies whose X-Forwarded-* headers say who the client is and whether it used HTTPS. Default: `TRUST_PROXY`; none when unset. */
  trustProxy?: TrustProxy;
}

/**
 * Logs each refused request at info, the fields it named but never their values (they may be
 * the personal data that got it refused): what an operator looks at when a system says "400".
 */
export function logRefusals(logger: Pick<Logger, 'info'>): (refusal: Refusal) => void {
  return (refusal) => {
    const what = refusal.method === 'POST' && refusal.path.endsWith('/events') ? 'sự kiện bị từ chối / event refused' : 'yêu cầu bị từ chối / request refused';
    const fields = refusal.fields.length > 0 ? `: ${refusal.fields.join(', ')}` : '';
    logger.info({ refusal }, `${what} (${refusal.status} ${refusal.error}) ${refusal.method} ${refusal.path}${fields}`);
  };
}

/**
 * JSON types an agency system may send: plain JSON (a structured event or a batch without their
 * own media type, or the data of a binary-mode event), a structured CloudEvent, a batch. Media
 * type parameters (`; charset=utf-8`) are allowed.
 */
const JSON_TYPES = ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'];

/**
 * A NestJS HTTP application with the edge every service needs: bounded JSON bodies, a rate
 * limit per client (`rate-limit.ts`), errors as JSON without stack traces (also for bodies that
 * fail to parse), no framework banner.
 */
export async function createHttpApp(module: unknown, options: HttpAppOptions = {}): Promise<INestApplication> {
  const rateLimit = options.rateLimit ?? rateLimitFromEnv();
  const trustProxy = options.trustProxy ?? trustProxyFromEnv();
  const root = rateLimit ? await withRateLimit(module as never, rateLimit, options.userOf) : module;
  const app = await NestFactory.create<NestExpressApplication>(root as never, {
    bodyParser: false,
    logger: options.logger ?? false,
  });
  app.disable('x-powered-by');
  // Behind a TLS proxy: request.secure and request.ip as the proxy forwarded them (Secure cookies, per-client limits).
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  // First, so that the server span covers everything below; only while tracing is on.
  if (tracingEnabled()) app.use(traceRequests);
  // Security headers (CSP, no sniffing, no framing, HSTS…); the dashboard loads only its own scripts
  // and styles (no inline style, no other origin: it sets styles through the CSSOM).
  // Served over plain HTTP inside an agency's network too: no forced upgrade of its requests to HTTPS.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, styleSrc: ["'self'"], fontSrc: ["'self'"], frameAncestors: ["'none'"] } } }));
  // GET /metrics (Prometheus), before any body handling: with LIENGANH_METRICS_TOKEN as a bearer token, else from this host only.
  app.use(metricsAccess(), serveMetrics);
  app.use(refuseNonJsonBodies);
  app.use(express.json({ limit: options.bodyLimit ?? '1mb', type: JSON_TYPES, strict: false }));
  app.use(expressErrorHandler(options.onUnexpectedError, options.onRefused));
  app.useGlobalFilters(new HttpErrorFilter(options.onUnexpectedError, options.onRefused));
  return app;
}

/**
 * A body the service cannot read gets 415 naming what it takes, rather than a 400 about an empty
 * event; so does a charset other than UTF-8 (JSON is UTF-8, RFC 8259), named when it is a plain
 * token, rather than a body decoded into something the sender did not write.
 */
function refuseNonJsonBodies(request: Request, response: Response, next: NextFunction): void {
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return next();
  if (!request.is(JSON_TYPES)) {
    response.status(415).json({ error: 'unsupported-media-type', message: `Chỉ nhận JSON / only ${JSON_TYPES.join(', ')} bodies are accepted` });
    return;
  }
  const charset = charsetOf(request.headers['content-type']);
  if (charset === undefined || charset.toLowerCase() === 'utf-8') return next();
  const named = /^[A-Za-z0-9._:-]{1,40}$/.test(charset) ? `charset "${charset}"` : 'this charset';
  response.status(415).json({
    error: 'unsupported-media-type',
    message: `Chỉ nhận mã hóa UTF-8 / ${named} is not accepted: JSON bodies are UTF-8 (charset=utf-8 or none)`,
    issues: [{ path: 'headers.content-type', message: 'charset must be utf-8' }],
  });
}

/** The `charset` parameter of a Content-Type (unquoted), undefined when there is none. */
function charsetOf(contentType: string | undefined): string | undefined {
  for (const parameter of (contentType ?? '').split(';').slice(1)) {
    const [name, ...value] = parameter.split('=');
    if (name!.trim().toLowerCase() === 'charset') return value.join('=').trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}
