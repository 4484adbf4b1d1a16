import { HttpException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { BodyRegister } from '../bodies/body-register.js';

/** Injection token of the reporting service's `BodyRegister`. */
export const BODY_REGISTER = Symbol('BODY_REGISTER');
/** Where the guard leaves the authenticated body on the request. */
export const REPORTING_BODY = Symbol('REPORTING_BODY');

export type RequestWithBody = Request & { [REPORTING_BODY]?: string };

/**
 * The reporting service's key guard: a bearer key is a body's if the register of bodies holds its
 * digest with credentials in force (issued at run time, ADR 0011). A key issued a moment ago works
 * at once; a revoked one is refused as soon as the register's watch sees the revocation.
 */
@Injectable()
export class BodyKeyGuard implements CanActivate {
  constructor(@Inject(BODY_REGISTER) private readonly register: Pick<BodyRegister, 'bodyOfHttpKey'>) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithBody>();
    const key = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!key) throw new HttpException({ error: 'unauthenticated', message: 'Thiếu khóa của cơ quan / missing body key: Authorization: Bearer <key>' }, 401);
    const body = this.register.bodyOfHttpKey(key);
    if (!body) throw new HttpException({ error: 'unauthenticated', message: 'Khóa không hợp lệ hoặc đã bị thu hồi / unknown or revoked body key' }, 401);
    request[REPORTING_BODY] = body;
    return true;
  }
}
