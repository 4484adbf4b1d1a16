import { BadRequestException, Body, Controller, Delete, Get, Header, HttpCode, HttpException, Inject, Post, Req, Res } from '@nestjs/common';
import { contractErrorMap, issuesFromZod } from '@lienganh/contracts';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AUTHENTICATOR, type Authenticator } from './authenticator.js';
import { SESSION_COOKIE } from './presented-token.js';
import { CurrentUser, PublicRoute } from './user.guard.js';
import type { User } from './users.js';

const SignIn = z.strictObject({ token: z.string().min(1).max(512) });

/**
 * The dashboard's sign-in: the token goes once in a POST body; what comes back is an HttpOnly,
 * SameSite=Strict cookie for /api/ holding an opaque session id (ADR 0013), never the token, which
 * the browser then sends by itself (also with the EventSource of the live stream, which cannot set
 * headers). Scripts cannot read it. The session ends when unused too long, at its longest life,
 * at sign-out, and when its user's token is rotated or revoked, on every instance at once.
 */
@Controller('api/v1/session')
export class SessionController {
  constructor(@Inject(AUTHENTICATOR) private readonly authenticator: Authenticator) {}

  @Post()
  @PublicRoute()
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  async signIn(@Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<{ user: User }> {
    const parsed = SignIn.safeParse(body, { error: contractErrorMap });
    if (!parsed.success) {
      throw new BadRequestException({ error: 'invalid-sign-in', message: 'Cần mã truy cập / a token is required: {"token": "…"}', issues: issuesFromZod(parsed.error, 'body') });
    }
    const signedIn = await this.authenticator.signIn(parsed.data.token).catch(() => {
      // The session could not be stored (NATS unreachable): no cookie that no instance would know.
      throw new HttpException({ error: 'sessions-unavailable', message: 'Chưa lưu được phiên đăng nhập, hãy thử lại / the session could not be stored: retry' }, 503);
    });
    if (!signedIn) throw new HttpException({ error: 'unauthenticated', message: 'Mã truy cập không hợp lệ / unknown or revoked token' }, 401);
    response.setHeader('Set-Cookie', cookie(signedIn.session.id, signedIn.session.maxAgeSeconds, request.secure));
    return { user: signedIn.user };
  }

  /** Who is signed in (401 when nobody is). */
  @Get()
  @Header('Cache-Control', 'no-store')
  whoAmI(@CurrentUser() user: User): { user: User } {
    return { user };
  }

  /** Signs out: the session ends on the server (every instance refuses it), and the cookie is cleared. */
  @Delete()
  @PublicRoute()
  @Header('Cache-Control', 'no-store')
  @HttpCode(204)
  async signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.authenticator.signOut(request);
    response.setHeader('Set-Cookie', cookie('', 0, request.secure));
  }
}

const cookie = (value: string, maxAgeSeconds: number, secure: boolean) =>
  `${SESSION_COOKIE}=${value}; Path=/api/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
