import { formatMoney } from '../lib/money';

/**
 * What a receipt says, as pure functions of its facts. The statements follow
 * IRS Publication 1771, "Charitable Contributions: Substantiation and
 * Disclosure Requirements":
 *
 * - Written acknowledgment (IRC §170(f)(8)): a donor cannot deduct a single
 *   contribution of $250 or more without one. It must name the organisation,
 *   state the amount of cash contributed, and say whether the organisation
 *   provided any goods or services in exchange, with a description and a
 *   good-faith estimate of their value when it did. Every receipt we issue
 *   carries all of these, so it is that acknowledgment whatever the amount.
 * - Quid pro quo disclosure (IRC §6115): for a payment of more than $75 made
 *   partly as a contribution and partly for goods or services, the
 *   organisation must tell the donor that only the excess over the value of
 *   the goods or services is deductible, and give a good-faith estimate of
 *   that value. We print it whenever goods were given (below $75 it is not
 *   required, but "no goods or services" would then be false).
 *
 * Staff record a premium's value as 0 when it falls under Publication 1771's
 * token-benefit or membership-benefit exceptions; the receipt then states that
 * no goods or services were provided, as the publication allows.
 */

/** Publication 1771's statement for a gift that bought nothing. Exact text: donors and auditors look for it. */
export const NO_GOODS_OR_SERVICES = 'No goods or services were provided in exchange for this contribution.';

export const KEEP_FOR_RECORDS = 'Please keep this receipt for your tax records.';

/** Publication 1771: a quid pro quo payment "in excess of $75" needs the disclosure. USD minor units. */
export const QUID_PRO_QUO_THRESHOLD = 7_500;

/** Publication 1771: a single contribution "of $250 or more" needs a written acknowledgment. USD minor units. */
export const WRITTEN_ACKNOWLEDGMENT_THRESHOLD = 25_000;

export interface WordingInput {
  legalName: string;
  ein: string;
  currency: string;
  /** Money contributed, as acknowledged by this receipt (net of refunds), minor units. */
  amount: number;
  /** Good-faith estimate of the fair market value of goods or services given, minor units. */
  goodsValue: number;
  goodsDescription: string | null;
  /** Staff's replacement for the generated 501(c)(3) line; empty for the default. */
  taxStatusStatement?: string;
}

export interface ReceiptWording {
  deductibleAmount: number;
  /** The goods-or-services statement: "No goods or services..." or the description and value. */
  goodsStatement: string;
  /** Set when goods were given: the limit on the deductible amount, with that amount. */
  deductibilityStatement: string | null;
  /** Publication 1771 makes the quid pro quo disclosure mandatory for this receipt. */
  quidProQuoDisclosureRequired: boolean;
  /** The gift is one the donor can only deduct with this written acknowledgment. */
  writtenAcknowledgmentRequired: boolean;
  acknowledgmentStatement: string | null;
  taxStatus: string;
  keepForRecords: string;
}

/** The part of a contribution that exceeds the value of what the donor received; never negative. */
export function deductibleAmount(amount: number, goodsValue: number): number {
  return Math.max(0, amount - Math.max(0, goodsValue));
}

export function receiptWording(input: WordingInput): ReceiptWording {
  const goodsValue = Math.max(0, input.goodsValue);
  const deductible = deductibleAmount(input.amount, goodsValue);
  const money = (minor: number) => formatMoney(minor, input.currency);
  const gaveGoods = goodsValue > 0;
  const what = input.goodsDescription?.trim() || 'goods or services';

  return {
    deductibleAmount: deductible,
    goodsStatement: gaveGoods
      ? `In exchange for this contribution, ${input.legalName} provided ${what}. ` +
        `Our good-faith estimate of the fair market value of the goods or services provided is ${money(goodsValue)}.`
      : NO_GOODS_OR_SERVICES,
    deductibilityStatement: gaveGoods
      ? 'The amount of your contribution that is deductible for federal income tax purposes is limited to ' +
        `the excess of the money you contributed (${money(input.amount)}) over the value of the goods or services ` +
        `provided by ${input.legalName} (${money(goodsValue)}). Deductible amount: ${money(deductible)}.`
      : null,
    quidProQuoDisclosureRequired: gaveGoods && input.amount > QUID_PRO_QUO_THRESHOLD,
    writtenAcknowledgmentRequired: input.amount >= WRITTEN_ACKNOWLEDGMENT_THRESHOLD,
    acknowledgmentStatement:
      input.amount >= WRITTEN_ACKNOWLEDGMENT_THRESHOLD
        ? `This receipt is ${input.legalName}'s written acknowledgment of your contribution of ${money(input.amount)}, ` +
          'as the IRS requires for a contribution of $250 or more.'
        : null,
    taxStatus: taxStatusLine(input),
    keepForRecords: KEEP_FOR_RECORDS,
  };
}

/** The organisation's 501(c)(3) status with its EIN, which lets a donor or the IRS look it up. */
export function taxStatusLine(input: Pick<WordingInput, 'legalName' | 'ein' | 'taxStatusStatement'>): string {
  const custom = input.taxStatusStatement?.trim();
  if (custom) return custom;
  const ein = input.ein.trim() ? ` (EIN ${input.ein.trim()})` : '';
  return (
    `${input.legalName}${ein} is a tax-exempt organization under Section 501(c)(3) of the Internal Revenue Code. ` +
    'Contributions are tax-deductible to the extent allowed by law.'
  );
}

const CARD_BRANDS: Record<string, string> = {
  amex: 'American Express',
  cartes_bancaires: 'Cartes Bancaires',
  diners: 'Diners Club',
  discover: 'Discover',
  eftpos_au: 'eftpos',
  interac: 'Interac',
  jcb: 'JCB',
  mastercard: 'Mastercard',
  unionpay: 'UnionPay',
  visa: 'Visa',
};

const BANK_DEBITS = new Set(['us_bank_account', 'acss_debit', 'au_becs_debit', 'bacs_debit', 'sepa_debit']);

const OTHER_METHODS: Record<string, string> = {
  amazon_pay: 'Amazon Pay',
  cashapp: 'Cash App Pay',
  link: 'Link',
  paypal: 'PayPal',
};

export interface PaymentMethodFacts {
  type: string | null;
  brand: string | null;
  last4: string | null;
}

/**
 * "Visa ending in 4242". The charge event that carries these facts can come
 * after the receipt is sent; until it does we say "Card" rather than fail.
 */
export function describePaymentMethod(method: PaymentMethodFacts): string {
  const last4 = method.last4 && /^\d{4}$/.test(method.last4) ? method.last4 : null;
  if (method.type && BANK_DEBITS.has(method.type)) return last4 ? `Bank account ending in ${last4}` : 'Bank account';
  if (method.type && method.type !== 'card' && OTHER_METHODS[method.type]) return OTHER_METHODS[method.type] as string;
  const brand = (method.brand && CARD_BRANDS[method.brand]) || 'Card';
  return last4 ? `${brand} ending in ${last4}` : brand;
}
