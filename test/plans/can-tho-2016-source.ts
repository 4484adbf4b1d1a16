import { parse as parseYaml } from 'yaml';
import { existsSync, readFileSync } from 'node:fs';

/**
 * The Cần Thơ 2016 plan (Số 80/KH-UBND) and what it is checked against: the signed text and the
 * official codes of the administrative units. Both are kept beside the test (`fixtures/`) so that
 * a clone tests alone; where the shared reference (`../shared/`) is present they are checked to be
 * verbatim copies of it. The text stops before the recipients and the signature block.
 */

export const PLAN_FILE = new URL('../../services/coordination/demo/can-tho-2016.plan.yaml', import.meta.url);
export const planText = readFileSync(PLAN_FILE, 'utf8');

export const REFERENCE_TEXT_FILE = new URL('./fixtures/can-tho-2016-plan.txt', import.meta.url);
export const UNITS_FILE = new URL('./fixtures/can-tho-units-2025-03-01.csv', import.meta.url);
export const SHARED_REFERENCE_TEXT = new URL('../../../shared/reference/can-tho-2016-plan.txt', import.meta.url);
export const SHARED_UNITS = new URL('../../../shared/data/administrative-units/units-2025-03-01.csv', import.meta.url);

export const referenceText = readFileSync(REFERENCE_TEXT_FILE, 'utf8');

/** One space for every run of whitespace (the text breaks lines in mid-sentence), NFC. */
export const normalise = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ').trim();

export const sharedCopyIsPresent = () => existsSync(SHARED_REFERENCE_TEXT) && existsSync(SHARED_UNITS);

/**
 * The numbered parts of sections II and III, each with where it starts in the normalised text
 * (its heading) and its bullets. A task id names its part: nv-4-… is II.4, nv-8-2-… is II.8.2,
 * nv-iii-3-… is III.3.
 */
export const SECTION_HEADINGS: { section: string; heading: string }[] = [
  { section: 'II.1', heading: '1. Công tác chỉ đạo, triển khai:' },
  { section: 'II.2', heading: '2. Công tác tuyên truyền, giáo dục:' },
  { section: 'II.3', heading: '3. Phối hợp thực hiện các chương trình, chính sách an sinh xã hội:' },
  { section: 'II.4', heading: '4. Công tác quản lý địa bàn, kiểm tra liên ngành, phối hợp triệt phá tụ điểm mại dâm:' },
  { section: 'II.5', heading: '5. Xây dựng xã, phường, thị trấn lành mạnh không có tệ nạn mại dâm:' },
  { section: 'II.6', heading: '6. Công tác trợ vốn, tạo việc làm cho đối tượng tái hòa nhập cộng đồng.' },
  { section: 'II.7', heading: '7. Công tác nâng cao năng lực các cơ quan chuyên trách phòng, chống mại dâm:' },
  { section: 'II.8', heading: '8. Xây dựng các mô hình thí điểm phòng chống mại dâm ngoài cộng đồng:' },
  { section: 'II.8.1', heading: '8.1. Mô hình cung cấp dịch vụ hỗ trợ cho người bán dâm tại cộng đồng' },
  { section: 'II.8.2', heading: '8.2. Mô hình hỗ trợ nhằm bảo đảm quyền của người lao động' },
  { section: 'II.8.3', heading: '8.3. Mô hình hỗ trợ tăng cường năng lực của các câu lạc bộ' },
  { section: 'III', heading: 'III. TỔ CHỨC THỰC HIỆN' },
  { section: 'III.1', heading: '1. Sở Lao động - Thương binh và Xã hội là cơ quan thường trực' },
  { section: 'III.2', heading: '2. Các sở, ban, ngành thành phố có liên quan' },
  { section: 'III.3', heading: '3. Sở Tài chính chủ trì' },
  { section: 'III.4', heading: '4. Sở Lao động - Thương binh và Xã hội chủ trì' },
  { section: 'III.5', heading: '5. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam thành phố' },
  { section: 'end', heading: 'Trên đây là Kế hoạch phòng, chống mại dâm năm 2016' },
];

/** The parts that carry duties: II.1-II.7, II.8.1-II.8.3, III.1-III.5 (II.8 and III are headings). */
export const DUTY_SECTIONS = SECTION_HEADINGS.map(({ section }) => section).filter((section) => !['II.8', 'III', 'end'].includes(section));

export interface Section {
  section: string;
  /** The part's text, normalised, heading included. */
  text: string;
  /** Its bullets ("- …" in the text), normalised; a part without bullets is one bullet (its body). */
  bullets: string[];
}

export function sections(): Section[] {
  // A bullet is a line of the text that starts with "- "; mark it before the line breaks go.
  const BULLET = '\u2022';
  const text = normalise(referenceText.replace(/\r?\n- /g, `\n${BULLET} `));
  const unmarked = (part: string) => part.replaceAll(`${BULLET} `, '').trim();
  let from = text.indexOf('II. NỘI DUNG VÀ BIỆN PHÁP THỰC HIỆN');
  if (from < 0) throw new Error('section II not found');
  const positions = SECTION_HEADINGS.map(({ section, heading }) => {
    const at = text.indexOf(normalise(heading), from);
    if (at < 0) throw new Error(`heading of ${section} not found: ${heading}`);
    from = at + 1;
    return { section, at };
  });
  return positions
    .slice(0, -1)
    .map(({ section, at }, index) => {
      const body = text.slice(at, positions[index + 1]!.at).trim();
      const [head, ...bullets] = body.split(` ${BULLET} `);
      return { section, text: unmarked(body), bullets: bullets.length > 0 ? bullets.map(unmarked) : [unmarked(head!)] };
    })
    .filter(({ section }) => DUTY_SECTIONS.includes(section));
}

/** The section a task's id names: nv-4-06 → II.4, nv-8-2-01 → II.8.2, nv-iii-3-01 → III.3. */
export function sectionOfTask(id: string): string {
  const roman = /^nv-iii-(\d)-/.exec(id);
  if (roman) return `III.${roman[1]}`;
  const model = /^nv-8-(\d)-/.exec(id);
  if (model) return `II.8.${model[1]}`;
  const part = /^nv-(\d)-/.exec(id);
  if (part) return `II.${part[1]}`;
  throw new Error(`task id ${id} names no section`);
}

/** Each task's `source`, the sentence of the text it transcribes. */
export function taskSources(): Map<string, string> {
  const { tasks } = parseYaml(planText) as { tasks: { id: string; source?: string }[] };
  return new Map(tasks.flatMap((task) => (task.source ? [[task.id, task.source] as const] : [])));
}

/** The header's table of area codes: `#   ct-quan-ninh-kieu   916  Quận Ninh Kiều`. */
export function headerAreaCodes(): { code: string; official: string; name: string }[] {
  return [...planText.matchAll(/^#\s+(ct(?:-[a-z-]+)?)\s+(\d{2,5})\s+(\S.*?)\s*$/gmu)].map((match) => ({ code: match[1]!, official: match[2]!, name: match[3]! }));
}

export interface OfficialUnit {
  code: string;
  name: string;
  kind: string;
  level: string;
  parentCode: string;
}

export function officialUnits(file: URL = UNITS_FILE): OfficialUnit[] {
  const [, ...rows] = readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  return rows.map((row) => {
    const [code, name, kind, level, parentCode] = row.split(',');
    return { code: code!, name: name!, kind: kind!, level: level!, parentCode: parentCode ?? '' };
  });
}
