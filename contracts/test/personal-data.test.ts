import { findPersonalData, personalDataProblem, type PersonalDataKind } from '../src/personal-data.js';

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
    expect(kindsIn(text)).toEqual(['email']);
  });

  it.each(['15/08/1998', '5-8-1998', '15.08.2001', 'sinh năm 1998', 'Ngày sinh: không rõ'])('finds the date of birth in %j', (text) => {
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
    'Phố Liễu Giai',
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
