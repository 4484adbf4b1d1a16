/**
 * The producers of events on the bus: the five agency services, the generic reporting service
 * that every other body reports through, and coordination. Every other body a plan names
 * (finance, border guard, Women's Union…) lives in coordination's agency registry as data and
 * reports through `reporting`, its code in the event's `source` (`/pcmd/reporting/<body>`);
 * this list changes only when a new service is deployed.
 */
export const PRODUCER_AGENCIES = ['labour', 'police', 'health', 'culture', 'justice', 'reporting', 'coordination'] as const;
export type ProducerAgency = (typeof PRODUCER_AGENCIES)[number];

/** The five agency services that ingest records from agency systems. */
export const AGENCY_SERVICES = ['labour', 'police', 'health', 'culture', 'justice'] as const satisfies readonly ProducerAgency[];
export type AgencyService = (typeof AGENCY_SERVICES)[number];

/**
 * The generic reporting service: bodies without a service of their own (Women's Union, border
 * guard, newspapers, People's Committees…) report through it with their own credentials. Its
 * events name the body in `source` and in the NATS subject (`pcmd.events.reporting.<body>.…`).
 */
export const REPORTING_SERVICE = 'reporting' as const satisfies ProducerAgency;

/** Every service that takes events from outside systems: the five agencies and the reporting service. */
export const INGESTING_SERVICES = [...AGENCY_SERVICES, REPORTING_SERVICE] as const;
export type IngestingService = (typeof INGESTING_SERVICES)[number];

export const PRODUCER_NAMES: Readonly<Record<ProducerAgency, { vi: string; en: string }>> = {
  labour: { vi: 'Lao động - Thương binh và Xã hội', en: 'Labour, Invalids and Social Affairs' },
  police: { vi: 'Công an', en: 'Police' },
  health: { vi: 'Y tế', en: 'Health' },
  culture: { vi: 'Văn hóa, Thể thao và Du lịch', en: 'Culture, Sports and Tourism' },
  justice: { vi: 'Tư pháp, Viện kiểm sát, Tòa án', en: 'Justice, procuracy and court' },
  reporting: { vi: 'Cổng báo cáo chung của các cơ quan, tổ chức', en: 'Shared reporting service of the other bodies' },
  coordination: { vi: 'Ban Chỉ đạo 138 (thường trực)', en: 'Steering Committee 138 secretariat' },
};

export function isProducerAgency(value: string): value is ProducerAgency {
  return (PRODUCER_AGENCIES as readonly string[]).includes(value);
}

export function isAgencyService(value: string): value is AgencyService {
  return (AGENCY_SERVICES as readonly string[]).includes(value);
}
