import { cadenceOfKey, periodShort as vietnamesePeriodShort, type PeriodCadence } from '@lienganh/contracts';
import { compliancePeriod as vietnameseCompliancePeriod, dateInWords, periodInTitle as vietnamesePeriodInTitle, vietnameseNumber, vietnamesePercent } from './vietnamese-format.js';
import { vietnameseDate, type ReportLanguage } from './periodic-period.js';

/**
 * The language a periodic report is written in: Vietnamese (the official document, the default)
 * or English (a translation for partners, issue #21). A locale writes numbers, dates and periods
 * the way each language does; the sentences themselves sit beside each other as `{ vi, en }` pairs
 * where they are used, so that a reader sees both at once.
 */

export { REPORT_LANGUAGES, type ReportLanguage } from './periodic-period.js';
export interface Bilingual {
  vi: string;
  en: string;
}

type PeriodLike = { key: string; cadence: PeriodCadence };

export interface ReportLocale {
  lang: ReportLanguage;
  /** The text of the report's language. */
  pick(text: Bilingual): string;
  /** 1234.5 → "1.234,5" / "1,234.5"; at most two decimals. */
  number(value: number): string;
  /** Percent points 42.5 → "42,5%" / "42.5%". */
  percent(value: number): string;
  /** A day in running text: "01/07/2021" / "1 July 2021". */
  date(isoDay: string): string;
  /** The day after the place in the heading: "ngày 05 tháng 10 năm 2021" / "5 October 2021". */
  dateInWords(isoDay: string): string;
  /** As the title writes it: "quý III năm 2021" / "third quarter of 2021". */
  periodInTitle(period: PeriodLike): string;
  /** As a sentence writes it: "quý III năm 2021" / "the third quarter of 2021". */
  periodInText(period: PeriodLike): string;
  /** As tables and lists write it: "quý III/2021" / "Q3 2021". */
  periodShort(period: PeriodLike): string;
  /** A compliance entry `quarterly:2021-Q2` → "quý II/2021" / "Q2 2021". */
  compliancePeriod(entry: string): string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ORDINALS = ['first', 'second', 'third', 'fourth'];
const ENGLISH_NUMBER = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

/** 1234.5 → "1,234.5". */
export const englishNumber = (value: number) => ENGLISH_NUMBER.format(value);

/** `2021-07-01` → "1 July 2021" (day month year, as British usage writes dates: never ambiguous). */
export function englishDate(isoDay: string): string {
  const [year, month, day] = isoDay.slice(0, 10).split('-').map(Number) as [number, number, number];
  return `${day} ${MONTHS[month - 1]} ${year}`;
}

/** "July 2021", "Q3 2021", "first half of 2021", "2021". */
export function englishPeriodShort({ key, cadence }: PeriodLike): string {
  const year = key.slice(0, 4);
  const part = key.slice(5);
  switch (cadence) {
    case 'monthly':
      return `${MONTHS[Number(part) - 1]} ${year}`;
    case 'quarterly':
      return `${part} ${year}`;
    case 'half-yearly':
      return `${part === 'H1' ? 'first' : 'second'} half of ${year}`;
    case 'annual':
      return year;
  }
}

/** "July 2021", "third quarter of 2021", "first half of 2021", "year 2021". */
export function englishPeriodInTitle(period: PeriodLike): string {
  const year = period.key.slice(0, 4);
  if (period.cadence === 'quarterly') return `${ORDINALS[Number(period.key.slice(6)) - 1]} quarter of ${year}`;
  if (period.cadence === 'annual') return `year ${year}`;
  return englishPeriodShort(period);
}

/** With the article a sentence needs: "the third quarter of 2021", but "July 2021". */
const englishPeriodInText = (period: PeriodLike) => (period.cadence === 'monthly' ? englishPeriodShort(period) : `the ${englishPeriodInTitle(period)}`);

function englishCompliancePeriod(entry: string): string {
  const key = entry.slice(entry.indexOf(':') + 1);
  const cadence = cadenceOfKey(key);
  return cadence ? englishPeriodShort({ key, cadence }) : key;
}

const VIETNAMESE: ReportLocale = {
  lang: 'vi',
  pick: (text) => text.vi,
  number: vietnameseNumber,
  percent: vietnamesePercent,
  date: vietnameseDate,
  dateInWords,
  periodInTitle: vietnamesePeriodInTitle,
  periodInText: vietnamesePeriodInTitle,
  periodShort: vietnamesePeriodShort,
  compliancePeriod: vietnameseCompliancePeriod,
};

const ENGLISH: ReportLocale = {
  lang: 'en',
  pick: (text) => text.en,
  number: englishNumber,
  percent: (value) => `${englishNumber(value)}%`,
  date: englishDate,
  dateInWords: englishDate,
  periodInTitle: englishPeriodInTitle,
  periodInText: englishPeriodInText,
  periodShort: englishPeriodShort,
  compliancePeriod: englishCompliancePeriod,
};

export const reportLocale = (lang: ReportLanguage = 'vi'): ReportLocale => (lang === 'en' ? ENGLISH : VIETNAMESE);

/** The suffix of a report's file name: none for Vietnamese, `-en` for English. */
export const languageSuffix = (lang: ReportLanguage) => (lang === 'vi' ? '' : `-${lang}`);
