/**
 * A practical check of an email address as typed into a form: one @, a dot in
 * the domain, no spaces or characters that only appear in quoted local parts.
 * Deliverability is Stripe's and the mail server's business.
 */
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

export const MAX_EMAIL_LENGTH = 254;

export function isEmailAddress(value: string): boolean {
  return value.length <= MAX_EMAIL_LENGTH && EMAIL.test(value);
}
