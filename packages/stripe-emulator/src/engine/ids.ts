import { createHash, randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/**
 * Stripe ids are a type prefix and random characters; code (ours and the
 * SDK's) relies on the prefix to tell objects apart, so every id keeps it.
 * Checkout session ids carry the mode (`cs_test_`) as Stripe's do.
 */
export const ID_PREFIXES = {
  checkoutSession: 'cs_test_',
  customer: 'cus_',
  paymentIntent: 'pi_',
  charge: 'ch_',
  paymentMethod: 'pm_',
  price: 'price_',
  product: 'prod_',
  lineItem: 'li_',
  subscription: 'sub_',
  subscriptionItem: 'si_',
  invoice: 'in_',
  invoiceLineItem: 'il_',
  invoicePayment: 'inpay_',
  refund: 're_',
  billingPortalSession: 'bps_',
  billingPortalConfiguration: 'bpc_',
  event: 'evt_',
  request: 'req_',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind): string {
  return ID_PREFIXES[kind] + randomAlphanumeric(24);
}

/** A payment intent's client secret embeds its id, as Stripe's does. */
export function newClientSecret(paymentIntentId: string): string {
  return `${paymentIntentId}_secret_${randomAlphanumeric(25)}`;
}

/** Stripe gives each customer an invoice number prefix of upper-case hex. */
export function newInvoicePrefix(): string {
  let out = '';
  for (let i = 0; i < 8; i += 1) out += '0123456789ABCDEF'[randomInt(16)];
  return out;
}

/** A card fingerprint is stable per card number, so the same card looks the same across payments. */
export function cardFingerprint(cardNumber: string): string {
  return createHash('sha256').update(`card:${cardNumber}`).digest('hex').slice(0, 16);
}
