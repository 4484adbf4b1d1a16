import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import {
  buildEvent,
  reportingActivityHeld,
  cultureWardAssessmentCompleted,
  labourJointInspectionCompleted,
  labourReferralAccepted,
  policeCaseOpened,
  policeInspectionCompleted,
  policeReferralMade,
  policeReportSubmitted,
  type BusEvent,
} from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { runCli } from '../support/cli.js';
import { postJson } from '../support/http.js';
import { seedAgencyEvents, startNatsFixture, type NatsFixture } from '../support/nats.js';
import { asUser, TEST_USERS, tokens } from '../support/users.js';

const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const ACHIEVED = 'Kết quả trong kỳ (số sự kiện)';

// Police, culture and labour events around the second quarter of 2021, as their systems state them.
const inspection = (id: string, time: string, areaCode = 'hn-ba-dinh-kim-ma') =>
  buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: `kt-${id}`, areaCode, business: { businessId: `b-${id}`, kind: 'karaoke' } }, { id: `evt-kt-${id}`, time });
const seeded: BusEvent[] = [
  inspection('q1', '2021-03-10T09:00:00+07:00'),
  inspection('q2-1', '2021-04-10T09:00:00+07:00'),
  inspection('q2-2', '2021-05-10T09:00:00+07:00'),
  inspection('q2-3', '2021-06-10T09:00:00+07:00'),
  inspection('q2-lg-1', '2021-04-20T09:00:00+07:00', 'hn-ba-dinh-lieu-giai'),
  inspection('q2-lg-2', '2021-06-30T16:59:00Z', 'hn-ba-dinh-lieu-giai'), // 23:59 on 30 June in Hanoi
  inspection('q3', '2021-06-30T17:30:00Z'), // 1 July in Hanoi
  inspection('tay-ho', '2021-05-05T09:00:00+07:00', 'hn-tay-ho-quang-an'), // another district
  buildEvent(policeCaseOpened, { ...policeCaseOpened.example, caseId: 'va-q2' }, { id: 'evt-va-q2', time: '2021-05-25T10:00:00+07:00' }),
  buildEvent(labourJointInspectionCompleted, { ...labourJointInspectionCompleted.example, inspectionId: 'kt178-q1', business: { businessId: 'b-178-a', kind: 'massage' } }, { id: 'evt-178-q1', time: '2021-02-10T09:00:00+07:00' }),
  buildEvent(labourJointInspectionCompleted, { ...labourJointInspectionCompleted.example, inspectionId: 'kt178-q2-1', business: { businessId: 'b-178-a', kind: 'massage' } }, { id: 'evt-178-q2-1', time: '2021-04-12T09:00:00+07:00' }),
  buildEvent(labourJointInspectionCompleted, { ...labourJointInspectionCompleted.example, inspectionId: 'kt178-q2-2', business: { businessId: 'b-178-b', kind: 'massage' } }, { id: 'evt-178-q2-2', time: '2021-06-12T09:00:00+07:00' }),
  // The wards' model work (Ba Đình II.6), reported by the ward People's Committees through the reporting service.
  buildEvent(reportingActivityHeld, { ...reportingActivityHeld.example, activityId: 'mh-lg', kind: 'pilot-model', organiser: 'ubnd-phuong', areaCode: 'hn-ba-dinh-lieu-giai' }, { id: 'evt-mh-lg', source: '/pcmd/reporting/ubnd-phuong', time: '2021-04-22T09:00:00+07:00' }),
  buildEvent(reportingActivityHeld, { ...reportingActivityHeld.example, activityId: 'mh-km', kind: 'pilot-model', organiser: 'ubnd-phuong', areaCode: 'hn-ba-dinh-kim-ma' }, { id: 'evt-mh-km', source: '/pcmd/reporting/ubnd-phuong', time: '2021-05-22T09:00:00+07:00' }),
  buildEvent(cultureWardAssessmentCompleted, { ...cultureWardAssessmentCompleted.example, assessmentId: 'dg-lg', result: 'healthy', year: 2021 }, { id: 'evt-dg-lg', time: '2021-06-25T10:00:00+07:00' }),
  buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-ca-1', areaCode: 'hn-ba-dinh-kim-ma' }, { id: 'evt-cg-ca-1', time: '2021-04-02T10:00:00+07:00' }),
  buildEvent(labourReferralAccepted, { referralId: 'cg-ca-1', plannedServices: ['counselling'] }, { id: 'evt-tn-cg-ca-1', time: '2021-04-05T10:00:00+07:00' }),
  buildEvent(policeReportSubmitted, { reportId: 'bc-ca-2021-04', reportingBody: 'police', areaCode: 'hn-ba-dinh', cadence: 'monthly', period: '2021-04' }, { id: 'evt-bc-ca-2021-04', time: '2021-05-03T10:00:00+07:00' }),
];
/** What the seeded events make of the second quarter in the district, per agency. */
const EXPECTED_Q2 = { police: 5 + 1, labour: 2 + 2, culture: 1, justice: 0, 'ubnd-phuong': 5 };

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let outDir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  outDir = mkdtempSync(join(tmpdir(), 'lienganh-report-'));
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: { now: () => new Date('2021-07-10T09:00:00+07:00') }, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
  await seedAgencyEvents(nats, seeded);
});
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
  rmSync(outDir, { recursive: true, force: true });
});

const reportUrl = (query: string) => `${coordination.url}/api/v1/reports/periodic?${query}`;
/** The report as a user of the committee's API fetches it. */
const fetchReport = (query: string) => fetch(reportUrl(query), { headers: asUser() });

/** The per-agency rows of the first sheet, as `code → values by header`. */
async function agencyRows(xlsx: Buffer): Promise<Map<string, Record<string, unknown>>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx as never);
  const sheet = workbook.worksheets[0]!;
  let header: string[] | undefined;
  const rows = new Map<string, Record<string, unknown>>();
  sheet.eachRow((row) => {
    const values = (row.values as unknown[]).slice(1);
    if (values[0] === 'STT') header = values as string[];
    else if (header && typeof values[0] === 'number') {
      const record = Object.fromEntries(header.map((name, index) => [name, values[index]]));
      rows.set(String(record['Mã']), record);
    }
  });
  return rows;
}

/** The CSV's rows (after the byte-order mark), as `code → values by header`; a minimal reader for quoted fields. */
function csvRows(text: string, separator = ';'): Map<string, Record<string, string>> {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === separator) record.push(field), (field = '');
    else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      (field = ''), (record = []), i++;
    } else field += char;
  }
  const [header, ...body] = records;
  return new Map(body.filter((values) => values[2] !== '').map((values) => [values[2]!, Object.fromEntries(header!.map((name, index) => [name, values[index]!]))]));
}

/** The text of a DOCX's paragraphs, one a line (word/document.xml read with jszip, which exceljs brings). */
async function docxText(docx: Buffer): Promise<string> {
  const xml = await (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');
  return (xml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? []).map((paragraph) => [...paragraph.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((match) => match[1]).join('')).join('\n');
}

describe('periodic report export (báo cáo định kỳ) for Steering Committee 138', () => {
  it('exports the quarter as XLSX, the annex of the document: one row per agency with what it achieved in the quarter, Vietnamese only', async () => {
    const response = await fetchReport('period=2021-Q2&area=hn-ba-dinh&format=xlsx');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-2021-Q2-hn-ba-dinh.xlsx"');
    const xlsx = Buffer.from(await response.arrayBuffer());

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as never);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getCell('A1').value).toBe('PHỤ LỤC');
    const title = [2, 3, 4, 5, 6, 7].map((n) => String(sheet.getCell(`A${n}`).value)).join('\n');
    expect(title).toMatch(/Kết quả công tác phòng, chống mại dâm quý II năm 2021/);
    expect(title).toMatch(/Kỳ báo cáo: quý II\/2021/);
    expect(title).toMatch(/Địa bàn: Quận Ba Đình/);
    expect(title).toMatch(/Ngày lập: 10\/07\/2021/);

    const rows = await agencyRows(xlsx);
    const codes = [...rows.keys()];
    expect(new Set(codes).size).toBe(codes.length); // one row per agency
    for (const [agency, achieved] of Object.entries(EXPECTED_Q2)) expect({ agency, achieved: rows.get(agency)?.[ACHIEVED] }).toEqual({ agency, achieved });
    expect(rows.get('police')).toMatchObject({ 'Cơ quan, đơn vị': 'Công an', 'Số chỉ tiêu': 4, 'Chuyển gửi: đã chuyển': 1 });
    expect(rows.get('labour')).toMatchObject({ 'Chuyển gửi: đã tiếp nhận': 1 });
    expect(String(rows.get('police')!['Ghi chú'])).toMatch(/Chưa gửi báo cáo: tháng 5\/2021, tháng 6\/2021, quý II\/2021/);
    expect(workbook.worksheets.map((entry) => entry.name)).toEqual(['Tổng hợp theo cơ quan', 'Chỉ tiêu', 'Báo cáo định kỳ']);
  });

  it('exports the same numbers as CSV for Vietnamese Excel (; and a decimal comma, UTF-8 with a byte-order mark), the old comma form on request, and JSON', async () => {
    const response = await fetchReport('period=2021-Q2&format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-2021-Q2-hn-ba-dinh.csv"');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = csvRows(bytes.toString('utf8').slice(1));
    for (const [agency, achieved] of Object.entries(EXPECTED_Q2)) expect({ agency, achieved: rows.get(agency)?.[ACHIEVED] }).toEqual({ agency, achieved: String(achieved) });
    expect(rows.get('culture')!['Cơ quan, đơn vị']).toBe('Văn hóa, Thể thao và Du lịch');

    // The counts are the workbook's; percentages are written "53,5%" where the workbook has the percent cell 0.535.
    const xlsxRows = await agencyRows(Buffer.from(await (await fetchReport('period=2021-Q2')).arrayBuffer()));
    expect([...rows.keys()]).toEqual([...xlsxRows.keys()]);
    const PERCENT = 'Tiến độ bình quân so với kế hoạch (lũy kế)';
    for (const [code, values] of rows) {
      for (const [name, value] of Object.entries(values)) {
        const cell = xlsxRows.get(code)![name];
        if (typeof cell !== 'number') continue;
        const expected = name === PERCENT ? `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }).format(cell * 100)}%` : String(cell);
        expect({ code, name, value }).toEqual({ code, name, value: expected });
      }
    }
    const old = Buffer.from(await (await fetchReport('period=2021-Q2&format=csv&csv=comma')).arrayBuffer()).toString('utf8').slice(1);
    const oldRows = csvRows(old, ',');
    for (const [agency, achieved] of Object.entries(EXPECTED_Q2)) expect(oldRows.get(agency)?.[ACHIEVED]).toBe(String(achieved));

    const json = (await (await fetchReport('period=2021-Q2&format=json')).json()) as any;
    expect(json.agencies.find((row: { agency: string }) => row.agency === 'police')).toMatchObject({ achievedInPeriod: EXPECTED_Q2.police });
  });

  it('exports the document (DOCX) with the number given, the place and the date it is made, the figures as of the end of the quarter', async () => {
    const response = await fetchReport('period=2021-Q2&format=docx&number=7');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-2021-Q2-hn-ba-dinh.docx"');
    const text = await docxText(Buffer.from(await response.arrayBuffer()));
    expect(text).toContain('BAN CHỈ ĐẠO 138 QUẬN BA ĐÌNH');
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Số: 7/BC-BCĐ138');
    expect(text).toContain('Ba Đình, ngày 10 tháng 7 năm 2021');
    expect(text).toContain('Kết quả công tác phòng, chống mại dâm quý II năm 2021');
    expect(text).toContain('số liệu lũy kế tính đến hết ngày 30/06/2021');
    expect(text).toContain('TM. BAN CHỈ ĐẠO');
    const issuesOf = async (query: string) => ((await (await fetchReport(query)).json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path);
    expect(await issuesOf('period=2021-Q2&format=docx&number=12a')).toEqual(['query.number']);
    expect(await issuesOf('period=2021-Q2&format=csv&csv=tab')).toEqual(['query.csv']);
  });

  it('exports the English version with lang=en (the same document, file name ending -en), and refuses another language naming lang', async () => {
    // As a committee member: the secretariat's reports a minute are the other tests' (ReportQueue).
    const fetchReport = (query: string) => fetch(reportUrl(query), { headers: asUser(tokens.committee) });
    const response = await fetchReport('period=2021-Q2&format=docx&number=7&lang=en');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-2021-Q2-hn-ba-dinh-en.docx"');
    const text = await docxText(Buffer.from(await response.arrayBuffer()));
    expect(text).toContain('SOCIALIST REPUBLIC OF VIET NAM');
    expect(text).toContain('No.: 7/BC-BCĐ138');
    expect(text).toContain('Ba Đình, 10 July 2021');
    expect(text).toContain('Results of the prevention and control of prostitution, second quarter of 2021');
    expect(text).not.toContain('CỘNG HÒA');
    // lang=vi is the default, and the Vietnamese document.
    const vietnamese = await fetchReport('period=2021-Q2&format=docx&lang=vi');
    expect(vietnamese.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-2021-Q2-hn-ba-dinh.docx"');
    expect(await docxText(Buffer.from(await vietnamese.arrayBuffer()))).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    for (const lang of ['fr', 'EN', '']) {
      const refused = await fetchReport(`period=2021-Q2&format=docx&lang=${lang}`);
      expect(refused.status).toBe(400);
      const body = (await refused.json()) as { issues: { path: string; message: string }[] };
      expect(body.issues.map((issue) => issue.path)).toEqual(['query.lang']);
      expect(body.issues[0]!.message).toBe('phải là vi hoặc en / must be vi or en');
    }
  });

  it('narrows to a ward and to a month', async () => {
    const ward = (await (await fetchReport('period=2021-Q2&area=hn-ba-dinh-kim-ma&format=json')).json()) as any;
    const police = ward.agencies.find((row: { agency: string }) => row.agency === 'police');
    expect(police.achievedInPeriod).toBe(3 + 1);
    const june = (await (await fetchReport('period=2021-06&format=json')).json()) as any;
    expect(june.agencies.find((row: { agency: string }) => row.agency === 'police').achievedInPeriod).toBe(2);
  });

  it('answers 400 naming the parameter, 404 for an area no plan covers', async () => {
    const issuesOf = async (query: string) => {
      const response = await fetchReport(query);
      expect(response.status).toBe(400);
      return ((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path);
    };
    expect(await issuesOf('period=2021-Q5')).toEqual(['query.period']);
    expect(await issuesOf('area=hn-ba-dinh')).toEqual(['query.period']);
    expect(await issuesOf('period=2021-Q2&format=pdf')).toEqual(['query.format']);
    expect(await issuesOf('period=2021-Q2&area=Ba%20%C4%90%C3%ACnh')).toEqual(['query.area']);
    const missing = await fetchReport('period=2021-Q2&area=hn-tay-ho');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toMatch(/hn-tay-ho/);
    expect((await fetchReport('period=2022-Q1')).status).toBe(404);
  });

  it('is what `npx lienganh report` writes, with the name the service gives', async () => {
    const run = await runCli(['report', '--period', '2021-Q2', '--area', 'hn-ba-dinh', '--format', 'csv', '--out', outDir, '--url', coordination.url, '--token', tokens.committee]);
    if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
    const file = join(outDir, 'bao-cao-2021-Q2-hn-ba-dinh.csv');
    expect(run.stdout).toContain(file);
    expect(readdirSync(outDir)).toEqual(['bao-cao-2021-Q2-hn-ba-dinh.csv']);
    const rows = csvRows(readFileSync(file, 'utf8').slice(1));
    for (const [agency, achieved] of Object.entries(EXPECTED_Q2)) expect(rows.get(agency)?.[ACHIEVED]).toBe(String(achieved));

    const refused = await runCli(['report', '--period', '2021-Q2', '--url', coordination.url, '--token', 'not-a-token-0123456789']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refused by the coordination service (HTTP 401)');
    expect(refused.stderr).toContain('the token was not accepted');
    const bad = await runCli(['report', '--period', '2021-Q9', '--url', coordination.url]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--period/);
    // The document, from the port npm start was given (COORDINATION_PORT), without --url.
    const docx = await runCli(['report', '--period', '2021-Q2', '--format', 'docx', '--number', '7', '--out', outDir, '--token', tokens.committee], {
      COORDINATION_PORT: new URL(coordination.url).port,
      LIENGANH_COORDINATION_URL: '',
    });
    if (docx.code !== 0) throw new Error(`exit ${docx.code}: ${docx.stderr}`);
    expect(readdirSync(outDir).sort()).toEqual(['bao-cao-2021-Q2-hn-ba-dinh.csv', 'bao-cao-2021-Q2-hn-ba-dinh.docx']);
    expect(await docxText(readFileSync(join(outDir, 'bao-cao-2021-Q2-hn-ba-dinh.docx')))).toContain('Số: 7/BC-BCĐ138');
    const badNumber = await runCli(['report', '--period', '2021-Q2', '--format', 'docx', '--number', 'bảy', '--url', coordination.url]);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toMatch(/--number/);
    // The English version: the service's name for it, English inside.
    const english = await runCli(['report', '--period', '2021-Q2', '--format', 'docx', '--lang', 'en', '--out', outDir, '--url', coordination.url, '--token', tokens.committee]);
    if (english.code !== 0) throw new Error(`exit ${english.code}: ${english.stderr}`);
    expect(english.stdout).toContain(join(outDir, 'bao-cao-2021-Q2-hn-ba-dinh-en.docx'));
    const englishText = await docxText(readFileSync(join(outDir, 'bao-cao-2021-Q2-hn-ba-dinh-en.docx')));
    expect(englishText).toContain('SOCIALIST REPUBLIC OF VIET NAM');
    expect(englishText).not.toContain('BÁO CÁO');
    const badLang = await runCli(['report', '--period', '2021-Q2', '--lang', 'fr', '--url', coordination.url]);
    expect(badLang.code).toBe(2);
    expect(badLang.stderr).toContain('--lang: phải là / must be vi or en');
    const unreachable = await runCli(['report', '--period', '2021-Q2', '--url', 'http://127.0.0.1:9']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach the coordination service/);
  }, 180_000); // nine CLI runs, each an npx start
});
