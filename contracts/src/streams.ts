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
  /** A province site's board in figures, the latest only, for the national view (issue #24, `site-summary.ts`). */
  siteSummary: {
    name: 'PCMD_SITE_SUMMARY',
    subjects: ['pcmd.summary.>'],
  },
} as const;

/** The hub's stream that gathers every site's `PCMD_SITE_SUMMARY` (ADR 0024): the national view reads it. */
export const NATIONAL_SUMMARY_STREAM = 'PCMD_NATIONAL_SUMMARY';

/** The subject a site's summary is published on: `pcmd.summary.p12`. */
export const siteSummarySubject = (site: string) => `pcmd.summary.${site}`;

export type StreamKey = keyof typeof STREAMS;
