import type Stripe from 'stripe';
import { upsertDonorFromStripe } from '../../donors/donor-queries';
import { lockDonation, type DonationRow } from '../../giving/donation-queries';
import { applyStatusHint } from '../../members/apply-subscription';
import { idOf } from '../../stripe/object-id';
import { queuePaymentFailedEmail } from '../../members/membership-emails';
import { lockMembershipFor, type MembershipRow } from '../../members/membership-queries';
import { METADATA_SOURCE } from '../../giving/create-checkout-session';
import { feePortion } from '../../lib/money';
import { readSettings } from '../../settings/settings';
import type { EventHandler, HandlerContext } from '../handler-types';
import { markDonationSucceeded } from './donation-paid';
import { createMembershipFromStripe } from './subscription';

const FREQUENCY = { month: 'monthly', year: 'annual' } as const;
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
  return createMembershipFromStripe(ctx, {
    subscriptionId,
    customerId: idOf(invoice.customer),
    currency: invoice.currency,
    amount: line?.amount ?? invoice.amount_paid,
    interval: days >= YEARLY_PERIOD_DAYS ? 'year' : 'month',
  });
}

/**
 * `invoice.paid`: one donation per paid invoice (unique by invoice id),
 * linked to its membership, the first invoice included — so the payment is
 * counted once whichever of the checkout, subscription and invoice events
 * comes first. The receipt follows from the donation becoming paid.
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
  if (invoice.amount_paid <= 0) return; // trials and fully discounted invoices move no money
  const donation = await donationForInvoice(ctx, invoice, linked);
  if (donation.status !== 'pending') return; // already recorded (a replay, or a dispute since)
  await markDonationSucceeded(ctx.trx, donation, {
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
  const after = await applyStatusHint(ctx.trx, membership, 'past_due', new Date(event.created * 1000), { donor_id: donorId });
  // Only news if it is still true: a late or replayed failure after the invoice was paid sends nothing.
  const paidSince = await ctx.trx('donations').where({ stripe_invoice_id: invoice.id }).first('id');
  if (after.status === 'past_due' && !paidSince) await queuePaymentFailedEmail(ctx.trx, after, invoice.id!);
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

async function donationForInvoice(ctx: HandlerContext, invoice: Stripe.Invoice, membership: MembershipRow): Promise<DonationRow> {
  const { giving } = await readSettings(ctx.trx);
  const fees = membership.fee_covered
    ? feePortion(invoice.amount_paid, { percentBps: giving.fee_percent_bps, fixed: giving.fee_fixed })
    : 0;
  const inserted: { id: string }[] = await ctx.trx('donations')
    .insert({
      status: 'pending',
      frequency: FREQUENCY[membership.interval],
      currency: invoice.currency,
      amount: invoice.amount_paid,
      fee_amount: fees,
      fee_covered: fees > 0,
      membership_id: membership.id,
      donor_id: membership.donor_id,
      stripe_invoice_id: invoice.id,
      anonymous: membership.anonymous,
      tribute_name: membership.tribute_name,
      article_url: membership.article_url,
      article_title: membership.article_title,
      campaign: membership.campaign,
      utm_source: membership.utm_source,
      utm_medium: membership.utm_medium,
      utm_campaign: membership.utm_campaign,
      utm_content: membership.utm_content,
      referrer: membership.referrer,
      cta_variant: membership.cta_variant,
    })
    .onConflict('stripe_invoice_id')
    .ignore()
    .returning('id');
  const id = inserted[0]?.id ?? (await ctx.trx('donations').where({ stripe_invoice_id: invoice.id }).first('id')).id;
  return (await lockDonation(ctx.trx, id))!;
}
