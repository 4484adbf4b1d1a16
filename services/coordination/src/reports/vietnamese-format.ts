import { parsePeriod, type ReportPeriod } from './periodic-period.js';

/**
 * How Vietnamese official documents write periods, dates and numbers (Decree 30/2020/NĐ-CP and
 * everyday administrative use): "quý III/2021", "6 tháng đầu năm 2021", "tháng 7/2021",
 * 05/12/2026, 1.234,5. Numbers go through Intl's vi-VN rules rather than hand-made separators.
 */

const ROMAN = ['I', 'II', 'III', 'IV'];
const NUMBER = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

/** 1234.5 → "1.234,5"; at most two decimals. */
export const vietnameseNumber = (value: number) => NUMBER.format(value);

/** 42.5 (percent points) → "42,5%". */
export const vietnamesePercent = (value: number) => `${NUMBER.format(value)}%`;

/** As tables and notes write a period: "tháng 7/2021", "quý III/2021", "6 tháng đầu năm 2021", "năm 2021". */
export function periodShort(period: Pick<ReportPeriod, 'key' | 'cadence'>): string {
  const year = period.key.slice(0, 4);
  const part = period.key.slice(5);
  switch (period.cadence) {
    case 'monthly':
      return `tháng ${Number(part)}/${year}`;
    case 'quarterly':
      return `quý ${ROMAN[Number(part.slice(1)) - 1]}/${year}`;
    case 'half-yearly':
      return `6 tháng ${part === 'H1' ? 'đầu' : 'cuối'} năm ${year}`;
    case 'annual':
      return `năm ${year}`;
  }
}

/** As a title writes it: "tháng 7 năm 2021", "quý III năm 2021", "6 tháng đầu năm 2021", "năm 2021". */
export function periodInTitle(period: Pick<ReportPeriod, 'key' | 'cadence'>): string {
  const short = periodShort(period);
  return period.cadence === 'monthly' || period.cadence === 'quarterly' ? short.replace('/', ' năm ') : short;
}

/** A compliance entry `quarterly:2021-Q2` → "quý II/2021" (the entry's own key when it is not a period). */
export function compliancePeriod(entry: string): string {
  const key = entry.slice(entry.indexOf(':') + 1);
  try {
    return periodShort(parsePeriod(key));
  } catch {
    return key;
  }
}

/**
 * "ngày 05 tháng 12 năm 2026" of `2026-12-05`: the decree writes a day below 10 and the months
 * 1 and 2 with a leading zero (so that nothing can be added in front of them), other months without.
 */
export function dateInWords(isoDay: string): string {
  const [year, month, day] = isoDay.split('-').map(Number) as [number, number, number];
  const pad = (value: number) => String(value).padStart(2, '0');
  return `ngày ${pad(day)} tháng ${month <= 2 ? pad(month) : month} năm ${year}`;
}

const AREA_KINDS = /^(thành phố|tỉnh|quận|huyện|thị xã|thị trấn|phường|xã|đặc khu)\s+/i;

/** The place of a document, as its heading names it: "Quận Ba Đình" → "Ba Đình", "Thành phố Cần Thơ" → "Cần Thơ". */
export const placeOf = (areaName: string) => areaName.replace(AREA_KINDS, '').trim();
