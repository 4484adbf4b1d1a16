import * as contracts from '../src/index.js';
import { detectPersonalData, findPersonalData, personalDataProblem, type PersonalDataKind } from '../src/personal-data.js';

const kindsIn = (text: string): PersonalDataKind[] => findPersonalData(text).map((finding) => finding.kind);

describe('the personal-data detector', () => {
  it.each([
    '0912345678',
    '0912 345 678',
    '0912.345.678',
    '091-234-5678',
    '+84912345678',
    '+84 912 345 678',
    '84912345678',
    'Liên hệ 0987.654.321 để biết thêm',
    'kt-0912345678',
    '024 3825 1234',
    '+84-24-3825-1234',
  ])('finds the phone number in %j', (text) => {
    expect(kindsIn(text)).toContain('phone-number');
  });

  it.each(['001203012345', '001 203 012345', '001.203.012345', '123456789', 'cmnd-123456789', 'hs/079198001234'])('finds the citizen ID number in %j', (text) => {
    expect(kindsIn(text)).toContain('id-number');
  });

  it.each(['nguyen.van.a@gmail.com', 'lien he a.b+c@so-ld.hanoi.gov.vn ngay'])('finds the email in %j', (text) => {
    expect(kindsIn(text)).toContain('email');
  });

  it.each(['15/08/1998', '5-8-1998', 'hs-15.08.2001', 'sinh năm 1998', 'Ngày sinh: không rõ', 'DOB 1998'])('finds the date of birth in %j', (text) => {
    expect(kindsIn(text)).toContain('date-of-birth');
  });

  it.each(['Nguyễn Thị Hoa', 'chủ cơ sở Trần Văn Nam khai', 'Lê Thị Mỹ Linh', 'Phạm Đức Anh Tuấn'])('finds the person’s name in %j', (text) => {
    expect(kindsIn(text)).toContain('person-name');
  });

  it('finds a name written in decomposed Unicode (NFD) too', () => {
    expect(kindsIn('Nguyễn Thị Hoa'.normalize('NFD'))).toContain('person-name');
  });

  it.each([
    // What the events legitimately carry: codes, citations, places named after people, dates of facts.
    'Điều 25 Nghị định 144/2021/NĐ-CP',
    'Nghị định 178/2004/NĐ-CP',
    'Nghị định 178/2004/NĐ-CP ngày 15/10/2004',
    'Báo cáo 15/BC-SNV ngày 10/01/2021',
    'từ 01/01/2021 đến 31/12/2021',
    'Phố Liễu Giai',
    'Đường Thanh Niên, ven hồ Trúc Bạch',
    'Ven sông Tô Lịch, đường Bưởi',
    'Phố Kim Mã',
    'phố Nguyễn Văn Cừ',
    'đường Lê Văn Sỹ, phường 13',
    'Trường THPT Nguyễn Thị Minh Khai',
    'ven sông Tô Lịch',
    'Cổng thông tin điện tử quận Ba Đình',
    'kt-ba-dinh-2021-0001',
    'cg-police-2021-0001',
    'hn-ba-dinh-lieu-giai',
    '0101234567',
    '0101234567-001',
    '2021-05-04',
    '45/BC-HLHPN',
    'sr_an-Zd5QkL9P8vhiAmgMh13v6hZ1pUROHb3xXAzwPPeg',
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    '1b4e28ba-2fa1-11d2-883f-091234567801',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ])('finds nothing in %j', (text) => {
    expect(findPersonalData(text)).toEqual([]);
  });

  it('says why without repeating the value, and can be limited to some kinds', () => {
    const message = personalDataProblem('gọi 0912345678')!;
    expect(message).toMatch(/phone number/);
    expect(message).not.toContain('0912345678');
    expect(personalDataProblem('Nguyễn Thị Hoa', ['phone-number', 'email'])).toBeUndefined();
  });
});

describe('names hidden in identifiers', () => {
  it.each(['nguyen-thi-hoa', 'hs_tran_van_nam_2021', 'Le.Thi.My.Linh', 'Nguyen Van Nam'])('finds the name in %j', (text) => {
    expect(findPersonalData(text).map((finding) => finding.kind)).toContain('person-name');
  });

  it.each(['ts-pho-nguyen-van-cu', 'duong-le-van-sy', 'kt-ba-dinh-2021-0001', 'doi-178-ba-dinh', 'hn-ba-dinh-kim-ma', 'duong-thanh-nien', 'task:kh-ba-dinh-2021:nv-01'])('finds nothing in %j', (text) => {
    expect(findPersonalData(text)).toEqual([]);
  });
});

describe('every identifier, label and trace header refuses personal data', () => {
  const { ContractError, parseEvent, buildEvent, policeInspectionCompleted, policeHotspotReported } = contracts;
  const inspection = buildEvent(policeInspectionCompleted, policeInspectionCompleted.example);
  const issuesOf = (input: unknown) => {
    try {
      parseEvent(input);
      return [];
    } catch (error) {
      if (error instanceof ContractError) return error.issues.map((issue) => issue.path);
      throw error;
    }
  };

  it('refuses a phone number as an event id, an ID number as a business reference, a name as a legal basis', () => {
    expect(issuesOf({ ...inspection, id: '0912345678' })).toEqual(['id']);
    expect(issuesOf({ ...inspection, data: { ...inspection.data, business: { businessId: '001203012345', kind: 'karaoke' } } })).toEqual(['data.business.businessId']);
    const violations = [{ category: 'worker-registration', legalBasis: 'Nguyễn Thị Hoa khai' }];
    expect(issuesOf({ ...inspection, data: { ...inspection.data, outcome: 'violations-found', violations } })).toEqual(['data.violations.0.legalBasis']);
  });

  it('refuses a hotspot place that is a person', () => {
    const hotspot = buildEvent(policeHotspotReported, policeHotspotReported.example);
    expect(issuesOf({ ...hotspot, data: { ...hotspot.data, place: 'nhà Trần Văn Nam' } })).toEqual(['data.place']);
    expect(issuesOf(hotspot)).toEqual([]);
  });

  it('takes a W3C tracestate and refuses one that is not, or that carries a phone number', () => {
    expect(issuesOf({ ...inspection, tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' })).toEqual([]);
    expect(issuesOf({ ...inspection, tracestate: 'tenant@vendor=x' })).toEqual([]);
    expect(issuesOf({ ...inspection, tracestate: 'Name=Nguyen Thi Hoa' })).toEqual(['tracestate']);
    expect(issuesOf({ ...inspection, tracestate: 'person=0912345678' })).toEqual(['tracestate']);
    expect(issuesOf({ ...inspection, tracestate: 'a=b=c' })).toEqual(['tracestate']);
  });
});

describe('legal citations', () => {
  it.each([
    'Nghị định 144/2021/NĐ-CP',
    'Điều 25 Nghị định 144/2021/NĐ-CP',
    'Điểm a Khoản 2 Điều 327 Bộ luật Hình sự 2015',
    'Luật Phòng, chống mua bán người năm 2011',
    'Pháp lệnh Phòng, chống mại dâm 2003',
    'Thông tư 12/2019/TT-BLĐTBXH',
    'Điều 25 Nghị định 144/2021/NĐ-CP; Điều 7 Nghị định 38/2021/NĐ-CP',
  ])('takes %j', (citation) => {
    expect(contracts.LegalCitation.safeParse(citation).success).toBe(true);
  });

  it.each([
    'Nguyễn Thị Hoa khai',
    'Nghị định 144/2021/NĐ-CP, gọi 0912345678',
    'Điều 25 Nghị định 144/2021/NĐ-CP 001203012345',
    'Luật Nguyễn Văn An 2011',
    'Luật',
    'xem hoa@example.com',
  ])('refuses %j with one issue', (text) => {
    const result = contracts.LegalCitation.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error!.issues).toHaveLength(1);
  });
});

describe('titles and names in both languages, places', () => {
  it('refuse personal data in a plan title, a body name or a task title', () => {
    expect(contracts.LocalizedText.safeParse({ vi: 'Kế hoạch phòng, chống mại dâm năm 2026', en: 'Plan 2026' }).success).toBe(true);
    expect(contracts.LocalizedText.safeParse({ vi: 'Hỗ trợ chị Nguyễn Thị Hoa', en: 'Support' }).success).toBe(false);
    expect(contracts.LocalizedText.safeParse({ vi: 'Liên hệ', en: 'Call 0912 345 678' }).success).toBe(false);
  });

  it('bound a place description to 120 characters and refuse a person in it', () => {
    expect(contracts.PlaceDescription.safeParse('Phố Liễu Giai').success).toBe(true);
    expect(contracts.PlaceDescription.safeParse('p'.repeat(121)).success).toBe(false);
    expect(contracts.PlaceDescription.safeParse('nhà Trần Văn Nam').success).toBe(false);
  });
});

describe('document numbers', () => {
  it('take the symbols of Vietnamese documents, Đ included, and refuse what is not one', () => {
    expect(contracts.DocumentNumber.safeParse('178/2004/NĐ-CP').success).toBe(true);
    expect(contracts.DocumentNumber.safeParse('98/BC-SLĐTBXH').success).toBe(true);
    expect(contracts.DocumentNumber.safeParse('45 BC').success).toBe(false);
    expect(contracts.DocumentNumber.safeParse('0912345678').success).toBe(false);
  });
});

describe('the shortcut for plain identifiers', () => {
  // Lowercase ASCII, digits and - _ . : / (ids, codes, references): found as the detectors find them.
  const ALPHABET = 'abcdefhijklmnopqrstuvwxyz0123456789-_.:/tvanhisobr';
  let seed = 23;
  const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
  const randomText = () => Array.from({ length: 1 + Math.floor(next() * 24) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');

  it('finds what the detectors find, on 20,000 random plain texts and on personal data written plainly', () => {
    const texts = [...Array.from({ length: 20_000 }, randomText), '0912345678', '0912.345.678', '84-912-345-678', '001203012345', 'nguyen-thi-hoa', 'tran.van.an', '15-08-1998', '15/8/1998', 'sinh-1998', 'dob:1998', 'born-1998', 'kt-2021-0000123', 'hn-ba-dinh-kim-ma'];
    const differ = texts.filter((text) => JSON.stringify(findPersonalData(text).map((found) => found.kind)) !== JSON.stringify(detectPersonalData(text).map((found) => found.kind)));
    expect(differ).toEqual([]);
    expect(findPersonalData('0912.345.678').map((found) => found.kind)).toEqual(['phone-number']);
    expect(findPersonalData('nguyen-thi-hoa').map((found) => found.kind)).toEqual(['person-name']);
  });
});
