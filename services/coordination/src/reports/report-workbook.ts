import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { BodyCompliance } from '../reporting/report-compliance.js';
import type { TargetStatus } from '../targets/target-progress.js';
import { vietnamDate } from '../targets/target-tally.js';
import { vietnameseDate } from './periodic-period.js';
import type { AgencyReportRow, PeriodicReport, TargetReportRow } from './periodic-report.js';

/**
 * The compiled periodic report as the spreadsheet labour sends to Steering Committee 138:
 * sheet 1 a title block and one row per agency, sheet 2 one row per target, sheet 3 who
 * reported on time. Headers Vietnamese first, English beside. The CSV is the table of sheet 1.
 */

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export const SHEET_NAMES = { agencies: 'Tổng hợp theo cơ quan', targets: 'Chỉ tiêu', reporting: 'Báo cáo định kỳ' } as const;
export const REPORT_TITLE = 'BÁO CÁO KẾT QUẢ CÔNG TÁC PHÒNG, CHỐNG MẠI DÂM';

type Cell = string | number | null;

interface Column<Row> {
  header: string;
  width: number;
  value(row: Row, index: number): Cell;
  /** Excel number format. */
  format?: string;
  /** Long text: wrapped, and the row made tall enough for it. */
  wrap?: boolean;
}

/** The per-agency table: the same columns in the XLSX and the CSV. */
export const AGENCY_COLUMNS: Column<AgencyReportRow>[] = [
  { header: 'STT / No.', width: 7, value: (_, index) => index + 1 },
  { header: 'Cơ quan / Agency', width: 40, value: (row) => row.name.vi, wrap: true },
  { header: 'Mã / Code', width: 20, value: (row) => row.agency },
  { header: 'Số chỉ tiêu / Targets', width: 11, value: (row) => row.targets },
  { header: 'Chỉ tiêu đã đạt / Targets met', width: 11, value: (row) => row.targetsMet },
  { header: 'Đạt trong kỳ (số sự kiện) / Achieved in period (events)', width: 16, value: (row) => row.achievedInPeriod },
  { header: '% kế hoạch (lũy kế) / % of goal (cumulative)', width: 14, value: (row) => row.percent, format: '0.00' },
  { header: 'Nhiệm vụ chủ trì / Tasks led', width: 11, value: (row) => row.tasks.total },
  { header: 'Nhiệm vụ hoàn thành / Tasks done', width: 12, value: (row) => row.tasks.done },
  { header: 'Nhiệm vụ quá hạn / Tasks overdue', width: 12, value: (row) => row.tasks.overdue },
  { header: 'Chuyển gửi: đã chuyển / Referrals made', width: 13, value: (row) => row.referrals.made },
  { header: 'Chuyển gửi: đã tiếp nhận / Referrals accepted', width: 13, value: (row) => row.referrals.accepted },
  { header: 'Chuyển gửi: đã cung cấp dịch vụ / Service delivered', width: 15, value: (row) => row.referrals.serviceDelivered },
  { header: 'Chuyển gửi: đã kết thúc / Referrals closed', width: 13, value: (row) => row.referrals.closed },
  { header: 'Ghi chú / Notes', width: 60, value: (row) => row.notes.join('; '), wrap: true },
];

const STATUS: Record<TargetStatus, string> = {
  'on-track': 'Đúng tiến độ / on track',
  'at-risk': 'Chậm tiến độ / at risk',
  overdue: 'Không đạt (hết hạn) / missed',
  achieved: 'Đã đạt / achieved',
};

const MEASURE: Record<TargetReportRow['measure'], string> = {
  count: 'Đếm sự kiện / count',
  distinct: 'Đếm đối tượng khác nhau / distinct',
  sum: 'Tổng số (cộng dồn trường số liệu) / sum',
  percentage: 'Tỷ lệ % / percentage',
  cadence: 'Định kỳ / cadence',
  'referral-stage': 'Tỷ lệ % ca chuyển gửi đạt bước / referral stage',
};

export const TARGET_COLUMNS: Column<TargetReportRow & { agencyName: string }>[] = [
  { header: 'STT / No.', width: 7, value: (_, index) => index + 1 },
  { header: 'Mã chỉ tiêu / Target', width: 28, value: (row) => row.id },
  { header: 'Chỉ tiêu / Target', width: 60, value: (row) => row.title.vi, wrap: true },
  { header: 'Cơ quan chủ trì / Agency', width: 28, value: (row) => row.agencyName, wrap: true },
  { header: 'Cách đo / Measure', width: 22, value: (row) => MEASURE[row.measure], wrap: true },
  { header: 'Mục tiêu / Goal', width: 12, value: (row) => goalText(row) },
  { header: 'Đạt trong kỳ (số sự kiện) / Achieved in period (events)', width: 16, value: (row) => row.achievedInPeriod },
  { header: 'Lũy kế / Cumulative', width: 12, value: (row) => row.cumulative, format: '0.##' },
  { header: 'Lũy kế tính đến / Cumulative as of', width: 14, value: (row) => vietnameseDate(row.cumulativeAsOf) },
  { header: '% kế hoạch / % of goal', width: 11, value: (row) => row.percent, format: '0.00' },
  { header: 'Tình trạng / Status', width: 22, value: (row) => STATUS[row.status], wrap: true },
  { header: 'Ghi chú / Notes', width: 60, value: (row) => (row.note ? `${row.note.vi} / ${row.note.en}` : null), wrap: true },
];

const PERIOD_WORD: Record<string, string> = { monthly: 'tháng', quarterly: 'quý', 'half-yearly': '6 tháng', annual: 'năm' };

const REPORTING_COLUMNS: Column<BodyCompliance & { name: string }>[] = [
  { header: 'STT / No.', width: 7, value: (_, index) => index + 1 },
  { header: 'Cơ quan / Body', width: 40, value: (row) => row.name, wrap: true },
  { header: 'Mã / Code', width: 20, value: (row) => row.body },
  { header: 'Địa bàn / Area', width: 28, value: (row) => row.areaName?.vi ?? row.area, wrap: true },
  { header: 'Báo cáo đến hạn / Reports due', width: 12, value: (row) => row.due },
  { header: 'Đúng hạn / On time', width: 11, value: (row) => row.onTime },
  { header: 'Muộn / Late', width: 11, value: (row) => row.late },
  { header: 'Chưa gửi / Missing', width: 11, value: (row) => row.missing },
  {
    header: 'Kỳ chưa gửi / Missing periods',
    width: 50,
    wrap: true,
    value: (row) => row.missingPeriods.map((entry) => entry.replace(/^([a-z-]+):/, (_, cadence: string) => `${PERIOD_WORD[cadence] ?? cadence} `)).join(', '),
  },
];

/** How the figures are computed: printed under the table, for the reader of the report. */
export function explanations(report: PeriodicReport): string[] {
  const lines = [
    'Cách tính / How the figures are computed:',
    '- Đạt trong kỳ: số sự kiện trong kỳ và trên địa bàn được tính vào chỉ tiêu của cơ quan (mỗi sự kiện tính một lần) / Achieved in period: events of the period in the area that counted towards the agency’s targets, each once.',
    '- Với chỉ tiêu đếm, đó chính là kết quả; với chỉ tiêu đếm đối tượng khác nhau, tỷ lệ % hoặc định kỳ, là số sự kiện (lượt); giá trị của chỉ tiêu ở cột Lũy kế, trang "Chỉ tiêu" / For count targets this is the result itself; for distinct, percentage and cadence targets it is the number of events, the measure itself is in the Cumulative column of the "Chỉ tiêu" sheet.',
    `- % kế hoạch: tiến độ lũy kế so với mục tiêu trên toàn địa bàn kế hoạch (${report.plan.area}), trung bình các chỉ tiêu của cơ quan; mọi chỉ tiêu tính đến hết kỳ (hoặc đến ngày lập nếu kỳ chưa kết thúc) / % of goal: cumulative progress over the plan's whole area, the mean of the agency's targets, every target up to the end of the period (or to the report date while the period is not over).`,
    `- Nhiệm vụ: nhiệm vụ cơ quan chủ trì, tình trạng tại ${vietnameseDate(vietnamDate(report.asOf))} / Tasks the agency leads, status as of that day.`,
    '- Chuyển gửi: đã chuyển tính cho cơ quan chuyển; đã tiếp nhận, đã cung cấp dịch vụ, đã kết thúc tính cho cơ quan nhận; theo thời điểm đạt mỗi bước trong kỳ / Referrals: made counts for the referring agency; accepted, service delivered and closed for the receiving agency; each stage when it was reached in the period.',
    '- Ghi chú: báo cáo định kỳ của các kỳ kết thúc trong kỳ này đã đến hạn mà chưa gửi hoặc gửi muộn / Notes: periodic reports of the periods ending within this one that are due and missing or late.',
  ];
  return lines;
}

function goalText(row: { goal: { min?: number | undefined; max?: number | undefined }; measure: TargetReportRow['measure'] }): string {
  const unit = row.measure === 'percentage' || row.measure === 'referral-stage' ? '%' : '';
  const { min, max } = row.goal;
  if (min !== undefined && max !== undefined) return min === max ? `${min}${unit}` : `${min}–${max}${unit}`;
  if (min !== undefined) return `≥ ${min}${unit}`;
  return `≤ ${max}${unit}`;
}

/** The values of the per-agency table, header first, then one row per agency, then the total. */
export function agencyTable(report: PeriodicReport): Cell[][] {
  const rows: Cell[][] = [AGENCY_COLUMNS.map((column) => column.header)];
  report.agencies.forEach((row, index) => rows.push(AGENCY_COLUMNS.map((column) => column.value(row, index))));
  const total: AgencyReportRow = { agency: '', name: { vi: 'Tổng cộng / Total', en: 'Total' }, notes: [], ...report.total };
  rows.push(AGENCY_COLUMNS.map((column, index) => (index === 0 ? null : column.value(total, -1))));
  return rows;
}

/** UTF-8 with a byte-order mark (so that Excel reads Vietnamese), comma separated, CRLF, quoted where needed. */
export function reportCsv(report: PeriodicReport): Buffer {
  const text = stringify(agencyTable(report), { bom: true, record_delimiter: 'windows', cast: { number: (value) => String(value) } });
  return Buffer.from(text, 'utf8');
}

export async function reportWorkbook(report: PeriodicReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'lienganh — Ban Chỉ đạo 138';
  workbook.created = new Date(report.generatedAt);
  workbook.title = `${REPORT_TITLE} — ${report.period.label.vi} — ${report.area.name.vi}`;

  const sheet = workbook.addWorksheet(SHEET_NAMES.agencies, { pageSetup: LANDSCAPE });
  const width = AGENCY_COLUMNS.length;
  const titleLine = (text: string, options: { bold?: boolean; size?: number; italic?: boolean } = {}) => {
    const row = sheet.addRow([text]);
    sheet.mergeCells(row.number, 1, row.number, width);
    row.getCell(1).font = { bold: options.bold ?? false, italic: options.italic ?? false, size: options.size ?? 11 };
    row.getCell(1).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    return row;
  };
  titleLine(REPORT_TITLE, { bold: true, size: 14 });
  titleLine('Report on prostitution prevention and control, compiled for Steering Committee 138 (Ban Chỉ đạo 138)', { italic: true });
  titleLine(`Kỳ báo cáo / Reporting period: ${report.period.label.vi} / ${report.period.label.en} (${vietnameseDate(report.period.start)} – ${vietnameseDate(report.period.end)})`, { bold: true });
  titleLine(`Địa bàn / Area: ${report.area.name.vi} / ${report.area.name.en} (${report.area.code})`);
  titleLine(`Kế hoạch / Plan: ${report.plan.number} — ${report.plan.title.vi}`);
  titleLine(`Ngày lập / Prepared on: ${vietnameseDate(report.preparedOn)}`);
  sheet.addRow([]);

  const [header, ...body] = agencyTable(report);
  const headerRow = sheet.addRow(header!);
  styleHeader(headerRow, AGENCY_COLUMNS);
  body.forEach((values, index) => {
    const row = sheet.addRow(values);
    styleBody(row, AGENCY_COLUMNS);
    if (index === body.length - 1) row.font = { bold: true };
  });
  sheet.addRow([]);
  for (const line of explanations(report)) {
    const row = sheet.addRow([line]);
    sheet.mergeCells(row.number, 1, row.number, width);
    row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
    row.getCell(1).font = { size: 10, italic: line.startsWith('-') };
    row.height = heightFor([{ text: line, width: AGENCY_COLUMNS.reduce((total, column) => total + column.width, 0) * 1.1 }]);
  }
  AGENCY_COLUMNS.forEach((column, index) => (sheet.getColumn(index + 1).width = column.width));
  sheet.views = [{ state: 'frozen', ySplit: headerRow.number, xSplit: 0 }];

  const names = new Map(report.agencies.map((row) => [row.agency, row.name.vi]));
  addTable(
    workbook.addWorksheet(SHEET_NAMES.targets, { pageSetup: LANDSCAPE }),
    `Chỉ tiêu / Targets — ${report.period.label.vi} — ${report.area.name.vi}`,
    TARGET_COLUMNS,
    report.targets.map((row) => ({ ...row, agencyName: names.get(row.agency) ?? row.agency })),
  );
  addTable(
    workbook.addWorksheet(SHEET_NAMES.reporting, { pageSetup: LANDSCAPE }),
    `Báo cáo định kỳ đến hạn trong kỳ / Periodic reports due for ${report.period.key}`,
    REPORTING_COLUMNS,
    report.reporting.map((row) => ({ ...row, name: names.get(row.body) ?? row.body })),
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addTable<Row>(sheet: ExcelJS.Worksheet, title: string, columns: Column<Row>[], rows: Row[]): void {
  const titleRow = sheet.addRow([title]);
  sheet.mergeCells(titleRow.number, 1, titleRow.number, columns.length);
  titleRow.getCell(1).font = { bold: true, size: 12 };
  sheet.addRow([]);
  const header = sheet.addRow(columns.map((column) => column.header));
  styleHeader(header, columns);
  rows.forEach((row, index) => styleBody(sheet.addRow(columns.map((column) => column.value(row, index))), columns));
  columns.forEach((column, index) => (sheet.getColumn(index + 1).width = column.width));
  sheet.views = [{ state: 'frozen', ySplit: header.number, xSplit: 0 }];
}

/** A4 landscape, one page wide. */
const LANDSCAPE = { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 } as const;
const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

function styleHeader<Row>(row: ExcelJS.Row, columns: Column<Row>[]): void {
  row.font = { bold: true };
  row.height = heightFor(columns.map((column) => ({ text: column.header, width: column.width })));
  row.eachCell((cell) => {
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
  return Math.max(15, lines * 15);
}

function styleBody<Row>(row: ExcelJS.Row, columns: Column<Row>[]): void {
  const wrapped: { text: string; width: number }[] = [];
  columns.forEach((column, index) => {
    const cell = row.getCell(index + 1);
    cell.border = BORDER;
    cell.alignment = { vertical: 'top', wrapText: column.wrap === true };
    if (column.format) cell.numFmt = column.format;
    if (column.wrap && typeof cell.value === 'string') wrapped.push({ text: cell.value, width: column.width });
  });
  if (wrapped.length) row.height = heightFor(wrapped);
}
