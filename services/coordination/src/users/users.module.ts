import { Module, type DynamicModule } from '@nestjs/common';
import type { UserAdministration } from './user-administration.js';
import { USER_ADMINISTRATION, UsersController } from './users.controller.js';

/** Users' tokens issued, rotated and revoked at run time, on coordination's API. */
@Module({})
export class UsersModule {
  static register(administration: UserAdministration): DynamicModule {
    return { module: UsersModule, controllers: [UsersController], providers: [{ provide: USER_ADMINISTRATION, useValue: administration }] };
  }
}
