import { PRODUCER_AGENCIES, PRODUCER_NAMES } from '@lienganh/contracts';

export interface AgencyEntry {
  code: string;
  name: { vi: string; en: string };
}

/** Every body a plan can name: the services, and any other body as data (border guard, Women's Union…). */
export class AgencyRegistry {
  private readonly agencies = new Map<string, AgencyEntry>(PRODUCER_AGENCIES.map((code) => [code, { code, name: PRODUCER_NAMES[code] }]));

  register(agency: AgencyEntry): 'added' | 'unchanged' | 'updated' {
    const known = this.agencies.get(agency.code);
    if (known && known.name.vi === agency.name.vi && known.name.en === agency.name.en) return 'unchanged';
    this.agencies.set(agency.code, agency);
    return known ? 'updated' : 'added';
  }

  has(code: string): boolean {
    return this.agencies.has(code);
  }

  get(code: string): AgencyEntry | undefined {
    return this.agencies.get(code);
  }
}
