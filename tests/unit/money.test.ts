import { feePortion, formatMoney, grossUpForFees, parseMajorAmount, toMajorString } from '../../src/lib/money';

describe('parseMajorAmount', () => {
  it.each([
    ['25', 2500],
    ['25.5', 2550],
    ['25.50', 2550],
    [' 0.01 ', 1],
    ['$100', 10000],
    ['100000.00', 10_000_000],
    ['1,000', 100_000],
    ['1,000.50', 100_050],
    ['$1,000', 100_000],
    ['$ 10,000', 1_000_000],
    ['10,000', 1_000_000],
    ['999,999,999.99', 99_999_999_999],
  ])('reads %p as %p minor units', (input, expected) => {
    expect(parseMajorAmount(input)).toBe(expected);
  });

  it.each(['', 'abc', '-5', '10.999', '1e3', '25.', '.5', '0x10', '12 34', 'NaN', '9999999999'])(
    'rejects %p',
    (input) => {
      expect(parseMajorAmount(input)).toBeNull();
    },
  );

  it.each(['1,00', '10,00,0', '25,50', '1,0000', ',100', '1,', '1,000,', '0,100', '1,,000', '1.000,50', '1,000.505', '1,000,000,000'])(
    'refuses malformed thousands grouping %p rather than misreading it',
    (input) => {
      expect(parseMajorAmount(input)).toBeNull();
    },
  );
});

describe('toMajorString', () => {
  it('drops zero cents and pads the rest', () => {
    expect(toMajorString(2500)).toBe('25');
    expect(toMajorString(2505)).toBe('25.05');
    expect(toMajorString(1)).toBe('0.01');
  });
});

describe('formatMoney', () => {
  it('formats minor units in the currency', () => {
    expect(formatMoney(2550, 'usd')).toBe('$25.50');
    expect(formatMoney(1_000_000, 'usd')).toBe('$10,000.00');
    expect(formatMoney(2500, 'usd', { compact: true })).toBe('$25');
    expect(formatMoney(2550, 'usd', { compact: true })).toBe('$25.50');
  });
});

describe('grossUpForFees', () => {
  const stripeUs = { percentBps: 290, fixed: 30 };

  it('charges enough that the newsroom keeps the whole gift after fees', () => {
    for (const gift of [100, 1000, 2500, 5000, 10000, 12345, 10_000_000]) {
      const total = grossUpForFees(gift, stripeUs);
      const fee = Math.round((total * stripeUs.percentBps) / 10_000) + stripeUs.fixed;
      expect(total - fee).toBeGreaterThanOrEqual(gift);
      // and not more than a cent over
      expect(total - fee - gift).toBeLessThanOrEqual(1);
    }
  });

  it('adds $1.06 to a $25 gift at 2.9% + 30c', () => {
    expect(grossUpForFees(2500, stripeUs)).toBe(2606);
  });

  it('adds nothing when there is no fee', () => {
    expect(grossUpForFees(2500, { percentBps: 0, fixed: 0 })).toBe(2500);
  });
});

describe('feePortion', () => {
  it('recovers what grossUpForFees added', () => {
    const fee = { percentBps: 290, fixed: 30 };
    for (const gift of [500, 1000, 1500, 2500, 12000, 100000]) {
      const total = grossUpForFees(gift, fee);
      expect(Math.abs(total - feePortion(total, fee) - gift)).toBeLessThanOrEqual(1);
    }
  });
});
