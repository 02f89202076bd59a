import { z } from 'zod';
import { isEmailAddress } from '../lib/email-address';
import { hasControlCharacters } from '../lib/text';
import type { FieldError } from '../lib/errors';
import { formatMoney, grossUpForFees, parseMajorAmount } from '../lib/money';
import type { GivingSettings } from '../settings/settings';
import { fieldErrors } from '../http/validate';
import { cleanAttribution, withoutPersonalParameters, type Attribution } from './attribution';
import { FREQUENCIES, type Frequency } from './frequency';

/**
 * The donate form: `POST /donate` fields, a public contract (README.md, "The
 * donate form"): newsroom templates and the embed post them by these names.
 * The server computes every amount; nothing the browser says about totals is
 * trusted.
 */

export { FREQUENCIES, type Frequency } from './frequency';

const CHECKBOX_ON = new Set(['on', '1', 'true', 'yes']);

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} must be text` })
    .max(max, `${label} must be at most ${max} characters`)
    // Control characters (other than tab and line breaks) have no business in any field.
    .refine((s) => !hasControlCharacters(s, { allowLineBreaks: true }), `${label} contains characters we can't accept`)
    .transform((s) => s.trim())
    .optional();

const checkbox = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    return last !== undefined && CHECKBOX_ON.has(last.toLowerCase());
  });

/** Fields the donor sees and can correct; attribution is handled apart (attribution.ts). */
const rawFormSchema = z.object({
  amount: z.string({ error: 'Choose or enter an amount' }).optional(),
  amount_other: z.string({ error: 'Enter an amount' }).optional(),
  frequency: z
    .enum(FREQUENCIES, { error: 'Choose how often to give: once, monthly or annual' })
    .optional()
    .default('once'),
  email: text('Email', 254).refine(
    (s) => !s || isEmailAddress(s),
    'Enter an email address like name@example.com',
  ),
  cover_fees: checkbox,
  anonymous: checkbox,
  tribute_name: text('Dedication name', 200).refine(
    (s) => !s || !/[<>]/.test(s),
    "Dedication name can't contain < or >",
  ),
  comment: text('Comment', 1000),
  return_to: z.string().optional(),
  /** Set by the article footer box: after paying, the reader goes straight back to the article. */
  embed: checkbox,
});

export type RawDonationForm = z.input<typeof rawFormSchema>;

export interface DonationRequest {
  frequency: Frequency;
  /** The gift itself, minor units. */
  gift: number;
  /** What Checkout charges: the gift plus fee coverage when chosen. */
  total: number;
  feeAmount: number;
  coverFees: boolean;
  currency: string;
  email: string | null;
  anonymous: boolean;
  tributeName: string | null;
  comment: string | null;
  returnTo: string | null;
  /** From the article footer box: Checkout returns the reader to `returnTo` with a thank-you banner. */
  fromEmbed: boolean;
  attribution: Attribution;
}

export type ParseResult =
  | { ok: true; value: DonationRequest }
  | { ok: false; errors: FieldError[] };

export interface ParseContext {
  giving: GivingSettings;
  /** Decides whether `return_to` may be kept (allowed origins). */
  isAllowedReturn: (url: string) => boolean;
}

/**
 * Browsers send each field once; a crafted request may repeat one. The last
 * value counts, as in a query string, and anything that is not text is dropped,
 * so neither validation nor the re-rendered form ever sees an array or object.
 */
export function singleValues(body: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!body || typeof body !== 'object') return result;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (typeof last === 'string') result[key] = last;
  }
  return result;
}

export function parseDonationForm(body: Record<string, string>, ctx: ParseContext): ParseResult {
  const parsed = rawFormSchema.safeParse(body);
  const errors: FieldError[] = parsed.success ? [] : fieldErrors(parsed.error, { prefixField: false });
  const gift = parseGift(body, ctx.giving, errors);
  if (!parsed.success || gift === null) return { ok: false, errors };

  const form = parsed.data;
  const coverFees = form.cover_fees;
  const fee = { percentBps: ctx.giving.fee_percent_bps, fixed: ctx.giving.fee_fixed };
  const total = coverFees ? grossUpForFees(gift, fee) : gift;
  const orNull = (s: string | undefined) => (s ? s : null);
  return {
    ok: true,
    value: {
      frequency: form.frequency,
      gift,
      total,
      feeAmount: total - gift,
      coverFees,
      currency: ctx.giving.currency,
      email: form.email ? form.email.toLowerCase() : null,
      anonymous: form.anonymous,
      tributeName: orNull(form.tribute_name),
      comment: orNull(form.comment),
      returnTo: returnToOf(form.return_to, ctx),
      fromEmbed: form.embed,
      attribution: cleanAttribution(body),
    },
  };
}

/**
 * Where to send the reader back: a hidden field they cannot fix, so a value we
 * cannot use is dropped (the gift goes ahead), never refused. Only an allowed
 * origin (no open redirect), without parameters that name the reader.
 */
function returnToOf(raw: string | undefined, ctx: ParseContext): string | null {
  const value = raw?.trim();
  if (!value || value.length > MAX_RETURN_TO) return null;
  const url = withoutPersonalParameters(value);
  return url && ctx.isAllowedReturn(url) ? url : null;
}

const MAX_RETURN_TO = 2048;

/**
 * The amount comes from `amount` (a preset or typed value, in major units) or
 * from `amount_other` when the page's "Other" field is used.
 */
function parseGift(raw: Record<string, string>, giving: GivingSettings, errors: FieldError[]): number | null {
  // Without JavaScript, typing an amount does not select the "Other" radio;
  // a typed amount is what the donor meant (the script clears it when a
  // preset is picked).
  const usesOther = raw.amount === 'other' || (raw.amount_other ?? '').trim() !== '';
  const field = usesOther ? 'amount_other' : 'amount';
  const value = usesOther ? raw.amount_other : raw.amount;
  if (errors.some((e) => e.field === 'amount' || e.field === 'amount_other')) return null;
  const fail = (message: string) => {
    errors.push({ field, message });
    return null;
  };
  if (typeof value !== 'string' || value.trim() === '') return fail('Choose or enter an amount');
  const minor = parseMajorAmount(value);
  if (minor === null) return fail('Enter an amount in dollars, like 25 or 25.50');
  if (minor < giving.min_amount) {
    return fail(`The smallest gift we can take is ${formatMoney(giving.min_amount, giving.currency)}`);
  }
  if (minor > giving.max_amount) {
    return fail(
      `Gifts above ${formatMoney(giving.max_amount, giving.currency)} can't be made online; please contact us`,
    );
  }
  return minor;
}
