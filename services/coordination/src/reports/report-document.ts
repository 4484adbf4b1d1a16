import {
  AlignmentType,
  Document,
  Header,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
} from 'docx';
import { vietnamDate } from '../targets/target-tally.js';
import { vietnameseDate } from './periodic-period.js';
import type { PeriodicReport, TargetReportRow } from './periodic-report.js';
import { committeeOf, lowerFirst, REPORT_SYMBOL, type Committee } from './report-committee.js';
import { compliancePeriod, dateInWords, periodInTitle, vietnameseNumber, vietnamesePercent } from './vietnamese-format.js';

export { REPORT_SYMBOL };

/**
 * The periodic report as the administrative document the committee signs and sends, in the form
 * of Decree 30/2020/NĐ-CP (Appendix I): issuing body and national heading, number and symbol,
 * place and date, title and summary, the body in four sections, recipients and signature block.
 * Vietnamese only: it is an official document; the tables go in the XLSX annex (phụ lục).
 * Everything that depends on a person (the number, the proposals, the signer's name) is left as a
 * dotted line for the secretariat to fill: the system states figures, people sign.
 */

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const NUMBER_BLANK = '……';
const FONT = 'Times New Roman';
/** Half-points: 14 pt body, 13 pt headings, 12 pt issuing body, 11 pt recipients (the decree's ranges). */
const SIZE = { body: 28, heading: 26, issuer: 26, small: 24, recipients: 22 } as const;

/** A4 with the decree's margins: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm. */
// Rounded up, not down as docx's convertMillimetersToTwip does: 20 mm must not become 19.99 mm (and A4 is 11906 × 16838).
const twips = (millimetres: number) => Math.ceil((millimetres * 1440) / 25.4);
export const PAGE = {
  width: twips(210),
  height: twips(297),
  margin: { top: twips(20), bottom: twips(20), left: twips(30), right: twips(15) },
} as const;

export interface ReportDocumentOptions {
  /** The number the secretariat gave the report (the "12" of "Số: 12/BC-BCĐ138"); blank dots without it. */
  number?: string | undefined;
}

export async function reportDocument(report: PeriodicReport, options: ReportDocumentOptions = {}): Promise<Buffer> {
  const committee = committeeOf(report);
  const document = new Document({
    creator: committee.name,
    title: `Báo cáo kết quả công tác phòng, chống mại dâm ${periodInTitle(report.period)}`,
    styles: { default: { document: { run: { font: FONT, size: SIZE.body }, paragraph: { spacing: { after: 120, line: 276 } } } } },
    sections: [
      {
        properties: {
          page: { size: { width: PAGE.width, height: PAGE.height }, margin: { ...PAGE.margin, header: twips(10), footer: twips(10) } },
          // The decree numbers pages from the second one, centred in the top margin.
          titlePage: true,
        },
        headers: {
          default: new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], size: SIZE.heading })] })] }),
          first: new Header({ children: [new Paragraph({})] }),
        },
        children: [headingBlock(report, committee, options), ...titleBlock(report), ...bodyOf(report, committee), signatureBlock(report, committee)],
      },
    ],
  });
  return Packer.toBuffer(document);
}

const run = (text: string, options: Omit<IRunOptions, 'text'> = {}) => new TextRun({ text, ...options });
const line = (text: string, options: { bold?: boolean; italics?: boolean; size?: number; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; after?: number } = {}) =>
  new Paragraph({
    alignment: options.align ?? AlignmentType.JUSTIFIED,
    spacing: { after: options.after ?? 120 },
    children: [run(text, { bold: options.bold ?? false, italics: options.italics ?? false, ...(options.size ? { size: options.size } : {}) })],
  });
const centred = (text: string, options: { bold?: boolean; italics?: boolean; size?: number; after?: number } = {}) => line(text, { ...options, align: AlignmentType.CENTER, after: options.after ?? 0 });
const indented = (text: string, options: { bold?: boolean; italics?: boolean } = {}) =>
  new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: twips(10) }, spacing: { after: 120 }, children: [run(text, options)] });

/** A two-column table without borders: how the heading and the signature block sit side by side. */
function sideBySide(left: Paragraph[], right: Paragraph[], leftShare = 40): Table {
  const total = PAGE.width - PAGE.margin.left - PAGE.margin.right;
  const leftWidth = Math.round((total * leftShare) / 100);
  return new Table({
    width: { size: total, type: WidthType.DXA },
    columnWidths: [leftWidth, total - leftWidth],
    borders: TableBorders.NONE,
    rows: [
      new TableRow({
        children: [
          new TableCell({ width: { size: leftWidth, type: WidthType.DXA }, children: left }),
          new TableCell({ width: { size: total - leftWidth, type: WidthType.DXA }, children: right }),
        ],
      }),
    ],
  });
}

/** Issuing body, number and symbol on the left; national heading, place and date on the right. */
function headingBlock(report: PeriodicReport, committee: Committee, options: ReportDocumentOptions): Table {
  const number = options.number?.trim() || NUMBER_BLANK;
  return sideBySide(
    [
      centred(committee.name.toLocaleUpperCase('vi'), { bold: true, size: SIZE.issuer }),
      centred('―――――', { size: SIZE.small, after: 120 }),
      centred(`Số: ${number}/${REPORT_SYMBOL}`, { size: SIZE.heading }),
    ],
    [
      centred('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true, size: SIZE.small }),
      centred('Độc lập - Tự do - Hạnh phúc', { bold: true, size: SIZE.heading }),
      centred('―――――――――――――', { size: SIZE.small, after: 120 }),
      centred(`${committee.place}, ${dateInWords(report.preparedOn)}`, { italics: true, size: SIZE.heading }),
    ],
    42,
  );
}

function titleBlock(report: PeriodicReport): Paragraph[] {
  return [
    centred('', { after: 240 }),
    centred('BÁO CÁO', { bold: true, size: SIZE.body }),
    centred(`Kết quả công tác phòng, chống mại dâm ${periodInTitle(report.period)}`, { bold: true, size: SIZE.body }),
    centred('―――――――', { after: 240 }),
  ];
}

const STATUS: Record<TargetReportRow['status'], string> = {
  achieved: 'đã đạt',
  'on-track': 'đúng tiến độ',
  'at-risk': 'chậm tiến độ',
  overdue: 'không đạt (đã hết hạn)',
};

function goalOf(row: TargetReportRow): string {
  const unit = row.measure === 'percentage' || row.measure === 'referral-stage' ? '%' : '';
  const { min, max } = row.goal;
  const value = (number: number) => `${vietnameseNumber(number)}${unit}`;
  if (min !== undefined && max !== undefined) return min === max ? value(min) : `${value(min)} - ${value(max)}`;
  if (min !== undefined) return `tối thiểu ${value(min)}`;
  return `không quá ${value(max!)}`;
}

function cumulativeOf(row: TargetReportRow): string {
  return row.measure === 'percentage' || row.measure === 'referral-stage' ? vietnamesePercent(row.cumulative) : vietnameseNumber(row.cumulative);
}

function bodyOf(report: PeriodicReport, committee: Committee): Paragraph[] {
  const asOfDay = vietnameseDate(vietnamDate(report.asOf));
  // Cumulative figures stop at the period's end (ADR 0010); a period not over yet stops at the day the report is made.
  const periodOver = Date.parse(report.asOf) < Date.parse(report.generatedAt);
  const period = periodInTitle(report.period);
  const names = new Map(report.agencies.map((row) => [row.agency, row.name.vi]));
  const compiled = report.compiledBy ? `, ${report.compiledBy.name.vi} (cơ quan thường trực) tổng hợp` : '';
  const paragraphs: Paragraph[] = [
    indented(
      `Thực hiện ${report.plan.title.vi} (${report.plan.number}), trên cơ sở báo cáo của các cơ quan, đơn vị${compiled}, ${committee.name} báo cáo kết quả công tác phòng, chống mại dâm ${period} trên địa bàn ${lowerFirst(report.area.name.vi)} như sau:`,
    ),
    indented(
      `Số liệu trong kỳ tính từ ngày ${vietnameseDate(report.period.start)} đến ngày ${vietnameseDate(report.period.end)}; số liệu lũy kế ${periodOver ? 'tính đến hết ngày' : 'tính đến ngày lập báo cáo,'} ${asOfDay}.`,
      { italics: true },
    ),
    line('I. KẾT QUẢ THỰC HIỆN', { bold: true }),
    line('1. Kết quả theo cơ quan, đơn vị', { bold: true }),
  ];
  for (const row of report.agencies) {
    const parts = [
      row.targets ? `${vietnameseNumber(row.targets)} chỉ tiêu được giao, đã đạt ${vietnameseNumber(row.targetsMet)}` : undefined,
      row.targets ? `${vietnameseNumber(row.achievedInPeriod)} kết quả trong kỳ được tính vào chỉ tiêu` : undefined,
      row.percent !== null ? `tiến độ bình quân ${vietnamesePercent(row.percent)} kế hoạch` : undefined,
      row.tasks.total ? `chủ trì ${vietnameseNumber(row.tasks.total)} nhiệm vụ (hoàn thành ${vietnameseNumber(row.tasks.done)}, quá hạn ${vietnameseNumber(row.tasks.overdue)})` : undefined,
    ].filter((part) => part !== undefined);
    if (parts.length) paragraphs.push(indented(`- ${row.name.vi}: ${parts.join('; ')}.`));
  }
  paragraphs.push(line('2. Kết quả thực hiện các chỉ tiêu', { bold: true }));
  for (const row of report.targets) {
    paragraphs.push(
      indented(
        `- ${row.title.vi} (chủ trì: ${names.get(row.agency) ?? row.agency}): chỉ tiêu ${goalOf(row)}; trong kỳ ${vietnameseNumber(row.achievedInPeriod)}; lũy kế đến ${vietnameseDate(row.cumulativeAsOf)}: ${cumulativeOf(row)}, đạt ${vietnamesePercent(row.percent)} kế hoạch, ${STATUS[row.status]}.`,
      ),
    );
  }

  const referrals = report.total.referrals;
  paragraphs.push(line('II. CÔNG TÁC CHUYỂN GỬI, HỖ TRỢ', { bold: true }));
  paragraphs.push(
    indented(
      `Trong kỳ, các cơ quan đã chuyển gửi ${vietnameseNumber(referrals.made)} trường hợp; tiếp nhận ${vietnameseNumber(referrals.accepted)} trường hợp; cung cấp dịch vụ hỗ trợ cho ${vietnameseNumber(referrals.serviceDelivered)} trường hợp; kết thúc hỗ trợ ${vietnameseNumber(referrals.closed)} trường hợp.`,
    ),
  );
  for (const row of report.agencies) {
    const { made, accepted, serviceDelivered, closed } = row.referrals;
    if (made + accepted + serviceDelivered + closed === 0) continue;
    paragraphs.push(
      indented(`- ${row.name.vi}: chuyển gửi ${vietnameseNumber(made)}; tiếp nhận ${vietnameseNumber(accepted)}; cung cấp dịch vụ ${vietnameseNumber(serviceDelivered)}; kết thúc ${vietnameseNumber(closed)}.`),
    );
  }

  paragraphs.push(line('III. NHỮNG NHIỆM VỤ, CHỈ TIÊU CHẬM, QUÁ HẠN', { bold: true }));
  paragraphs.push(line(`1. Nhiệm vụ quá hạn (tính đến ${asOfDay})`, { bold: true }));
  if (report.overdueTasks.length === 0) paragraphs.push(indented('Không có nhiệm vụ quá hạn.'));
  for (const task of report.overdueTasks) {
    paragraphs.push(indented(`- ${task.title.vi} (chủ trì: ${names.get(task.lead) ?? task.lead}${task.due ? `; thời hạn ${vietnameseDate(task.due)}` : ''}).`));
  }
  paragraphs.push(line('2. Chỉ tiêu chậm tiến độ hoặc không đạt', { bold: true }));
  const behind = report.targets.filter((row) => row.status === 'at-risk' || row.status === 'overdue');
  if (behind.length === 0) paragraphs.push(indented('Không có chỉ tiêu chậm tiến độ.'));
  for (const row of behind) paragraphs.push(indented(`- ${row.title.vi}: đạt ${vietnamesePercent(row.percent)} kế hoạch, ${STATUS[row.status]}.`));
  paragraphs.push(line('3. Báo cáo định kỳ chưa gửi hoặc gửi muộn', { bold: true }));
  const owing = report.agencies.filter((row) => row.reports && (row.reports.missing > 0 || row.reports.late > 0));
  if (owing.length === 0) paragraphs.push(indented('Các cơ quan, đơn vị đã gửi đủ, đúng hạn báo cáo định kỳ.'));
  for (const row of owing) {
    const reports = row.reports!;
    const parts = [
      reports.missing > 0 ? `chưa gửi ${vietnameseNumber(reports.missing)} báo cáo (${reports.missingPeriods.map(compliancePeriod).join(', ')})` : undefined,
      reports.late > 0 ? `gửi muộn ${vietnameseNumber(reports.late)} báo cáo` : undefined,
    ].filter((part) => part !== undefined);
    paragraphs.push(indented(`- ${row.name.vi}: ${parts.join('; ')}.`));
  }

  paragraphs.push(line('IV. ĐỀ XUẤT, KIẾN NGHỊ', { bold: true }));
  paragraphs.push(indented('…………………………………………………………………………………………………………'));
  paragraphs.push(indented('…………………………………………………………………………………………………………'));
  paragraphs.push(
    indented(
      `Trên đây là báo cáo kết quả công tác phòng, chống mại dâm ${period} của ${committee.name}; số liệu chi tiết tại Phụ lục kèm theo./.`,
    ),
  );
  return paragraphs;
}

/** "Nơi nhận" on the left; on the right who signs for the committee, space for the signature and a line for the name. */
function signatureBlock(report: PeriodicReport, committee: Committee): Table {
  const recipient = (text: string) => line(text, { size: SIZE.recipients, align: AlignmentType.LEFT, after: 0 });
  const recipients = [
    // A body the registry cannot name is left for the secretariat to write rather than printed as a code.
    ...(report.plan.issuedBy && report.plan.issuedBy.name.vi !== report.plan.issuedBy.code ? [`- ${report.plan.issuedBy.name.vi};`] : []),
    `- Các thành viên ${committee.name.replace(/^Ban Chỉ đạo/, 'BCĐ')};`,
    '- Lưu: VT.',
  ];
  return sideBySide(
    [
      new Paragraph({ spacing: { before: 240 }, children: [run('Nơi nhận:', { bold: true, italics: true, size: SIZE.small })] }),
      ...recipients.map(recipient),
    ],
    [
      centred('', { after: 240 }),
      centred('TM. BAN CHỈ ĐẠO', { bold: true, size: SIZE.body }),
      centred('TRƯỞNG BAN', { bold: true, size: SIZE.body }),
      centred('', { after: 1200 }),
      centred('……………………………', { bold: true, size: SIZE.body }),
    ],
    50,
  );
}
