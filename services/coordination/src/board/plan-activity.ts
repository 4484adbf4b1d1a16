/**
 * Per plan: how many events counted towards its targets, per agency, Vietnam day and area, each
 * event once per agency however many of the agency's targets it counted for (ADR 0023): what the
 * periodic report's "achieved in the period" per agency and in total counts, without keeping the
 * events. The total is kept under the agency `''`.
 */
export class PlanActivity {
  /** `${agency}|${day}|${area}` → events. */
  readonly days = new Map<string, number>();
  private dirty = new Set<string>();

  /** One event that counted for `agency`'s targets (`''`: for any target of the plan), on a day in an area (`dayAreaOf`); once each. */
  add(agency: string, dayArea: string): void {
    const key = `${agency}|${dayArea}`;
    this.days.set(key, (this.days.get(key) ?? 0) + 1);
    this.dirty.add(key);
  }

  /** Events that counted for `agency`'s targets (any agency's when undefined) on days within `[from, to]`, in areas `inArea` accepts. */
  eventsIn(agency: string | undefined, from: string, to: string, inArea: (area: string) => boolean): number {
    const prefix = `${agency ?? ''}|`;
    let events = 0;
    for (const [key, count] of this.days) {
      if (!key.startsWith(prefix)) continue;
      const day = key.slice(prefix.length, prefix.length + 10);
      if (day >= from && day <= to && inArea(key.slice(prefix.length + 11))) events += count;
    }
    return events;
  }

  /** The entries changed since the last call, with their values (absolute: committing twice changes nothing). */
  takeChange(planId: string): StoredPlanActivity {
    const days = Object.fromEntries([...this.dirty].map((key) => [key, this.days.get(key)!]));
    this.dirty = new Set();
    return { planId, days };
  }

  restoreChange(change: StoredPlanActivity): void {
    for (const key of Object.keys(change.days)) this.dirty.add(key);
  }

  /** Whole, a copy. */
  stored(planId: string): StoredPlanActivity {
    return { planId, days: Object.fromEntries(this.days) };
  }

  merge(stored: StoredPlanActivity): void {
    for (const [key, count] of Object.entries(stored.days)) this.days.set(key, count);
  }
}

/** A plan's activity as a store keeps it (whole), or what changed in it. */
export interface StoredPlanActivity {
  planId: string;
  days: Record<string, number>;
}
