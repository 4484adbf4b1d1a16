import { Module, type DynamicModule } from '@nestjs/common';
import type { SubscriptionDirectory } from './subscription-directory.js';
import { SUBSCRIPTION_DIRECTORY, SubscriptionsController } from './subscriptions.controller.js';

/** Webhook subscriptions of outside systems, on coordination's API (ADR 0017). */
@Module({})
export class SubscriptionsModule {
  static register(directory: SubscriptionDirectory): DynamicModule {
    return { module: SubscriptionsModule, controllers: [SubscriptionsController], providers: [{ provide: SUBSCRIPTION_DIRECTORY, useValue: directory }] };
  }
}
