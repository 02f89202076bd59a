import { chargeOutcome } from './billing';
import type { CardDetails } from './test-cards';
import { completeSession, type PaymentResult } from './checkout-payment';
import { successUrlFor } from './checkout-sessions';
import type { EmulatorContext } from './context';
import { buildCustomer } from './customers';
import { eventOf, type NewEvent } from './events';
import { collectInvoice } from './invoice-collection';
import { createSubscriptionInvoice, finalizeInvoice } from './invoices';
import {
  attachPaymentMethod,
  billingDetailsFromForm,
  createCardPaymentMethod,
  setDefaultPaymentMethod,
} from './payment-methods';
import type { CheckoutSessionRecord } from './store';
import type { Customer, Price } from './stripe-objects';
import { createSubscription } from './subscriptions';

/**
 * Paying a subscription-mode checkout session: the card is saved to the
 * customer (and made the default for invoices), the subscription starts
 * `incomplete`, and its first invoice (`billing_reason:
 * subscription_create`) is finalized and charged at once; paying it makes
 * the subscription `active`, then the session completes.
 *
 * A declined card leaves nothing behind here and the page shows the error;
 * Stripe would keep an incomplete subscription with an open invoice for the
 * buyer's next attempt, which the app never sees as a membership either.
 */

function customerFor(ctx: EmulatorContext, record: CheckoutSessionRecord, card: CardDetails, events: NewEvent[]): Customer {
  const named = typeof record.session.customer === 'string' ? ctx.store.customers.get(record.session.customer) : undefined;
  if (named) return named;
  const customer = buildCustomer(ctx.clock, { email: card.email, name: card.name });
  ctx.store.customers.set(customer.id, customer);
  events.push(eventOf('customer.created', customer));
  return customer;
}

function subscriptionItems(ctx: EmulatorContext, record: CheckoutSessionRecord): Array<{ price: Price; quantity: number }> {
  return record.lineItems.map((item) => {
    const price = item.price ? ctx.store.prices.get(item.price.id) : undefined;
    if (!price) throw new Error(`line item ${item.id} has no stored price`);
    return { price, quantity: item.quantity ?? 1 };
  });
}

export function payCheckoutSubscription(
  ctx: EmulatorContext,
  record: CheckoutSessionRecord,
  card: CardDetails,
): PaymentResult {
  const { session } = record;
  if (session.status !== 'open' || session.mode !== 'subscription') {
    throw new Error(`session ${session.id} cannot be subscribed (status ${String(session.status)}, mode ${session.mode})`);
  }
  const outcome = chargeOutcome(card, ctx.clock.now());
  if (!outcome.approved) return { paid: false, events: [], message: outcome.message };

  const events: NewEvent[] = [];
  const customer = customerFor(ctx, record, card, events);
  const paymentMethod = createCardPaymentMethod(ctx, card, billingDetailsFromForm(card));
  events.push(attachPaymentMethod(paymentMethod, customer));
  const defaultSet = setDefaultPaymentMethod(customer, paymentMethod.paymentMethod.id);
  if (defaultSet) events.push(defaultSet);

  const subscription = createSubscription(ctx, {
    customer,
    items: subscriptionItems(ctx, record),
    metadata: record.subscriptionData.metadata,
    description: record.subscriptionData.description,
    defaultPaymentMethod: paymentMethod.paymentMethod.id,
  });
  const now = ctx.clock.now();
  // A first invoice covers no past period: Stripe dates its own period start and end both now.
  const { invoice, event: invoiceCreated } = createSubscriptionInvoice(ctx, subscription, customer, 'subscription_create', {
    start: now,
    end: now,
  });
  subscription.latest_invoice = invoice.id;
  events.push(eventOf('customer.subscription.created', subscription), invoiceCreated, finalizeInvoice(ctx, invoice, customer));

  const collection = collectInvoice(ctx, invoice);
  if (!collection.paid) throw new Error(`first invoice ${invoice.id} was declined after the card was approved`);
  events.push(...collection.events);

  session.subscription = subscription.id;
  session.invoice = invoice.id;
  events.push(completeSession(session, customer.id, card));
  return { paid: true, redirectTo: successUrlFor(session), events };
}
