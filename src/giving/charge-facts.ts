import type { DonationRow } from './donation-queries';

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

/** Metadata can be copied between objects by other tools; the Stripe ids we recorded win. */
export function chargeBelongsTo(donation: DonationRow, facts: ChargeFacts): boolean {
  const otherIntent =
    donation.stripe_payment_intent_id && facts.payment_intent_id && donation.stripe_payment_intent_id !== facts.payment_intent_id;
  const otherCharge = donation.stripe_charge_id && donation.stripe_charge_id !== facts.id;
  return !otherIntent && !otherCharge;
}
