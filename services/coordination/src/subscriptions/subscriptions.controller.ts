import { BadRequestException, Body, Controller, Delete, Get, Header, HttpCode, HttpException, Inject, Param, Post } from '@nestjs/common';
import { ContractError } from '@lienganh/contracts';
import { CurrentUser, Roles, type User } from '@lienganh/platform';
import { SubscriptionDirectory, UnknownSubscriptionError, type CreatedSubscription } from './subscription-directory.js';
import type { DeliveryLogEntry, SubscriptionListing } from './subscription.js';

export const SUBSCRIPTION_DIRECTORY = Symbol('SUBSCRIPTION_DIRECTORY');

const ID = /^ws-[0-9a-f-]{36}$/;

/**
 * Webhook subscriptions of outside systems (ADR 0017): the secretariat creates and removes them,
 * reads each one's delivery log; `npx lienganh subscriptions …` calls these. The signing secret
 * appears once, in the answer to the creation.
 */
@Controller('api/v1/subscriptions')
@Roles('secretariat')
export class SubscriptionsController {
  constructor(@Inject(SUBSCRIPTION_DIRECTORY) private readonly subscriptions: SubscriptionDirectory) {}

  @Get()
  list(): { subscriptions: SubscriptionListing[] } {
    return { subscriptions: this.subscriptions.list() };
  }

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store') // the signing secret
  async create(@Body() body: unknown, @CurrentUser() user: User): Promise<CreatedSubscription> {
    return this.subscriptions.create(body, user.id).catch(refusal);
  }

  @Get(':id/deliveries')
  async deliveries(@Param('id') id: string): Promise<{ subscription: string; deliveries: DeliveryLogEntry[] }> {
    return { subscription: checkId(id), deliveries: await this.subscriptions.deliveries(id).catch(refusal) };
  }

  @Delete(':id')
  async remove(@Param('id') id: string): Promise<SubscriptionListing> {
    return this.subscriptions.remove(checkId(id)).catch(refusal);
  }
}

function checkId(id: string): string {
  if (!ID.test(id)) throw new BadRequestException({ error: 'invalid-subscription', message: 'Mã đăng ký không hợp lệ / invalid subscription id', issues: [{ path: 'id', message: 'must be a subscription id such as "ws-1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"' }] });
  return id;
}

function refusal(error: unknown): never {
  if (error instanceof ContractError) throw new BadRequestException({ error: 'invalid-subscription', message: 'Đăng ký nhận sự kiện không hợp lệ / invalid subscription', issues: error.issues });
  if (error instanceof UnknownSubscriptionError) throw new HttpException({ error: 'not-found', message: `Không có đăng ký này / ${error.message}` }, 404);
  throw error;
}
