import type { EmulatorContext } from './context';
import type { NewEvent } from './events';
import { collectInvoice } from './invoice-collection';
import { openInvoicesOf } from './invoices';
import { attachPaymentMethod, createCardPaymentMethod, setDefaultPaymentMethod } from './payment-methods';
import type { SavedCard } from './store';
import type { Customer, Subscription } from './stripe-objects';
import { changeSubscription, hasEnded } from './subscriptions';
import { testCard } from './test-cards';

/**
 * What the portal's buttons do. Replacing the card follows Stripe's portal:
 * the new card becomes the default for the customer and for each of their
 * subscriptions, and, as Stripe does when a past-due customer updates their
 * payment method, open invoices are retried with it at once.
 */

export function customerSubscriptions(ctx: EmulatorContext, customerId: string): Subscription[] {
  return [...ctx.store.subscriptions.values()].filter(
    (subscription) => subscription.customer === customerId && !hasEnded(subscription),
  );
}

export type CardReplacement =
  | { saved: false; message: string }
  | { saved: true; events: NewEvent[]; invoicesPaid: number; invoicesFailed: number };

export function replaceCard(ctx: EmulatorContext, customer: Customer, card: SavedCard): CardReplacement {
  const outcome = testCard(card.number);
  // Saving a card checks it with the issuer: the always-declining test cards are refused here.
  if (!outcome.attachable) {
    return { saved: false, message: outcome.charge.approved ? 'Your card was declined.' : outcome.charge.message };
  }
  const record = createCardPaymentMethod(ctx, card, {
    address: customer.address ?? null,
    email: customer.email,
    name: customer.name ?? null,
    phone: null,
    tax_id: null,
  });
  const id = record.paymentMethod.id;
  const events: NewEvent[] = [attachPaymentMethod(record, customer)];
  const defaultSet = setDefaultPaymentMethod(customer, id);
  if (defaultSet) events.push(defaultSet);

  const subscriptions = customerSubscriptions(ctx, customer.id);
  for (const subscription of subscriptions) {
    const updated = changeSubscription(subscription, (s) => {
      s.default_payment_method = id;
    });
    if (updated) events.push(updated);
  }
  let invoicesPaid = 0;
  let invoicesFailed = 0;
  for (const subscription of subscriptions) {
    for (const invoice of openInvoicesOf(ctx, subscription.id)) {
      // A failed last retry cancels the subscription, which stops collecting the rest.
      if (hasEnded(subscription)) break;
      const collection = collectInvoice(ctx, invoice);
      events.push(...collection.events);
      if (collection.paid) invoicesPaid += 1;
      else invoicesFailed += 1;
    }
  }
  return { saved: true, events, invoicesPaid, invoicesFailed };
}
