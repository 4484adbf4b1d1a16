import type { PeriodicReport } from './periodic-report.js';
import { placeOf } from './vietnamese-format.js';

/** The body that issues the compiled report: the steering committee 138 of the plan's area. */
export interface Committee {
  /** "Ban Chỉ đạo 138 quận Ba Đình". */
  name: string;
  /** "Ba Đình": the place written before the date. */
  place: string;
}

/** Symbol of a report (BC) of the steering committee (BCĐ138), as the decree builds "Số: 12/BC-BCĐ138". */
export const REPORT_SYMBOL = 'BC-BCĐ138';

// The committee of the plan's area issues the report, also when it is narrowed to one ward.
export function committeeOf(report: Pick<PeriodicReport, 'plan'>): Committee {
  const areaName = report.plan.areaName.vi;
  return { name: `Ban Chỉ đạo 138 ${lowerFirst(areaName)}`, place: placeOf(areaName) };
}

export const lowerFirst = (text: string) => text.charAt(0).toLocaleLowerCase('vi') + text.slice(1);
