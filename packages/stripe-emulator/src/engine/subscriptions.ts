import { nextPeriodEnd } from './billing-periods';
import type { EmulatorContext } from './context';
import { resourceMissing } from './errors';
import { eventOf, type NewEvent } from './events';
import { newId } from './ids';
import { openInvoicesOf } from './invoices';
import { previousAttributes } from './previous-attributes';
import type { PaymentMethodRecord } from './store';
import type { Customer, Metadata, Plan, Price, Subscription, SubscriptionItem } from './stripe-objects';

/**
 * Subscriptions as Checkout creates them (one customer, recurring prices of
 * one interval, charged automatically) and the changes the app and the
 * billing portal make to them. Billing them is in `renewals.ts` and
 * `invoice-collection.ts`.
 */

type CancellationDetails = NonNullable<Subscription['cancellation_details']>;

const NO_CANCELLATION: CancellationDetails = { comment: null, feedback: null, feedback_option: null, reason: null };

/** Every subscription item still carries the legacy `plan`, a mirror of its price. */
export function planFromPrice(price: Price): Plan {
  const recurring = price.recurring!;
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: recurring.interval,
    interval_count: recurring.interval_count,
    livemode: false,
    metadata: {},
    meter: null,
    nickname: null,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

export interface NewSubscription {
  customer: Customer;
  items: ReadonlyArray<{ price: Price; quantity: number }>;
  metadata: Metadata;
  description: string | null;
  defaultPaymentMethod: string | null;
}

/**
 * Stores a new subscription, `incomplete` until its first invoice is paid,
 * as Checkout's are: `customer.subscription.created` shows it so and a
 * `customer.subscription.updated` follows when the payment goes through.
 */
export function createSubscription(ctx: EmulatorContext, input: NewSubscription): Subscription {
  const id = newId('subscription');
  const now = ctx.clock.now();
  const first = input.items[0]!.price;
  const periodEnd = nextPeriodEnd(now, first.recurring!, now);
  const items: SubscriptionItem[] = input.items.map(({ price, quantity }) => ({
    id: newId('subscriptionItem'),
    object: 'subscription_item',
    billing_thresholds: null,
    created: now,
    current_period_end: periodEnd,
    current_period_start: now,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planFromPrice(price),
    price,
    quantity,
    subscription: id,
    tax_rates: [],
  }));
  const subscription: Subscription = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: now,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: { proration_discounts: 'included' }, type: 'flexible', updated_at: now },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { ...NO_CANCELLATION },
    collection_method: 'charge_automatically',
    created: now,
    currency: first.currency,
    customer: input.customer.id,
    customer_account: null,
    days_until_due: null,
    default_payment_method: input.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: input.description,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
    items: { object: 'list', data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: { ...input.metadata },
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'on_subscription' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: 'incomplete',
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' } },
    trial_start: null,
  };
  ctx.store.subscriptions.set(id, subscription);
  return subscription;
}

export function findSubscription(ctx: EmulatorContext, id: string): Subscription {
  const subscription = ctx.store.subscriptions.get(id);
  if (!subscription) throw resourceMissing('subscription', id);
  return subscription;
}

/** Canceled subscriptions stay retrievable but are never billed or changed again (bar metadata). */
export function hasEnded(subscription: Subscription): boolean {
  return subscription.status === 'canceled' || subscription.status === 'incomplete_expired';
}

/** Since API version 2025-03-31 the period lives on each item; Checkout's items all share one. */
export function currentPeriodEnd(subscription: Subscription): number {
  return subscription.items.data[0]!.current_period_end;
}

/** Applies `change` and returns `customer.subscription.updated` with what it changed, or null if nothing did. */
export function changeSubscription(subscription: Subscription, change: (s: Subscription) => void): NewEvent | null {
  const before = structuredClone(subscription);
  change(subscription);
  const previous = previousAttributes(before, subscription);
  return Object.keys(previous).length > 0 ? eventOf('customer.subscription.updated', subscription, previous) : null;
}

export interface CancellationRequest {
  comment?: string | null | undefined;
  feedback?: CancellationDetails['feedback'] | undefined;
}

/** A comment or feedback given now replaces the one on record; one not given keeps it. */
function cancellationDetails(
  subscription: Subscription,
  reason: CancellationDetails['reason'],
  request: CancellationRequest,
): CancellationDetails {
  return {
    comment: request.comment !== undefined ? request.comment : (subscription.cancellation_details?.comment ?? null),
    feedback: request.feedback !== undefined ? request.feedback : (subscription.cancellation_details?.feedback ?? null),
    feedback_option: null,
    reason,
  };
}

/**
 * Sets or clears `cancel_at_period_end` in place. Stripe records the
 * request's time in `canceled_at` and the period end in `cancel_at` at once,
 * and clears both (and the cancellation details) on a resume.
 */
export function setCancelAtPeriodEnd(
  now: number,
  subscription: Subscription,
  cancel: boolean,
  request: CancellationRequest = {},
): void {
  if (subscription.cancel_at_period_end === cancel) return;
  subscription.cancel_at_period_end = cancel;
  subscription.cancel_at = cancel ? currentPeriodEnd(subscription) : null;
  subscription.canceled_at = cancel ? now : null;
  subscription.cancellation_details = cancel
    ? cancellationDetails(subscription, 'cancellation_requested', request)
    : { ...NO_CANCELLATION };
}

export function scheduleCancellation(
  ctx: EmulatorContext,
  subscription: Subscription,
  cancel: boolean,
  request: CancellationRequest = {},
): NewEvent | null {
  return changeSubscription(subscription, (s) => setCancelAtPeriodEnd(ctx.clock.now(), s, cancel, request));
}

/**
 * Why a subscription ends: a `DELETE` (now), a scheduled cancellation
 * reaching the period end, or the last payment retry failing.
 */
export type CancellationCause = 'requested_now' | 'period_end' | 'payment_failed';

/**
 * Ends a subscription and returns `customer.subscription.deleted`. By
 * default Stripe then stops collecting its open invoices, so their retries
 * are dropped.
 */
export function cancelSubscription(
  ctx: EmulatorContext,
  subscription: Subscription,
  cause: CancellationCause,
  request: CancellationRequest = {},
): NewEvent {
  const now = ctx.clock.now();
  subscription.status = 'canceled';
  subscription.ended_at = now;
  if (cause !== 'period_end') {
    // A scheduled cancellation keeps the time it was requested; any other happens now.
    subscription.canceled_at = now;
    subscription.cancel_at_period_end = false;
    subscription.cancel_at = null;
  }
  const reason = cause === 'payment_failed' ? 'payment_failed' : 'cancellation_requested';
  subscription.cancellation_details = cancellationDetails(subscription, reason, request);
  for (const invoice of openInvoicesOf(ctx, subscription.id)) {
    invoice.next_payment_attempt = null;
    invoice.auto_advance = false;
  }
  return eventOf('customer.subscription.deleted', subscription);
}

/** The card a subscription's invoices are charged to: its own default, else the customer's. */
export function subscriptionPaymentMethod(
  ctx: EmulatorContext,
  subscription: Subscription,
): PaymentMethodRecord | undefined {
  const own = typeof subscription.default_payment_method === 'string' ? subscription.default_payment_method : null;
  const customer = ctx.store.customers.get(String(subscription.customer));
  const fallback = customer?.invoice_settings.default_payment_method;
  const id = own ?? (typeof fallback === 'string' ? fallback : null);
  return id ? ctx.store.paymentMethods.get(id) : undefined;
}
