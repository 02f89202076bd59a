import { passesLuhn, type CardDetails } from '../engine/test-cards';

/**
 * Reads and checks the hosted checkout form and the billing portal's card
 * form. Messages follow Stripe Checkout's wording; every problem is reported
 * at once, per field, so the page can show each next to its input.
 */

export const CARD_FORM_FIELDS = [
  'email',
  'cardholder_name',
  'card_number',
  'card_expiry',
  'card_cvc',
  'postal_code',
] as const;
export type CardFormField = (typeof CARD_FORM_FIELDS)[number];
export type CardFormValues = Record<CardFormField, string>;
export type CardFormErrors = Partial<Record<CardFormField, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_LENGTH = 200;

/** Form values as strings, trimmed and bounded; anything missing or odd becomes "". */
export function readCardForm(body: unknown): CardFormValues {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const values = {} as CardFormValues;
  for (const field of CARD_FORM_FIELDS) {
    const raw = source[field];
    values[field] = typeof raw === 'string' ? raw.trim().slice(0, MAX_LENGTH) : '';
  }
  return values;
}

/** "MM / YY", "MM/YY", "MMYY" or "MM / YYYY" -> month and four-digit year. */
function parseExpiry(text: string): { month: number; year: number } | null {
  const match = /^(\d{1,2})\s*\/?\s*(\d{2}|\d{4})$/.exec(text);
  if (!match) return null;
  const month = Number(match[1]);
  const year = match[2]!.length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  if (month < 1 || month > 12) return null;
  return { month, year };
}

type CardFields = Pick<CardFormValues, 'card_number' | 'card_expiry' | 'card_cvc'>;

/** The checks on the card itself, shared by the checkout page and the billing portal's "update card" form. */
function checkCardFields(
  values: CardFields,
  now: Date,
  errors: CardFormErrors,
): { number: string; expMonth: number; expYear: number } | null {
  const digits = values.card_number.replace(/[\s-]/g, '');
  if (digits === '') errors.card_number = 'Your card number is incomplete.';
  else if (!/^\d+$/.test(digits) || digits.length < 12 || digits.length > 19 || !passesLuhn(digits)) {
    errors.card_number = 'Your card number is invalid.';
  }

  const expiry = parseExpiry(values.card_expiry);
  if (values.card_expiry === '') errors.card_expiry = "Your card's expiration date is incomplete.";
  else if (!expiry) errors.card_expiry = "Your card's expiration date is invalid.";
  else {
    const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
    if (expiry.year * 12 + expiry.month < thisMonth) errors.card_expiry = "Your card's expiration date is in the past.";
  }

  if (!/^\d{3,4}$/.test(values.card_cvc)) errors.card_cvc = "Your card's security code is incomplete.";
  if (errors.card_number || errors.card_expiry || errors.card_cvc || !expiry) return null;
  return { number: digits, expMonth: expiry.month, expYear: expiry.year };
}

/**
 * `now` is the emulator's clock, so advancing it far enough makes a card
 * expire as it would in real life.
 */
export function checkCardForm(
  values: CardFormValues,
  now: Date,
): { ok: true; card: CardDetails } | { ok: false; errors: CardFormErrors } {
  const errors: CardFormErrors = {};

  if (values.email === '') errors.email = 'Your email is incomplete.';
  else if (!EMAIL.test(values.email)) errors.email = 'Your email address is invalid.';

  if (values.cardholder_name === '') errors.cardholder_name = 'Enter the name on your card.';
  const card = checkCardFields(values, now, errors);
  if (values.postal_code === '') errors.postal_code = 'Your postal code is incomplete.';

  if (Object.keys(errors).length > 0 || !card) return { ok: false, errors };
  return { ok: true, card: { ...card, email: values.email, name: values.cardholder_name, postalCode: values.postal_code } };
}

/** The billing portal asks for the card only: the name and email are the customer's. */
export function checkNewCard(
  values: CardFields,
  now: Date,
): { ok: true; card: { number: string; expMonth: number; expYear: number } } | { ok: false; errors: CardFormErrors } {
  const errors: CardFormErrors = {};
  const card = checkCardFields(values, now, errors);
  return card ? { ok: true, card } : { ok: false, errors };
}
