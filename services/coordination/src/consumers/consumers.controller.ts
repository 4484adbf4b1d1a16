import { BadRequestException, Body, Controller, Delete, Get, Header, HttpCode, HttpException, Inject, Param, Post } from '@nestjs/common';
import { ContractError } from '@lienganh/contracts';
import { CurrentUser, Roles, type User } from '@lienganh/platform';
import { ConsumerDirectory, ConsumerExistsError, NoConsumerCredentialsError, UnknownConsumerError, type ConsumerListing, type IssuedConsumerCredentials } from './consumer-directory.js';
import { refuseWriteConflict } from '../http/write-conflict.js';

export const CONSUMER_DIRECTORY = Symbol('CONSUMER_DIRECTORY');

const CODE = /^[a-z][a-z0-9-]{1,47}$/;

/**
 * The secretariat registers outside systems that read coordination's facts and issues or revokes
 * their NATS credentials (ADR 0017); `npx lienganh consumers …` calls these. The seed appears once.
 */
@Controller('api/v1/consumers')
@Roles('secretariat')
export class ConsumersController {
  constructor(@Inject(CONSUMER_DIRECTORY) private readonly consumers: ConsumerDirectory) {}

  @Get()
  list(): { consumers: ConsumerListing[] } {
    return { consumers: this.consumers.list() };
  }

  @Post()
  @HttpCode(201)
  async register(@Body() body: unknown, @CurrentUser() user: User): Promise<ConsumerListing> {
    return this.consumers.registerConsumer(body, user.id).catch(refusal);
  }

  @Post(':code/credentials')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store') // the seed: no copy anywhere on the way
  async issue(@Param('code') code: string, @CurrentUser() user: User): Promise<IssuedConsumerCredentials> {
    return this.consumers.issue(checkCode(code), user.id).catch(refusal);
  }

  @Delete(':code/credentials')
  async revoke(@Param('code') code: string, @CurrentUser() user: User): Promise<ConsumerListing> {
    return this.consumers.revoke(checkCode(code), user.id).catch(refusal);
  }
}

function checkCode(code: string): string {
  if (!CODE.test(code)) throw new BadRequestException({ error: 'invalid-consumer', message: 'Mã hệ thống đọc không hợp lệ / invalid consumer code', issues: [{ path: 'code', message: 'must be a lower-case code such as "police-case-system"' }] });
  return code;
}

function refusal(error: unknown): never {
  if (error instanceof ContractError) throw new BadRequestException({ error: 'invalid-consumer', message: 'Hệ thống đọc không hợp lệ / invalid consumer', issues: error.issues });
  if (error instanceof ConsumerExistsError) throw new HttpException({ error: 'conflict', message: `Mã đã được dùng / ${error.message}` }, 409);
  if (error instanceof UnknownConsumerError) throw new HttpException({ error: 'not-found', message: `Không có hệ thống đọc này / ${error.message}` }, 404);
  refuseWriteConflict(error);
  if (error instanceof NoConsumerCredentialsError) throw new HttpException({ error: 'not-found', message: `Hệ thống đọc chưa được cấp khóa / ${error.message}` }, 404);
  throw error;
}
