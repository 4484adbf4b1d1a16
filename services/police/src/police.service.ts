import type { AgencyServiceDefinition } from '@lienganh/platform';

/** The police agency service: its records in, its CloudEvents out. */
export const policeService: AgencyServiceDefinition = {
  agency: 'police',
  defaultPort: 8082,
};
