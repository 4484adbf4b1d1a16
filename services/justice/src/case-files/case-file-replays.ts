import { policeCaseTransferred, STREAMS, SUBJECT_PREFIX } from '@lienganh/contracts';
import type { ReplayConsumerConfig } from '@lienganh/platform';

/** What rebuilds the case files at start: the cases police transferred, then justice's own steps on them. */
export const caseFileReplays: ReplayConsumerConfig[] = [
  { stream: STREAMS.agencyEvents.name, name: 'justice-cases-from-police-replay', filterSubject: policeCaseTransferred.subject },
  { stream: STREAMS.agencyEvents.name, name: 'justice-own-cases-replay', filterSubject: `${SUBJECT_PREFIX}.justice.case.>` },
];
