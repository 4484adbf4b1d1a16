import { AreaCode } from '@lienganh/contracts';
import { z } from 'zod';

/**
 * The reporting periods of the plans (báo cáo định kỳ tháng, quý, 6 tháng, năm), written as
 * the report events write them: `2021-05` (month), `2021-Q2` (quarter), `2021-H1` (6 months),
 * `2021` (year). Days are Vietnam's (UTC+7), like every date of a plan.
 */

export type PeriodCadence = 'monthly' | 'quarterly' | 'half-yearly' | 'annual';

export interface ReportPeriod {
  /** Normalised: `2021-05`, `2021-Q2`, `2021-H1`, `2021`. */
  key: string;
  cadence: PeriodCadence;
  /** First and last day, inclusive (Vietnam time). */
  start: string;
  end: string;
  label: { vi: string; en: string };
}

/** A period that cannot be read; `parameter` is the query parameter or option it came from. */
export class PeriodError extends Error {
  override readonly name = 'PeriodError';
  constructor(
    message: string,
    readonly parameter = 'period',
  ) {
    super(message);
  }
}

export const PERIOD_HINT = 'tháng 2021-05, quý 2021-Q2, 6 tháng 2021-H1, năm 2021 / month 2021-05, quarter 2021-Q2, half-year 2021-H1, year 2021';

const SHAPE = /^(\d{4})(?:-(\d{2})|-[Qq]([1-4])|-[Hh]([12]))?$/;
const ROMAN = ['I', 'II', 'III', 'IV'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Reads a period; throws a PeriodError (which never repeats the input) when it is not one. */
export function parsePeriod(text: string): ReportPeriod {
  const match = SHAPE.exec(text.trim());
  if (!match) throw new PeriodError(`kỳ báo cáo không hợp lệ / not a reporting period: use ${PERIOD_HINT}`);
  const year = Number(match[1]);
  if (year < 2000 || year > 2100) throw new PeriodError('năm phải từ 2000 đến 2100 / the year must be 2000-2100');
  const [, , month, quarter, half] = match;
  if (month !== undefined) {
    const number = Number(month);
    if (number < 1 || number > 12) throw new PeriodError('tháng phải từ 01 đến 12 / the month must be 01-12');
    return build(`${year}-${month}`, 'monthly', year, number, 1, { vi: `Tháng ${number} năm ${year}`, en: `${MONTHS_EN[number - 1]} ${year}` });
  }
  if (quarter !== undefined) {
    const number = Number(quarter);
    const first = (number - 1) * 3 + 1;
    return build(`${year}-Q${number}`, 'quarterly', year, first, 3, {
      vi: `Quý ${ROMAN[number - 1]} năm ${year}`,
      en: `Q${number} ${year} (${MONTHS_EN[first - 1]}–${MONTHS_EN[first + 1]})`,
    });
  }
  if (half !== undefined) {
    const number = Number(half);
    return build(`${year}-H${number}`, 'half-yearly', year, number === 1 ? 1 : 7, 6, {
      vi: `6 tháng ${number === 1 ? 'đầu' : 'cuối'} năm ${year}`,
      en: `${number === 1 ? 'First' : 'Second'} half of ${year}`,
    });
  }
  return build(`${year}`, 'annual', year, 1, 12, { vi: `Năm ${year}`, en: `Year ${year}` });
}

function build(key: string, cadence: PeriodCadence, year: number, firstMonth: number, months: number, label: ReportPeriod['label']): ReportPeriod {
  const start = `${year}-${String(firstMonth).padStart(2, '0')}-01`;
  // Day 0 of the month after the last one: its last day.
  const end = new Date(Date.UTC(year, firstMonth - 1 + months, 0)).toISOString().slice(0, 10);
  return { key, cadence, start, end, label };
}

/** `2021-04-01` → `01/04/2021`, as Vietnamese documents write dates. */
export const vietnameseDate = (isoDate: string) => `${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}/${isoDate.slice(0, 4)}`;

/** The first and last instant of a period (Vietnam time), in ms. */
export function periodInstants(period: Pick<ReportPeriod, 'start' | 'end'>): { from: number; to: number } {
  return { from: Date.parse(`${period.start}T00:00:00.000+07:00`), to: Date.parse(`${period.end}T23:59:59.999+07:00`) };
}

/** The `period` query parameter: a 400 naming it when it is not a period. */
export const PeriodParameter = z.string().transform((text, context): ReportPeriod => {
  try {
    return parsePeriod(text);
  } catch (error) {
    context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
});

export const REPORT_FORMATS = ['xlsx', 'csv', 'json', 'docx'] as const;
/** `semicolon`: `;` and a decimal comma, for Excel set to Vietnamese (the default); `comma`: `,` and a decimal point, the old form. */
export const CSV_DIALECTS = ['semicolon', 'comma'] as const;
export type CsvDialect = (typeof CSV_DIALECTS)[number];
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** The language of a report: Vietnamese, the official document (default), or English. */
export const REPORT_LANGUAGES = ['vi', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/** `GET /api/v1/reports/periodic?period=&area=&plan=&format=&number=&csv=&lang=`. */
export const PeriodicReportQuery = z.strictObject({
  period: PeriodParameter,
  /** The plan's area (default) or an area below it: a district or a ward. */
  area: AreaCode.optional(),
  /** Needed only when several plans cover the area in the period. */
  plan: z.string().min(1).max(100).optional(),
  format: z.enum(REPORT_FORMATS, { error: `phải là xlsx, csv, json hoặc docx / must be xlsx, csv, json or docx` }).default('xlsx'),
  /** The document's number ("12" of "Số: 12/BC-BCĐ138"), given by the secretariat's register; without it the DOCX leaves dots. */
  number: z
    .string()
    .regex(/^[0-9]{1,6}$/, { error: 'số văn bản là 1-6 chữ số / the document number is 1-6 digits' })
    .optional(),
  /** Default: `semicolon` in Vietnamese, `comma` in English (the separators Excel expects in each). */
  csv: z.enum(CSV_DIALECTS, { error: 'phải là semicolon hoặc comma / must be semicolon or comma' }).optional(),
  /** `vi` (default): the official document; `en`: the English version (DOCX, XLSX annex and CSV). */
  lang: z.enum(REPORT_LANGUAGES, { error: 'phải là vi hoặc en / must be vi or en' }).default('vi'),
});
export type PeriodicReportQuery = z.infer<typeof PeriodicReportQuery>;
