import type { FieldError } from '../lib/errors';
import { formatMoney, grossUpForFees, parseMajorAmount, toMajorString } from '../lib/money';
import type { GivingSettings, Settings } from '../settings/settings';
import { FREQUENCIES } from './donation-form';
import { ATTRIBUTION_FIELDS, cleanAttributionValue, type AttributionField } from './attribution';

/** What the form shows: strings exactly as typed, so a re-rendered form keeps them. */
export interface FormValues {
  amount?: string;
  amount_other?: string;
  frequency?: string;
  email?: string;
  cover_fees?: string;
  anonymous?: string;
  tribute_name?: string;
  comment?: string;
  article_url?: string;
  article_title?: string;
  campaign?: string;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  utm_content?: string;
  cta_variant?: string;
  referrer?: string;
  return_to?: string;
}

const ATTRIBUTION_KEYS = Object.keys(ATTRIBUTION_FIELDS) as AttributionField[];

export const FIELD_ORDER = ['amount', 'amount_other', 'frequency', 'cover_fees', 'email', 'anonymous', 'tribute_name', 'comment'];

/**
 * `GET /donate?amount=25&frequency=monthly&campaign=...` presets the form.
 * Bad query values are ignored rather than rejected: a link in a newsletter
 * should always open a usable form.
 */
export function formValuesFromQuery(query: Record<string, string | undefined>, giving: GivingSettings): FormValues {
  const str = (key: string) => query[key];
  const values: FormValues = {};
  const amount = str('amount');
  const minor = amount ? parseMajorAmount(amount) : null;
  const chosen = minor ?? giving.default_amount;
  if (giving.presets.includes(chosen)) values.amount = toMajorString(chosen);
  else {
    values.amount = 'other';
    values.amount_other = toMajorString(chosen);
  }
  const frequency = str('frequency');
  values.frequency = frequency && (FREQUENCIES as readonly string[]).includes(frequency) ? frequency : 'once';
  if (str('cover_fees')) values.cover_fees = 'on';
  for (const key of ATTRIBUTION_KEYS) {
    const value = cleanAttributionValue(key, str(key));
    if (value) values[key] = value;
  }
  const returnTo = str('return_to');
  if (returnTo && returnTo.length <= 2048) values.return_to = returnTo;
  return values;
}

export function buildDonateView(
  settings: Settings,
  values: FormValues,
  errors: FieldError[],
  options: { notice?: string | null; formError?: string | null } = {},
) {
  const giving = settings.giving;
  const currency = giving.currency;
  const selected = typeof values.amount === 'string' ? values.amount : toMajorString(giving.default_amount);
  const presetValues = giving.presets.map((minor) => toMajorString(minor));
  const isOther = selected === 'other' || !presetValues.includes(selected);
  const example = parseMajorAmount(isOther ? (values.amount_other ?? '') : selected) ?? giving.default_amount;
  const fee = { percentBps: giving.fee_percent_bps, fixed: giving.fee_fixed };
  const feeExample = grossUpForFees(example, fee) - example;
  const errorFor: Record<string, string> = {};
  for (const e of errors) errorFor[e.field] = e.message;
  // The error summary links each message to the control to fix (WCAG 3.3.1).
  const anchorFor = (field: string) =>
    field === 'amount'
      ? `amount-${toMajorString(giving.presets[0] ?? giving.default_amount)}`
      : field === 'frequency'
        ? 'frequency-once'
        : FIELD_ORDER.includes(field)
          ? field
          : null;
  const sortedErrors = [...errors]
    .sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field))
    .map((e) => ({ ...e, anchor: anchorFor(e.field) }));

  return {
    title: errors.length > 0 ? `Error: ${giving.headline}` : giving.headline,
    org: settings.organization,
    headline: giving.headline,
    intro: giving.intro,
    currency,
    presets: giving.presets.map((minor) => ({ value: toMajorString(minor), label: formatMoney(minor, currency, { compact: true }) })),
    selectedAmount: isOther ? 'other' : selected,
    otherAmount: isOther ? (values.amount_other ?? (selected === 'other' ? '' : selected)) : '',
    frequency: typeof values.frequency === 'string' ? values.frequency : 'once',
    frequencies: [
      { value: 'once', label: 'Once' },
      { value: 'monthly', label: 'Monthly' },
      { value: 'annual', label: 'Yearly' },
    ],
    coverFees: typeof values.cover_fees === 'string' && values.cover_fees !== '',
    anonymous: typeof values.anonymous === 'string' && values.anonymous !== '',
    values,
    feeRule: `${PERCENT.format(giving.fee_percent_bps / 10_000)} + ${formatMoney(giving.fee_fixed, currency)}`,
    currencySymbol: currencySymbol(currency),
    feeExample: formatMoney(feeExample, currency),
    exampleAmount: formatMoney(example, currency, { compact: true }),
    feePercentBps: giving.fee_percent_bps,
    feeFixed: giving.fee_fixed,
    minAmountLabel: formatMoney(giving.min_amount, currency, { compact: true }),
    maxAmountLabel: formatMoney(giving.max_amount, currency, { compact: true }),
    hidden: [...ATTRIBUTION_KEYS, 'return_to' as const].filter((key) => typeof values[key] === 'string' && values[key] !== '').map((key) => ({
      name: key,
      value: values[key] as string,
    })),
    errors: sortedErrors,
    errorFor,
    notice: options.notice ?? null,
    formError: options.formError ?? null,
  };
}

const PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 2 });

function currencySymbol(currency: string): string {
  const parts = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).formatToParts(0);
  return parts.find((p) => p.type === 'currency')?.value ?? currency.toUpperCase();
}
