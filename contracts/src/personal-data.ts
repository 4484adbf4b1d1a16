/**
 * The one detector of personal data in text (issue 19; DOMAIN.md, "People in the data"): what a
 * careless or hostile system could slip into an identifier, a reference, a citation, a place, a
 * header. Each pattern is written for Vietnamese formats and errs on the side of refusing: an
 * identifier that looks like a phone number is refused even if it is not one, because the cost of
 * a leaked number is a person's safety and the cost of a refusal is a re-sent record.
 *
 * Pure and I/O-free, so an agency's own system can run the same check before it sends.
 */

export type PersonalDataKind = 'phone-number' | 'id-number' | 'email' | 'date-of-birth' | 'person-name';

export interface PersonalDataFinding {
  kind: PersonalDataKind;
  /** Why, for the error message; never the matched text itself (it may be the personal data). */
  reason: string;
}

/**
 * Phone numbers: `0` or `+84`/`84`, then a mobile number (3, 5, 7, 8 or 9 and 8 more digits) or a
 * landline (2 and 9 more digits), with or without spaces, dots or dashes: 0912345678,
 * 0912.345.678, +84 912 345 678, 024 3825 1234. An enterprise code of a province whose code is 03,
 * 05, 07, 08 or 09 reads as a mobile number and is refused here: business references are checked
 * by their own pattern (enterprise code or pseudonymous reference).
 */
const PHONE = /(?<![\d])(?:\+84|84|0)[ .\-]?(?:[35789](?:[ .\-]?\d){8}|2(?:[ .\-]?\d){9})(?![\d])/;

/**
 * Citizen ID numbers: CCCD has 12 digits (a province code 001-096 first), the old CMND 9; also
 * with separators (001 203 012345). Any run of exactly 9 or 12 digits is refused: an identifier
 * made by a system never needs to be one.
 */
const ID_NUMBER = /(?<![\d])(?:\d{9}|\d{12}|\d{3}[ .\-]\d{3}[ .\-]\d{3}|\d{3}[ .\-]\d{3}[ .\-]\d{6}|\d{3}[ .\-]\d{2}[ .\-]\d{7})(?![\d])/;

const EMAIL = /[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+/;

/**
 * Dates written as a person's birth date is: 15/08/1998, 15-8-1998, 15.08.1998, "sinh năm 1998",
 * "ngày sinh". ISO dates (2021-05-04) are how this system writes the date of a fact, and are
 * checked by type, not here.
 */
const DATE_OF_BIRTH = /(?<![\d])(?:0?[1-9]|[12]\d|3[01])[/.\-](?:0?[1-9]|1[0-2])[/.\-](?:19|20)\d{2}(?![\d])|\b(?:sinh năm|ngày sinh|năm sinh|date of birth|born)\b/iu;

/** The commonest Vietnamese family names (over 90 % of people). */
const SURNAMES =
  'Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh|Đào|Trương|Lâm|Mai|Trịnh|Đoàn|Lưu|Tạ|Cao|Hà|Tô|Lương|Thái|Châu|Quách|Kiều|Triệu|Chu|La|Tăng|Mạc|Vương|Thân|Lục';
/** Middle names that mark a person's name (Văn, Thị…): "Nguyễn Thị Hoa". */
const MIDDLES = 'Văn|Thị|Hữu|Đức|Ngọc|Minh|Quang|Xuân|Thanh|Công|Đình|Kim|Thu|Bảo|Gia|Hoài|Khánh|Mạnh|Phương|Tuấn|Trọng|Quốc|Anh|Hồng|Mỹ';
const WORD = '\\p{Lu}[\\p{Ll}\\p{M}]*';
const PERSON_NAME = new RegExp(`(?<![\\p{L}])(?:${SURNAMES})\\s+(?:${MIDDLES})(?:\\s+${WORD}){1,2}(?![\\p{L}])`, 'u');
/**
 * A person's name is also how streets, schools and bridges are named (phố Nguyễn Văn Cừ, trường
 * Lê Quý Đôn): a name right after one of these words is a place, not a person.
 */
const PLACE_WORDS = /(?:đường|phố|ngõ|ngách|hẻm|kiệt|phường|quận|xã|huyện|thị trấn|trường|cầu|chợ|công viên|vườn hoa|bến|khu|tòa nhà|số nhà|lăng|đền|chùa|quảng trường|street|road)(?:\s+\p{Lu}{2,})*\s*$/iu;

const NAME_CHECK = new RegExp(PERSON_NAME.source, 'gu');

function personName(text: string): boolean {
  for (const match of text.matchAll(NAME_CHECK)) {
    if (!PLACE_WORDS.test(text.slice(0, match.index))) return true;
  }
  return false;
}

const DETECTORS: readonly [PersonalDataKind, (text: string) => boolean, string][] = [
  ['email', (text) => EMAIL.test(text), 'looks like an email address'],
  ['phone-number', (text) => PHONE.test(text), 'looks like a phone number (0 or +84 and 9-10 digits)'],
  ['id-number', (text) => ID_NUMBER.test(text), 'looks like a citizen ID number (9 or 12 digits, CMND/CCCD)'],
  ['date-of-birth', (text) => DATE_OF_BIRTH.test(text), 'looks like a date of birth'],
  ['person-name', personName, 'looks like a person’s full name (family name, middle name, given name)'],
];

/** What personal data `text` seems to hold; empty when none. One finding per kind. */
export function findPersonalData(text: string, kinds: readonly PersonalDataKind[] = ALL_KINDS): PersonalDataFinding[] {
  const normalised = text.normalize('NFC');
  return DETECTORS.filter(([kind, detects]) => kinds.includes(kind) && detects(normalised)).map(([kind, , reason]) => ({ kind, reason }));
}

export const ALL_KINDS: readonly PersonalDataKind[] = DETECTORS.map(([kind]) => kind);

/** The first finding's reason, as a validation message, or undefined when `text` holds none. */
export function personalDataProblem(text: string, kinds?: readonly PersonalDataKind[]): string | undefined {
  const [finding] = findPersonalData(text, kinds);
  return finding ? `${finding.reason}: personal data is never sent (DOMAIN.md, "People in the data")` : undefined;
}
