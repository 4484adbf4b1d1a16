import type { AreaKindCode, AreaLevelCode, Plan } from '@lienganh/contracts';
import type { AreaRegistry } from '../registry/area-registry.js';
import type { NationalUnits, OfficialUnit } from '../registry/national-units.js';

type PlanArea = Plan['areas'][number];

/** The statistics office's kinds, in the plan format's words (a "Thành phố" is a municipality at the top, a provincial city below it). */
const KINDS: Record<string, AreaKindCode> = {
  Tỉnh: 'province',
  Quận: 'urban-district',
  Huyện: 'rural-district',
  'Thị xã': 'district-town',
  Phường: 'ward',
  Xã: 'commune',
  'Thị trấn': 'town',
  'Đặc khu': 'special-zone',
};

/**
 * A plan completed with the official units it refers to and does not declare (issue #24): a plan
 * names its area, and areas of its tasks and measures, by official code; the import adds each such
 * unit as the list in force on the plan's first day has it, with its parents, and for the plan's
 * own area every unit below it. The completed plan is what is published, so that a replay measures
 * with the units the import saw, whatever list is shipped later. Codes the plan declares, and codes
 * that are not official units on that day (the demo plans' own), are left as they are.
 */
export function withOfficialAreas(plan: Plan, units: NationalUnits, registry: AreaRegistry): { plan: Plan; added: string[] } {
  const on = plan.period.start;
  const list = units.listAt(on);
  const next = units.lists[units.lists.indexOf(list) + 1];
  const declared = new Set(plan.areas.map((area) => area.code));
  const added = new Map<string, PlanArea>();
  const add = (unit: OfficialUnit) => {
    for (let current: OfficialUnit | undefined = unit; current && !declared.has(current.code) && !added.has(current.code); current = current.parent ? list.units.get(current.parent) : undefined) {
      added.set(current.code, areaOf(current, next && !sameUnit(current, next.units.get(current.code)) ? next.since : undefined, list === units.lists[0] ? undefined : list.since));
    }
  };
  const referred = (code: string | undefined) => {
    if (!code || declared.has(code)) return undefined;
    const unit = list.units.get(code);
    // A unit the registry holds from another plan is added again only to give this plan its parents.
    if (unit) add(unit);
    return unit;
  };
  if (referred(plan.area)) for (const unit of list.units.values()) if (isBelow(unit, plan.area, list.units)) add(unit);
  for (const task of plan.tasks) referred(task.area);
  for (const target of plan.targets) {
    const measure = target.measure;
    for (const selection of measure.kind === 'percentage' ? [measure.numerator, measure.denominator] : [measure]) if ('area' in selection) referred(selection.area);
  }
  if (added.size === 0) return { plan, added: [] };
  // Parents first, as a reader of the plan expects them; the registry learns only the new ones.
  const areas = [...added.values()].sort((a, b) => a.code.length - b.code.length || a.code.localeCompare(b.code));
  return { plan: { ...plan, areas: [...plan.areas, ...areas] }, added: areas.filter((area) => !registry.has(area.code)).map((area) => area.code) };
}

function areaOf(unit: OfficialUnit, until: string | undefined, since: string | undefined): PlanArea {
  const kind = unit.kind === 'Thành phố' ? (unit.level === 'province' ? 'municipality' : 'provincial-city') : KINDS[unit.kind];
  const level: AreaLevelCode = unit.level === 'commune' && unit.kind === 'Phường' ? 'ward' : unit.level;
  return {
    code: unit.code,
    // Proper names are not translated: the English board shows them as the Vietnamese one does.
    name: { vi: unit.name, en: unit.name },
    level,
    ...(kind ? { kind } : {}),
    ...(unit.parent ? { parent: unit.parent } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  };
}

/** Whether a later list's unit of the same code is the same unit (same name and parent): otherwise the code was reused on `until`. */
const sameUnit = (unit: OfficialUnit, later: OfficialUnit | undefined) => later !== undefined && later.name === unit.name && later.parent === unit.parent;

function isBelow(unit: OfficialUnit, ancestor: string, units: ReadonlyMap<string, OfficialUnit>): boolean {
  for (let parent = unit.parent; parent; parent = units.get(parent)?.parent) if (parent === ancestor) return true;
  return false;
}
