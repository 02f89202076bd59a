import { chargePaymentIntent } from './billing';
import type { EmulatorContext } from './context';
import { eventOf, type NewEvent } from './events';
import { defaultInvoicePayment, openInvoicesOf, subscriptionIdOf } from './invoices';
import type { Invoice, InvoicePayment, Subscription } from './stripe-objects';
import { cancelSubscription, changeSubscription, hasEnded, subscriptionPaymentMethod } from './subscriptions';

/**
 * Collecting a finalized subscription invoice from the subscription's card,
 * and what follows either way. The retry schedule is a fixed version of
 * Stripe's default Smart Retries settings: a failed payment is retried every
 * 3 days, 3 times, and when the last retry fails the invoice is marked
 * uncollectible and the subscription canceled (`reason: payment_failed`).
 */

export const RETRY_DELAY_SECONDS = 3 * 86_400;
export const MAX_RETRIES = 3;

export interface Collection {
  paid: boolean;
  /** True when this attempt was the last retry and the subscription was canceled. */
  canceledSubscription: boolean;
  /** Null when paid; else what the payer is told (a decline, or no card on file). */
  declineMessage: string | null;
  events: NewEvent[];
}

function markPaid(ctx: EmulatorContext, invoice: Invoice, payment: InvoicePayment, subscription: Subscription): NewEvent[] {
  const now = ctx.clock.now();
  Object.assign(invoice, {
    status: 'paid',
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    auto_advance: false,
    next_payment_attempt: null,
    status_transitions: { ...invoice.status_transitions, paid_at: now },
  } satisfies Partial<Invoice>);
  Object.assign(payment, {
    status: 'paid',
    amount_paid: invoice.amount_due,
    status_transitions: { ...payment.status_transitions, paid_at: now },
  } satisfies Partial<InvoicePayment>);
  const events = [
    eventOf('invoice.paid', invoice),
    eventOf('invoice.payment_succeeded', invoice),
    eventOf('invoice_payment.paid', payment),
  ];
  // A first invoice makes an incomplete subscription active; paying the last
  // open invoice brings a past-due one back.
  if (!hasEnded(subscription) && subscription.status !== 'active' && openInvoicesOf(ctx, subscription.id).length === 0) {
    const activated = changeSubscription(subscription, (s) => {
      s.status = 'active';
    });
    if (activated) events.push(activated);
  }
  return events;
}

function markFailed(ctx: EmulatorContext, invoice: Invoice, subscription: Subscription): Collection {
  const now = ctx.clock.now();
  // attempt_count counts the first try too, so retries are attempts 2 to MAX_RETRIES + 1.
  const retriesLeft = invoice.attempt_count <= MAX_RETRIES;
  invoice.next_payment_attempt = retriesLeft ? now + RETRY_DELAY_SECONDS : null;
  const events = [eventOf('invoice.payment_failed', invoice)];
  if (retriesLeft) {
    const pastDue = changeSubscription(subscription, (s) => {
      if (s.status === 'active') s.status = 'past_due';
    });
    if (pastDue) events.push(pastDue);
    return { paid: false, canceledSubscription: false, declineMessage: null, events };
  }
  Object.assign(invoice, {
    status: 'uncollectible',
    auto_advance: false,
    status_transitions: { ...invoice.status_transitions, marked_uncollectible_at: now },
  } satisfies Partial<Invoice>);
  events.push(eventOf('invoice.marked_uncollectible', invoice));
  const canceled = !hasEnded(subscription);
  if (canceled) events.push(cancelSubscription(ctx, subscription, 'payment_failed'));
  return { paid: false, canceledSubscription: canceled, declineMessage: null, events };
}

/** One payment attempt on an open invoice: the first one after finalizing, a scheduled retry, or a retry with a new card. */
export function collectInvoice(ctx: EmulatorContext, invoice: Invoice): Collection {
  const subscription = ctx.store.subscriptions.get(subscriptionIdOf(invoice) ?? '');
  const payment = defaultInvoicePayment(ctx, invoice.id);
  const paymentIntent = ctx.store.paymentIntents.get(String(payment?.payment.payment_intent));
  if (invoice.status !== 'open' || !subscription || !payment || !paymentIntent) {
    throw new Error(`invoice ${invoice.id} cannot be collected (status ${String(invoice.status)})`);
  }
  invoice.attempted = true;
  invoice.attempt_count += 1;
  const paymentMethod = subscriptionPaymentMethod(ctx, subscription);
  if (!paymentMethod) {
    // Nothing to charge: Stripe fails the attempt without a charge.
    return { ...markFailed(ctx, invoice, subscription), declineMessage: 'No card on file.' };
  }
  const attempt = chargePaymentIntent(ctx, paymentIntent, paymentMethod);
  if (attempt.declineMessage === null) {
    const events = [...attempt.events, ...markPaid(ctx, invoice, payment, subscription)];
    return { paid: true, canceledSubscription: false, declineMessage: null, events };
  }
  const failed = markFailed(ctx, invoice, subscription);
  return { ...failed, declineMessage: attempt.declineMessage, events: [...attempt.events, ...failed.events] };
}
