import { BadRequestException, Body, Controller, Delete, Get, Header, HttpCode, HttpException, Inject, Param, Post } from '@nestjs/common';
import { ContractError } from '@lienganh/contracts';
import { CurrentUser, Roles, UserId, type AccountListing, type User } from '@lienganh/platform';
import { ChangeNotRecordedError, LastSecretariatError, UnknownUserError, UserAdministration, UserExistsError, type IssuedToken, type TokenChange } from './user-administration.js';
import { refuseWriteConflict } from '../http/write-conflict.js';

export const USER_ADMINISTRATION = Symbol('USER_ADMINISTRATION');

/**
 * The secretariat issues, lists, rotates and revokes users' tokens at run time (ADR 0013); `npx
 * lienganh users …` calls these. A token appears once, in the answer to an issue or a rotation, never cached.
 */
@Controller('api/v1/users')
@Roles('secretariat')
export class UsersController {
  constructor(@Inject(USER_ADMINISTRATION) private readonly users: UserAdministration) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  list(): { users: AccountListing[] } {
    return { users: this.users.list() };
  }

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store') // the token: no copy anywhere on the way
  async issue(@Body() body: unknown, @CurrentUser() user: User): Promise<IssuedToken> {
    return this.users.issue(body, user).catch(refusal);
  }

  /** Who issued, rotated or revoked each user's token, and when (the audit trail), oldest first. */
  @Get('history')
  @Header('Cache-Control', 'no-store')
  async everyHistory(): Promise<{ changes: TokenChange[] }> {
    return { changes: await this.users.history() };
  }

  @Get(':id/history')
  @Header('Cache-Control', 'no-store')
  async history(@Param('id') id: string): Promise<{ user: string; changes: TokenChange[] }> {
    return { user: checkId(id), changes: await this.users.history(id) };
  }

  @Post(':id/token')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  async rotate(@Param('id') id: string, @CurrentUser() user: User): Promise<IssuedToken> {
    return this.users.rotate(checkId(id), user).catch(refusal);
  }

  @Delete(':id/token')
  @Header('Cache-Control', 'no-store')
  async revoke(@Param('id') id: string, @CurrentUser() user: User): Promise<AccountListing> {
    return this.users.revoke(checkId(id), user).catch(refusal);
  }
}

function checkId(id: string): string {
  if (!UserId.safeParse(id).success) throw new BadRequestException({ error: 'invalid-user', message: 'Mã người dùng không hợp lệ / invalid user id', issues: [{ path: 'id', message: 'must be 1-64 letters, digits or . _ - (no spaces)' }] });
  return id;
}

function refusal(error: unknown): never {
  if (error instanceof ContractError) throw new BadRequestException({ error: 'invalid-user', message: 'Người dùng không hợp lệ / invalid user', issues: error.issues });
  if (error instanceof LastSecretariatError) throw new HttpException({ error: 'conflict', message: `Không thu hồi được mã của người thường trực cuối cùng / ${error.message}` }, 409);
  if (error instanceof UserExistsError) throw new HttpException({ error: 'conflict', message: `Người dùng đã có mã truy cập / ${error.message}` }, 409);
  if (error instanceof UnknownUserError) throw new HttpException({ error: 'not-found', message: `Không có người dùng này / ${error.message}` }, 404);
  refuseWriteConflict(error);
  if (error instanceof ChangeNotRecordedError) throw new HttpException({ error: 'audit-unavailable', message: `Chưa ghi được nhật ký nên chưa thay đổi gì, hãy thử lại / ${error.message}: nothing changed, retry` }, 503);
  throw error;
}
