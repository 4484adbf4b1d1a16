import { INGESTING_SERVICES } from './agencies.js';
import { SUBJECT_PREFIX } from './define.js';

/**
 * The three JetStream streams of the backbone: what the agencies state, what coordination
 * derives (plans, tasks, alerts), and what no handler could process.
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
} as const;

export type StreamKey = keyof typeof STREAMS;
