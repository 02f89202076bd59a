import type { Db } from '../db/knex';
import type { ChargeFacts } from './charge-facts';
import type { DonationRow } from './donation-queries';

/**
 * Merges a charge snapshot into what we hold. Snapshots of one charge arrive
 * out of order, so the merge is monotonic: the refunded amount only grows, a
 * full refund stays full, known card details are kept.
 */
export async function recordCharge(db: Db, facts: ChargeFacts): Promise<ChargeFacts> {
  const { rows } = await db.raw(
    `insert into stripe_charges
       (id, payment_intent_id, donation_id, currency, amount, amount_refunded, refunded,
        payment_method_type, card_brand, card_last4, created)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (id) do update set
       payment_intent_id = coalesce(stripe_charges.payment_intent_id, excluded.payment_intent_id),
       donation_id = coalesce(stripe_charges.donation_id, excluded.donation_id),
       amount_refunded = greatest(stripe_charges.amount_refunded, excluded.amount_refunded),
       refunded = stripe_charges.refunded or excluded.refunded,
       payment_method_type = coalesce(excluded.payment_method_type, stripe_charges.payment_method_type),
       card_brand = coalesce(excluded.card_brand, stripe_charges.card_brand),
       card_last4 = coalesce(excluded.card_last4, stripe_charges.card_last4),
       updated_at = now()
     returning id, payment_intent_id, donation_id, currency, amount, amount_refunded, refunded,
               payment_method_type, card_brand, card_last4, created`,
    [
      facts.id,
      facts.payment_intent_id,
      facts.donation_id,
      facts.currency,
      facts.amount,
      facts.amount_refunded,
      facts.refunded,
      facts.payment_method_type,
      facts.card_brand,
      facts.card_last4,
      facts.created,
    ],
  );
  return rows[0] as ChargeFacts;
}

/** The charge that paid a donation, if we have heard of it: by charge id, payment intent, or our id in its metadata. */
export async function findChargeForDonation(
  db: Db,
  donation: Pick<DonationRow, 'id' | 'stripe_payment_intent_id' | 'stripe_charge_id'>,
): Promise<ChargeFacts | undefined> {
  return db('stripe_charges')
    .where((q) => {
      if (donation.stripe_charge_id) q.orWhere('id', donation.stripe_charge_id);
      if (donation.stripe_payment_intent_id) q.orWhere('payment_intent_id', donation.stripe_payment_intent_id);
      q.orWhere((inner) => {
        inner.where('donation_id', donation.id);
        // Metadata names us, but a charge of another payment intent is not this donation's.
        if (donation.stripe_payment_intent_id) {
          inner.where((pi) => pi.whereNull('payment_intent_id').orWhere('payment_intent_id', donation.stripe_payment_intent_id));
        }
      });
    })
    .orderBy('created', 'desc')
    .first();
}

/**
 * Serialises, per payment intent, "record a charge nobody claims yet" against
 * "mark a donation paid and look for its charge". Without it both could commit
 * without seeing each other (each reads before the other commits) and the
 * card and refund facts would never reach the donation. Transaction-scoped:
 * released at commit or rollback.
 */
export async function lockPaymentIntent(db: Db, paymentIntentId: string): Promise<void> {
  await db.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`stripe_payment_intent:${paymentIntentId}`]);
}
