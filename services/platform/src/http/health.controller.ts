import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { PublicRoute } from '../access/user.guard.js';

export const READINESS = Symbol('READINESS');

/**
 * Answers whether the service can take work now (e.g. its NATS connection is usable). Not
 * ready: `/readyz` is 503 with the `reason`. Ready but `degraded` (e.g. `'bus'`: NATS is
 * unreachable, events go to the outbox): 200, and the body says what is degraded.
 */
export type ReadinessCheck = () => { ready: boolean; reason?: string; degraded?: string; detail?: Record<string, unknown> };

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
  ready(): { status: 'ready'; degraded?: string; detail?: Record<string, unknown> } {
    const { ready, reason, degraded, detail } = this.readiness();
    if (!ready) {
      const message = `Chưa sẵn sàng / not ready${reason ? `: ${reason}` : ''}`;
      throw new HttpException({ error: 'not-ready', message, ...(reason ? { reason } : {}), ...(detail ? { detail } : {}) }, 503);
    }
    return { status: 'ready', ...(degraded ? { degraded } : {}), ...(detail ? { detail } : {}) };
  }
}
