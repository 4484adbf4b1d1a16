import { Module, type DynamicModule } from '@nestjs/common';
import type { ConsumerDirectory } from './consumer-directory.js';
import { CONSUMER_DIRECTORY, ConsumersController } from './consumers.controller.js';

/** Consumer identities of outside systems that read, on coordination's API (ADR 0017). */
@Module({})
export class ConsumersModule {
  static register(directory: ConsumerDirectory): DynamicModule {
    return { module: ConsumersModule, controllers: [ConsumersController], providers: [{ provide: CONSUMER_DIRECTORY, useValue: directory }] };
  }
}
