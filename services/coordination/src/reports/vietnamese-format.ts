import { periodShort } from '@lienganh/contracts';
import { parsePeriod } from './periodic-period.js';

// The pure formatter lives in contracts (the dashboard loads the same file as a browser module).
export { dateInWords, periodInTitle, periodShort, placeOf, vietnameseNumber, vietnamesePercent } from '@lienganh/contracts';

/** A compliance entry `quarterly:2021-Q2` → "quý II/2021" (the entry's own key when it is not a period). */
export function compliancePeriod(entry: string): string {
  const key = entry.slice(entry.indexOf(':') + 1);
  try {
    return periodShort(parsePeriod(key));
  } catch {
    return key;
  }
}
