import type Stripe from 'stripe';

/** Ids of one membership's Stripe objects, so fixtures of one story agree with each other. */
export interface MembershipIds {
  membershipId: string;
  subscriptionId: string;
  customerId: string;
  sessionId: string;
}

const MONTH = 30 * 86_400;

/** A subscription as API 2026-10-28.endive shapes it: the period lives on the item. */
export function subscriptionObject(
  ids: MembershipIds,
  overrides: { status?: Stripe.Subscription.Status; amount?: number; interval?: 'month' | 'year'; periodStart?: number; cancelAtPeriodEnd?: boolean; canceledAt?: number | null; reason?: string | null } = {},
): Stripe.Subscription {
  const start = overrides.periodStart ?? 1_795_000_000;
  const interval = overrides.interval ?? 'month';
  const amount = overrides.amount ?? 1000;
  const canceled = overrides.status === 'canceled';
  return {
    id: ids.subscriptionId,
    object: 'subscription',
    customer: ids.customerId,
    currency: 'usd',
    status: overrides.status ?? 'active',
    cancel_at_period_end: overrides.cancelAtPeriodEnd ?? false,
    canceled_at: overrides.canceledAt ?? null,
    ended_at: canceled ? (overrides.canceledAt ?? start) : null,
    cancellation_details: { reason: (overrides.reason ?? null) as Stripe.Subscription.CancellationDetails.Reason | null, feedback: null, comment: null },
    metadata: { membership_id: ids.membershipId, source: 'sustain' },
    items: {
      object: 'list',
      data: [
        {
          id: `si_${ids.subscriptionId}`,
          object: 'subscription_item',
          quantity: 1,
          current_period_start: start,
          current_period_end: start + (interval === 'year' ? 365 * 86_400 : MONTH),
          price: { id: `price_${amount}`, object: 'price', currency: 'usd', unit_amount: amount, recurring: { interval, interval_count: 1 } },
        },
      ],
      has_more: false,
    },
  } as unknown as Stripe.Subscription;
}

/** An invoice of the subscription: subscription and metadata under `parent`, payments under `payments`. */
export function invoiceObject(
  ids: MembershipIds,
  overrides: { id: string; amount?: number; paidAt?: number; status?: Stripe.Invoice.Status; paymentIntent?: string; email?: string; metadata?: Record<string, string> },
): Stripe.Invoice {
  const amount = overrides.amount ?? 1000;
  const paidAt = overrides.paidAt ?? 1_795_000_000;
  const paid = (overrides.status ?? 'paid') === 'paid';
  return {
    id: overrides.id,
    object: 'invoice',
    customer: ids.customerId,
    customer_email: overrides.email ?? 'member@example.com',
    customer_name: 'Grace Member',
    customer_address: null,
    currency: 'usd',
    status: overrides.status ?? 'paid',
    amount_due: amount,
    amount_paid: paid ? amount : 0,
    total: amount,
    billing_reason: 'subscription_cycle',
    status_transitions: { paid_at: paid ? paidAt : null, finalized_at: paidAt, voided_at: null, marked_uncollectible_at: null },
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: {
        subscription: ids.subscriptionId,
        metadata: overrides.metadata ?? { membership_id: ids.membershipId, source: 'sustain' },
      },
    },
    lines: { object: 'list', data: [{ id: `il_${overrides.id}`, amount, period: { start: paidAt, end: paidAt + MONTH } }], has_more: false },
    payments: {
      object: 'list',
      data: paid
        ? [{ id: `inpay_${overrides.id}`, object: 'invoice_payment', status: 'paid', payment: { type: 'payment_intent', payment_intent: overrides.paymentIntent ?? `pi_${overrides.id}` } }]
        : [],
      has_more: false,
    },
  } as unknown as Stripe.Invoice;
}

/** The subscription-mode Checkout Session that started the membership. */
export function subscriptionSession(ids: MembershipIds, email = 'member@example.com'): Stripe.Checkout.Session {
  return {
    id: ids.sessionId,
    object: 'checkout.session',
    mode: 'subscription',
    status: 'complete',
    payment_status: 'paid',
    amount_total: 1000,
    currency: 'usd',
    customer: ids.customerId,
    customer_details: { email, name: 'Grace Member', address: null, phone: null, tax_exempt: 'none', tax_ids: [] },
    customer_email: null,
    client_reference_id: ids.membershipId,
    metadata: { membership_id: ids.membershipId, source: 'sustain' },
    subscription: ids.subscriptionId,
    payment_intent: null,
  } as unknown as Stripe.Checkout.Session;
}
