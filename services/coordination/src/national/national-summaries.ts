import { NATIONAL_SUMMARY_STREAM, SiteSummary, siteSummarySubject } from '@lienganh/contracts';
import type { JetStreamManager } from '@nats-io/jetstream';

/** One site's latest summary as the hub holds it: absent before its first arrives, `problem` when it is not one this version reads. */
export interface GatheredSummary {
  site: string;
  summary?: SiteSummary;
  problem?: string;
}

/**
 * The sites' summaries gathered on the hub (ADR 0024): the sites are the sources of the gathered
 * stream, each one's latest summary read by subject, so that a site added to the hub shows at once,
 * with or without a summary yet. Reads by subject, not by consumer: they keep working while a hub
 * node is down (ADR 0024).
 */
export class NationalSummaries {
  constructor(
    private readonly jsm: JetStreamManager,
    private readonly stream = NATIONAL_SUMMARY_STREAM,
  ) {}

  async latest(): Promise<GatheredSummary[]> {
    const info = await this.jsm.streams.info(this.stream);
    const sites = (info.config.sources ?? []).flatMap((source) => /^\$JS\.(p\d{2})\.API$/.exec(source.external?.api ?? '')?.[1] ?? []);
    return Promise.all(
      [...new Set(sites)].map(async (site): Promise<GatheredSummary> => {
        const message = await this.jsm.streams.getMessage(this.stream, { last_by_subj: siteSummarySubject(site) });
        if (!message) return { site };
        const parsed = SiteSummary.safeParse(message.json());
        return parsed.success ? { site, summary: parsed.data } : { site, problem: `its summary is not one this version reads (${parsed.error.issues[0]?.message ?? 'invalid'})` };
      }),
    );
  }
}
