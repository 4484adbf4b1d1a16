import { BadRequestException, Body, Controller, Delete, Get, Header, HttpCode, HttpException, Inject, Param, Post } from '@nestjs/common';
import { ContractError } from '@lienganh/contracts';
import { CurrentUser, Roles, type User } from '@lienganh/platform';
import { BodyDirectory, BodyExistsError, NoCredentialsError, UnknownBodyError, type BodyHistoryStep, type BodyListing, type IssuedCredentials } from './body-directory.js';
import { refuseWriteConflict } from '../http/write-conflict.js';

export const BODY_DIRECTORY = Symbol('BODY_DIRECTORY');

const CODE = /^[a-z][a-z0-9-]{1,47}$/;

/**
 * The secretariat registers bodies and issues or revokes their credentials at run time (ADR 0011);
 * `npx lienganh bodies …` calls these. Secrets appear once, in the answer to an issue, never cached.
 */
@Controller('api/v1/bodies')
@Roles('secretariat')
export class BodiesController {
  constructor(@Inject(BODY_DIRECTORY) private readonly bodies: BodyDirectory) {}

  @Get()
  list(): { bodies: BodyListing[] } {
    return { bodies: this.bodies.list() };
  }

  @Post()
  @HttpCode(201)
  async register(@Body() body: unknown, @CurrentUser() user: User): Promise<BodyListing> {
    return this.bodies.registerBody(body, user.id).catch(refusal);
  }

  @Post(':code/credentials')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store') // the secrets: no copy anywhere on the way
  async issue(@Param('code') code: string, @CurrentUser() user: User): Promise<IssuedCredentials> {
    return this.bodies.issue(checkCode(code), user.id).catch(refusal);
  }

  /** Who registered the body and issued or revoked its credentials, and when (the register's history). */
  @Get(':code/history')
  async history(@Param('code') code: string): Promise<{ body: string; history: BodyHistoryStep[] }> {
    return { body: checkCode(code), history: await this.bodies.history(code).catch(refusal) };
  }

  @Delete(':code/credentials')
  async revoke(@Param('code') code: string, @CurrentUser() user: User): Promise<BodyListing> {
    return this.bodies.revoke(checkCode(code), user.id).catch(refusal);
  }
}

function checkCode(code: string): string {
  if (!CODE.test(code)) throw new BadRequestException({ error: 'invalid-body', message: 'Mã cơ quan không hợp lệ / invalid body code', issues: [{ path: 'code', message: 'must be a lower-case body code such as "womens-union"' }] });
  return code;
}

function refusal(error: unknown): never {
  if (error instanceof ContractError) throw new BadRequestException({ error: 'invalid-body', message: 'Cơ quan không hợp lệ / invalid body', issues: error.issues });
  if (error instanceof BodyExistsError) throw new HttpException({ error: 'conflict', message: `Cơ quan đã có / ${error.message}` }, 409);
  if (error instanceof UnknownBodyError) throw new HttpException({ error: 'not-found', message: `Không có cơ quan này / ${error.message}` }, 404);
  refuseWriteConflict(error);
  if (error instanceof NoCredentialsError) throw new HttpException({ error: 'not-found', message: `Cơ quan chưa được cấp khóa / ${error.message}` }, 404);
  throw error;
}
