import type { EmulatorContext } from './context';
import { newId } from './ids';
import type { PaymentMethodRecord } from './store';
import type { Charge, PaymentIntent } from './stripe-objects';
import type { ChargeOutcome } from './test-cards';

/**
 * Charges: the record of one attempt to move money for a payment intent,
 * succeeded or failed. Card details are what a real charge exposes (brand,
 * last 4, expiry), copied from the payment method, never the number. Refunds
 * live in `refunds.ts`; `refunds` on a charge is only there when expanded.
 */

function outcomeFor(result: ChargeOutcome): NonNullable<Charge['outcome']> {
  if (result.approved) {
    return {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      risk_score: 20,
      seller_message: 'Payment complete.',
      type: 'authorized',
    };
  }
  return {
    advice_code: result.declineCode === 'insufficient_funds' ? 'try_again_later' : 'do_not_try_again',
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'declined_by_network',
    reason: result.declineCode,
    risk_level: 'normal',
    risk_score: 20,
    seller_message:
      result.declineCode === 'generic_decline'
        ? 'The bank did not return any further details with this decline.'
        : `The bank returned the decline code \`${result.declineCode}\`.`,
    type: 'issuer_declined',
  };
}

export interface ChargeInput {
  paymentIntent: PaymentIntent;
  paymentMethod: PaymentMethodRecord;
  outcome: ChargeOutcome;
}

export function buildCharge(ctx: EmulatorContext, input: ChargeInput): Charge {
  const { paymentIntent, outcome } = input;
  const { paymentMethod } = input.paymentMethod;
  const card = paymentMethod.card!;
  const approved = outcome.approved;
  return {
    id: newId('charge'),
    object: 'charge',
    amount: paymentIntent.amount,
    amount_captured: approved ? paymentIntent.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: structuredClone(paymentMethod.billing_details),
    calculated_statement_descriptor: 'SUSTAIN TEST',
    captured: approved,
    created: ctx.clock.now(),
    currency: paymentIntent.currency,
    customer: typeof paymentIntent.customer === 'string' ? paymentIntent.customer : null,
    description: paymentIntent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: outcome.approved ? null : outcome.code,
    failure_message: outcome.approved ? null : outcome.message,
    fraud_details: {},
    livemode: false,
    metadata: { ...paymentIntent.metadata },
    on_behalf_of: null,
    outcome: outcomeFor(outcome),
    paid: approved,
    payment_intent: paymentIntent.id,
    payment_method: paymentMethod.id,
    payment_method_details: {
      type: 'card',
      card: {
        amount_authorized: approved ? paymentIntent.amount : null,
        authorization_code: approved ? '123456' : null,
        brand: card.brand,
        checks: { address_line1_check: null, address_postal_code_check: 'pass', cvc_check: 'pass' },
        country: card.country,
        electronic_commerce_indicator: null,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        fingerprint: card.fingerprint ?? null,
        funding: card.funding,
        installments: null,
        last4: card.last4,
        mandate: null,
        network: card.brand,
        network_token: { used: false },
        network_transaction_id: null,
        regulated_status: 'unregulated',
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
    },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: approved ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  };
}
