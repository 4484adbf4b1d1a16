import { BadRequestException, Body, Controller, Delete, Get, Header, HttpCode, HttpException, Inject, Post, Req, Res } from '@nestjs/common';
import { contractErrorMap, issuesFromZod } from '@lienganh/contracts';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { SESSION_COOKIE } from './presented-token.js';
import { CurrentUser, PublicRoute, USER_DIRECTORY } from './user.guard.js';
import type { User, UserDirectory } from './users.js';

const SESSION_HOURS = 12;
const SignIn = z.strictObject({ token: z.string().min(1).max(512) });

/**
 * The dashboard's sign-in: the token goes once in a POST body and comes back as an HttpOnly,
 * SameSite=Strict cookie for /api/, which the browser then sends by itself (also with the
 * EventSource of the live stream, which cannot set headers). Scripts cannot read it.
 */
@Controller('api/v1/session')
export class SessionController {
  constructor(@Inject(USER_DIRECTORY) private readonly users: UserDirectory) {}

  @Post()
  @PublicRoute()
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  signIn(@Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response): { user: User } {
    const parsed = SignIn.safeParse(body, { error: contractErrorMap });
    if (!parsed.success) {
      throw new BadRequestException({ error: 'invalid-sign-in', message: 'Cần mã truy cập / a token is required: {"token": "…"}', issues: issuesFromZod(parsed.error, 'body') });
    }
    const user = this.users.find(parsed.data.token);
    if (!user) throw new HttpException({ error: 'unauthenticated', message: 'Mã truy cập không hợp lệ / unknown or revoked token' }, 401);
    response.setHeader('Set-Cookie', cookie(encodeURIComponent(parsed.data.token), SESSION_HOURS * 3600, request.secure));
    return { user };
  }

  /** Who is signed in (401 when nobody is). */
  @Get()
  @Header('Cache-Control', 'no-store')
  whoAmI(@CurrentUser() user: User): { user: User } {
    return { user };
  }

  @Delete()
  @PublicRoute()
  @Header('Cache-Control', 'no-store')
  @HttpCode(204)
  signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    response.setHeader('Set-Cookie', cookie('', 0, request.secure));
  }
}

const cookie = (value: string, maxAgeSeconds: number, secure: boolean) =>
  `${SESSION_COOKIE}=${value}; Path=/api/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
