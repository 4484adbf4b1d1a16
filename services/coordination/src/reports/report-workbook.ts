import { stringify } from 'csv-stringify/sync';
import type ExcelJS from 'exceljs';
import type { BodyCompliance } from '../reporting/report-compliance.js';
import type { TargetStatus } from '../targets/target-progress.js';
import { vietnamDate } from '../targets/target-tally.js';
import type { CsvDialect, ReportLanguage } from './periodic-period.js';
import type { AgencyReportRow, PeriodicReport, TargetReportRow } from './periodic-report.js';
import { committeeOf, REPORT_SYMBOL } from './report-committee.js';
import { reportLocale, type Bilingual, type ReportLocale } from './report-locale.js';
import { vietnameseNumber } from './vietnamese-format.js';

/**
 * The annex (phụ lục) of the periodic report document: sheet 1 one row per agency, sheet 2 one
 * row per target, sheet 3 who reported on time. In the language of the document it goes with
 * (Vietnamese, or English with `lang: 'en'`); numbers are numbers, percentages percent cells, dates dates, so that the secretariat can
 * compute with them. The CSV is the table of sheet 1.
 */

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export const SHEET_NAMES = {
  agencies: { vi: 'Tổng hợp theo cơ quan', en: 'Summary by agency' },
  targets: { vi: 'Chỉ tiêu', en: 'Targets' },
  reporting: { vi: 'Báo cáo định kỳ', en: 'Periodic reports' },
} as const;
export const REPORT_TITLE = { vi: 'PHỤ LỤC', en: 'ANNEX' } as const;
const FONT = 'Times New Roman';
const PERCENT = '0.00%';
const DATE = { vi: 'dd/mm/yyyy', en: 'd mmmm yyyy' } as const;

type Cell = string | number | Date | null;

interface Column<Row> {
  header: Bilingual;
  width: number;
  value(row: Row, index: number, locale: ReportLocale): Cell;
  /** Excel number format: `0.00%` for a fraction shown as a percentage, `dd/mm/yyyy` for a date. */
  format?: string | ((row: Row, locale: ReportLocale) => string | undefined);
  /** False for a column whose total would add unlike things (events of different kinds, percentages of different goals). */
  adds?: false;
  /** Long text: wrapped, and the row made tall enough for it. */
  wrap?: boolean;
}

/** A day `2021-06-30` as a date cell (midnight UTC, which Excel shows as that day whatever the zone). */
const dateCell = (isoDay: string) => new Date(`${isoDay}T00:00:00.000Z`);
/** Percent points (42.5) as the fraction a percent cell holds (0.425). */
const fraction = (percent: number | null) => (percent === null ? null : Math.round(percent * 100) / 10_000);
const isPercentMeasure = (measure: TargetReportRow['measure']) => measure === 'percentage' || measure === 'referral-stage';

/** The per-agency table: the same columns in the XLSX and the CSV. */
export const AGENCY_COLUMNS: Column<AgencyReportRow>[] = [
  { header: { vi: 'STT', en: 'No.' }, width: 6, value: (_, index) => index + 1, adds: false },
  { header: { vi: 'Cơ quan, đơn vị', en: 'Agency, unit' }, width: 40, value: (row, _, { pick }) => pick(row.name), wrap: true },
  { header: { vi: 'Mã', en: 'Code' }, width: 18, value: (row) => row.agency, adds: false },
  { header: { vi: 'Số chỉ tiêu', en: 'Targets' }, width: 10, value: (row) => row.targets },
  { header: { vi: 'Chỉ tiêu đã đạt', en: 'Targets achieved' }, width: 10, value: (row) => row.targetsMet },
  { header: { vi: 'Kết quả trong kỳ (số sự kiện)', en: 'Results in the period (events)' }, width: 14, value: (row) => row.achievedInPeriod, adds: false },
  { header: { vi: 'Tiến độ bình quân so với kế hoạch (lũy kế)', en: 'Average progress against plan (cumulative)' }, width: 14, value: (row) => fraction(row.percent), format: PERCENT, adds: false },
  { header: { vi: 'Nhiệm vụ chủ trì', en: 'Tasks led' }, width: 10, value: (row) => row.tasks.total },
  { header: { vi: 'Nhiệm vụ hoàn thành', en: 'Tasks completed' }, width: 11, value: (row) => row.tasks.done },
  { header: { vi: 'Nhiệm vụ quá hạn', en: 'Tasks overdue' }, width: 10, value: (row) => row.tasks.overdue },
  { header: { vi: 'Chuyển gửi: đã chuyển', en: 'Referrals: made' }, width: 11, value: (row) => row.referrals.made },
  { header: { vi: 'Chuyển gửi: đã tiếp nhận', en: 'Referrals: accepted' }, width: 11, value: (row) => row.referrals.accepted },
  { header: { vi: 'Chuyển gửi: đã cung cấp dịch vụ', en: 'Referrals: service delivered' }, width: 13, value: (row) => row.referrals.serviceDelivered },
  { header: { vi: 'Chuyển gửi: đã kết thúc', en: 'Referrals: closed' }, width: 11, value: (row) => row.referrals.closed },
  { header: { vi: 'Ghi chú', en: 'Notes' }, width: 55, value: (row, _, locale) => notesOf(row, locale) || null, wrap: true, adds: false },
];

/** The notes of an agency, in the report's language: reports missing or late, targets behind. */
function notesOf(row: AgencyReportRow, { pick, compliancePeriod }: ReportLocale): string {
  const notes: string[] = [];
  const reports = row.reports;
  if (reports && reports.missing > 0) notes.push(`${pick({ vi: 'Chưa gửi báo cáo', en: 'Reports not sent' })}: ${reports.missingPeriods.map(compliancePeriod).join(', ')}`);
  if (reports && reports.late > 0) notes.push(`${pick({ vi: 'Gửi báo cáo muộn', en: 'Reports sent late' })}: ${reports.late}`);
  const behind = row.notes.find((note) => note.startsWith('Chỉ tiêu chậm tiến độ'));
  if (behind) notes.push(`${pick({ vi: 'Chỉ tiêu chậm tiến độ', en: 'Targets behind schedule' })}: ${behind.slice(behind.indexOf(': ') + 2)}`);
  return notes.join('; ');
}

const STATUS: Record<TargetStatus, Bilingual> = {
  'on-track': { vi: 'Đúng tiến độ', en: 'On track' },
  'at-risk': { vi: 'Chậm tiến độ', en: 'At risk' },
  overdue: { vi: 'Không đạt (hết hạn)', en: 'Missed (past its deadline)' },
  achieved: { vi: 'Đã đạt', en: 'Achieved' },
};

const MEASURE: Record<TargetReportRow['measure'], Bilingual> = {
  count: { vi: 'Đếm sự kiện', en: 'Count of events' },
  distinct: { vi: 'Đếm đối tượng khác nhau', en: 'Count of distinct subjects' },
  sum: { vi: 'Tổng số (cộng dồn trường số liệu)', en: 'Sum (of a data field)' },
  percentage: { vi: 'Tỷ lệ %', en: 'Percentage' },
  cadence: { vi: 'Định kỳ', en: 'Periodic' },
  'referral-stage': { vi: 'Tỷ lệ % ca chuyển gửi đạt bước', en: 'Percentage of referrals reaching a stage' },
};

export const TARGET_COLUMNS: Column<TargetReportRow & { agencyName: string }>[] = [
  { header: { vi: 'STT', en: 'No.' }, width: 6, value: (_, index) => index + 1 },
  { header: { vi: 'Mã chỉ tiêu', en: 'Target code' }, width: 26, value: (row) => row.id },
  { header: { vi: 'Chỉ tiêu', en: 'Target' }, width: 55, value: (row, _, { pick }) => pick(row.title), wrap: true },
  { header: { vi: 'Cơ quan chủ trì', en: 'Lead agency' }, width: 26, value: (row) => row.agencyName, wrap: true },
  { header: { vi: 'Cách đo', en: 'Measure' }, width: 20, value: (row, _, { pick }) => pick(MEASURE[row.measure]), wrap: true },
  { header: { vi: 'Mục tiêu', en: 'Goal' }, width: 12, value: (row, _, locale) => goalText(row, locale) },
  { header: { vi: 'Kết quả trong kỳ (số sự kiện)', en: 'Results in the period (events)' }, width: 14, value: (row) => row.achievedInPeriod },
  { header: { vi: 'Lũy kế', en: 'Cumulative' }, width: 12, value: (row) => (isPercentMeasure(row.measure) ? fraction(row.cumulative) : row.cumulative), format: (row) => (isPercentMeasure(row.measure) ? PERCENT : undefined) }, // General: '0.##' would print "8."
  { header: { vi: 'Lũy kế tính đến ngày', en: 'Cumulative as of' }, width: 13, value: (row) => dateCell(row.cumulativeAsOf), format: (_, { lang }) => DATE[lang] },
  { header: { vi: 'Tiến độ so với kế hoạch', en: 'Progress against plan' }, width: 12, value: (row) => fraction(row.percent), format: PERCENT },
  { header: { vi: 'Tình trạng', en: 'Status' }, width: 18, value: (row, _, { pick }) => pick(STATUS[row.status]), wrap: true },
  { header: { vi: 'Ghi chú', en: 'Notes' }, width: 55, value: (row, _, { pick }) => (row.note ? pick(row.note) : null), wrap: true },
];

const REPORTING_COLUMNS: Column<BodyCompliance & { name: string }>[] = [
  { header: { vi: 'STT', en: 'No.' }, width: 6, value: (_, index) => index + 1 },
  { header: { vi: 'Cơ quan, đơn vị', en: 'Agency, unit' }, width: 40, value: (row) => row.name, wrap: true },
  { header: { vi: 'Mã', en: 'Code' }, width: 18, value: (row) => row.body },
  { header: { vi: 'Địa bàn', en: 'Area' }, width: 28, value: (row, _, { pick }) => (row.areaName ? pick(row.areaName) : row.area), wrap: true },
  { header: { vi: 'Báo cáo đến hạn', en: 'Reports due' }, width: 11, value: (row) => row.due },
  { header: { vi: 'Đúng hạn', en: 'On time' }, width: 10, value: (row) => row.onTime },
  { header: { vi: 'Muộn', en: 'Late' }, width: 10, value: (row) => row.late },
  { header: { vi: 'Chưa gửi', en: 'Not sent' }, width: 10, value: (row) => row.missing },
  { header: { vi: 'Kỳ chưa gửi', en: 'Periods not reported' }, width: 50, wrap: true, value: (row, _, { compliancePeriod }) => row.missingPeriods.map(compliancePeriod).join(', ') },
];

/** How the figures are computed: printed under the table, for the reader of the report. */
export function explanations(report: PeriodicReport, { pick, date }: ReportLocale = reportLocale('vi')): string[] {
  const asOf = date(vietnamDate(report.asOf));
  return [
    pick({ vi: 'Cách tính:', en: 'How the figures are computed:' }),
    pick({
      vi: '- Kết quả trong kỳ: số sự kiện trong kỳ và trên địa bàn được tính vào chỉ tiêu của cơ quan (mỗi sự kiện tính một lần). Với chỉ tiêu đếm, đó chính là kết quả; với chỉ tiêu đếm đối tượng khác nhau, tỷ lệ % hoặc định kỳ, là số lượt; giá trị của chỉ tiêu ở cột Lũy kế, trang "Chỉ tiêu". Các sự kiện khác loại nên không cộng thành tổng.',
      en: '- Results in the period: events in the period and the area counted towards the agency\'s targets (each event once). For a count target that is the result; for a target counting distinct subjects, a percentage or a periodic one, it is the number of events; the target\'s value is in the Cumulative column of the "Targets" sheet. The events are of different kinds, so they are not totalled.',
    }),
    pick({
      vi: `- Tiến độ bình quân: tiến độ lũy kế so với mục tiêu trên toàn địa bàn kế hoạch (${report.plan.areaName.vi}), trung bình các chỉ tiêu của cơ quan; mọi chỉ tiêu tính đến hết kỳ (hoặc đến ngày lập nếu kỳ chưa kết thúc); không cộng thành tổng.`,
      en: `- Average progress: cumulative progress to the goal over the plan's whole area (${report.plan.areaName.en}), the mean of the agency's targets; every target to the end of the period (or to the day the report is made if the period is not over); not totalled.`,
    }),
    pick({ vi: `- Nhiệm vụ: nhiệm vụ cơ quan chủ trì, tình trạng tại ngày ${asOf}.`, en: `- Tasks: the tasks the agency leads, their status on ${asOf}.` }),
    pick({
      vi: '- Chuyển gửi: đã chuyển tính cho cơ quan chuyển; đã tiếp nhận, đã cung cấp dịch vụ, đã kết thúc tính cho cơ quan nhận; theo thời điểm đạt mỗi bước trong kỳ.',
      en: '- Referrals: made counts for the referring agency; accepted, service delivered and closed for the receiving agency; by when each stage was reached in the period.',
    }),
    pick({
      vi: '- Ghi chú: báo cáo định kỳ của các kỳ kết thúc trong kỳ này đã đến hạn mà chưa gửi hoặc gửi muộn.',
      en: '- Notes: periodic reports of the periods ending within this one that are due and were not sent or were sent late.',
    }),
  ];
}

function goalText(row: { goal: { min?: number | undefined; max?: number | undefined }; measure: TargetReportRow['measure'] }, locale: ReportLocale): string {
  const unit = isPercentMeasure(row.measure) ? '%' : '';
  const value = (number: number) => `${locale.number(number)}${unit}`;
  const { min, max } = row.goal;
  if (min !== undefined && max !== undefined) return min === max ? value(min) : `${value(min)} - ${value(max)}`;
  if (min !== undefined) return `≥ ${value(min)}`;
  return `≤ ${value(max!)}`;
}

/** The values of the per-agency table, header first, then one row per agency, then the total of what adds up. */
export function agencyTable(report: PeriodicReport, locale: ReportLocale = reportLocale('vi')): Cell[][] {
  const rows: Cell[][] = [AGENCY_COLUMNS.map((column) => locale.pick(column.header))];
  report.agencies.forEach((row, index) => rows.push(AGENCY_COLUMNS.map((column) => column.value(row, index, locale))));
  const total: AgencyReportRow = { agency: '', name: { vi: 'Tổng cộng', en: 'Total' }, notes: [], ...report.total };
  rows.push(AGENCY_COLUMNS.map((column) => (column.adds === false ? null : column.value(total, -1, locale))));
  return rows;
}

/**
 * UTF-8 with a byte-order mark (so that Excel reads Vietnamese), CRLF, quoted where needed.
 * `semicolon` (default): `;` between fields and a decimal comma (1.234,5; 53,5%), what Excel set to
 * Vietnamese reads as numbers; `comma`: `,` and a decimal point (1234.5; 53.5%), the old form and
 * what Excel set to English reads. `lang` is the language of the headers and notes.
 */
export function reportCsv(report: PeriodicReport, dialect: CsvDialect = 'semicolon', lang: ReportLanguage = 'vi'): Buffer {
  const vietnamese = dialect === 'semicolon';
  const locale = reportLocale(lang);
  const number = (value: number) => (vietnamese ? vietnameseNumber(value) : String(Math.round(value * 100) / 100));
  const [header, ...body] = agencyTable(report, locale);
  const text = (value: Cell, column: number): string => {
    if (value === null) return '';
    if (value instanceof Date) return locale.date(value.toISOString().slice(0, 10));
    if (typeof value === 'number') return AGENCY_COLUMNS[column]!.format === PERCENT ? `${number(value * 100)}%` : number(value);
    return value;
  };
  const rows = [header!.map((value) => String(value)), ...body.map((values) => values.map(text))];
  return Buffer.from(stringify(rows, { bom: true, delimiter: vietnamese ? ';' : ',', record_delimiter: 'windows' }), 'utf8');
}

export interface WorkbookOptions {
  /** The number of the report the annex goes with (the "12" of "Số: 12/BC-BCĐ138"). */
  number?: string | undefined;
  /** `vi` (default) or `en`: the language of the document the annex goes with. */
  lang?: ReportLanguage | undefined;
}

export async function reportWorkbook(report: PeriodicReport, options: WorkbookOptions = {}): Promise<Buffer> {
  const locale = reportLocale(options.lang);
  const { pick, date, periodInTitle, periodShort } = locale;
  const committee = committeeOf(report, locale.lang);
  const subject = pick({ vi: `Kết quả công tác phòng, chống mại dâm ${periodInTitle(report.period)}`, en: `Results of the prevention and control of prostitution, ${periodInTitle(report.period)}` });
  // Loaded at the first annex: exceljs and what it needs are about 300 modules a start would otherwise load.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.Workbook();
  workbook.creator = committee.name;
  workbook.created = new Date(report.generatedAt);
  workbook.title = `${pick({ vi: 'Phụ lục', en: 'Annex' })} - ${subject} - ${pick(report.area.name)}`;

  const sheet = workbook.addWorksheet(pick(SHEET_NAMES.agencies), { pageSetup: LANDSCAPE });
  const width = AGENCY_COLUMNS.length;
  const titleLine = (text: string, options: { bold?: boolean; size?: number; italic?: boolean } = {}) => {
    const row = sheet.addRow([text]);
    sheet.mergeCells(row.number, 1, row.number, width);
    row.getCell(1).font = { name: FONT, bold: options.bold ?? false, italic: options.italic ?? false, size: options.size ?? 12 };
    row.getCell(1).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    return row;
  };
  const number = `${options.number?.trim() || '……'}/${REPORT_SYMBOL}`;
  const asOf = date(vietnamDate(report.asOf));
  titleLine(pick(REPORT_TITLE), { bold: true, size: 14 });
  titleLine(subject, { bold: true, size: 13 });
  titleLine(pick({ vi: `(Kèm theo Báo cáo số ${number} ngày ${date(report.preparedOn)} của ${committee.name})`, en: `(Attached to Report No. ${number} of ${date(report.preparedOn)} of ${committee.name})` }), { italic: true });
  titleLine(
    pick({
      vi: `Kỳ báo cáo: ${periodShort(report.period)} (từ ${date(report.period.start)} đến ${date(report.period.end)}); số liệu lũy kế tính đến ngày ${asOf}`,
      en: `Reporting period: ${periodShort(report.period)} (${date(report.period.start)} to ${date(report.period.end)}); cumulative figures as of ${asOf}`,
    }),
  );
  titleLine(`${pick({ vi: 'Địa bàn', en: 'Area' })}: ${pick(report.area.name)}`);
  titleLine(`${pick({ vi: 'Kế hoạch', en: 'Plan' })}: ${report.plan.number} - ${pick(report.plan.title)}`);
  titleLine(`${pick({ vi: 'Ngày lập', en: 'Prepared on' })}: ${date(report.preparedOn)}`);
  sheet.addRow([]);

  const [header, ...body] = agencyTable(report, locale);
  const headerRow = sheet.addRow(header!);
  styleHeader(headerRow, AGENCY_COLUMNS, locale);
  const rows = [...report.agencies, undefined];
  body.forEach((values, index) => {
    const row = sheet.addRow(values);
    styleBody(row, AGENCY_COLUMNS, rows[index], locale);
    if (index === body.length - 1) row.eachCell((cell) => (cell.font = { name: FONT, size: 12, bold: true }));
  });
  sheet.addRow([]);
  for (const line of explanations(report, locale)) {
    const row = sheet.addRow([line]);
    sheet.mergeCells(row.number, 1, row.number, width);
    row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
    row.getCell(1).font = { name: FONT, size: 11, italic: line.startsWith('-') };
    row.height = heightFor([{ text: line, width: AGENCY_COLUMNS.reduce((total, column) => total + column.width, 0) * 1.1 }]);
  }
  AGENCY_COLUMNS.forEach((column, index) => (sheet.getColumn(index + 1).width = column.width));
  sheet.views = [{ state: 'frozen', ySplit: headerRow.number, xSplit: 0 }];
  // Printed, every page repeats the header row.
  sheet.pageSetup.printTitlesRow = `${headerRow.number}:${headerRow.number}`;

  const names = new Map(report.agencies.map((row) => [row.agency, pick(row.name)]));
  addTable(
    workbook.addWorksheet(pick(SHEET_NAMES.targets), { pageSetup: LANDSCAPE }),
    `${pick({ vi: 'Kết quả thực hiện các chỉ tiêu', en: 'Results against the targets' })} - ${periodShort(report.period)} - ${pick(report.area.name)}`,
    TARGET_COLUMNS,
    report.targets.map((row) => ({ ...row, agencyName: names.get(row.agency) ?? row.agency })),
    locale,
  );
  addTable(
    workbook.addWorksheet(pick(SHEET_NAMES.reporting), { pageSetup: LANDSCAPE }),
    `${pick({ vi: 'Báo cáo định kỳ đến hạn trong kỳ', en: 'Periodic reports due in the period' })} - ${periodShort(report.period)}`,
    REPORTING_COLUMNS,
    report.reporting.map((row) => ({ ...row, name: names.get(row.body) ?? row.body })),
    locale,
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addTable<Row>(sheet: ExcelJS.Worksheet, title: string, columns: Column<Row>[], rows: Row[], locale: ReportLocale): void {
  const titleRow = sheet.addRow([title]);
  sheet.mergeCells(titleRow.number, 1, titleRow.number, columns.length);
  titleRow.getCell(1).font = { name: FONT, bold: true, size: 13 };
  sheet.addRow([]);
  const header = sheet.addRow(columns.map((column) => locale.pick(column.header)));
  styleHeader(header, columns, locale);
  rows.forEach((row, index) => styleBody(sheet.addRow(columns.map((column) => column.value(row, index, locale))), columns, row, locale));
  columns.forEach((column, index) => (sheet.getColumn(index + 1).width = column.width));
  sheet.views = [{ state: 'frozen', ySplit: header.number, xSplit: 0 }];
  sheet.pageSetup.printTitlesRow = `${header.number}:${header.number}`;
}

/** A4 landscape, one page wide, as many pages tall as it takes; the decree's margins (inches: top/bottom 20 mm, left 30 mm, right 15 mm). */
const LANDSCAPE = {
  orientation: 'landscape',
  paperSize: 9,
  fitToPage: true,
  fitToWidth: 1,
  fitToHeight: 0,
  margins: { top: 0.79, bottom: 0.79, left: 1.18, right: 0.59, header: 0.3, footer: 0.3 },
} as const;
const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

function styleHeader<Row>(row: ExcelJS.Row, columns: Column<Row>[], { pick }: ReportLocale): void {
  row.height = heightFor(columns.map((column) => ({ text: pick(column.header), width: column.width })));
  row.eachCell((cell) => {
    cell.font = { name: FONT, size: 12, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    cell.border = BORDER;
  });
}

/**
 * Spreadsheet programs do not size a row to its wrapped text when the file is opened (LibreOffice
 * does not, Excel not always): the height is set from the longest text, at about one character
 * per unit of column width.
 */
function heightFor(cells: { text: string; width: number }[]): number {
  const lines = Math.max(1, ...cells.map(({ text, width }) => text.split('\n').reduce((total, part) => total + Math.max(1, Math.ceil((part.length * 1.2) / Math.max(1, width - 2))), 0)));
  return Math.max(16, lines * 16);
}

/** `row` is the data the cells came from (none for the total), for formats that depend on it. */
function styleBody<Row>(sheetRow: ExcelJS.Row, columns: Column<Row>[], row: Row | undefined, locale: ReportLocale): void {
  const wrapped: { text: string; width: number }[] = [];
  columns.forEach((column, index) => {
    const cell = sheetRow.getCell(index + 1);
    cell.font = { name: FONT, size: 12 };
    cell.border = BORDER;
    cell.alignment = { vertical: 'top', wrapText: column.wrap === true };
    const format = typeof column.format === 'function' ? (row === undefined ? undefined : column.format(row, locale)) : column.format;
    if (format) cell.numFmt = format;
    if (column.wrap && typeof cell.value === 'string') wrapped.push({ text: cell.value, width: column.width });
  });
  if (wrapped.length) sheetRow.height = heightFor(wrapped);
}
