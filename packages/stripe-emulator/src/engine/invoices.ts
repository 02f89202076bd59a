import type { EmulatorContext } from './context';
import { eventOf, type NewEvent } from './events';
import { newId } from './ids';
import { buildPaymentIntent } from './payment-intents';
import type { Customer, Invoice, InvoiceLineItem, InvoicePayment, Subscription, SubscriptionItem } from './stripe-objects';

/**
 * Subscription invoices in the shape of API version 2025-03-31 and later:
 * the subscription is named at `parent.subscription_details` (with a copy of
 * its metadata), each line at `parent.subscription_item_details` and
 * `pricing.price_details`, and payments are InvoicePayment objects rather
 * than `invoice.payment_intent`. Charging one is in `invoice-collection.ts`.
 */

export type BillingReason = 'subscription_create' | 'subscription_cycle';

/** Stripe's default line description: "1 × Monthly membership (at $10.00 / month)". */
function lineDescription(ctx: EmulatorContext, item: SubscriptionItem, productName: string): string {
  const { price } = item;
  const recurring = price.recurring!;
  const every = recurring.interval_count === 1 ? recurring.interval : `every ${recurring.interval_count} ${recurring.interval}s`;
  return `${item.quantity ?? 1} × ${productName} (at ${ctx.formatMoney(price.unit_amount ?? 0, price.currency)} / ${every})`;
}

function buildLine(ctx: EmulatorContext, invoiceId: string, subscription: Subscription, item: SubscriptionItem): InvoiceLineItem {
  const quantity = item.quantity ?? 1;
  const amount = (item.price.unit_amount ?? 0) * quantity;
  const productId = String(item.price.product);
  const productName = ctx.store.products.get(productId)?.name ?? productId;
  return {
    id: newId('invoiceLineItem'),
    object: 'line_item',
    amount,
    currency: item.price.currency,
    description: lineDescription(ctx, item, productName),
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: { ...item.metadata },
    parent: {
      type: 'subscription_item_details',
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: subscription.id,
        subscription_item: item.id,
      },
    },
    period: { start: item.current_period_start, end: item.current_period_end },
    pretax_credit_amounts: [],
    pricing: {
      type: 'price_details',
      price_details: { price: item.price.id, product: productId },
      unit_amount_decimal: item.price.unit_amount_decimal,
    },
    quantity,
    quantity_decimal: String(quantity),
    subscription: subscription.id,
    subtotal: amount,
    taxes: [],
  };
}

/**
 * A draft invoice for the subscription's current items. `period` is the
 * invoice's own period, which Stripe sets to the period that just ended on a
 * renewal (the window for pending invoice items); each line carries the
 * period it bills.
 */
export function createSubscriptionInvoice(
  ctx: EmulatorContext,
  subscription: Subscription,
  customer: Customer,
  billingReason: BillingReason,
  period: { start: number; end: number },
): { invoice: Invoice; event: NewEvent } {
  const id = newId('invoice');
  const now = ctx.clock.now();
  const lines = subscription.items.data.map((item) => buildLine(ctx, id, subscription, item));
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const invoice: Invoice = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: null,
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: billingReason,
    collection_method: 'charge_automatically',
    created: now,
    currency: subscription.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: customer.tax_exempt ?? 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id },
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: period.end,
    period_start: period.start,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: now,
  };
  ctx.store.invoices.set(id, invoice);
  return { invoice, event: eventOf('invoice.created', invoice) };
}

/**
 * Finalizing numbers the invoice from the customer's sequence, freezes the
 * subscription metadata copy, and creates the payment intent that will
 * collect it (with empty metadata: Stripe does not copy the subscription's)
 * and the InvoicePayment linking the two.
 */
export function finalizeInvoice(ctx: EmulatorContext, invoice: Invoice, customer: Customer): NewEvent {
  const now = ctx.clock.now();
  const sequence = customer.next_invoice_sequence ?? 1;
  customer.next_invoice_sequence = sequence + 1;
  const paymentIntent = buildPaymentIntent(ctx, {
    amount: invoice.amount_due,
    currency: invoice.currency,
    customer: customer.id,
    metadata: {},
    description: invoice.billing_reason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
  });
  ctx.store.paymentIntents.set(paymentIntent.id, paymentIntent);
  const payment: InvoicePayment = {
    id: newId('invoicePayment'),
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: invoice.amount_due,
    created: now,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: false,
    payment: { type: 'payment_intent', payment_intent: paymentIntent.id },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  };
  ctx.store.invoicePayments.set(payment.id, payment);
  Object.assign(invoice, {
    status: 'open',
    number: `${customer.invoice_prefix}-${String(sequence).padStart(4, '0')}`,
    effective_at: now,
    ending_balance: 0,
    // Charged automatically: the first attempt is due at once.
    next_payment_attempt: now,
    status_transitions: { ...invoice.status_transitions, finalized_at: now },
  } satisfies Partial<Invoice>);
  return eventOf('invoice.finalized', invoice);
}

export function subscriptionIdOf(invoice: Invoice): string | null {
  const subscription = invoice.parent?.subscription_details?.subscription;
  return typeof subscription === 'string' ? subscription : null;
}

/** The payment an invoice is collected through (the one finalization created). */
export function defaultInvoicePayment(ctx: EmulatorContext, invoiceId: string): InvoicePayment | undefined {
  return invoicePaymentsOf(ctx, invoiceId).find((payment) => payment.is_default);
}

export function invoicePaymentsOf(ctx: EmulatorContext, invoiceId: string): InvoicePayment[] {
  return [...ctx.store.invoicePayments.values()].filter((payment) => payment.invoice === invoiceId);
}

/** A subscription's unpaid finalized invoices, oldest first. */
export function openInvoicesOf(ctx: EmulatorContext, subscriptionId: string): Invoice[] {
  return [...ctx.store.invoices.values()].filter(
    (invoice) => invoice.status === 'open' && subscriptionIdOf(invoice) === subscriptionId,
  );
}
