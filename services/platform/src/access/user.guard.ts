import { createParamDecorator, HttpException, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AUTHENTICATOR, type Authenticator } from './authenticator.js';
import { bearerToken, presentedToken } from './presented-token.js';
import { ROLE_NAMES, type Role, type User } from './users.js';

const ROLES_KEY = 'lienganh:roles';
const PUBLIC_KEY = 'lienganh:public';

/** Only these roles may call the route (403 for the others). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** A route that needs no user: health and readiness, the sign-in itself. */
export const PublicRoute = () => SetMetadata(PUBLIC_KEY, true);

export type RequestWithUser = Request & { user?: User };

/** The user the guard found (on every route but the public ones). */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): User => {
  const user = context.switchToHttp().getRequest<RequestWithUser>().user;
  if (!user) throw new Error('CurrentUser used on a route without the user guard');
  return user;
});

/**
 * Every route needs a user, by `Authorization: Bearer <token>` or the dashboard's session cookie
 * (a session id, ADR 0013):
 * 401 without one, 403 when the route names roles and the user has none of them. Open are only
 * the routes marked `@PublicRoute()` (health, readiness, sign-in) and what Nest does not route
 * (metrics, the dashboard's static files). Decided by the handler, not the URL, which Express
 * matches case-insensitively.
 */
@Injectable()
export class UserGuard implements CanActivate {
  constructor(
    @Inject(AUTHENTICATOR) private readonly authenticator: Pick<Authenticator, 'userOf'>,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const refuse = (message: string) => {
      context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="lienganh"');
      return new HttpException({ error: 'unauthenticated', message }, 401);
    };
    if (!presentedToken(request)) throw refuse('Cần đăng nhập / sign-in required: send Authorization: Bearer <token>, or sign in on the dashboard');
    const user = await this.authenticator.userOf(request);
    if (!user) {
      throw refuse(
        bearerToken(request)
          ? 'Mã truy cập không hợp lệ / unknown or revoked token'
          : 'Phiên đã hết hạn hoặc đã kết thúc, hãy đăng nhập lại / the session has expired or ended: sign in again',
      );
    }
    request.user = user;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) {
      throw new HttpException(
        {
          error: 'forbidden',
          message: `Vai trò ${ROLE_NAMES[user.role].vi} không được làm việc này (chỉ ${roles.map((role) => ROLE_NAMES[role].vi).join(', ')}) / the ${ROLE_NAMES[user.role].en} role may not do this (only: ${roles.join(', ')})`,
        },
        403,
      );
    }
    return true;
  }
}
