import type { AgencyServiceDefinition } from '@lienganh/platform';

/** The justice agency service: its records in, its CloudEvents out. */
export const justiceService: AgencyServiceDefinition = {
  agency: 'justice',
  defaultPort: 8085,
};
