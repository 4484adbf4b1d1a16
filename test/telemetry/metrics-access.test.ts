import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Controller, Get, Module } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createHttpApp } from '../../services/platform/src/http/create-http-app.js';
import { isLoopback, metricsAccess } from '../../services/platform/src/telemetry/metrics-access.js';

/**
 * `/metrics` is not for anyone who reaches the port: with LIENGANH_METRICS_TOKEN set, only with
 * that bearer token; without it, only from this host (loopback, not through a proxy).
 */

@Controller('hello')
class HelloController {
  @Get()
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

const apps: INestApplication[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

async function start(env: Record<string, string | undefined>): Promise<string> {
  const saved = process.env.LIENGANH_METRICS_TOKEN;
  if (env.LIENGANH_METRICS_TOKEN === undefined) delete process.env.LIENGANH_METRICS_TOKEN;
  else process.env.LIENGANH_METRICS_TOKEN = env.LIENGANH_METRICS_TOKEN;
  try {
    const app = await createHttpApp(HelloModule, { rateLimit: false });
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  } finally {
    if (saved === undefined) delete process.env.LIENGANH_METRICS_TOKEN;
    else process.env.LIENGANH_METRICS_TOKEN = saved;
  }
}

/** What the middleware answers a request from `remoteAddress` (as a client on another host would be seen). */
function answer(handler: ReturnType<typeof metricsAccess>, remoteAddress: string, headers: Record<string, string> = {}): { status: number | 'next' } {
  let status: number | 'next' = 'next';
  const response = {
    setHeader: () => response,
    status: (code: number) => {
      status = code;
      return response;
    },
    json: () => response,
  };
  handler({ method: 'GET', path: '/metrics', headers, socket: { remoteAddress } } as unknown as Request, response as unknown as Response, (() => undefined) as NextFunction);
  return { status };
}

describe('/metrics access', () => {
  it('without LIENGANH_METRICS_TOKEN, answers only clients on this host', async () => {
    const url = await start({});
    const local = await fetch(`${url}/metrics`);
    expect(local.status).toBe(200);
    expect(local.headers.get('content-type')).toMatch(/^text\/plain/);
    // Through a proxy on this host, the client is elsewhere: refused.
    expect((await fetch(`${url}/metrics`, { headers: { 'x-forwarded-for': '203.113.131.1' } })).status).toBe(403);
    expect((await fetch(`${url}/metrics`, { headers: { forwarded: 'for=203.113.131.1' } })).status).toBe(403);
    // Other addresses: refused.
    const open = metricsAccess({});
    for (const remote of ['10.0.0.5', '192.168.1.20', '203.113.131.1', '::ffff:10.0.0.5', 'fd00::1']) expect(answer(open, remote)).toEqual({ status: 403 });
    for (const remote of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(answer(open, remote)).toEqual({ status: 'next' });
    // Other routes are not concerned.
    expect((await fetch(`${url}/hello`)).status).toBe(200);
  });

  it('with LIENGANH_METRICS_TOKEN, answers only the bearer of that token, from anywhere', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const url = await start({ LIENGANH_METRICS_TOKEN: token });
    const none = await fetch(`${url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('lienganh_');
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Basic ${token}` } })).status).toBe(401);
    const scraped = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    const guarded = metricsAccess({ LIENGANH_METRICS_TOKEN: token });
    expect(answer(guarded, '10.0.0.5', { authorization: `Bearer ${token}` })).toEqual({ status: 'next' });
    expect(answer(guarded, '127.0.0.1')).toEqual({ status: 401 });
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.1', '::', '::ffff:10.0.0.1', '0.0.0.0', undefined].some((address) => isLoopback(address))).toBe(false);
  });
});
