import type { EventHandler } from '../handler-types';
import { handleChargeEvent } from './charge';
import { handleCheckoutSessionEvent } from './checkout-session';
import { handleCustomerUpdated } from './customer';
import { handleDisputeEvent } from './dispute';
import { handleInvoicePaid, handleInvoicePaymentFailed } from './invoice';
import { handleSubscriptionEvent } from './subscription';

/** Event type -> handler. Types not listed are recorded in the ledger and acknowledged. */
export const EVENT_HANDLERS: Readonly<Record<string, EventHandler>> = {
  'checkout.session.completed': handleCheckoutSessionEvent,
  'checkout.session.async_payment_succeeded': handleCheckoutSessionEvent,
  'checkout.session.async_payment_failed': handleCheckoutSessionEvent,
  'checkout.session.expired': handleCheckoutSessionEvent,
  'charge.succeeded': handleChargeEvent,
  'charge.refunded': handleChargeEvent,
  'charge.dispute.created': handleDisputeEvent,
  'charge.dispute.closed': handleDisputeEvent,
  'customer.subscription.created': handleSubscriptionEvent,
  'customer.subscription.updated': handleSubscriptionEvent,
  'customer.subscription.deleted': handleSubscriptionEvent,
  // invoice.payment_succeeded is the same news as invoice.paid; one is enough.
  'invoice.paid': handleInvoicePaid,
  'invoice.payment_failed': handleInvoicePaymentFailed,
  'customer.updated': handleCustomerUpdated,
};
