import { Module, type DynamicModule } from '@nestjs/common';
import type { AgencyKeyDirectory } from './agency-key-directory.js';
import { AGENCY_KEY_DIRECTORY, AgencyKeysController } from './agency-keys.controller.js';

/** The agencies' API keys, on coordination's API. */
@Module({})
export class AgencyKeysModule {
  static register(directory: AgencyKeyDirectory): DynamicModule {
    return { module: AgencyKeysModule, controllers: [AgencyKeysController], providers: [{ provide: AGENCY_KEY_DIRECTORY, useValue: directory }] };
  }
}
