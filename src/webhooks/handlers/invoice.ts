import type Stripe from 'stripe';
import { upsertDonorFromStripe } from '../../donors/donor-queries';
import { isInvoicePaid, recordInvoicePayment } from '../../giving/record-invoice-payment';
import { applyStatusHint } from '../../members/apply-subscription';
import { idOf } from '../../stripe/object-id';
import { queuePaymentFailedEmail } from '../../members/membership-emails';
import { lockMembershipFor, type MembershipRow } from '../../members/membership-queries';
import { METADATA_SOURCE } from '../../giving/create-checkout-session';
import type { EventHandler, HandlerContext } from '../handler-types';
import { createMembershipFromStripe } from '../../members/membership-from-stripe';

const YEARLY_PERIOD_DAYS = 300;

/** Since API 2025-03-31 an invoice names its subscription (and copies its metadata) under `parent`. */
function subscriptionOf(invoice: Stripe.Invoice) {
  const details = invoice.parent?.subscription_details;
  return { subscriptionId: idOf(details?.subscription), metadata: details?.metadata ?? {} };
}

/** The payment intent that paid the invoice, from `invoice.payments` (no `invoice.payment_intent` any more). */
function paymentIntentOf(invoice: Stripe.Invoice): string | null {
  const entries = (invoice.payments?.data ?? []).filter((entry) => entry.payment?.type === 'payment_intent');
  // An invoice can carry failed attempts too; the paid one is the payment.
  const paid = entries.find((entry) => entry.status === 'paid') ?? entries[0];
  return paid ? idOf(paid.payment.payment_intent) : null;
}

async function membershipForInvoice(ctx: HandlerContext, invoice: Stripe.Invoice): Promise<MembershipRow | null> {
  const { subscriptionId, metadata } = subscriptionOf(invoice);
  if (!subscriptionId) return null;
  const found = await lockMembershipFor(ctx.trx, { subscriptionId, membershipId: metadata.membership_id });
  if (found || metadata.source !== METADATA_SOURCE) return found;
  // Ours, but its checkout and subscription events have not arrived: start the row from the invoice.
  const line = invoice.lines?.data?.[0];
  const days = line?.period ? (line.period.end - line.period.start) / 86_400 : 0;
  return createMembershipFromStripe(ctx.trx, {
    subscriptionId,
    customerId: idOf(invoice.customer),
    currency: invoice.currency,
    amount: line?.amount ?? invoice.amount_paid,
    interval: days >= YEARLY_PERIOD_DAYS ? 'year' : 'month',
    metadata,
  });
}

/**
 * `invoice.paid`: the membership is active (unless something newer says
 * otherwise) and linked to its donor; the payment becomes one donation
 * (giving/record-invoice-payment).
 */
export const handleInvoicePaid: EventHandler = async (ctx, event) => {
  const invoice = event.data.object as Stripe.Invoice;
  const membership = await membershipForInvoice(ctx, invoice);
  if (!membership) {
    ctx.logger.info({ event_id: event.id, invoice_id: invoice.id }, 'invoice is not for a Sustain membership; ignored');
    return;
  }
  const paidAt = new Date((invoice.status_transitions?.paid_at ?? event.created) * 1000);
  const donorId = await donorForInvoice(ctx, invoice, membership);
  const linked = await applyStatusHint(ctx.trx, membership, 'active', paidAt, {
    donor_id: donorId,
    stripe_customer_id: idOf(invoice.customer) ?? membership.stripe_customer_id,
    stripe_subscription_id: subscriptionOf(invoice).subscriptionId,
  });
  await recordInvoicePayment(ctx.trx, linked, {
    invoiceId: invoice.id!,
    currency: invoice.currency,
    amountPaid: invoice.amount_paid,
    paymentIntentId: paymentIntentOf(invoice),
    paidAt,
  });
};

/** `invoice.payment_failed`: the membership is past due, and the member is asked to fix their card (once per invoice). */
export const handleInvoicePaymentFailed: EventHandler = async (ctx, event) => {
  const invoice = event.data.object as Stripe.Invoice;
  const membership = await membershipForInvoice(ctx, invoice);
  if (!membership) return;
  const donorId = await donorForInvoice(ctx, invoice, membership);
  const failedAt = new Date(event.created * 1000);
  // Each retry that fails reports again; keep the newest, whatever order the reports arrive in.
  const held = membership.payment_failed_at;
  const paymentFailedAt = held && held > failedAt ? held : failedAt;
  const after = await applyStatusHint(ctx.trx, membership, 'past_due', failedAt, { donor_id: donorId, payment_failed_at: paymentFailedAt });
  // Only news if it is still true: a late or replayed failure after the invoice was paid sends nothing.
  if (after.status === 'past_due' && !(await isInvoicePaid(ctx.trx, invoice.id!))) await queuePaymentFailedEmail(ctx.trx, after, invoice.id!);
};

async function donorForInvoice(ctx: HandlerContext, invoice: Stripe.Invoice, membership: MembershipRow): Promise<string | null> {
  if (!invoice.customer_email) return membership.donor_id;
  const donor = await upsertDonorFromStripe(ctx.trx, {
    customerId: idOf(invoice.customer),
    email: invoice.customer_email,
    name: invoice.customer_name ?? null,
    address: invoice.customer_address ?? null,
  });
  return membership.donor_id ?? donor.id;
}
