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
 * Phone numbers, as people write them: `0` or `+84`/`84`, then a mobile number (3, 5, 7, 8 or 9
 * and 8 more digits) or a landline (2 and 9 more digits), run together or in the usual groups
 * with spaces, dots or dashes: 0912345678, 0912 345 678, 0912.345.678, 091 234 5678,
 * +84 912 345 678, 024 3825 1234, 0243.825.1234. Only those groups: dates run together in an
 * identifier (…-05-2021-06-05) are not a number. An enterprise code of a province whose code is
 * 03, 05, 07, 08 or 09 reads as a mobile number and is refused here: business references are
 * checked by their own pattern (enterprise code or pseudonymous reference).
 */
const S = '[ .\\-]';
const MOBILE = `[35789](?:\\d{8}|\\d{2}${S}\\d{3}${S}\\d{3}|\\d${S}\\d{3}${S}\\d{4}|\\d{2}${S}\\d{6}|\\d{2}${S}\\d{2}${S}\\d{2}${S}\\d{2})`;
const LANDLINE = `2(?:\\d{9}|\\d${S}\\d{4}${S}\\d{4}|\\d{2}${S}\\d{3}${S}\\d{4}|\\d{2}${S}\\d{7})`;
const PHONE = new RegExp(`(?<![\\d])(?:0|\\+84${S}?|84${S}?)(?:${MOBILE}|${LANDLINE})(?![\\d])`);

/**
 * Citizen ID numbers: CCCD has 12 digits (a province code 001-096 first), the old CMND 9; also
 * with separators (001 203 012345). Any run of exactly 9 or 12 digits is refused: an identifier
 * made by a system never needs to be one.
 */
const ID_NUMBER = /(?<![\d])(?:\d{9}|\d{12}|\d{3}[ .\-]\d{3}[ .\-]\d{3}|\d{3}[ .\-]\d{3}[ .\-]\d{6}|\d{3}[ .\-]\d{2}[ .\-]\d{7})(?![\d])/;

const EMAIL = /[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+/;

/**
 * A date of birth: a birth word ("sinh năm 1998", "ngày sinh", "DOB"), or a date written as a
 * person's birth date is (15/08/1998, 15-8-1998, 15.08.1998) that is not the date of a document
 * or an event ("Báo cáo 15/BC-SNV ngày 10/01/2021", "từ 01/01/2021"). ISO dates (2021-05-04) are
 * how this system writes the date of a fact, and are checked by type, not here.
 */
const BIRTH_WORDS = /(?:sinh năm|ngày sinh|năm sinh|ngày tháng năm sinh|date of birth|\bdob\b|\bborn\b)/iu;
const WRITTEN_DATE = /(?<![\d])(?:0?[1-9]|[12]\d|3[01])[/.\-](?:0?[1-9]|1[0-2])[/.\-](?:19|20)\d{2}(?![\d])/g;
const DATE_OF_A_FACT = /(?:ngày|từ|đến|dated?|on|from|to)\s*$/iu;

/**
 * Necessary for a match, and much cheaper to test: every birth word holds one of these (no other
 * character case-folds to their letters but `ſ`, which folds to `s`), and a written date holds two
 * separators between digits.
 */
const BIRTH_WORD_STEMS = /sinh|birth|dob|born/iu;
const DIGIT_SEPARATOR_DIGIT = /\d[/.\-]\d/;

function dateOfBirth(text: string): boolean {
  if (BIRTH_WORD_STEMS.test(text) && BIRTH_WORDS.test(text)) return true;
  if (!DIGIT_SEPARATOR_DIGIT.test(text)) return false;
  for (const match of text.matchAll(WRITTEN_DATE)) {
    if (!DATE_OF_A_FACT.test(text.slice(Math.max(0, match.index - 12), match.index))) return true;
  }
  return false;
}

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

/**
 * A name hidden in an identifier, without diacritics and with separators: `nguyen-thi-hoa`. Only
 * for text without diacritics (with them, the rule above applies), and only with the two middle
 * names that always mark a person (Văn, Thị): folded, "đường" is "duong" like the family name
 * Dương, and codes of places named after people (ba-dinh-kim-ma) would read as names.
 */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
const ASCII_NAME = new RegExp(`(?<![a-z])(?:${fold(SURNAMES)})[-_. ]+(?:van|thi)(?:[-_. ]+[a-z]+){1,2}(?![a-z])`, 'g');
const ASCII_PLACE_WORDS = /(?:duong|pho|ngo|ngach|hem|kiet|phuong|quan|xa|huyen|truong|cau|cho|ben|khu|street|road)(?:[-_. ]+[a-z]{2,5})?[-_. ]*$/;
const HAS_DIACRITICS = /[^\x00-\x7f]/;

/** Necessary for NAME_CHECK (a family name and a middle name are apart), and cheap to test. */
const WHITESPACE = /\s/;
/** Necessary for ASCII_NAME: its middle name, run together with whatever follows. */
const ASCII_MIDDLE = /van|thi/;

function personName(text: string): boolean {
  if (WHITESPACE.test(text)) {
    for (const match of text.matchAll(NAME_CHECK)) {
      if (!PLACE_WORDS.test(text.slice(0, match.index))) return true;
    }
  }
  if (HAS_DIACRITICS.test(text)) return false;
  const folded = text.toLowerCase();
  if (!ASCII_MIDDLE.test(folded)) return false;
  for (const match of folded.matchAll(ASCII_NAME)) {
    if (!ASCII_PLACE_WORDS.test(folded.slice(0, match.index))) return true;
  }
  return false;
}

const DETECTORS: readonly [PersonalDataKind, (text: string) => boolean, string][] = [
  ['email', (text) => EMAIL.test(text), 'looks like an email address'],
  ['phone-number', (text) => PHONE.test(text), 'looks like a phone number (0 or +84 and 9-10 digits)'],
  ['id-number', (text) => ID_NUMBER.test(text), 'looks like a citizen ID number (9 or 12 digits, CMND/CCCD)'],
  ['date-of-birth', dateOfBirth, 'looks like a date of birth'],
  ['person-name', personName, 'looks like a person’s full name (family name, middle name, given name)'],
];

/**
 * UUIDs and hex digests (event ids, trace ids) are made by machines, and a run of their digits
 * is no one's number: they are taken out before the detectors run, or a random id would be
 * refused now and then.
 */
const MACHINE_TOKENS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<![0-9a-z])[0-9a-f]{16,}(?![0-9a-z])/gi;

/**
 * What the detectors found in a text of at most `MEMO_MAX_LENGTH` characters, all kinds: the
 * detectors are pure, and the same identifiers, codes, header names and citations come back with
 * every event (a replay checks millions). Emptied when full, so it holds at most `MEMO_SIZE` texts.
 */
const MEMO_SIZE = 8_192;
const MEMO_MAX_LENGTH = 200;
const memo = new Map<string, readonly PersonalDataFinding[]>();
const NONE: readonly PersonalDataFinding[] = Object.freeze([]);

/**
 * Text no detector can match, told without running them (the ids, codes and references every event
 * carries, most of them new): lowercase ASCII letters, digits and `- _ . : /` only, fewer than nine
 * digits, no digit-separator-digit and none of the stems the birth and name detectors need. An
 * email needs `@`; a phone or ID number nine digits or more; a written date a separator between
 * digits; a birth word one of its stems; an ASCII name "van" or "thi"; a name with diacritics
 * capitals or non-ASCII letters (the detectors' own necessary conditions, above).
 */
const PLAIN = /^[a-z0-9_.:/-]*$/;
const PLAIN_STEMS = /van|thi|sinh|birth|dob|born/;

function plainly(text: string): boolean {
  if (!PLAIN.test(text)) return false;
  let digits = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code >= 48 && code <= 57 && ++digits >= 9) return false;
  }
  return !DIGIT_SEPARATOR_DIGIT.test(text) && !PLAIN_STEMS.test(text);
}

/** What personal data `text` seems to hold; empty when none. One finding per kind. */
export function findPersonalData(text: string, kinds: readonly PersonalDataKind[] = ALL_KINDS): PersonalDataFinding[] {
  if (plainly(text)) return [];
  if (kinds !== ALL_KINDS || text.length > MEMO_MAX_LENGTH) return detect(text, kinds);
  let found = memo.get(text);
  if (found === undefined) {
    const findings = detect(text, kinds);
    found = findings.length === 0 ? NONE : Object.freeze(findings.map((finding) => Object.freeze(finding)));
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(text, found);
  }
  // A copy: the caller owns what it is given.
  return found.length === 0 ? [] : found.map((finding) => ({ ...finding }));
}

/** The detectors alone, without the shortcut for plain text or the memo: what `findPersonalData` must agree with (tests). */
export function detectPersonalData(text: string): PersonalDataFinding[] {
  return detect(text, ALL_KINDS);
}

function detect(text: string, kinds: readonly PersonalDataKind[]): PersonalDataFinding[] {
  const normalised = text.normalize('NFC').replace(MACHINE_TOKENS, ' ');
  const findings: PersonalDataFinding[] = [];
  for (const [kind, detects, reason] of DETECTORS) if (kinds.includes(kind) && detects(normalised)) findings.push({ kind, reason });
  return findings;
}

export const ALL_KINDS: readonly PersonalDataKind[] = DETECTORS.map(([kind]) => kind);

/** The first finding's reason, as a validation message, or undefined when `text` holds none. */
export function personalDataProblem(text: string, kinds?: readonly PersonalDataKind[]): string | undefined {
  const [finding] = findPersonalData(text, kinds);
  return finding ? `${finding.reason}: personal data is never sent (DOMAIN.md, "People in the data")` : undefined;
}

/**
 * For zod's `superRefine` on every identifier, reference, label and header of the contracts: they
 * are opaque to this system, so whatever looks like personal data in one is refused, the message
 * saying what it looked like, never the value.
 */
export function refusePersonalData(value: string, context: { addIssue(issue: { code: 'custom'; message: string }): void }): void {
  const problem = personalDataProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
}
