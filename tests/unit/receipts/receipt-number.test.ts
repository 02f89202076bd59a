import { formatReceiptNumber, parseReceiptNumber, yearInTimeZone } from '../../../src/receipts/receipt-number';

describe('receipt numbers', () => {
  it('are the year, a dash and the sequence padded to six digits', () => {
    expect(formatReceiptNumber(2026, 123)).toBe('2026-000123');
    expect(formatReceiptNumber(2026, 1)).toBe('2026-000001');
    expect(formatReceiptNumber(2027, 999_999)).toBe('2027-999999');
  });

  it('grow a digit rather than wrap past 999,999 in a year', () => {
    expect(formatReceiptNumber(2026, 1_000_000)).toBe('2026-1000000');
  });

  it('refuse a sequence below 1 or a year that is not four digits', () => {
    expect(() => formatReceiptNumber(2026, 0)).toThrow(RangeError);
    expect(() => formatReceiptNumber(2026, 1.5)).toThrow(RangeError);
    expect(() => formatReceiptNumber(26, 1)).toThrow(RangeError);
  });

  it('read back into year and sequence', () => {
    expect(parseReceiptNumber('2026-000123')).toEqual({ year: 2026, sequence: 123 });
    expect(parseReceiptNumber(formatReceiptNumber(2031, 1_000_000))).toEqual({ year: 2031, sequence: 1_000_000 });
    for (const bad of ['2026-123', '2026-000000', '26-000001', '2026000001', ' 2026-000001']) {
      expect(parseReceiptNumber(bad)).toBeNull();
    }
  });
});

describe('yearInTimeZone', () => {
  const newYearsEveNewYork = new Date('2027-01-01T04:30:00Z'); // 23:30 on Dec 31 in New York

  it('gives the year on the organisation calendar, not the UTC one', () => {
    expect(yearInTimeZone(newYearsEveNewYork, 'America/New_York')).toBe(2026);
    expect(yearInTimeZone(newYearsEveNewYork, 'UTC')).toBe(2027);
    expect(yearInTimeZone(new Date('2026-12-31T23:30:00Z'), 'Pacific/Auckland')).toBe(2027);
  });
});
