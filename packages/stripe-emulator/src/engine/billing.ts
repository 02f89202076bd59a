import { buildCharge } from './charges';
import type { EmulatorContext } from './context';
import { eventOf, type NewEvent } from './events';
import type { PaymentMethodRecord, SavedCard } from './store';
import type { Charge, PaymentIntent } from './stripe-objects';
import { EXPIRED_CARD, testCard, type ChargeOutcome } from './test-cards';

/**
 * Charging a saved card for a payment intent: the one place a charge is
 * attempted, for a checkout payment, a membership's first invoice, a renewal
 * or a retry. A payment intent is kept across a decline and charged again
 * later (a new card on the page, a retry of an invoice), each attempt a charge.
 */

/** What charging the card now does: a saved card past its expiry month is refused whatever its number. */
export function chargeOutcome(card: SavedCard, now: number): ChargeOutcome {
  const date = new Date(now * 1000);
  const thisMonth = date.getUTCFullYear() * 12 + date.getUTCMonth() + 1;
  if (card.expYear * 12 + card.expMonth < thisMonth) return EXPIRED_CARD;
  return testCard(card.number).charge;
}

export interface PaymentAttempt {
  charge: Charge;
  /** Null when the charge succeeded; else the decline message a payer sees. */
  declineMessage: string | null;
  /** `charge.*` then `payment_intent.*`, in Stripe's order. */
  events: NewEvent[];
}

export function chargePaymentIntent(
  ctx: EmulatorContext,
  paymentIntent: PaymentIntent,
  paymentMethod: PaymentMethodRecord,
): PaymentAttempt {
  const outcome = chargeOutcome(paymentMethod.card, ctx.clock.now());
  const charge = buildCharge(ctx, { paymentIntent, paymentMethod, outcome });
  ctx.store.charges.set(charge.id, charge);
  paymentIntent.latest_charge = charge.id;

  if (outcome.approved) {
    Object.assign(paymentIntent, {
      amount_received: paymentIntent.amount,
      last_payment_error: null,
      payment_method: paymentMethod.paymentMethod.id,
      status: 'succeeded',
    } satisfies Partial<PaymentIntent>);
    return {
      charge,
      declineMessage: null,
      events: [eventOf('charge.succeeded', charge), eventOf('payment_intent.succeeded', paymentIntent)],
    };
  }

  // After a decline Stripe detaches the card from the intent, which waits for another.
  Object.assign(paymentIntent, {
    payment_method: null,
    status: 'requires_payment_method',
    last_payment_error: {
      charge: charge.id,
      code: outcome.code,
      decline_code: outcome.declineCode,
      doc_url: `https://docs.stripe.com/error-codes/${outcome.code.replace(/_/g, '-')}`,
      message: outcome.message,
      payment_method_type: 'card',
      type: 'card_error',
    },
  } satisfies Partial<PaymentIntent>);
  return {
    charge,
    declineMessage: outcome.message,
    events: [eventOf('charge.failed', charge), eventOf('payment_intent.payment_failed', paymentIntent)],
  };
}
