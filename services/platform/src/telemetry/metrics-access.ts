import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Who may read `GET /metrics`: with `LIENGANH_METRICS_TOKEN` set, whoever presents it as
 * `Authorization: Bearer <token>` (401 otherwise); without it, only a client on this host (a
 * loopback address, not forwarded by a proxy; 403 otherwise). The metrics name agencies,
 * consumers and alert counts: not for anyone who reaches the port. Deployments send them to the
 * collector by OTLP and need neither.
 */
export function metricsAccess(env: NodeJS.ProcessEnv = process.env): RequestHandler {
  const token = env.LIENGANH_METRICS_TOKEN?.trim() || undefined;
  const expected = token === undefined ? undefined : digest(token);
  return (request: Request, response: Response, next: NextFunction): void => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.path !== '/metrics') return next();
    response.setHeader('Cache-Control', 'no-store');
    if (expected) {
      const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
      if (presented !== undefined && timingSafeEqual(digest(presented), expected)) return next();
      response.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      response.status(401).json({ error: 'unauthenticated', message: 'Cần mã đọc số liệu / /metrics needs the metrics token (Authorization: Bearer …)' });
      return;
    }
    if (isLoopback(request.socket.remoteAddress) && !forwarded(request)) return next();
    response.status(403).json({ error: 'forbidden', message: 'Chỉ đọc từ máy chủ này / /metrics answers only this host unless LIENGANH_METRICS_TOKEN is set' });
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** 127.0.0.0/8, ::1 and their IPv4-mapped form. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1' || plain === '0:0:0:0:0:0:0:1';
}

/** A request a proxy on this host passed on comes from loopback too: it says so in these headers. */
function forwarded(request: Request): boolean {
  return request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined || request.headers['x-real-ip'] !== undefined;
}
