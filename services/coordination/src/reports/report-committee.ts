import type { PeriodicReport } from './periodic-report.js';
import type { ReportLanguage } from './report-locale.js';
import { placeOf } from './vietnamese-format.js';

/** The body that issues the compiled report: the steering committee 138 of the plan's area. */
export interface Committee {
  /** "Ban Chỉ đạo 138 quận Ba Đình" / "Steering Committee 138 of Ba Dinh district". */
  name: string;
  /** The short form the recipients list uses: "BCĐ 138 quận Ba Đình" / "Steering Committee 138". */
  members: string;
  /** "Ba Đình": the place written before the date, a proper name in either language. */
  place: string;
}

/** Symbol of a report (BC) of the steering committee (BCĐ138), as the decree builds "Số: 12/BC-BCĐ138". */
export const REPORT_SYMBOL = 'BC-BCĐ138';

// The committee of the plan's area issues the report, also when it is narrowed to one ward.
export function committeeOf(report: Pick<PeriodicReport, 'plan'>, lang: ReportLanguage = 'vi'): Committee {
  const { vi, en } = report.plan.areaName;
  const place = placeOf(vi);
  if (lang === 'en') return { name: `Steering Committee 138 of ${en}`, members: `Steering Committee 138 of ${en}`, place };
  return { name: `Ban Chỉ đạo 138 ${lowerFirst(vi)}`, members: `BCĐ 138 ${lowerFirst(vi)}`, place };
}

export const lowerFirst = (text: string) => text.charAt(0).toLocaleLowerCase('vi') + text.slice(1);
