import { HttpException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AgencyService } from '@lienganh/contracts';
import type { Request } from 'express';
import { agencyOfKey, type AgencyKeys } from './agency-credentials.js';
import type { AgencyKeyRegister } from './agency-key-register.js';
import type { DuplicateGuard } from './duplicate-guard.js';

export const INGESTION_OPTIONS = Symbol('INGESTION_OPTIONS');

export interface IngestionOptions {
  agency: AgencyService;
  keys: AgencyKeys;
  /** Keys issued at run time (`PCMD_AGENCY_KEYS`): once it has an entry for the agency, it alone decides. */
  keyRegister?: Pick<AgencyKeyRegister, 'admits'>;
  /** Turns the record keys the agency's systems send into subject references; none: they are refused. */
  pseudonymKey?: Uint8Array;
  /** The service's clock: an event's `time` may be at most a day after it. Default: the system clock. */
  clock?: { now(): Date };
  /** What this replica remembers of the events it took (409 on a conflicting re-send); one of its own when none. */
  duplicates?: DuplicateGuard;
}

/** Only the service's own agency, by its bearer key, may post its events. */
@Injectable()
export class AgencyKeyGuard implements CanActivate {
  constructor(@Inject(INGESTION_OPTIONS) private readonly options: IngestionOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const key = /^Bearer (\S+)$/.exec(header)?.[1];
    if (!key) throw new HttpException({ error: 'unauthenticated', message: 'Thiếu khóa cơ quan / missing agency key: Authorization: Bearer <key>' }, 401);
    const own = this.options.agency;
    const issued = this.options.keyRegister?.admits(own, key);
    if (issued) return true;
    const agency = agencyOfKey(this.options.keys, key);
    // A configured key stops working once the secretariat has issued one (or revoked it) in the register.
    if (!agency || (agency === own && issued === false)) throw new HttpException({ error: 'unauthenticated', message: 'Khóa không hợp lệ / unknown agency key' }, 401);
    if (agency !== own) {
      throw new HttpException({ error: 'forbidden', message: `Khóa của ${agency} không dùng được cho ${this.options.agency} / this key belongs to ${agency}` }, 403);
    }
    return true;
  }
}
