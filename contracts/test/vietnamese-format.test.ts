import { cadenceOfKey, periodOfKey, recurrenceName, vietnameseDate, vietnameseNumber } from '@lienganh/contracts';

// The formatter the report, the CLI and the dashboard share (#21): what a Vietnamese reader expects.

describe('Vietnamese formats', () => {
  it('writes a period from its key alone', () => {
    expect(['2021-07', '2021-Q3', '2021-H1', '2021-H2', '2021'].map(periodOfKey)).toEqual(['tháng 7/2021', 'quý III/2021', '6 tháng đầu năm 2021', '6 tháng cuối năm 2021', 'năm 2021']);
    expect(cadenceOfKey('2021-13')).toBeUndefined();
    expect(periodOfKey('2021-Q5')).toBe('2021-Q5');
  });

  it('writes days dd/mm/yyyy, recurrences in words and numbers with a decimal comma', () => {
    expect(vietnameseDate('2021-07-01')).toBe('01/07/2021');
    expect(recurrenceName('monthly')).toBe('hằng tháng');
    expect(recurrenceName('annual')).toBe('hằng năm');
    expect(vietnameseNumber(1234.5)).toBe('1.234,5');
  });
});
