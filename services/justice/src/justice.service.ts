import { policeCaseTransferred, STREAMS } from '@lienganh/contracts';
import type { AgencyServiceDefinition } from '@lienganh/platform';
import { CaseFilesModule } from './case-files/case-files.module.js';

/** The justice service (procuracy and court): its records in, and the cases police transferred. */
export const justiceService: AgencyServiceDefinition = {
  agency: 'justice',
  defaultPort: 8085,
  modules: [CaseFilesModule],
  consumers: [{ stream: STREAMS.agencyEvents.name, name: 'justice-cases-from-police', filterSubject: policeCaseTransferred.subject }],
};
