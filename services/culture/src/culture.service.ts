import type { AgencyServiceDefinition } from '@lienganh/platform';

/** The culture agency service: its records in, its CloudEvents out. */
export const cultureService: AgencyServiceDefinition = {
  agency: 'culture',
  defaultPort: 8084,
};
