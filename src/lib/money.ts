/**
 * Money is an integer number of minor units (cents) with its currency. This is
 * the one place that turns user text into minor units and minor units into text.
 */

export interface Money {
  amount: number;
  currency: string;
}

/**
 * Whole units written plainly ("1000") or grouped in threes with commas
 * ("1,000", "10,000"), then up to two decimals after a point. The currency is
 * two-decimal with "." decimals, so "25,50" or "1,00" is malformed grouping,
 * refused rather than misread as 25.50 or 100.
 */
const MAJOR_AMOUNT = /^(\d+|[1-9]\d{0,2}(?:,\d{3})+)(?:\.(\d{1,2}))?$/;
const MAX_WHOLE_DIGITS = 9;

/**
 * Parses "25", "25.5", "25.50" or "1,000.50" (optionally with a leading "$"
 * and spaces) into minor units. Returns null for anything else: negatives,
 * more than two decimals, exponents, malformed thousands grouping ("1,00",
 * "25,50"), more than nine whole digits, text.
 */
export function parseMajorAmount(input: string): number | null {
  const cleaned = input.trim().replace(/^\$\s*/, '');
  const match = MAJOR_AMOUNT.exec(cleaned);
  if (!match) return null;
  const digits = match[1]!.replaceAll(',', '');
  if (digits.length > MAX_WHOLE_DIGITS) return null;
  const whole = Number(digits);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  return whole * 100 + fraction;
}

/** Minor units as a plain decimal string for form fields: 2550 -> "25.50", 2500 -> "25". */
export function toMajorString(minor: number): string {
  const whole = Math.trunc(minor / 100);
  const cents = minor % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, '0')}`;
}

/**
 * SQL turning an integer of minor units into major units with two decimals,
 * for files PostgreSQL writes (exports): 2500 -> 25.00, -1250 -> -12.50.
 * Exact (numeric, no float). `expression` is SQL we wrote, never user input.
 */
export function majorUnitsSql(expression: string): string {
  return `((${expression})::numeric / 100)::numeric(20, 2)`;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** "$25.00", or "$25" when whole and `compact` is set. */
export function formatMoney(minor: number, currency: string, options: { compact?: boolean } = {}): string {
  const whole = minor % 100 === 0 && options.compact === true;
  const key = `${currency}:${whole}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: currency.toUpperCase(),
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: 2,
    });
    formatters.set(key, formatter);
  }
  return formatter.format(minor / 100);
}

export interface FeePolicy {
  /** Percentage fee in basis points: 290 = 2.9%. */
  percentBps: number;
  /** Fixed fee per payment in minor units. */
  fixed: number;
}

/**
 * The total to charge so that, after the processor takes `percent * total +
 * fixed`, the newsroom receives at least `gift`. Rounded up to the cent so the
 * newsroom is never short.
 */
export function grossUpForFees(gift: number, fee: FeePolicy): number {
  const keepsPerTenThousand = 10_000 - fee.percentBps;
  return Math.ceil(((gift + fee.fixed) * 10_000) / keepsPerTenThousand);
}

/**
 * The part of a fee-covering total that went to fees: the processor's cut of
 * `total` (what grossUpForFees added). Depends on the total alone, so every
 * invoice of a membership that covers its fees splits the same way.
 */
export function feePortion(total: number, fee: FeePolicy): number {
  return Math.min(total - 1, Math.max(0, Math.round((total * fee.percentBps) / 10_000) + fee.fixed));
}
