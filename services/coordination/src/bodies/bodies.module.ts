import { Module, type DynamicModule } from '@nestjs/common';
import type { BodyDirectory } from './body-directory.js';
import { BODY_DIRECTORY, BodiesController } from './bodies.controller.js';

/** The register of bodies and their credentials, on coordination's API. */
@Module({})
export class BodiesModule {
  static register(directory: BodyDirectory): DynamicModule {
    return { module: BodiesModule, controllers: [BodiesController], providers: [{ provide: BODY_DIRECTORY, useValue: directory }] };
  }
}
