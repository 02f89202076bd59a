import { Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../engine/context';
import { resourceMissing } from '../engine/errors';
import { expandObject } from './expand';
import { expandParam, parseParams } from './params';

/** `GET /v1/payment_intents/:id`. */

export function paymentIntentRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  router.get('/v1/payment_intents/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand: expandParam, client_secret: z.string().optional() }), req.query);
    const paymentIntent = ctx.store.paymentIntents.get(req.params.id);
    if (!paymentIntent) throw resourceMissing('payment_intent', req.params.id, 'intent');
    res.json(expandObject(ctx.store, paymentIntent, params.expand));
  });
  return router;
}
