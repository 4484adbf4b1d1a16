import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { PublicRoute } from '../access/user.guard.js';

export const READINESS = Symbol('READINESS');

/** Answers whether the service can take work now (e.g. its NATS connection is usable). */
export type ReadinessCheck = () => { ready: boolean; detail?: Record<string, unknown> };

/** Open to probes where the API needs a user. */
@Controller()
@PublicRoute()
export class HealthController {
  constructor(@Inject(READINESS) private readonly readiness: ReadinessCheck) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  ready(): { status: 'ready'; detail?: Record<string, unknown> } {
    const { ready, detail } = this.readiness();
    if (!ready) throw new HttpException({ error: 'not-ready', message: 'Chưa sẵn sàng / not ready', ...(detail ? { detail } : {}) }, 503);
    return detail ? { status: 'ready', detail } : { status: 'ready' };
  }
}
