import { Router } from 'express';
import { z } from 'zod';
import { formatMoney } from '../../lib/money';
import { eventRequest } from './api-auth';
import type { EmulatorContext } from './context';
import { StripeApiError, invalidRequest, missingReference, resourceMissing } from './errors';
import { eventOf } from './events';
import { expandObject } from './expand';
import { newId } from './ids';
import { listParams, paginate } from './lists';
import { expandParam, ignoredParam, inRange, metadataParam, notEmulatedParam, optionalString, parseParams, positiveIntegerParam } from './params';
import { newestFirst } from './store';
import type { Charge, Refund } from './stripe-objects';

/**
 * `POST /v1/refunds` and `GET /v1/refunds[/:id]`. Card refunds succeed at
 * once in test mode. The charge keeps the running total in
 * `amount_refunded`, and `charge.refunded` carries the whole charge, so a
 * handler can apply it whichever refund event it sees last.
 */

const createSchema = z.strictObject({
  charge: optionalString,
  payment_intent: optionalString,
  amount: positiveIntegerParam.optional(),
  reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  metadata: metadataParam,
  expand: expandParam,
  instructions_email: ignoredParam,
  refund_application_fee: ignoredParam,
  reverse_transfer: ignoredParam,
  currency: notEmulatedParam,
  customer: notEmulatedParam,
  origin: notEmulatedParam,
});

const listSchema = z.strictObject({
  ...listParams,
  charge: z.string().optional(),
  payment_intent: z.string().optional(),
  expand: expandParam,
});

type CreateParams = z.output<typeof createSchema>;

/** The charge a refund request names, directly or through its payment intent's successful charge. */
function chargeToRefund(ctx: EmulatorContext, params: CreateParams): Charge {
  if (params.charge === undefined && params.payment_intent === undefined) {
    throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.');
  }
  if (params.charge !== undefined && params.payment_intent !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: charge, payment_intent.', 'payment_intent');
  }
  if (params.charge !== undefined) {
    const charge = ctx.store.charges.get(params.charge);
    if (!charge) throw missingReference('charge', params.charge, 'charge');
    return charge;
  }
  const paymentIntent = ctx.store.paymentIntents.get(params.payment_intent!);
  if (!paymentIntent) throw missingReference('payment_intent', params.payment_intent!, 'payment_intent');
  const charge = paymentIntent.status === 'succeeded' ? ctx.store.charges.get(String(paymentIntent.latest_charge)) : undefined;
  if (!charge) {
    throw invalidRequest(`This PaymentIntent (${paymentIntent.id}) does not have a successful charge to refund.`, 'payment_intent');
  }
  return charge;
}

function checkAmount(charge: Charge, amount: number): void {
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (charge.status !== 'succeeded') {
    throw invalidRequest(`Charge ${charge.id} has not succeeded, so it cannot be refunded.`, 'charge');
  }
  if (remaining <= 0) {
    throw new StripeApiError(400, 'invalid_request_error', `Charge ${charge.id} has already been refunded.`, {
      code: 'charge_already_refunded',
    });
  }
  if (amount > remaining) {
    const money = (minor: number) => formatMoney(minor, charge.currency);
    const of = charge.amount_refunded > 0 ? 'unrefunded amount on charge' : 'charge amount';
    throw invalidRequest(`Refund amount (${money(amount)}) is greater than ${of} (${money(remaining)})`, 'amount');
  }
}

function buildRefund(ctx: EmulatorContext, charge: Charge, amount: number, params: CreateParams): Refund {
  return {
    id: newId('refund'),
    object: 'refund',
    amount,
    balance_transaction: null,
    charge: charge.id,
    created: ctx.clock.now(),
    currency: charge.currency,
    customer: null,
    customer_account: null,
    destination_details: {
      type: 'card',
      card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
    },
    metadata: params.metadata ?? {},
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason: params.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}

export function refundRoutes(ctx: EmulatorContext): Router {
  const router = Router();

  router.post('/v1/refunds', (req, res) => {
    const params = parseParams(createSchema, req.body);
    const charge = chargeToRefund(ctx, params);
    const amount = params.amount ?? charge.amount_captured - charge.amount_refunded;
    checkAmount(charge, amount);
    const refund = buildRefund(ctx, charge, amount, params);
    ctx.store.refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    ctx.logger.info({ refund: refund.id, charge: charge.id }, 'stripe emulator refunded a charge');
    // Stripe delivers webhooks independently of the API call; the answer does not wait for them.
    void ctx.events.publish([eventOf('refund.created', refund), eventOf('charge.refunded', charge)], eventRequest(res));
    res.json(expandObject(ctx.store, refund, params.expand));
  });

  router.get('/v1/refunds', (req, res) => {
    const params = parseParams(listSchema, req.query);
    const list = paginate(
      newestFirst(ctx.store.refunds),
      (refund) =>
        inRange(refund.created, params.created) &&
        (params.charge === undefined || refund.charge === params.charge) &&
        (params.payment_intent === undefined || refund.payment_intent === params.payment_intent),
      params,
      '/v1/refunds',
      'refund',
    );
    res.json(expandObject(ctx.store, list, params.expand));
  });

  router.get('/v1/refunds/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand: expandParam }), req.query);
    const refund = ctx.store.refunds.get(req.params.id);
    if (!refund) throw resourceMissing('refund', req.params.id, 'refund');
    res.json(expandObject(ctx.store, refund, params.expand));
  });

  return router;
}
