import type { EmulatorContext } from './context';
import { newClientSecret, newId } from './ids';
import type { Metadata, PaymentIntent } from './stripe-objects';

/**
 * Payment intents as Checkout creates them: one per payment-mode session,
 * made when the buyer first submits a card (not when the session is
 * created, as since API version 2022-08-01), kept across a decline and a
 * retry, and succeeded by the charge that goes through.
 */

export interface PaymentIntentInput {
  amount: number;
  currency: string;
  customer: string | null;
  metadata: Metadata;
  description: string | null;
}

export function buildPaymentIntent(ctx: EmulatorContext, input: PaymentIntentInput): PaymentIntent {
  const id = newId('paymentIntent');
  return {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: newClientSecret(id),
    confirmation_method: 'automatic',
    created: ctx.clock.now(),
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: { ...input.metadata },
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
}
