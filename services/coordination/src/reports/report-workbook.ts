import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { BodyCompliance } from '../reporting/report-compliance.js';
import type { TargetStatus } from '../targets/target-progress.js';
import { vietnamDate } from '../targets/target-tally.js';
import { vietnameseDate, type CsvDialect } from './periodic-period.js';
import type { AgencyReportRow, PeriodicReport, TargetReportRow } from './periodic-report.js';
import { committeeOf, REPORT_SYMBOL } from './report-committee.js';
import { compliancePeriod, periodInTitle, periodShort, vietnameseNumber } from './vietnamese-format.js';

/**
 * The annex (phụ lục) of the periodic report document: sheet 1 one row per agency, sheet 2 one
 * row per target, sheet 3 who reported on time. Vietnamese only, like the document it goes with;
 * numbers are numbers, percentages percent cells, dates dates, so that the secretariat can
 * compute with them. The CSV is the table of sheet 1.
 */

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export const SHEET_NAMES = { agencies: 'Tổng hợp theo cơ quan', targets: 'Chỉ tiêu', reporting: 'Báo cáo định kỳ' } as const;
export const REPORT_TITLE = 'PHỤ LỤC';
const FONT = 'Times New Roman';
const PERCENT = '0.00%';
const DATE = 'dd/mm/yyyy';

type Cell = string | number | Date | null;

interface Column<Row> {
  header: string;
  width: number;
  value(row: Row, index: number): Cell;
  /** Excel number format: `0.00%` for a fraction shown as a percentage, `dd/mm/yyyy` for a date. */
  format?: string | ((row: Row) => string | undefined);
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
  { header: 'STT', width: 6, value: (_, index) => index + 1 },
  { header: 'Cơ quan, đơn vị', width: 40, value: (row) => row.name.vi, wrap: true },
  { header: 'Mã', width: 18, value: (row) => row.agency },
  { header: 'Số chỉ tiêu', width: 10, value: (row) => row.targets },
  { header: 'Chỉ tiêu đã đạt', width: 10, value: (row) => row.targetsMet },
  { header: 'Kết quả trong kỳ (số sự kiện)', width: 14, value: (row) => row.achievedInPeriod },
  { header: 'Tiến độ bình quân so với kế hoạch (lũy kế)', width: 14, value: (row) => fraction(row.percent), format: PERCENT },
  { header: 'Nhiệm vụ chủ trì', width: 10, value: (row) => row.tasks.total },
  { header: 'Nhiệm vụ hoàn thành', width: 11, value: (row) => row.tasks.done },
  { header: 'Nhiệm vụ quá hạn', width: 10, value: (row) => row.tasks.overdue },
  { header: 'Chuyển gửi: đã chuyển', width: 11, value: (row) => row.referrals.made },
  { header: 'Chuyển gửi: đã tiếp nhận', width: 11, value: (row) => row.referrals.accepted },
  { header: 'Chuyển gửi: đã cung cấp dịch vụ', width: 13, value: (row) => row.referrals.serviceDelivered },
  { header: 'Chuyển gửi: đã kết thúc', width: 11, value: (row) => row.referrals.closed },
  { header: 'Ghi chú', width: 55, value: (row) => notesOf(row) || null, wrap: true },
];

/** Columns whose total would add unlike things (inspections and trials; percentages of different goals): left blank in the total row. */
const NOT_ADDED = new Set(['Kết quả trong kỳ (số sự kiện)', 'Tiến độ bình quân so với kế hoạch (lũy kế)']);

/** The notes of an agency, in Vietnamese: reports missing or late, targets behind. */
function notesOf(row: AgencyReportRow): string {
  const notes: string[] = [];
  const reports = row.reports;
  if (reports && reports.missing > 0) notes.push(`Chưa gửi báo cáo: ${reports.missingPeriods.map(compliancePeriod).join(', ')}`);
  if (reports && reports.late > 0) notes.push(`Gửi báo cáo muộn: ${reports.late}`);
  const behind = row.notes.find((note) => note.startsWith('Chỉ tiêu chậm tiến độ'));
  if (behind) notes.push(`Chỉ tiêu chậm tiến độ: ${behind.slice(behind.indexOf(': ') + 2)}`);
  return notes.join('; ');
}

const STATUS: Record<TargetStatus, string> = {
  'on-track': 'Đúng tiến độ',
  'at-risk': 'Chậm tiến độ',
  overdue: 'Không đạt (hết hạn)',
  achieved: 'Đã đạt',
};

const MEASURE: Record<TargetReportRow['measure'], string> = {
  count: 'Đếm sự kiện',
  distinct: 'Đếm đối tượng khác nhau',
  sum: 'Tổng số (cộng dồn trường số liệu)',
  percentage: 'Tỷ lệ %',
  cadence: 'Định kỳ',
  'referral-stage': 'Tỷ lệ % ca chuyển gửi đạt bước',
};

export const TARGET_COLUMNS: Column<TargetReportRow & { agencyName: string }>[] = [
  { header: 'STT', width: 6, value: (_, index) => index + 1 },
  { header: 'Mã chỉ tiêu', width: 26, value: (row) => row.id },
  { header: 'Chỉ tiêu', width: 55, value: (row) => row.title.vi, wrap: true },
  { header: 'Cơ quan chủ trì', width: 26, value: (row) => row.agencyName, wrap: true },
  { header: 'Cách đo', width: 20, value: (row) => MEASURE[row.measure], wrap: true },
  { header: 'Mục tiêu', width: 12, value: (row) => goalText(row) },
  { header: 'Kết quả trong kỳ (số sự kiện)', width: 14, value: (row) => row.achievedInPeriod },
  { header: 'Lũy kế', width: 12, value: (row) => (isPercentMeasure(row.measure) ? fraction(row.cumulative) : row.cumulative), format: (row) => (isPercentMeasure(row.measure) ? PERCENT : undefined) }, // General: '0.##' would print "8."
  { header: 'Lũy kế tính đến ngày', width: 13, value: (row) => dateCell(row.cumulativeAsOf), format: DATE },
  { header: 'Tiến độ so với kế hoạch', width: 12, value: (row) => fraction(row.percent), format: PERCENT },
  { header: 'Tình trạng', width: 18, value: (row) => STATUS[row.status], wrap: true },
  { header: 'Ghi chú', width: 55, value: (row) => row.note?.vi ?? null, wrap: true },
];

const REPORTING_COLUMNS: Column<BodyCompliance & { name: string }>[] = [
  { header: 'STT', width: 6, value: (_, index) => index + 1 },
  { header: 'Cơ quan, đơn vị', width: 40, value: (row) => row.name, wrap: true },
  { header: 'Mã', width: 18, value: (row) => row.body },
  { header: 'Địa bàn', width: 28, value: (row) => row.areaName?.vi ?? row.area, wrap: true },
  { header: 'Báo cáo đến hạn', width: 11, value: (row) => row.due },
  { header: 'Đúng hạn', width: 10, value: (row) => row.onTime },
  { header: 'Muộn', width: 10, value: (row) => row.late },
  { header: 'Chưa gửi', width: 10, value: (row) => row.missing },
  { header: 'Kỳ chưa gửi', width: 50, wrap: true, value: (row) => row.missingPeriods.map(compliancePeriod).join(', ') },
];

/** How the figures are computed: printed under the table, for the reader of the report. */
export function explanations(report: PeriodicReport): string[] {
  return [
    'Cách tính:',
    '- Kết quả trong kỳ: số sự kiện trong kỳ và trên địa bàn được tính vào chỉ tiêu của cơ quan (mỗi sự kiện tính một lần). Với chỉ tiêu đếm, đó chính là kết quả; với chỉ tiêu đếm đối tượng khác nhau, tỷ lệ % hoặc định kỳ, là số lượt; giá trị của chỉ tiêu ở cột Lũy kế, trang "Chỉ tiêu". Các sự kiện khác loại nên không cộng thành tổng.',
    `- Tiến độ bình quân: tiến độ lũy kế so với mục tiêu trên toàn địa bàn kế hoạch (${report.plan.areaName.vi}), trung bình các chỉ tiêu của cơ quan; mọi chỉ tiêu tính đến hết kỳ (hoặc đến ngày lập nếu kỳ chưa kết thúc); không cộng thành tổng.`,
    `- Nhiệm vụ: nhiệm vụ cơ quan chủ trì, tình trạng tại ngày ${vietnameseDate(vietnamDate(report.asOf))}.`,
    '- Chuyển gửi: đã chuyển tính cho cơ quan chuyển; đã tiếp nhận, đã cung cấp dịch vụ, đã kết thúc tính cho cơ quan nhận; theo thời điểm đạt mỗi bước trong kỳ.',
    '- Ghi chú: báo cáo định kỳ của các kỳ kết thúc trong kỳ này đã đến hạn mà chưa gửi hoặc gửi muộn.',
  ];
}

function goalText(row: { goal: { min?: number | undefined; max?: number | undefined }; measure: TargetReportRow['measure'] }): string {
  const unit = isPercentMeasure(row.measure) ? '%' : '';
  const value = (number: number) => `${vietnameseNumber(number)}${unit}`;
  const { min, max } = row.goal;
  if (min !== undefined && max !== undefined) return min === max ? value(min) : `${value(min)} - ${value(max)}`;
  if (min !== undefined) return `≥ ${value(min)}`;
  return `≤ ${value(max!)}`;
}

/** The values of the per-agency table, header first, then one row per agency, then the total of what adds up. */
export function agencyTable(report: PeriodicReport): Cell[][] {
  const rows: Cell[][] = [AGENCY_COLUMNS.map((column) => column.header)];
  report.agencies.forEach((row, index) => rows.push(AGENCY_COLUMNS.map((column) => column.value(row, index))));
  const total: AgencyReportRow = { agency: '', name: { vi: 'Tổng cộng', en: 'Total' }, notes: [], ...report.total };
  rows.push(AGENCY_COLUMNS.map((column, index) => (index === 0 || index === 2 || NOT_ADDED.has(column.header) || column.header === 'Ghi chú' ? null : column.value(total, -1))));
  return rows;
}

/**
 * UTF-8 with a byte-order mark (so that Excel reads Vietnamese), CRLF, quoted where needed.
 * `semicolon` (default): `;` between fields and a decimal comma (1.234,5; 53,5%), what Excel set to
 * Vietnamese reads as numbers; `comma`: `,` and a decimal point (1234.5; 53.5%), the old form.
 */
export function reportCsv(report: PeriodicReport, dialect: CsvDialect = 'semicolon'): Buffer {
  const vietnamese = dialect === 'semicolon';
  const number = (value: number) => (vietnamese ? vietnameseNumber(value) : String(Math.round(value * 100) / 100));
  const [header, ...body] = agencyTable(report);
  const text = (value: Cell, column: number): string => {
    if (value === null) return '';
    if (value instanceof Date) return vietnameseDate(value.toISOString().slice(0, 10));
    if (typeof value === 'number') return AGENCY_COLUMNS[column]!.format === PERCENT ? `${number(value * 100)}%` : number(value);
    return value;
  };
  const rows = [header!.map((value) => String(value)), ...body.map((values) => values.map(text))];
  return Buffer.from(stringify(rows, { bom: true, delimiter: vietnamese ? ';' : ',', record_delimiter: 'windows' }), 'utf8');
}

export interface WorkbookOptions {
  /** The number of the report the annex goes with (the "12" of "Số: 12/BC-BCĐ138"). */
  number?: string | undefined;
}

export async function reportWorkbook(report: PeriodicReport, options: WorkbookOptions = {}): Promise<Buffer> {
  const committee = committeeOf(report);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = committee.name;
  workbook.created = new Date(report.generatedAt);
  workbook.title = `Phụ lục - Kết quả công tác phòng, chống mại dâm ${periodInTitle(report.period)} - ${report.area.name.vi}`;

  const sheet = workbook.addWorksheet(SHEET_NAMES.agencies, { pageSetup: LANDSCAPE });
  const width = AGENCY_COLUMNS.length;
  const titleLine = (text: string, options: { bold?: boolean; size?: number; italic?: boolean } = {}) => {
    const row = sheet.addRow([text]);
    sheet.mergeCells(row.number, 1, row.number, width);
    row.getCell(1).font = { name: FONT, bold: options.bold ?? false, italic: options.italic ?? false, size: options.size ?? 12 };
    row.getCell(1).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    return row;
  };
  titleLine(REPORT_TITLE, { bold: true, size: 14 });
  titleLine(`Kết quả công tác phòng, chống mại dâm ${periodInTitle(report.period)}`, { bold: true, size: 13 });
  titleLine(`(Kèm theo Báo cáo số ${options.number?.trim() || '……'}/${REPORT_SYMBOL} ngày ${vietnameseDate(report.preparedOn)} của ${committee.name})`, { italic: true });
  titleLine(`Kỳ báo cáo: ${periodShort(report.period)} (từ ${vietnameseDate(report.period.start)} đến ${vietnameseDate(report.period.end)}); số liệu lũy kế tính đến ngày ${vietnameseDate(vietnamDate(report.asOf))}`);
  titleLine(`Địa bàn: ${report.area.name.vi}`);
  titleLine(`Kế hoạch: ${report.plan.number} - ${report.plan.title.vi}`);
  titleLine(`Ngày lập: ${vietnameseDate(report.preparedOn)}`);
  sheet.addRow([]);

  const [header, ...body] = agencyTable(report);
  const headerRow = sheet.addRow(header!);
  styleHeader(headerRow, AGENCY_COLUMNS);
  const rows = [...report.agencies, undefined];
  body.forEach((values, index) => {
    const row = sheet.addRow(values);
    styleBody(row, AGENCY_COLUMNS, rows[index]);
    if (index === body.length - 1) row.eachCell((cell) => (cell.font = { name: FONT, size: 12, bold: true }));
  });
  sheet.addRow([]);
  for (const line of explanations(report)) {
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

  const names = new Map(report.agencies.map((row) => [row.agency, row.name.vi]));
  addTable(
    workbook.addWorksheet(SHEET_NAMES.targets, { pageSetup: LANDSCAPE }),
    `Kết quả thực hiện các chỉ tiêu - ${periodShort(report.period)} - ${report.area.name.vi}`,
    TARGET_COLUMNS,
    report.targets.map((row) => ({ ...row, agencyName: names.get(row.agency) ?? row.agency })),
  );
  addTable(
    workbook.addWorksheet(SHEET_NAMES.reporting, { pageSetup: LANDSCAPE }),
    `Báo cáo định kỳ đến hạn trong kỳ - ${periodShort(report.period)}`,
    REPORTING_COLUMNS,
    report.reporting.map((row) => ({ ...row, name: names.get(row.body) ?? row.body })),
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addTable<Row>(sheet: ExcelJS.Worksheet, title: string, columns: Column<Row>[], rows: Row[]): void {
  const titleRow = sheet.addRow([title]);
  sheet.mergeCells(titleRow.number, 1, titleRow.number, columns.length);
  titleRow.getCell(1).font = { name: FONT, bold: true, size: 13 };
  sheet.addRow([]);
  const header = sheet.addRow(columns.map((column) => column.header));
  styleHeader(header, columns);
  rows.forEach((row, index) => styleBody(sheet.addRow(columns.map((column) => column.value(row, index))), columns, row));
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

function styleHeader<Row>(row: ExcelJS.Row, columns: Column<Row>[]): void {
  row.height = heightFor(columns.map((column) => ({ text: column.header, width: column.width })));
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
function styleBody<Row>(sheetRow: ExcelJS.Row, columns: Column<Row>[], row: Row | undefined): void {
  const wrapped: { text: string; width: number }[] = [];
  columns.forEach((column, index) => {
    const cell = sheetRow.getCell(index + 1);
    cell.font = { name: FONT, size: 12 };
    cell.border = BORDER;
    cell.alignment = { vertical: 'top', wrapText: column.wrap === true };
    const format = typeof column.format === 'function' ? (row === undefined ? undefined : column.format(row)) : column.format;
    if (format) cell.numFmt = format;
    if (column.wrap && typeof cell.value === 'string') wrapped.push({ text: cell.value, width: column.width });
  });
  if (wrapped.length) sheetRow.height = heightFor(wrapped);
}
