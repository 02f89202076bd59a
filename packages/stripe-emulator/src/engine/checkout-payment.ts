import { chargeOutcome, chargePaymentIntent } from './billing';
import type { CardDetails } from './test-cards';
import { successUrlFor } from './checkout-sessions';
import type { EmulatorContext } from './context';
import { buildCustomer } from './customers';
import { eventOf, type NewEvent } from './events';
import { buildPaymentIntent } from './payment-intents';
import { billingDetailsFromForm, createCardPaymentMethod } from './payment-methods';
import type { CheckoutSessionRecord } from './store';
import type { CheckoutSession, PaymentIntent } from './stripe-objects';

/**
 * Paying a payment-mode checkout session with a card from the hosted page
 * (subscription mode: `checkout-subscription.ts`). Everything here is
 * synchronous, so two submits of the same form cannot both pay: the second
 * sees the session already complete.
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

/** Marks a session paid by `customerId` with the card from the form; shared with subscription mode. */
export function completeSession(session: CheckoutSession, customerId: string | null, card: CardDetails): NewEvent {
  const billing = billingDetailsFromForm(card);
  Object.assign(session, {
    status: 'complete',
    payment_status: 'paid',
    customer: customerId,
    customer_details: {
      address: billing.address,
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
  } satisfies Partial<CheckoutSession>);
  return eventOf('checkout.session.completed', session);
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
  const paymentIntent = paymentIntentFor(ctx, record);
  const paymentMethod = createCardPaymentMethod(ctx, card, billingDetailsFromForm(card));
  // The customer is only created for a payment that goes through, so a decline leaves none behind.
  if (chargeOutcome(card, ctx.clock.now()).approved) paymentIntent.customer = customerFor(ctx, record, card);

  const attempt = chargePaymentIntent(ctx, paymentIntent, paymentMethod);
  if (attempt.declineMessage !== null) {
    return { paid: false, message: attempt.declineMessage, events: attempt.events };
  }
  const customerId = typeof paymentIntent.customer === 'string' ? paymentIntent.customer : null;
  return {
    paid: true,
    redirectTo: successUrlFor(session),
    events: [...attempt.events, completeSession(session, customerId, card)],
  };
}
