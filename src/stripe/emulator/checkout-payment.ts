import type { CardDetails } from './card-form';
import { buildCharge } from './charges';
import { successUrlFor } from './checkout-sessions';
import type { EmulatorContext } from './context';
import { buildCustomer } from './customers';
import type { NewEvent } from './events';
import { newId } from './ids';
import { buildPaymentIntent } from './payment-intents';
import type { CheckoutSessionRecord } from './store';
import type { PaymentIntent } from './stripe-objects';
import { testCard } from './test-cards';

/**
 * Paying a payment-mode checkout session with a card from the hosted page.
 * Everything here is synchronous, so two submits of the same form cannot
 * both pay: the second sees the session already complete.
 */

export type PaymentResult =
  | { paid: true; events: NewEvent[]; redirectTo: string }
  | { paid: false; events: NewEvent[]; message: string };

/** The session's payment intent, made on the first attempt and reused after a decline. */
function paymentIntentFor(ctx: EmulatorContext, record: CheckoutSessionRecord): PaymentIntent {
  const { session } = record;
  const existingId = typeof session.payment_intent === 'string' ? session.payment_intent : null;
  const existing = existingId ? ctx.store.paymentIntents.get(existingId) : undefined;
  if (existing) return existing;
  const paymentIntent = buildPaymentIntent(ctx, {
    amount: session.amount_total ?? 0,
    currency: session.currency ?? 'usd',
    customer: typeof session.customer === 'string' ? session.customer : null,
    metadata: record.paymentIntentData.metadata,
    description: record.paymentIntentData.description,
  });
  ctx.store.paymentIntents.set(paymentIntent.id, paymentIntent);
  session.payment_intent = paymentIntent.id;
  return paymentIntent;
}

/**
 * A customer exists after payment when the session named one, or when it
 * asked for `customer_creation=always`; otherwise Stripe records a guest and
 * `customer` stays null.
 */
function customerFor(ctx: EmulatorContext, record: CheckoutSessionRecord, card: CardDetails): string | null {
  const { session } = record;
  if (typeof session.customer === 'string') return session.customer;
  if (session.customer_creation !== 'always') return null;
  const customer = buildCustomer(ctx.clock, { email: card.email, name: card.name });
  ctx.store.customers.set(customer.id, customer);
  return customer.id;
}

export function payCheckoutSession(
  ctx: EmulatorContext,
  record: CheckoutSessionRecord,
  card: CardDetails,
): PaymentResult {
  const { session } = record;
  if (session.status !== 'open' || session.mode !== 'payment') {
    throw new Error(`session ${session.id} cannot be paid (status ${String(session.status)}, mode ${session.mode})`);
  }
  const cardOutcome = testCard(card.number);
  const paymentIntent = paymentIntentFor(ctx, record);
  const paymentMethodId = newId('paymentMethod');

  if (!cardOutcome.charge.approved) {
    const charge = buildCharge(ctx, { paymentIntent, paymentMethodId, card, testCard: cardOutcome });
    ctx.store.charges.set(charge.id, charge);
    paymentIntent.latest_charge = charge.id;
    paymentIntent.payment_method = null;
    paymentIntent.status = 'requires_payment_method';
    paymentIntent.last_payment_error = {
      charge: charge.id,
      code: 'card_declined',
      decline_code: cardOutcome.charge.declineCode,
      doc_url: 'https://docs.stripe.com/error-codes/card-declined',
      message: cardOutcome.charge.message,
      payment_method_type: 'card',
      type: 'card_error',
    };
    return {
      paid: false,
      message: cardOutcome.charge.message,
      events: [
        { type: 'charge.failed', object: charge },
        { type: 'payment_intent.payment_failed', object: paymentIntent },
      ],
    };
  }

  const customerId = customerFor(ctx, record, card);
  paymentIntent.customer = customerId;
  const charge = buildCharge(ctx, { paymentIntent, paymentMethodId, card, testCard: cardOutcome });
  ctx.store.charges.set(charge.id, charge);
  Object.assign(paymentIntent, {
    amount_received: paymentIntent.amount,
    last_payment_error: null,
    latest_charge: charge.id,
    payment_method: paymentMethodId,
    status: 'succeeded',
  } satisfies Partial<PaymentIntent>);

  Object.assign(session, {
    status: 'complete',
    payment_status: 'paid',
    customer: customerId,
    customer_details: {
      address: { city: null, country: 'US', line1: null, line2: null, postal_code: card.postalCode, state: null },
      business_name: null,
      email: card.email,
      individual_name: null,
      name: card.name,
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    },
    collected_information: { business_name: null, individual_name: null, shipping_details: null },
    // Stripe only returns the hosted page URL while the session is open.
    url: null,
  } satisfies Partial<typeof session>);

  return {
    paid: true,
    redirectTo: successUrlFor(session),
    events: [
      { type: 'charge.succeeded', object: charge },
      { type: 'payment_intent.succeeded', object: paymentIntent },
      { type: 'checkout.session.completed', object: session },
    ],
  };
}
