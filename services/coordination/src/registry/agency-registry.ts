import { PRODUCER_AGENCIES, PRODUCER_NAMES, REPORTING_SERVICE, type Plan } from '@lienganh/contracts';

export interface AgencyEntry {
  code: string;
  name: { vi: string; en: string };
}

/**
 * Every body a plan can name: the services, and any other body as data (border guard, Women's
 * Union…). A body belongs to a jurisdiction: two provinces' plans may both declare `finance`, each
 * its own department, so a plan's board names a body as that plan (or a plan of its jurisdiction)
 * declares it, never as another province's plan did (`nameIn`).
 */
export class AgencyRegistry {
  // The reporting service is a producer, not a body: the bodies it carries are in the registry by their own codes.
  private readonly agencies = new Map<string, AgencyEntry>(
    PRODUCER_AGENCIES.filter((code) => code !== REPORTING_SERVICE).map((code) => [code, { code, name: PRODUCER_NAMES[code] }]),
  );
  /** code → the names plans declared it under, with the area of each declaring plan. */
  private readonly declarations = new Map<string, { area: string; name: AgencyEntry['name'] }[]>();

  register(agency: AgencyEntry, declaredIn?: string): 'added' | 'unchanged' | 'updated' {
    if (declaredIn !== undefined) this.declarations.set(agency.code, [...(this.declarations.get(agency.code) ?? []), { area: declaredIn, name: agency.name }]);
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

  /** Every body known, services included, in registration order. */
  list(): AgencyEntry[] {
    return [...this.agencies.values()];
  }

  /**
   * The name of a body on `plan`'s board: as the plan declares it; else the service's own name;
   * else as a plan of the same jurisdiction (an area within the other's) declared it; else its code.
   */
  nameIn(plan: Plan, code: string, isWithin: (area: string, ancestor: string) => boolean): AgencyEntry['name'] {
    const own = plan.bodies.find((body) => body.code === code);
    if (own) return own.name;
    if ((PRODUCER_AGENCIES as readonly string[]).includes(code)) return PRODUCER_NAMES[code as keyof typeof PRODUCER_NAMES];
    const related = this.declarations.get(code)?.find(({ area }) => isWithin(area, plan.area) || isWithin(plan.area, area));
    return related?.name ?? { vi: code, en: code };
  }
}
