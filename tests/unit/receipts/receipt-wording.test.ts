import {
  deductibleAmount,
  describePaymentMethod,
  NO_GOODS_OR_SERVICES,
  receiptWording,
  taxStatusLine,
  type WordingInput,
} from '../../../src/receipts/receipt-wording';

const org = { legalName: 'Harbor City News Foundation, Inc.', ein: '12-3456789', currency: 'usd' };
const gift = (amount: number, goodsValue = 0, goodsDescription: string | null = null): WordingInput => ({
  ...org,
  amount,
  goodsValue,
  goodsDescription,
});

describe('receipt wording (IRS Publication 1771)', () => {
  describe('a plain gift', () => {
    const wording = receiptWording(gift(2500));

    it('states exactly that no goods or services were provided', () => {
      expect(wording.goodsStatement).toBe('No goods or services were provided in exchange for this contribution.');
      expect(NO_GOODS_OR_SERVICES).toBe(wording.goodsStatement);
    });

    it('makes the whole gift deductible and adds no quid pro quo disclosure', () => {
      expect(wording.deductibleAmount).toBe(2500);
      expect(wording.deductibilityStatement).toBeNull();
      expect(wording.quidProQuoDisclosureRequired).toBe(false);
    });

    it("gives the organisation's 501(c)(3) status with its EIN, and asks the donor to keep the receipt", () => {
      expect(wording.taxStatus).toBe(
        'Harbor City News Foundation, Inc. (EIN 12-3456789) is a tax-exempt organization under Section 501(c)(3) ' +
          'of the Internal Revenue Code. Contributions are tax-deductible to the extent allowed by law.',
      );
      expect(wording.keepForRecords).toBe('Please keep this receipt for your tax records.');
    });

    it('says nothing about the written acknowledgment threshold below $250', () => {
      expect(wording.writtenAcknowledgmentRequired).toBe(false);
      expect(wording.acknowledgmentStatement).toBeNull();
    });
  });

  describe('a quid pro quo gift over $75', () => {
    const wording = receiptWording(gift(12000, 3000, 'a tote bag'));

    it('requires the disclosure', () => {
      expect(wording.quidProQuoDisclosureRequired).toBe(true);
    });

    it('describes the goods and gives a good-faith estimate of their value', () => {
      expect(wording.goodsStatement).toBe(
        'In exchange for this contribution, Harbor City News Foundation, Inc. provided a tote bag. ' +
          'Our good-faith estimate of the fair market value of the goods or services provided is $30.00.',
      );
    });

    it('limits the deductible amount to the excess over that value, and states it', () => {
      expect(wording.deductibleAmount).toBe(9000);
      expect(wording.deductibilityStatement).toBe(
        'The amount of your contribution that is deductible for federal income tax purposes is limited to the excess ' +
          'of the money you contributed ($120.00) over the value of the goods or services provided by ' +
          'Harbor City News Foundation, Inc. ($30.00). Deductible amount: $90.00.',
      );
    });

    it('still discloses the value below the $75 threshold, where "no goods" would be false', () => {
      const small = receiptWording(gift(7500, 1000));
      expect(small.quidProQuoDisclosureRequired).toBe(false);
      expect(small.goodsStatement).toContain('goods or services');
      expect(small.goodsStatement).toContain('$10.00');
      expect(small.deductibleAmount).toBe(6500);
    });
  });

  describe('a gift of $250 or more', () => {
    it('is the written acknowledgment, naming the organisation and the amount', () => {
      const wording = receiptWording(gift(25000));
      expect(wording.writtenAcknowledgmentRequired).toBe(true);
      expect(wording.acknowledgmentStatement).toBe(
        "This receipt is Harbor City News Foundation, Inc.'s written acknowledgment of your contribution of $250.00, " +
          'as the IRS requires for a contribution of $250 or more.',
      );
      expect(wording.goodsStatement).toBe(NO_GOODS_OR_SERVICES);
    });

    it('starts at exactly $250.00', () => {
      expect(receiptWording(gift(24999)).writtenAcknowledgmentRequired).toBe(false);
    });
  });

  describe('goods worth as much as the gift', () => {
    it('makes nothing deductible, never a negative amount', () => {
      expect(receiptWording(gift(5000, 5000)).deductibleAmount).toBe(0);
      expect(receiptWording(gift(5000, 8000)).deductibleAmount).toBe(0);
      expect(receiptWording(gift(10000, 12000)).deductibilityStatement).toContain('Deductible amount: $0.00.');
      expect(deductibleAmount(5000, 8000)).toBe(0);
    });
  });

  describe('the tax status line', () => {
    it('leaves out the EIN when none is set rather than printing an empty one', () => {
      expect(taxStatusLine({ legalName: 'Harbor City News', ein: ' ' })).toMatch(/^Harbor City News is a tax-exempt/);
    });

    it("uses staff's own statement when they set one", () => {
      expect(taxStatusLine({ legalName: 'X', ein: '1', taxStatusStatement: 'Fiscally sponsored by Y (EIN 2).' })).toBe(
        'Fiscally sponsored by Y (EIN 2).',
      );
    });
  });
});

describe('describePaymentMethod', () => {
  it.each([
    [{ type: 'card', brand: 'visa', last4: '4242' }, 'Visa ending in 4242'],
    [{ type: 'card', brand: 'amex', last4: '0005' }, 'American Express ending in 0005'],
    [{ type: 'card', brand: 'unknown', last4: '1234' }, 'Card ending in 1234'],
    [{ type: 'card', brand: 'mastercard', last4: null }, 'Mastercard'],
    [{ type: null, brand: null, last4: null }, 'Card'],
    [{ type: 'us_bank_account', brand: null, last4: '6789' }, 'Bank account ending in 6789'],
    [{ type: 'link', brand: null, last4: null }, 'Link'],
  ])('describes %p as %p', (method, expected) => {
    expect(describePaymentMethod(method)).toBe(expected);
  });
});
