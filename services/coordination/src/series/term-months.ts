import { parsePeriod, periodInstants } from '../reports/periodic-period.js';
import { vietnamDate } from '../targets/target-tally.js';

/** One month of a plan's term, and when its figures are taken. */
export interface TermMonth {
  /** `2021-05`, as the monthly report's period is written. */
  key: string;
  /** The month's last instant (Vietnam time), or now while it runs: the `asOf` of that month's periodic report (ms). */
  asOf: number;
}

/**
 * The months of a term (a plan's period) up to now, the month in progress included; none before
 * the term starts. Each month ends as its periodic report's period does (`parsePeriod`,
 * `periodInstants`), so that a point of a series and the report of its month agree.
 */
export function termMonths(term: { start: string; end: string }, now: Date): TermMonth[] {
  const today = vietnamDate(now.toISOString());
  const last = (today < term.end ? today : term.end).slice(0, 7);
  const months: TermMonth[] = [];
  for (let key = term.start.slice(0, 7); key <= last; key = nextMonth(key)) {
    months.push({ key, asOf: Math.min(now.getTime(), periodInstants(parsePeriod(key)).to) });
  }
  return months;
}

function nextMonth(key: string): string {
  const year = Number(key.slice(0, 4));
  const month = Number(key.slice(5, 7));
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}
