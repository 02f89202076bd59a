import { nextPeriodEnd, periodBoundary } from '../src/engine/billing-periods';

const at = (iso: string) => Date.parse(iso) / 1000;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const monthly = { interval: 'month', interval_count: 1 };

describe('Stripe emulator: billing period boundaries', () => {
  it('counts calendar months from the anchor, clamping to short months and returning to the anchor day', () => {
    const anchor = at('2027-01-31T10:15:00Z');
    const ends = [1, 2, 3, 4].map((n) => iso(periodBoundary(anchor, monthly, n)));
    expect(ends).toEqual([
      '2027-02-28T10:15:00.000Z',
      '2027-03-31T10:15:00.000Z',
      '2027-04-30T10:15:00.000Z',
      '2027-05-31T10:15:00.000Z',
    ]);
  });

  it('finds the end of the period that starts at a boundary', () => {
    const anchor = at('2027-01-31T10:15:00Z');
    expect(iso(nextPeriodEnd(anchor, monthly, at('2027-02-28T10:15:00Z')))).toBe('2027-03-31T10:15:00.000Z');
    expect(iso(nextPeriodEnd(anchor, monthly, anchor))).toBe('2027-02-28T10:15:00.000Z');
  });

  it('bills a leap day anchor on February 28 in other years', () => {
    const anchor = at('2028-02-29T00:00:00Z');
    const yearly = { interval: 'year', interval_count: 1 };
    expect(iso(periodBoundary(anchor, yearly, 1))).toBe('2029-02-28T00:00:00.000Z');
    expect(iso(periodBoundary(anchor, yearly, 4))).toBe('2032-02-29T00:00:00.000Z');
  });

  it('adds fixed lengths for weeks and days', () => {
    const anchor = at('2027-03-01T00:00:00Z');
    expect(iso(nextPeriodEnd(anchor, { interval: 'week', interval_count: 2 }, anchor))).toBe('2027-03-15T00:00:00.000Z');
    expect(iso(nextPeriodEnd(anchor, { interval: 'day', interval_count: 1 }, at('2027-03-09T00:00:00Z')))).toBe(
      '2027-03-10T00:00:00.000Z',
    );
  });
});
