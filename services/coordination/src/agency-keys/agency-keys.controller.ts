import { BadRequestException, Controller, Delete, Get, Header, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { AGENCY_SERVICES, isAgencyService, type AgencyService } from '@lienganh/contracts';
import { CurrentUser, Roles, type User } from '@lienganh/platform';
import { AgencyKeyDirectory, type AgencyKeyListing, type IssuedAgencyKey } from './agency-key-directory.js';
import { refuseWriteConflict } from '../http/write-conflict.js';

export const AGENCY_KEY_DIRECTORY = Symbol('AGENCY_KEY_DIRECTORY');

/**
 * The five agencies' API keys, issued, rotated and revoked at run time by the secretariat;
 * `npx lienganh keys …` calls these. A key appears once, in the answer to an issue.
 */
@Controller('api/v1/agencies')
@Roles('secretariat')
export class AgencyKeysController {
  constructor(@Inject(AGENCY_KEY_DIRECTORY) private readonly keys: AgencyKeyDirectory) {}

  @Get('keys')
  list(): { agencies: AgencyKeyListing[] } {
    return { agencies: this.keys.list() };
  }

  @Post(':agency/key')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store') // the key: no copy anywhere on the way
  issue(@Param('agency') agency: string, @CurrentUser() user: User): Promise<IssuedAgencyKey> {
    return this.keys.issue(checkAgency(agency), user.id).catch(conflict);
  }

  @Delete(':agency/key')
  revoke(@Param('agency') agency: string, @CurrentUser() user: User): Promise<AgencyKeyListing> {
    return this.keys.revoke(checkAgency(agency), user.id).catch(conflict);
  }

  /** Who issued and revoked the agency's keys, and when. */
  @Get(':agency/key/history')
  async history(@Param('agency') agency: string): Promise<{ agency: AgencyService; history: (AgencyKeyListing & { revision: number })[] }> {
    return { agency: checkAgency(agency), history: await this.keys.history(agency as AgencyService) };
  }
}

function checkAgency(agency: string): AgencyService {
  if (isAgencyService(agency)) return agency;
  throw new BadRequestException({ error: 'invalid-agency', message: 'Cơ quan không hợp lệ / invalid agency', issues: [{ path: 'agency', message: `must be one of ${AGENCY_SERVICES.join(', ')}` }] });
}

/** Two secretariat officers changing one key at once: the second is told, nothing is half-written. */
function conflict(error: unknown): never {
  refuseWriteConflict(error);
  throw error;
}
