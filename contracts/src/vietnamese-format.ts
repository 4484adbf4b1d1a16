/**
 * How Vietnamese official documents write periods, dates and numbers (Decree 30/2020/NĐ-CP and
 * everyday administrative use): "quý III/2021", "6 tháng đầu năm 2021", "tháng 7/2021",
 * 05/12/2026, 1.234,5, "hằng tháng". Numbers go through Intl's vi-VN rules rather than hand-made
 * separators.
 *
 * Self-contained on purpose (no import): the coordination service also serves the compiled file
 * to the dashboard as a browser module (`/assets/lib/vietnamese-format.js`), so that the board,
 * the report and the CLI write a period the same way (ADR 0018).
 */

export type PeriodCadence = 'monthly' | 'quarterly' | 'half-yearly' | 'annual';
export type TaskRecurrence = PeriodCadence;

const ROMAN = ['I', 'II', 'III', 'IV'];
const NUMBER = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

/** 1234.5 → "1.234,5"; at most two decimals. */
export const vietnameseNumber = (value: number) => NUMBER.format(value);

/** 42.5 (percent points) → "42,5%". */
export const vietnamesePercent = (value: number) => `${NUMBER.format(value)}%`;

/** A period's key (`2021-07`, `2021-Q3`, `2021-H1`, `2021`) → its cadence; undefined when it is none of them. */
export function cadenceOfKey(key: string): PeriodCadence | undefined {
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(key)) return 'monthly';
  if (/^\d{4}-Q[1-4]$/.test(key)) return 'quarterly';
  if (/^\d{4}-H[12]$/.test(key)) return 'half-yearly';
  if (/^\d{4}$/.test(key)) return 'annual';
  return undefined;
}

/** As tables and notes write a period: "tháng 7/2021", "quý III/2021", "6 tháng đầu năm 2021", "năm 2021". */
export function periodShort(period: { key: string; cadence: PeriodCadence }): string {
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

/** A period written by its key alone (`2021-Q3` → "quý III/2021"); the key itself when it is not a period. */
export function periodOfKey(key: string): string {
  const cadence = cadenceOfKey(key);
  return cadence ? periodShort({ key, cadence }) : key;
}

/** As a title writes it: "tháng 7 năm 2021", "quý III năm 2021", "6 tháng đầu năm 2021", "năm 2021". */
export function periodInTitle(period: { key: string; cadence: PeriodCadence }): string {
  const short = periodShort(period);
  return period.cadence === 'monthly' || period.cadence === 'quarterly' ? short.replace('/', ' năm ') : short;
}

/** A calendar day `2021-07-01` → "01/07/2021" (day, month, year; two digits each but the year). */
export function vietnameseDate(isoDay: string): string {
  const [year, month, day] = isoDay.slice(0, 10).split('-');
  return `${day}/${month}/${year}`;
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

const RECURRENCES: Record<TaskRecurrence, string> = { monthly: 'hằng tháng', quarterly: 'hằng quý', 'half-yearly': '6 tháng một lần', annual: 'hằng năm' };

/** A task's recurrence as a plan writes it: `monthly` → "hằng tháng". */
export const recurrenceName = (recurrence: string) => RECURRENCES[recurrence as TaskRecurrence] ?? recurrence;

const AREA_KINDS = /^(thành phố|tỉnh|quận|huyện|thị xã|thị trấn|phường|xã|đặc khu)\s+/i;

/** The place of a document, as its heading names it: "Quận Ba Đình" → "Ba Đình", "Thành phố Cần Thơ" → "Cần Thơ". */
export const placeOf = (areaName: string) => areaName.replace(AREA_KINDS, '').trim();
