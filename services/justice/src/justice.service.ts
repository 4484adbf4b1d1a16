import { policeCaseTransferred, STREAMS, SUBJECT_PREFIX } from '@lienganh/contracts';
import type { AgencyServiceDefinition } from '@lienganh/platform';
import { caseFileReplays } from './case-files/case-file-replays.js';
import { CaseFilesModule } from './case-files/case-files.module.js';

/** The justice service (procuracy and court): its records in, and the cases police transferred. */
export const justiceService: AgencyServiceDefinition = {
  agency: 'justice',
  defaultPort: 8085,
  modules: [CaseFilesModule],
  consumers: [
    { stream: STREAMS.agencyEvents.name, name: 'justice-cases-from-police', filterSubject: policeCaseTransferred.subject },
    // Justice's own steps, whichever replica (or system, through POST /api/v1/events) recorded them.
    { stream: STREAMS.agencyEvents.name, name: 'justice-own-cases', filterSubject: `${SUBJECT_PREFIX}.justice.case.>` },
  ],
  replays: caseFileReplays,
};
