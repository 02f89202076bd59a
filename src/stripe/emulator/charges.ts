import { Router } from 'express';
import { z } from 'zod';
import type { CardDetails } from './card-form';
import type { EmulatorContext } from './context';
import { resourceMissing } from './errors';
import { expandObject } from './expand';
import { cardFingerprint, newId } from './ids';
import { expandParam, parseParams } from './params';
import type { Charge, PaymentIntent } from './stripe-objects';
import type { ChargeOutcome, TestCard } from './test-cards';

/**
 * Charges: the record of one attempt to move money for a payment intent,
 * succeeded or failed. Card details are what a real charge exposes (brand,
 * last 4, expiry), never the number. A later task adds refunds here.
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
      result.declineCode === 'insufficient_funds'
        ? 'The bank returned the decline code `insufficient_funds`.'
        : 'The bank did not return any further details with this decline.',
    type: 'issuer_declined',
  };
}

export interface ChargeInput {
  paymentIntent: PaymentIntent;
  paymentMethodId: string;
  card: CardDetails;
  testCard: TestCard;
}

export function buildCharge(ctx: EmulatorContext, input: ChargeInput): Charge {
  const { paymentIntent, card, testCard } = input;
  const approved = testCard.charge.approved;
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
    billing_details: {
      address: { city: null, country: 'US', line1: null, line2: null, postal_code: card.postalCode, state: null },
      email: card.email,
      name: card.name,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: 'SUSTAIN TEST',
    captured: approved,
    created: ctx.clock.now(),
    currency: paymentIntent.currency,
    customer: typeof paymentIntent.customer === 'string' ? paymentIntent.customer : null,
    description: paymentIntent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: approved ? null : 'card_declined',
    failure_message: testCard.charge.approved ? null : testCard.charge.message,
    fraud_details: {},
    livemode: false,
    metadata: { ...paymentIntent.metadata },
    on_behalf_of: null,
    outcome: outcomeFor(testCard.charge),
    paid: approved,
    payment_intent: paymentIntent.id,
    payment_method: input.paymentMethodId,
    payment_method_details: {
      type: 'card',
      card: {
        amount_authorized: approved ? paymentIntent.amount : null,
        authorization_code: approved ? '123456' : null,
        brand: testCard.brand,
        checks: { address_line1_check: null, address_postal_code_check: 'pass', cvc_check: 'pass' },
        country: 'US',
        electronic_commerce_indicator: null,
        exp_month: card.expMonth,
        exp_year: card.expYear,
        fingerprint: cardFingerprint(card.number),
        funding: 'credit',
        installments: null,
        last4: testCard.last4,
        mandate: null,
        network: testCard.brand,
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

export function chargeRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  router.get('/v1/charges/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand: expandParam }), req.query);
    const charge = ctx.store.charges.get(req.params.id);
    if (!charge) throw resourceMissing('charge', req.params.id, 'charge');
    res.json(expandObject(ctx.store, charge, params.expand));
  });
  return router;
}
