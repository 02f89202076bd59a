import { Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../engine/context';
import { findCustomer } from '../engine/customers';
import { resourceMissing } from '../engine/errors';
import { newestFirst } from '../engine/store';
import { expandObject } from './expand';
import { listParams, paginate } from './lists';
import { expandParam, ignoredParam, parseParams } from './params';

/** `GET /v1/payment_methods/:id` and `GET /v1/customers/:id/payment_methods`. */

const listSchema = z.strictObject({
  ...listParams,
  type: z.string().optional(),
  allow_redisplay: ignoredParam,
  expand: expandParam,
});

export function paymentMethodRoutes(ctx: EmulatorContext): Router {
  const router = Router();

  router.get('/v1/payment_methods/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand: expandParam }), req.query);
    const record = ctx.store.paymentMethods.get(req.params.id);
    if (!record) throw resourceMissing('PaymentMethod', req.params.id, 'payment_method');
    res.json(expandObject(ctx.store, record.paymentMethod, params.expand));
  });

  router.get('/v1/customers/:id/payment_methods', (req, res) => {
    const customer = findCustomer(ctx, req.params.id);
    const params = parseParams(listSchema, req.query);
    const methods = newestFirst(ctx.store.paymentMethods).map((record) => record.paymentMethod);
    const list = paginate(
      methods,
      (method) => method.customer === customer.id && (params.type === undefined || method.type === params.type),
      params,
      `/v1/customers/${customer.id}/payment_methods`,
      'payment_method',
    );
    res.json(expandObject(ctx.store, list, params.expand));
  });

  return router;
}
