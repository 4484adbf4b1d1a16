/**
 * The bodies that run a service on the bus and so produce events. Every other body a plan
 * names (finance, border guard, Women's Union…) lives in coordination's agency registry as
 * data; this list changes only when a new service is deployed.
 */
export const PRODUCER_AGENCIES = ['labour', 'police', 'health', 'culture', 'justice', 'coordination'] as const;
export type ProducerAgency = (typeof PRODUCER_AGENCIES)[number];

/** The five agency services that ingest records from agency systems. */
export const AGENCY_SERVICES = ['labour', 'police', 'health', 'culture', 'justice'] as const satisfies readonly ProducerAgency[];
export type AgencyService = (typeof AGENCY_SERVICES)[number];

export const PRODUCER_NAMES: Readonly<Record<ProducerAgency, { vi: string; en: string }>> = {
  labour: { vi: 'Lao động - Thương binh và Xã hội', en: 'Labour, Invalids and Social Affairs' },
  police: { vi: 'Công an', en: 'Police' },
  health: { vi: 'Y tế', en: 'Health' },
  culture: { vi: 'Văn hóa, Thể thao và Du lịch', en: 'Culture, Sports and Tourism' },
  justice: { vi: 'Tư pháp, Viện kiểm sát, Tòa án', en: 'Justice, procuracy and court' },
  coordination: { vi: 'Ban Chỉ đạo 138 (thường trực)', en: 'Steering Committee 138 secretariat' },
};

export function isProducerAgency(value: string): value is ProducerAgency {
  return (PRODUCER_AGENCIES as readonly string[]).includes(value);
}
