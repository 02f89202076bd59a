import { Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../engine/context';
import { invalidRequest, missingReference, resourceMissing } from '../engine/errors';
import { refundCharge } from '../engine/refunds';
import { newestFirst } from '../engine/store';
import type { Charge } from '../engine/stripe-objects';
import { eventRequest } from './api-auth';
import { expandObject } from './expand';
import { listParams, paginate } from './lists';
import { expandParam, ignored, inRange, metadataParam, notEmulated, optionalString, parseParams, positiveIntegerParam } from './params';

/** `POST /v1/refunds` and `GET /v1/refunds[/:id]`; what a refund does is in `engine/refunds.ts`. */

const createSchema = z.strictObject({
  charge: optionalString,
  payment_intent: optionalString,
  amount: positiveIntegerParam.optional(),
  reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  metadata: metadataParam,
  expand: expandParam,
  ...ignored('instructions_email', 'refund_application_fee', 'reverse_transfer'),
  ...notEmulated('currency', 'customer', 'origin'),
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

export function refundRoutes(ctx: EmulatorContext): Router {
  const router = Router();

  router.post('/v1/refunds', (req, res) => {
    const params = parseParams(createSchema, req.body);
    const charge = chargeToRefund(ctx, params);
    const { refund, events } = refundCharge(ctx, charge, params.amount, params);
    ctx.logger.info({ refund: refund.id, charge: charge.id }, 'stripe emulator refunded a charge');
    // Stripe delivers webhooks independently of the API call; the answer does not wait for them.
    void ctx.events.publish(events, eventRequest(res));
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
