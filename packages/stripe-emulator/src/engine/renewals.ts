import { nextPeriodEnd } from './billing-periods';
import type { EmulatorContext } from './context';
import { eventOf, type NewEvent } from './events';
import { collectInvoice, type Collection } from './invoice-collection';
import { createSubscriptionInvoice, finalizeInvoice, subscriptionIdOf } from './invoices';
import { previousAttributes } from './previous-attributes';
import type { Invoice, Subscription } from './stripe-objects';
import { cancelSubscription, currentPeriodEnd, hasEnded } from './subscriptions';

/**
 * Billing what the clock has made due: subscriptions whose period has ended
 * (renewed, or canceled when `cancel_at_period_end` is set) and failed
 * invoices whose next retry has come. Work is done in time order, each step
 * at its own moment on the clock, so an advance of 400 days bills thirteen
 * monthly renewals one after another, dated as Stripe would date them.
 */

export interface BillingSummary {
  renewed: Array<{ subscription: string; invoice: string; billing_reason: string | null; amount_paid: number; paid_at: number }>;
  failed: Array<{ subscription: string; invoice: string; attempt_count: number; next_payment_attempt: number | null }>;
  canceled: Array<{ subscription: string; reason: string; ended_at: number }>;
}

type DueWork =
  | { at: number; kind: 'period_end'; subscription: Subscription }
  | { at: number; kind: 'retry'; subscription: Subscription; invoice: Invoice };

/**
 * A bound on steps per run, against a bug looping forever. Work left over
 * when it is reached stays due and is done by the next advance or sweep.
 */
const MAX_STEPS = 100_000;

function nextDueWork(ctx: EmulatorContext, now: number): DueWork | null {
  let due: DueWork | null = null;
  for (const subscription of ctx.store.subscriptions.values()) {
    if (hasEnded(subscription) || subscription.status === 'incomplete') continue;
    const at = currentPeriodEnd(subscription);
    if (at <= now && (!due || at < due.at)) due = { at, kind: 'period_end', subscription };
  }
  for (const invoice of ctx.store.invoices.values()) {
    const at = invoice.next_payment_attempt;
    if (invoice.status !== 'open' || at === null || at > now || (due && at >= due.at)) continue;
    const subscription = ctx.store.subscriptions.get(subscriptionIdOf(invoice) ?? '');
    if (subscription && !hasEnded(subscription)) due = { at, kind: 'retry', subscription, invoice };
  }
  return due;
}

function record(summary: BillingSummary, subscription: Subscription, invoice: Invoice, collection: Collection): void {
  if (collection.paid) {
    summary.renewed.push({
      subscription: subscription.id,
      invoice: invoice.id,
      billing_reason: invoice.billing_reason,
      amount_paid: invoice.amount_paid,
      paid_at: invoice.status_transitions.paid_at ?? 0,
    });
    return;
  }
  summary.failed.push({
    subscription: subscription.id,
    invoice: invoice.id,
    attempt_count: invoice.attempt_count,
    next_payment_attempt: invoice.next_payment_attempt,
  });
  if (collection.canceledSubscription) {
    summary.canceled.push({ subscription: subscription.id, reason: 'payment_failed', ended_at: subscription.ended_at ?? 0 });
  }
}

/**
 * The period end: a new period on every item and an invoice for it
 * (`billing_reason: subscription_cycle`), finalized and charged at once.
 * Stripe waits about an hour before finalizing; the emulator does not.
 */
function renew(ctx: EmulatorContext, subscription: Subscription, summary: BillingSummary): NewEvent[] {
  if (subscription.cancel_at_period_end) {
    const deleted = cancelSubscription(ctx, subscription, 'period_end');
    summary.canceled.push({ subscription: subscription.id, reason: 'cancellation_requested', ended_at: ctx.clock.now() });
    return [deleted];
  }
  const customer = ctx.store.customers.get(String(subscription.customer));
  if (!customer) throw new Error(`subscription ${subscription.id} has no customer`);
  const first = subscription.items.data[0]!;
  // The invoice's own period is the one that just ended; its lines bill the new one.
  const ended = { start: first.current_period_start, end: first.current_period_end };
  const before = structuredClone(subscription);
  for (const item of subscription.items.data) {
    item.current_period_start = item.current_period_end;
    item.current_period_end = nextPeriodEnd(subscription.billing_cycle_anchor, item.price.recurring!, item.current_period_end);
  }
  const { invoice, event: invoiceCreated } = createSubscriptionInvoice(ctx, subscription, customer, 'subscription_cycle', ended);
  subscription.latest_invoice = invoice.id;
  const updated = eventOf('customer.subscription.updated', subscription, previousAttributes(before, subscription));
  const finalized = finalizeInvoice(ctx, invoice, customer);
  const collection = collectInvoice(ctx, invoice);
  record(summary, subscription, invoice, collection);
  return [updated, invoiceCreated, finalized, ...collection.events];
}

function retry(ctx: EmulatorContext, subscription: Subscription, invoice: Invoice, summary: BillingSummary): NewEvent[] {
  const collection = collectInvoice(ctx, invoice);
  record(summary, subscription, invoice, collection);
  return collection.events;
}

/** Bills everything due now; `delivered` settles once each resulting event has had its first delivery attempt. */
export function runDueBilling(ctx: EmulatorContext): { summary: BillingSummary; delivered: Promise<void> } {
  const summary: BillingSummary = { renewed: [], failed: [], canceled: [] };
  const deliveries: Array<Promise<void>> = [];
  for (let step = 0; ; step += 1) {
    const due = nextDueWork(ctx, ctx.clock.now());
    if (!due) break;
    if (step === MAX_STEPS) {
      ctx.logger.warn({ steps: step }, 'stripe emulator stopped billing early; the rest stays due');
      break;
    }
    // Publishing inside `at` dates the events at the moment the work was due.
    ctx.clock.at(due.at, () => {
      const events =
        due.kind === 'period_end'
          ? renew(ctx, due.subscription, summary)
          : retry(ctx, due.subscription, due.invoice, summary);
      deliveries.push(ctx.events.publish(events));
    });
  }
  return { summary, delivered: Promise.all(deliveries).then(() => undefined) };
}
