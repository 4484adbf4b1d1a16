import { Controller, Get, Header, HttpException, Inject, Query, StreamableFile } from '@nestjs/common';
import { AUDIT_TRAIL, CurrentUser, recordAccessOrRefuse, type AuditTrail, type User } from '@lienganh/platform';
import { parseQuery } from '../http/request-query.js';
import { CLOCK, PROJECTOR, type Clock } from '../http/tokens.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import { PeriodicReportQuery, type ReportLanguage } from './periodic-period.js';
import { compilePeriodicReport, PeriodicReportError, type PeriodicReport } from './periodic-report.js';
import { ReportQueue } from './report-queue.js';
import { DOCX_CONTENT_TYPE, reportDocument } from './report-document.js';
import { languageSuffix } from './report-locale.js';
import { CSV_CONTENT_TYPE, reportCsv, reportWorkbook, XLSX_CONTENT_TYPE } from './report-workbook.js';

export const REPORT_QUEUE = Symbol('REPORT_QUEUE');

/** `bao-cao-2021-Q2-hn-ba-dinh.xlsx`, `bao-cao-2021-Q2-hn-ba-dinh-en.docx`: period and area codes are ASCII, so the name needs no encoding. */
export const reportFileName = (report: Pick<PeriodicReport, 'period' | 'area'>, format: 'xlsx' | 'csv' | 'docx', lang: ReportLanguage = 'vi') =>
  `bao-cao-${report.period.key}-${report.area.code}${languageSuffix(lang)}.${format}`;

const CONTENT_TYPES = { xlsx: XLSX_CONTENT_TYPE, csv: CSV_CONTENT_TYPE, docx: DOCX_CONTENT_TYPE } as const;

/** The periodic report (báo cáo định kỳ) for Steering Committee 138: the signed document (DOCX), its annex (XLSX), CSV or JSON. */
@Controller('api/v1/reports')
export class PeriodicReportController {
  constructor(
    @Inject(PROJECTOR) private readonly projector: CoordinationProjector,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AUDIT_TRAIL) private readonly audit: AuditTrail,
    @Inject(REPORT_QUEUE) private readonly queue: ReportQueue,
  ) {}

  @Get('periodic')
  @Header('Cache-Control', 'no-store') // a report leaves no copy in a cache on the way
  async periodic(@Query() query: unknown, @CurrentUser() user: User): Promise<PeriodicReport | StreamableFile> {
    const request = parseQuery(PeriodicReportQuery, query);
    // In its turn, within the user's limits: a loop of requests never takes what ingestion needs.
    return this.queue.run(user.id, () => this.make(request, user));
  }

  private async make({ period, area, plan, format, number, csv, lang }: PeriodicReportQuery, user: User): Promise<PeriodicReport | StreamableFile> {
    const { projection } = this.projector;
    let report: PeriodicReport;
    try {
      report = compilePeriodicReport(
        {
          state: projection.state,
          agencies: projection.agencies,
          areas: projection.areas,
          referrals: projection.referrals,
          reports: projection.reports,
          now: this.clock.now(),
        },
        { period, area, plan },
      );
    } catch (error) {
      if (error instanceof PeriodicReportError) {
        throw new HttpException(
          { error: error.kind, message: error.message, ...(error.plans.length ? { plans: error.plans } : {}) },
          error.kind === 'not-found' ? 404 : 409,
        );
      }
      throw error;
    }
    // Aggregates only, but every report taken out is in the audit trail, before it is handed over.
    await recordAccessOrRefuse(this.audit, user, {
      action: format === 'json' ? 'read' : 'export',
      resource: 'periodic-report',
      period: report.period.key,
      areaCode: report.area.code,
      format,
      records: report.agencies.length + report.targets.length,
    });
    if (format === 'json') return report;
    const content =
      format === 'xlsx' ? await reportWorkbook(report, { number, lang }) : format === 'docx' ? await reportDocument(report, { number, lang }) : reportCsv(report, csv ?? (lang === 'en' ? 'comma' : 'semicolon'), lang);
    return new StreamableFile(content, {
      type: CONTENT_TYPES[format],
      disposition: `attachment; filename="${reportFileName(report, format, lang)}"`,
      length: content.length,
    });
  }
}
