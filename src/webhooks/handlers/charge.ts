import type Stripe from 'stripe';
import { z } from 'zod';
import { applyCharge } from '../../giving/apply-charge';
import type { ChargeFacts } from '../../giving/charge-facts';
import { idOf } from '../../stripe/object-id';
import type { EventHandler } from '../handler-types';

const donationId = z.uuid();
const BANK_DEBITS = ['us_bank_account', 'acss_debit', 'au_becs_debit', 'bacs_debit', 'sepa_debit'] as const;

/** The facts of a Stripe charge that a donation keeps: card or bank account, refunds, our id from metadata. */
export function chargeFactsFrom(charge: Stripe.Charge): ChargeFacts {
  const details = charge.payment_method_details;
  const ours = charge.metadata?.donation_id;
  let last4: string | null = details?.card?.last4 ?? null;
  for (const type of BANK_DEBITS) {
    if (details?.type === type) last4 = (details[type] as { last4?: string | null } | undefined)?.last4 ?? null;
  }
  return {
    id: charge.id,
    payment_intent_id: idOf(charge.payment_intent),
    donation_id: ours && donationId.safeParse(ours).success ? ours : null,
    currency: charge.currency,
    amount: charge.amount,
    amount_refunded: charge.amount_refunded ?? 0,
    refunded: charge.refunded === true,
    payment_method_type: details?.type ?? null,
    card_brand: details?.card?.brand ?? null,
    card_last4: last4,
    created: new Date(charge.created * 1000),
  };
}

/**
 * `charge.succeeded` and `charge.refunded`. Both carry the whole charge: its
 * card and its cumulative `amount_refunded`; giving/apply-charge keeps the
 * facts and applies them to the donation, in whichever order they come.
 */
export const handleChargeEvent: EventHandler = async (ctx, event) => {
  const charge = event.data.object as Stripe.Charge;
  if (charge.status === 'failed') return;
  const applied = await applyCharge(ctx.trx, chargeFactsFrom(charge), ctx.logger);
  if (!applied) {
    ctx.logger.info({ event_id: event.id, charge_id: charge.id }, 'charge has no donation yet; its facts are kept');
    return;
  }
  const change = applied.receipt;
  if (change && change.kind !== 'none') {
    ctx.logger.info(
      { event_id: event.id, donation_id: applied.donation.id, receipt_id: change.receipt.id, receipt_change: change.kind },
      'receipt updated after charge',
    );
  }
};
