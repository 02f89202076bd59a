import type Stripe from 'stripe';
import type { Db } from '../../db/knex';
import type { DonationRow } from '../../giving/donation-queries';

/**
 * What a Stripe charge tells us about a donation: the card it was paid with
 * (for the receipt), its id (for refunds) and how much of it was refunded.
 * Charge events and the event that marks a donation paid arrive in any order,
 * so the facts are kept in `stripe_charges` and merged from either side.
 */
export interface ChargeFacts {
  id: string;
  payment_intent_id: string | null;
  donation_id: string | null;
  currency: string;
  amount: number;
  /** Cumulative, as Stripe reports it on the charge. */
  amount_refunded: number;
  /** Stripe sets this only once the whole charge is refunded. */
  refunded: boolean;
  payment_method_type: string | null;
  card_brand: string | null;
  card_last4: string | null;
  created: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const BANK_DEBITS = ['us_bank_account', 'acss_debit', 'au_becs_debit', 'bacs_debit', 'sepa_debit'] as const;

export function chargeFactsFrom(charge: Stripe.Charge): ChargeFacts {
  const details = charge.payment_method_details;
  const donationId = charge.metadata?.donation_id;
  let last4: string | null = details?.card?.last4 ?? null;
  for (const type of BANK_DEBITS) {
    if (details?.type === type) last4 = (details[type] as { last4?: string | null } | undefined)?.last4 ?? null;
  }
  return {
    id: charge.id,
    payment_intent_id: typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null),
    donation_id: donationId && UUID.test(donationId) ? donationId : null,
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

/** The refunded amount a charge implies, whichever of Stripe's two fields says more. */
export function refundedAmountOf(charge: ChargeFacts): number {
  return charge.refunded ? Math.max(charge.amount_refunded, charge.amount) : charge.amount_refunded;
}

/** Donation columns a charge fills in. The refunded amount only ever grows. */
export function donationChangesFromCharge(donation: DonationRow, charge: ChargeFacts): Partial<DonationRow> {
  return {
    stripe_charge_id: donation.stripe_charge_id ?? charge.id,
    payment_method_type: charge.payment_method_type ?? donation.payment_method_type,
    card_brand: charge.card_brand ?? donation.card_brand,
    card_last4: charge.card_last4 ?? donation.card_last4,
    amount_refunded: Math.max(donation.amount_refunded, refundedAmountOf(charge)),
  };
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
