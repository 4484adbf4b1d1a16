import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { buildEvent, policeInspectionCompleted, type BusEvent } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, englishDate, englishNumber, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { postJson } from '../support/http.js';
import { seedAgencyEvents, startNatsFixture, type NatsFixture } from '../support/nats.js';
import { asUser, TEST_USERS, tokens } from '../support/users.js';

// The quarterly report as the secretariat sends it (#21): the DOCX for 2021-Q3, read back, with the
// figures as of 30/09/2021 although it is made on 05/10/2021; turned into a PDF by LibreOffice
// where it is installed (`npm run setup -- --tests` installs it), its first page kept as a picture.

const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const OUTPUT = resolve(process.cwd(), 'test-output');
const inspection = (id: string, time: string) =>
  buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: `kt-${id}`, areaCode: 'hn-ba-dinh-kim-ma', business: { businessId: `b-${id}`, kind: 'karaoke' } }, { id: `evt-kt-${id}`, time });
const seeded: BusEvent[] = [
  inspection('q2', '2021-05-10T09:00:00+07:00'),
  inspection('q3-1', '2021-07-10T09:00:00+07:00'),
  inspection('q3-2', '2021-09-30T23:30:00+07:00'), // the quarter's last evening, Hanoi time
  inspection('q4', '2021-09-30T17:30:00Z'), // 00:30 on 1 October in Hanoi: after the quarter
];

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let work: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  work = mkdtempSync(join(tmpdir(), 'lienganh-report-document-'));
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: { now: () => new Date('2021-10-05T09:00:00+07:00') }, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
  await seedAgencyEvents(nats, seeded);
}, 60_000);
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The text of a DOCX's paragraphs, one a line. */
async function docxText(docx: Buffer): Promise<string> {
  const xml = await (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');
  return xml
    .split('</w:p>')
    .map((paragraph) => [...paragraph.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((match) => match[1]).join(''))
    .join('\n')
    .replace(/&(quot|apos|lt|gt|amp);/g, (_, name: string) => ({ quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' })[name]!);
}

const onPath = (binary: string) => ['/usr/bin', '/usr/local/bin'].some((dir) => existsSync(join(dir, binary)));

describe('the report for the third quarter of 2021, made on 5 October', () => {
  let docx: Buffer;

  beforeAll(async () => {
    const response = await fetch(`${coordination.url}/api/v1/reports/periodic?period=2021-Q3&format=docx&number=21`, { headers: asUser() });
    expect(response.status).toBe(200);
    docx = Buffer.from(await response.arrayBuffer());
  });

  it('reads back with the national heading, number, place and date, title, recipients and signature block', async () => {
    const text = await docxText(docx);
    for (const line of [
      'BAN CHỈ ĐẠO 138 QUẬN BA ĐÌNH',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Số: 21/BC-BCĐ138',
      'Ba Đình, ngày 05 tháng 10 năm 2021',
      'BÁO CÁO',
      'Kết quả công tác phòng, chống mại dâm quý III năm 2021',
      'Nơi nhận:',
      'TM. BAN CHỈ ĐẠO',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).not.toMatch(/\b(?:kh|ct|nv)-[a-z0-9-]+\b/); // names, not the plan's codes
  });

  it('gives the figures as of 30/09/2021: the inspection of 1 October is not counted', async () => {
    const text = await docxText(docx);
    expect(text).toContain('số liệu lũy kế tính đến hết ngày 30/09/2021');
    const line = text.split('\n').find((entry) => entry.includes('Công an kiểm tra hành chính 400 lượt'));
    expect(line).toContain('trong kỳ 2;');
    expect(line).toContain('lũy kế đến 30/09/2021: 3,');
  });

  const libreOffice = onPath('soffice') && onPath('pdftoppm');
  (libreOffice ? it : it.skip)('converts with LibreOffice headless to an A4 PDF; its first page is saved under test-output/', () => {
    const docxFile = join(work, 'bao-cao-2021-Q3.docx');
    writeFileSync(docxFile, docx);
    // A profile of its own: a LibreOffice the user has open would otherwise take the job and exit at once.
    execFileSync('soffice', [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', work, docxFile], { stdio: 'pipe', timeout: 120_000 });
    const pdf = join(work, 'bao-cao-2021-Q3.pdf');
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
    const text = execFileSync('pdftotext', ['-layout', '-f', '1', '-l', '1', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Số: 21/BC-BCĐ138');
    mkdirSync(OUTPUT, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdf, join(OUTPUT, 'bao-cao-2021-Q3-trang-1')]);
    expect(statSync(join(OUTPUT, 'bao-cao-2021-Q3-trang-1.png')).size).toBeGreaterThan(10_000);
  }, 150_000);
});

describe('the same report in English (lang=en)', () => {
  let docx: Buffer;
  let text: string;

  beforeAll(async () => {
    const response = await fetch(`${coordination.url}/api/v1/reports/periodic?period=2021-Q3&format=docx&number=21&lang=en`, { headers: asUser() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-2021-Q3-hn-ba-dinh-en.docx"');
    docx = Buffer.from(await response.arrayBuffer());
    text = await docxText(docx);
  });

  it('has the structure of the Vietnamese one, in English: heading, number, place and date, title, recipients, signature block', () => {
    for (const line of [
      'STEERING COMMITTEE 138 OF BA DINH DISTRICT',
      'SOCIALIST REPUBLIC OF VIET NAM',
      'Independence - Freedom - Happiness',
      'No.: 21/BC-BCĐ138',
      'Ba Đình, 5 October 2021',
      'REPORT',
      'Results of the prevention and control of prostitution, third quarter of 2021',
      'I. RESULTS',
      'II. REFERRAL AND SUPPORT',
      'III. TASKS AND TARGETS BEHIND SCHEDULE OR OVERDUE',
      'IV. PROPOSALS AND RECOMMENDATIONS',
      'Recipients:',
      "- Ba Đình District People's Committee;",
      'ON BEHALF OF THE STEERING COMMITTEE',
      'HEAD',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    // No sentence of the Vietnamese version is left: only proper names (Ba Đình, the plan's number).
    for (const vietnamese of ['BÁO CÁO', 'Nơi nhận', 'CỘNG HÒA', 'TM. BAN CHỈ ĐẠO', 'Số:', 'lũy kế', 'trong kỳ', 'chỉ tiêu', 'Thực hiện', 'ngày']) expect(text).not.toContain(vietnamese);
    expect(text).not.toMatch(/\b(?:kh|ct|nv)-[a-z0-9-]+\b/);
  });

  it('writes English dates and numbers: the figures as of 30 September 2021, a decimal point and thousands with a comma', () => {
    expect(text).toContain('cumulative figures run to the end of 30 September 2021.');
    const line = text.split('\n').find((entry) => entry.includes('400 police administrative inspections'));
    expect(line).toContain('(lead: Police)');
    expect(line).toContain('target at least 400;');
    expect(line).toContain('in the period 2;');
    expect(line).toContain('cumulative to 30 September 2021: 3, 0.75% of plan, at risk.');
    // Every percentage with decimals has a decimal point, none a decimal comma.
    expect(text).toMatch(/\d\.\d+%/);
    expect(text).not.toMatch(/\d,\d+%/);
    expect(text).toContain('- Police: 4 targets assigned, 0 achieved; 2 results in the period counted towards targets; average progress 25.19% of plan;');
    expect(text).toContain('- Culture, Sports and Tourism: 1 target assigned');
    // The seeded figures stay below a thousand: the formatter the document uses, on its own.
    expect([englishNumber(1234.5), englishNumber(1_000_000), englishDate('2021-01-01')]).toEqual(['1,234.5', '1,000,000', '1 January 2021']);
  });

  it('goes with an English annex (XLSX) and CSV: English headings, a decimal point and "," in the CSV', async () => {
    const xlsx = await fetch(`${coordination.url}/api/v1/reports/periodic?period=2021-Q3&format=xlsx&number=21&lang=en`, { headers: asUser() });
    expect(xlsx.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-2021-Q3-hn-ba-dinh-en.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Summary by agency', 'Targets', 'Periodic reports']);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getCell('A1').value).toBe('ANNEX');
    expect(sheet.getCell('A3').value).toBe('(Attached to Report No. 21/BC-BCĐ138 of 5 October 2021 of Steering Committee 138 of Ba Dinh district)');
    expect(String(sheet.getCell('A4').value)).toBe('Reporting period: Q3 2021 (1 July 2021 to 30 September 2021); cumulative figures as of 30 September 2021');

    const csv = await fetch(`${coordination.url}/api/v1/reports/periodic?period=2021-Q3&format=csv&lang=en`, { headers: asUser() });
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-2021-Q3-hn-ba-dinh-en.csv"');
    const lines = Buffer.from(await csv.arrayBuffer()).toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toMatch(/^No\.,"Agency, unit",Code,Targets,Targets achieved,Results in the period \(events\),/);
    expect(lines.find((entry) => entry.includes(',police,'))).toMatch(/^\d+,Police,police,4,/);
    expect(lines.find((entry) => entry.includes(',police,'))).toMatch(/,\d+\.\d+%,/); // a decimal point in the CSV too
  });

  const libreOffice = onPath('soffice') && onPath('pdftoppm');
  (libreOffice ? it : it.skip)('converts with LibreOffice headless to an A4 PDF; its first page is saved under test-output/', () => {
    const docxFile = join(work, 'bao-cao-2021-Q3-en.docx');
    writeFileSync(docxFile, docx);
    execFileSync('soffice', [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', work, docxFile], { stdio: 'pipe', timeout: 120_000 });
    const pdf = join(work, 'bao-cao-2021-Q3-en.pdf');
    expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).toMatch(/Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
    const page = execFileSync('pdftotext', ['-layout', '-f', '1', '-l', '1', pdf, '-'], { encoding: 'utf8' });
    expect(page).toContain('SOCIALIST REPUBLIC OF VIET NAM');
    expect(page).toContain('No.: 21/BC-BCĐ138');
    mkdirSync(OUTPUT, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdf, join(OUTPUT, 'bao-cao-2021-Q3-en-trang-1')]);
    expect(statSync(join(OUTPUT, 'bao-cao-2021-Q3-en-trang-1.png')).size).toBeGreaterThan(10_000);
  }, 150_000);
});
