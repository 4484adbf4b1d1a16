import { INGESTING_SERVICES } from './agencies.js';
import { SUBJECT_PREFIX } from './define.js';

/**
 * The JetStream streams of the backbone: what the agencies state, what coordination derives
 * (plans, tasks, alerts), what no handler could process, and the refusals each producer reads
 * (ADR 0014: no body, no refused value).
 */
export const STREAMS = {
  agencyEvents: {
    name: 'PCMD_AGENCY_EVENTS',
    subjects: INGESTING_SERVICES.map((agency) => `${SUBJECT_PREFIX}.${agency}.>`),
  },
  coordinationEvents: {
    name: 'PCMD_COORDINATION_EVENTS',
    subjects: [`${SUBJECT_PREFIX}.coordination.>`],
  },
  deadLetter: {
    name: 'PCMD_DEAD_LETTER',
    subjects: ['pcmd.dead-letter.>'],
  },
  refusals: {
    name: 'PCMD_REFUSALS',
    subjects: ['pcmd.refusals.>'],
  },
} as const;

export type StreamKey = keyof typeof STREAMS;
