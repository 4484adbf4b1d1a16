import type { ProducerAgency } from './agencies.js';
import type { EventDefinition } from './define.js';
import { ContractError } from './errors.js';
import { findPersonalData } from './personal-data.js';
import { coordinationEvents } from './events/coordination.events.js';
import { cultureEvents } from './events/culture.events.js';
import { healthEvents } from './events/health.events.js';
import { justiceEvents } from './events/justice.events.js';
import { labourEvents } from './events/labour.events.js';
import { policeEvents } from './events/police.events.js';
import { reportingEvents } from './events/reporting.events.js';

/** Every event type the backbone carries, in a stable order (agency, then as declared). */
export const catalog: readonly EventDefinition[] = Object.freeze([
  ...labourEvents,
  ...policeEvents,
  ...healthEvents,
  ...cultureEvents,
  ...justiceEvents,
  ...reportingEvents,
  ...coordinationEvents,
]);

const byType = new Map<string, EventDefinition>(catalog.map((definition) => [definition.type, definition]));
if (byType.size !== catalog.length) throw new Error('event catalog has a duplicated type');

export function findEventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type);
}

/** The definition of `type`, or a ContractError naming the attribute. */
export function getEventDefinition(type: string): EventDefinition {
  const definition = byType.get(type);
  if (!definition) {
    // Quoted only when it reads as a type: a ce-type header or a type field may hold anything, a phone number too.
    const named = /^[a-z0-9][a-z0-9.-]{0,199}$/.test(type) && findPersonalData(type).length === 0 ? `"${type}" ` : '';
    throw ContractError.single('type', `unknown event type ${named}(see \`lienganh catalog\`)`);
  }
  return definition;
}

export function eventsOf(agency: ProducerAgency): EventDefinition[] {
  return catalog.filter((definition) => definition.agency === agency);
}

/** A plain-data row of the catalog, as printed by `lienganh catalog --json`. */
export interface CatalogEntry {
  type: string;
  agency: ProducerAgency;
  subject: string;
  version: number;
  description: { vi: string; en: string };
}

export function describeCatalog(): CatalogEntry[] {
  return catalog.map(({ type, agency, subject, version, description }) => ({ type, agency, subject, version, description }));
}
