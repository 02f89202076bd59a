import type { EventHandler } from '../handler-types';
import { handleChargeEvent } from './charge';
import { handleCheckoutSessionEvent } from './checkout-session';

/** Event type -> handler. Types not listed are recorded in the ledger and acknowledged. */
export const EVENT_HANDLERS: Readonly<Record<string, EventHandler>> = {
  'checkout.session.completed': handleCheckoutSessionEvent,
  'checkout.session.async_payment_succeeded': handleCheckoutSessionEvent,
  'checkout.session.async_payment_failed': handleCheckoutSessionEvent,
  'checkout.session.expired': handleCheckoutSessionEvent,
  'charge.succeeded': handleChargeEvent,
  'charge.refunded': handleChargeEvent,
};
