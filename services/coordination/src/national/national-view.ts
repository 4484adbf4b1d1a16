import { ADDITIVE_MEASURES, type SiteSummary, type SiteSummaryTarget } from '@lienganh/contracts';
import type { GatheredSummary } from './national-summaries.js';

/**
 * The national view (issue #24): built from the provinces' summaries, never from their raw events.
 * Per site its latest summary (or none yet); per target key the sum over the sites' top plans, for
 * the measures that add up. A key is what a province target carries up to (the national
 * programme's target), else its own id: provinces transcribing one programme share its ids.
 */
export interface NationalView {
  generatedAt: string;
  sites: NationalSite[];
  totals: NationalTotal[];
}

export interface NationalSite {
  site: string;
  /** Its province's official code. */
  province: string;
  /** Absent: the hub holds no summary of it yet (a site not connected since it was added). */
  summary?: SiteSummary;
  /** Why its summary is not read (another version's). */
  problem?: string;
}

export interface NationalTotal {
  key: string;
  measure: SiteSummaryTarget['measure'];
  title: SiteSummaryTarget['title'];
  achieved: number;
  events: number;
  /** Each site's part, in site order. */
  sites: { site: string; planId: string; targetId: string; achieved: number }[];
}

export function nationalView(sites: readonly GatheredSummary[], now: Date): NationalView {
  const totals = new Map<string, NationalTotal>();
  const ordered = [...sites].sort((a, b) => a.site.localeCompare(b.site));
  for (const { site, summary } of ordered) {
    for (const plan of summary?.plans ?? []) {
      for (const target of plan.targets) {
        if (!ADDITIVE_MEASURES.includes(target.measure)) continue;
        const key = target.carriesUp ?? target.id;
        let total = totals.get(key);
        if (!total) totals.set(key, (total = { key, measure: target.measure, title: target.title, achieved: 0, events: 0, sites: [] }));
        // Like adds to like only: a key measured otherwise elsewhere is left out of the sum.
        if (total.measure !== target.measure) continue;
        total.achieved = Math.round((total.achieved + target.achieved) * 100) / 100;
        total.events += target.events;
        total.sites.push({ site, planId: plan.id, targetId: target.id, achieved: target.achieved });
      }
    }
  }
  return {
    generatedAt: now.toISOString(),
    sites: ordered.map(({ site, summary, problem }) => ({ site, province: site.slice(1), ...(summary ? { summary } : {}), ...(problem ? { problem } : {}) })),
    totals: [...totals.values()].sort((a, b) => a.key.localeCompare(b.key)),
  };
}
