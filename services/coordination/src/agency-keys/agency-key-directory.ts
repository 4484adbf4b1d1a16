import { AGENCY_SERVICES, type AgencyService } from '@lienganh/contracts';
import { newAgencyKey, type AgencyKeyRecord, type AgencyKeyRegister } from '@lienganh/platform';
import type { Clock } from '../http/tokens.js';

/** An agency's key as `GET /api/v1/agencies/keys` lists it; never a key. */
export interface AgencyKeyListing {
  agency: AgencyService;
  /** `configured`: the key of the service's configuration works (nothing issued yet); `issued`: only the issued key; `revoked`: none. */
  key: 'configured' | 'issued' | 'revoked';
  issuedAt?: string;
  issuedBy?: string;
  revokedAt?: string;
  revokedBy?: string;
}

export interface IssuedAgencyKey {
  agency: AgencyService;
  /** Shown once: `Authorization: Bearer <key>` on the agency service. */
  key: string;
  issuedAt: string;
  replaced: AgencyKeyListing['key'];
}

/**
 * The secretariat issues, rotates and revokes the five agencies' API keys at run time (issue #19),
 * as it does bodies' credentials (ADR 0011): the register keeps digests, the agency services watch
 * it, and every change is a revision of the agency's entry (who, when), kept as its history.
 */
export class AgencyKeyDirectory {
  constructor(
    private readonly register: AgencyKeyRegister,
    private readonly clock: Clock,
  ) {}

  list(): AgencyKeyListing[] {
    return AGENCY_SERVICES.map((agency) => listing(agency, this.register.get(agency)));
  }

  /** A new key for the agency; the one in force (configured or issued) stops working. */
  async issue(agency: AgencyService, by: string): Promise<IssuedAgencyKey> {
    const current = await this.register.read(agency);
    const { key, keySha256 } = newAgencyKey(agency);
    const issuedAt = this.clock.now().toISOString();
    await this.register.write({ agency, keySha256, issuedAt, issuedBy: by }, current?.revision ?? 0);
    return { agency, key, issuedAt, replaced: listing(agency, current?.record).key };
  }

  /** No key works for the agency any more (the configured one included) until one is issued. */
  async revoke(agency: AgencyService, by: string): Promise<AgencyKeyListing> {
    const current = await this.register.read(agency);
    const { keySha256: _revoked, ...kept } = current?.record ?? { agency };
    const record: AgencyKeyRecord = { ...kept, revokedAt: this.clock.now().toISOString(), revokedBy: by };
    await this.register.write(record, current?.revision ?? 0);
    return listing(agency, record);
  }

  async history(agency: AgencyService): Promise<(AgencyKeyListing & { revision: number })[]> {
    return (await this.register.history(agency)).map(({ revision, record }) => ({ revision, ...listing(agency, record) }));
  }
}

function listing(agency: AgencyService, record: AgencyKeyRecord | undefined): AgencyKeyListing {
  if (!record) return { agency, key: 'configured' };
  const { keySha256, ...dates } = record;
  return { ...dates, agency, key: keySha256 ? 'issued' : 'revoked' };
}
