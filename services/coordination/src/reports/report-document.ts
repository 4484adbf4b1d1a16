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
import { STATUS_WORD, type AgencyReportRow, type PeriodicReport, type TargetReportRow } from './periodic-report.js';
import { committeeOf, lowerFirst, REPORT_SYMBOL, type Committee } from './report-committee.js';
import { englishNumber, reportLocale, type Bilingual, type ReportLanguage, type ReportLocale } from './report-locale.js';

export { REPORT_SYMBOL };

/**
 * The periodic report as the administrative document the committee signs and sends, in the form
 * of Decree 30/2020/NĐ-CP (Appendix I): issuing body and national heading, number and symbol,
 * place and date, title and summary, the body in four sections, recipients and signature block.
 * In Vietnamese, the official document; or in English (`lang: 'en'`), the same document for
 * partners, with English numbers and dates and the proper names (places, bodies) as the plan
 * gives them. The tables go in the XLSX annex (phụ lục).
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
  /** `vi` (default): the official document; `en`: its English version, the same structure. */
  lang?: ReportLanguage | undefined;
}

export async function reportDocument(report: PeriodicReport, options: ReportDocumentOptions = {}): Promise<Buffer> {
  const locale = reportLocale(options.lang);
  const committee = committeeOf(report, locale.lang);
  const document = new Document({
    creator: committee.name,
    title: locale.pick({
      vi: `Báo cáo kết quả công tác phòng, chống mại dâm ${locale.periodInTitle(report.period)}`,
      en: `Report on the results of the prevention and control of prostitution, ${locale.periodInTitle(report.period)}`,
    }),
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
        children: [
          headingBlock(report, committee, locale, options),
          ...titleBlock(report, locale),
          ...bodyOf(report, committee, locale),
          signatureBlock(report, committee, locale),
        ],
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
function headingBlock(report: PeriodicReport, committee: Committee, locale: ReportLocale, options: ReportDocumentOptions): Table {
  const number = options.number?.trim() || NUMBER_BLANK;
  const { pick } = locale;
  return sideBySide(
    [
      centred(committee.name.toLocaleUpperCase(locale.lang), { bold: true, size: SIZE.issuer }),
      centred('―――――', { size: SIZE.small, after: 120 }),
      centred(`${pick({ vi: 'Số', en: 'No.' })}: ${number}/${REPORT_SYMBOL}`, { size: SIZE.heading }),
    ],
    [
      centred(pick({ vi: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', en: 'SOCIALIST REPUBLIC OF VIET NAM' }), { bold: true, size: SIZE.small }),
      centred(pick({ vi: 'Độc lập - Tự do - Hạnh phúc', en: 'Independence - Freedom - Happiness' }), { bold: true, size: SIZE.heading }),
      centred('―――――――――――――', { size: SIZE.small, after: 120 }),
      centred(`${committee.place}, ${locale.dateInWords(report.preparedOn)}`, { italics: true, size: SIZE.heading }),
    ],
    42,
  );
}

function titleBlock(report: PeriodicReport, locale: ReportLocale): Paragraph[] {
  const period = locale.periodInTitle(report.period);
  return [
    centred('', { after: 240 }),
    centred(locale.pick({ vi: 'BÁO CÁO', en: 'REPORT' }), { bold: true, size: SIZE.body }),
    centred(locale.pick({ vi: `Kết quả công tác phòng, chống mại dâm ${period}`, en: `Results of the prevention and control of prostitution, ${period}` }), { bold: true, size: SIZE.body }),
    centred('―――――――', { after: 240 }),
  ];
}

/** A target's status in a sentence; English reuses the words of the report's notes. */
const STATUS: Record<TargetReportRow['status'], Bilingual> = {
  achieved: { vi: 'đã đạt', en: STATUS_WORD.achieved.en },
  'on-track': { vi: 'đúng tiến độ', en: STATUS_WORD['on-track'].en },
  'at-risk': { vi: 'chậm tiến độ', en: STATUS_WORD['at-risk'].en },
  overdue: { vi: 'không đạt (đã hết hạn)', en: `${STATUS_WORD.overdue.en} (past its deadline)` },
};

const isPercentMeasure = (row: TargetReportRow) => row.measure === 'percentage' || row.measure === 'referral-stage';

function goalOf(row: TargetReportRow, locale: ReportLocale): string {
  const unit = isPercentMeasure(row) ? '%' : '';
  const { min, max } = row.goal;
  const value = (number: number) => `${locale.number(number)}${unit}`;
  if (min !== undefined && max !== undefined) return min === max ? value(min) : `${value(min)} - ${value(max)}`;
  if (min !== undefined) return locale.pick({ vi: `tối thiểu ${value(min)}`, en: `at least ${value(min)}` });
  return locale.pick({ vi: `không quá ${value(max!)}`, en: `at most ${value(max!)}` });
}

const cumulativeOf = (row: TargetReportRow, locale: ReportLocale) => (isPercentMeasure(row) ? locale.percent(row.cumulative) : locale.number(row.cumulative));

/** English needs the noun's number ("1 task", "2 tasks"); Vietnamese does not. */
const englishCount = (value: number, one: string, many = `${one}s`) => `${englishNumber(value)} ${value === 1 ? one : many}`;

/** The figures of one agency in section I.1; undefined when it has none to state. */
function agencyResults(row: AgencyReportRow, { pick, number, percent }: ReportLocale): string | undefined {
  const parts = [
    row.targets ? pick({ vi: `${number(row.targets)} chỉ tiêu được giao, đã đạt ${number(row.targetsMet)}`, en: `${englishCount(row.targets, 'target')} assigned, ${number(row.targetsMet)} achieved` }) : undefined,
    row.targets ? pick({ vi: `${number(row.achievedInPeriod)} kết quả trong kỳ được tính vào chỉ tiêu`, en: `${englishCount(row.achievedInPeriod, 'result')} in the period counted towards targets` }) : undefined,
    row.percent !== null ? pick({ vi: `tiến độ bình quân ${percent(row.percent)} kế hoạch`, en: `average progress ${percent(row.percent)} of plan` }) : undefined,
    row.tasks.total
      ? pick({
          vi: `chủ trì ${number(row.tasks.total)} nhiệm vụ (hoàn thành ${number(row.tasks.done)}, quá hạn ${number(row.tasks.overdue)})`,
          en: `leads ${englishCount(row.tasks.total, 'task')} (${number(row.tasks.done)} completed, ${number(row.tasks.overdue)} overdue)`,
        })
      : undefined,
  ].filter((part) => part !== undefined);
  return parts.length ? `- ${pick(row.name)}: ${parts.join('; ')}.` : undefined;
}

/** One target in section I.2: goal, the period's results, the cumulative figure and status. */
function targetResult(row: TargetReportRow, lead: string, locale: ReportLocale): string {
  const { pick, number, percent, date } = locale;
  return pick({
    vi: `- ${row.title.vi} (chủ trì: ${lead}): chỉ tiêu ${goalOf(row, locale)}; trong kỳ ${number(row.achievedInPeriod)}; lũy kế đến ${date(row.cumulativeAsOf)}: ${cumulativeOf(row, locale)}, đạt ${percent(row.percent)} kế hoạch, ${STATUS[row.status].vi}.`,
    en: `- ${row.title.en} (lead: ${lead}): target ${goalOf(row, locale)}; in the period ${number(row.achievedInPeriod)}; cumulative to ${date(row.cumulativeAsOf)}: ${cumulativeOf(row, locale)}, ${percent(row.percent)} of plan, ${STATUS[row.status].en}.`,
  });
}

/** What an agency owes in section III.3: reports not sent (which periods) and sent late. */
function owedReports(row: AgencyReportRow, { pick, number, compliancePeriod }: ReportLocale): string {
  const reports = row.reports!;
  const missing = reports.missingPeriods.map(compliancePeriod).join(', ');
  const parts = [
    reports.missing > 0 ? pick({ vi: `chưa gửi ${number(reports.missing)} báo cáo (${missing})`, en: `${englishCount(reports.missing, 'report')} not sent (${missing})` }) : undefined,
    reports.late > 0 ? pick({ vi: `gửi muộn ${number(reports.late)} báo cáo`, en: `${englishCount(reports.late, 'report')} sent late` }) : undefined,
  ].filter((part) => part !== undefined);
  return `- ${pick(row.name)}: ${parts.join('; ')}.`;
}

function bodyOf(report: PeriodicReport, committee: Committee, locale: ReportLocale): Paragraph[] {
  const { pick, number, percent, date } = locale;
  const heading = (text: Bilingual) => line(pick(text), { bold: true });
  const asOfDay = date(vietnamDate(report.asOf));
  // Cumulative figures stop at the period's end (ADR 0010); a period not over yet stops at the day the report is made.
  const periodOver = Date.parse(report.asOf) < Date.parse(report.generatedAt);
  const period = locale.periodInText(report.period);
  const names = new Map(report.agencies.map((row) => [row.agency, pick(row.name)]));
  const compiledBy = report.compiledBy;
  const paragraphs: Paragraph[] = [
    indented(
      pick({
        vi: `Thực hiện ${report.plan.title.vi} (${report.plan.number}), trên cơ sở báo cáo của các cơ quan, đơn vị${compiledBy ? `, ${compiledBy.name.vi} (cơ quan thường trực) tổng hợp` : ''}, ${committee.name} báo cáo kết quả công tác phòng, chống mại dâm ${period} trên địa bàn ${lowerFirst(report.area.name.vi)} như sau:`,
        en: `Pursuant to the plan "${report.plan.title.en}" (${report.plan.number}), on the basis of the reports of the agencies and units${compiledBy ? `, compiled by ${compiledBy.name.en} (the standing agency)` : ''}, ${committee.name} reports the results of the prevention and control of prostitution in ${period} in ${report.area.name.en} as follows:`,
      }),
    ),
    indented(
      pick({
        vi: `Số liệu trong kỳ tính từ ngày ${date(report.period.start)} đến ngày ${date(report.period.end)}; số liệu lũy kế ${periodOver ? 'tính đến hết ngày' : 'tính đến ngày lập báo cáo,'} ${asOfDay}.`,
        en: `Figures for the period run from ${date(report.period.start)} to ${date(report.period.end)}; cumulative figures ${periodOver ? 'run to the end of' : 'run to the day the report is made,'} ${asOfDay}.`,
      }),
      { italics: true },
    ),
    heading({ vi: 'I. KẾT QUẢ THỰC HIỆN', en: 'I. RESULTS' }),
    heading({ vi: '1. Kết quả theo cơ quan, đơn vị', en: '1. Results by agency and unit' }),
  ];
  for (const row of report.agencies) {
    const text = agencyResults(row, locale);
    if (text) paragraphs.push(indented(text));
  }
  paragraphs.push(heading({ vi: '2. Kết quả thực hiện các chỉ tiêu', en: '2. Results against the targets' }));
  for (const row of report.targets) paragraphs.push(indented(targetResult(row, names.get(row.agency) ?? row.agency, locale)));

  const referrals = report.total.referrals;
  paragraphs.push(heading({ vi: 'II. CÔNG TÁC CHUYỂN GỬI, HỖ TRỢ', en: 'II. REFERRAL AND SUPPORT' }));
  paragraphs.push(
    indented(
      pick({
        vi: `Trong kỳ, các cơ quan đã chuyển gửi ${number(referrals.made)} trường hợp; tiếp nhận ${number(referrals.accepted)} trường hợp; cung cấp dịch vụ hỗ trợ cho ${number(referrals.serviceDelivered)} trường hợp; kết thúc hỗ trợ ${number(referrals.closed)} trường hợp.`,
        en: `In the period, the agencies referred ${englishCount(referrals.made, 'case')}; accepted ${englishCount(referrals.accepted, 'case')}; delivered support services in ${englishCount(referrals.serviceDelivered, 'case')}; closed support in ${englishCount(referrals.closed, 'case')}.`,
      }),
    ),
  );
  for (const row of report.agencies) {
    const { made, accepted, serviceDelivered, closed } = row.referrals;
    if (made + accepted + serviceDelivered + closed === 0) continue;
    paragraphs.push(
      indented(
        pick({
          vi: `- ${row.name.vi}: chuyển gửi ${number(made)}; tiếp nhận ${number(accepted)}; cung cấp dịch vụ ${number(serviceDelivered)}; kết thúc ${number(closed)}.`,
          en: `- ${row.name.en}: referred ${number(made)}; accepted ${number(accepted)}; services delivered ${number(serviceDelivered)}; closed ${number(closed)}.`,
        }),
      ),
    );
  }

  paragraphs.push(heading({ vi: 'III. NHỮNG NHIỆM VỤ, CHỈ TIÊU CHẬM, QUÁ HẠN', en: 'III. TASKS AND TARGETS BEHIND SCHEDULE OR OVERDUE' }));
  paragraphs.push(heading({ vi: `1. Nhiệm vụ quá hạn (tính đến ${asOfDay})`, en: `1. Overdue tasks (as of ${asOfDay})` }));
  if (report.overdueTasks.length === 0) paragraphs.push(indented(pick({ vi: 'Không có nhiệm vụ quá hạn.', en: 'No task is overdue.' })));
  for (const task of report.overdueTasks) {
    const lead = names.get(task.lead) ?? task.lead;
    const due = task.due ? pick({ vi: `; thời hạn ${date(task.due)}`, en: `; due ${date(task.due)}` }) : '';
    paragraphs.push(indented(`- ${pick(task.title)} (${pick({ vi: 'chủ trì', en: 'lead' })}: ${lead}${due}).`));
  }
  paragraphs.push(heading({ vi: '2. Chỉ tiêu chậm tiến độ hoặc không đạt', en: '2. Targets behind schedule or missed' }));
  const behind = report.targets.filter((row) => row.status === 'at-risk' || row.status === 'overdue');
  if (behind.length === 0) paragraphs.push(indented(pick({ vi: 'Không có chỉ tiêu chậm tiến độ.', en: 'No target is behind schedule.' })));
  for (const row of behind) {
    paragraphs.push(indented(pick({ vi: `- ${row.title.vi}: đạt ${percent(row.percent)} kế hoạch, ${STATUS[row.status].vi}.`, en: `- ${row.title.en}: ${percent(row.percent)} of plan, ${STATUS[row.status].en}.` })));
  }
  paragraphs.push(heading({ vi: '3. Báo cáo định kỳ chưa gửi hoặc gửi muộn', en: '3. Periodic reports not sent or sent late' }));
  const owing = report.agencies.filter((row) => row.reports && (row.reports.missing > 0 || row.reports.late > 0));
  if (owing.length === 0) paragraphs.push(indented(pick({ vi: 'Các cơ quan, đơn vị đã gửi đủ, đúng hạn báo cáo định kỳ.', en: 'All agencies and units sent their periodic reports in full and on time.' })));
  for (const row of owing) paragraphs.push(indented(owedReports(row, locale)));

  paragraphs.push(heading({ vi: 'IV. ĐỀ XUẤT, KIẾN NGHỊ', en: 'IV. PROPOSALS AND RECOMMENDATIONS' }));
  paragraphs.push(indented('…………………………………………………………………………………………………………'));
  paragraphs.push(indented('…………………………………………………………………………………………………………'));
  paragraphs.push(
    indented(
      pick({
        vi: `Trên đây là báo cáo kết quả công tác phòng, chống mại dâm ${period} của ${committee.name}; số liệu chi tiết tại Phụ lục kèm theo./.`,
        en: `The above is the report of ${committee.name} on the results of the prevention and control of prostitution in ${period}; detailed figures are in the attached Annex./.`,
      }),
    ),
  );
  return paragraphs;
}

/** "Nơi nhận" on the left; on the right who signs for the committee, space for the signature and a line for the name. */
function signatureBlock(report: PeriodicReport, committee: Committee, { pick }: ReportLocale): Table {
  const recipient = (text: string) => line(text, { size: SIZE.recipients, align: AlignmentType.LEFT, after: 0 });
  const issuedBy = report.plan.issuedBy;
  const recipients = [
    // A body the registry cannot name is left for the secretariat to write rather than printed as a code.
    ...(issuedBy && issuedBy.name.vi !== issuedBy.code ? [`- ${pick(issuedBy.name)};`] : []),
    pick({ vi: `- Các thành viên ${committee.members};`, en: `- Members of ${committee.members};` }),
    pick({ vi: '- Lưu: VT.', en: '- Filed: Records office (VT).' }),
  ];
  return sideBySide(
    [
      new Paragraph({ spacing: { before: 240 }, children: [run(pick({ vi: 'Nơi nhận:', en: 'Recipients:' }), { bold: true, italics: true, size: SIZE.small })] }),
      ...recipients.map(recipient),
    ],
    [
      centred('', { after: 240 }),
      centred(pick({ vi: 'TM. BAN CHỈ ĐẠO', en: 'ON BEHALF OF THE STEERING COMMITTEE' }), { bold: true, size: SIZE.body }),
      centred(pick({ vi: 'TRƯỞNG BAN', en: 'HEAD' }), { bold: true, size: SIZE.body }),
      centred('', { after: 1200 }),
      centred('……………………………', { bold: true, size: SIZE.body }),
    ],
    50,
  );
}
