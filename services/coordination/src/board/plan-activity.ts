/**
 * Per plan: how many events counted towards its targets, per agency, Vietnam day and area, each
 * event once per agency however many of the agency's targets it counted for (ADR 0023): what the
 * periodic report's "achieved in the period" per agency and in total counts, without keeping the
 * events. The total is kept under the agency `''`.
 */
export class PlanActivity {
  /** agency → `${day}|${area}` → events: an event's day and area key is made once for all its plans and agencies. */
  private readonly byAgency = new Map<string, Map<string, number>>();
  /** agency → day-and-area keys changed since the last `takeChange`. */
  private dirty = new Map<string, Set<string>>();

  /** How many agency, day and area entries. */
  get size(): number {
    let size = 0;
    for (const days of this.byAgency.values()) size += days.size;
    return size;
  }

  /** One event that counted for `agency`'s targets (`''`: for any target of the plan), on a day in an area (`dayAreaOf`); once each. */
  add(agency: string, dayArea: string): void {
    let days = this.byAgency.get(agency);
    if (!days) this.byAgency.set(agency, (days = new Map()));
    days.set(dayArea, (days.get(dayArea) ?? 0) + 1);
    let dirty = this.dirty.get(agency);
    if (!dirty) this.dirty.set(agency, (dirty = new Set()));
    dirty.add(dayArea);
  }

  /** Events that counted for `agency`'s targets (any agency's when undefined) on days within `[from, to]`, in areas `inArea` accepts. */
  eventsIn(agency: string | undefined, from: string, to: string, inArea: (area: string) => boolean): number {
    let events = 0;
    for (const [dayArea, count] of this.byAgency.get(agency ?? '') ?? []) {
      const day = dayArea.slice(0, 10);
      if (day >= from && day <= to && inArea(dayArea.slice(11))) events += count;
    }
    return events;
  }

  /** The entries changed since the last call, with their values (absolute: committing twice changes nothing). */
  takeChange(planId: string): StoredPlanActivity {
    const days: Record<string, number> = {};
    for (const [agency, dayAreas] of this.dirty) {
      const counts = this.byAgency.get(agency)!;
      for (const dayArea of dayAreas) days[`${agency}|${dayArea}`] = counts.get(dayArea)!;
    }
    this.dirty = new Map();
    return { planId, days };
  }

  restoreChange(change: StoredPlanActivity): void {
    for (const key of Object.keys(change.days)) {
      const [agency, dayArea] = split(key);
      let dirty = this.dirty.get(agency);
      if (!dirty) this.dirty.set(agency, (dirty = new Set()));
      dirty.add(dayArea);
    }
  }

  /** Whole, a copy. */
  stored(planId: string): StoredPlanActivity {
    const days: Record<string, number> = {};
    for (const [agency, counts] of this.byAgency) for (const [dayArea, count] of counts) days[`${agency}|${dayArea}`] = count;
    return { planId, days };
  }

  merge(stored: StoredPlanActivity): void {
    for (const [key, count] of Object.entries(stored.days)) {
      const [agency, dayArea] = split(key);
      let days = this.byAgency.get(agency);
      if (!days) this.byAgency.set(agency, (days = new Map()));
      days.set(dayArea, count);
    }
  }
}

/** `${agency}|${day}|${area}` → [agency, `${day}|${area}`] (an agency code holds no `|`). */
function split(key: string): [string, string] {
  const at = key.indexOf('|');
  return [key.slice(0, at), key.slice(at + 1)];
}

/** A plan's activity as a store keeps it (whole), or what changed in it. */
export interface StoredPlanActivity {
  planId: string;
  days: Record<string, number>;
}
