import type { AgencyServiceDefinition } from '@lienganh/platform';

/** The health agency service: its records in, its CloudEvents out. */
export const healthService: AgencyServiceDefinition = {
  agency: 'health',
  defaultPort: 8083,
};
