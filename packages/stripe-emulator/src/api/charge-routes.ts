import { Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../engine/context';
import { resourceMissing } from '../engine/errors';
import { newestFirst } from '../engine/store';
import { expandObject } from './expand';
import { listParams, paginate } from './lists';
import { expandParam, ignoredParam, inRange, parseParams } from './params';

/** `GET /v1/charges[/:id]`. */

const listSchema = z.strictObject({
  ...listParams,
  customer: z.string().optional(),
  payment_intent: z.string().optional(),
  expand: expandParam,
  transfer_group: ignoredParam,
});

export function chargeRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  router.get('/v1/charges', (req, res) => {
    const params = parseParams(listSchema, req.query);
    const list = paginate(
      newestFirst(ctx.store.charges),
      (charge) =>
        inRange(charge.created, params.created) &&
        (params.customer === undefined || charge.customer === params.customer) &&
        (params.payment_intent === undefined || charge.payment_intent === params.payment_intent),
      params,
      '/v1/charges',
      'charge',
    );
    res.json(expandObject(ctx.store, list, params.expand));
  });
  router.get('/v1/charges/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand: expandParam }), req.query);
    const charge = ctx.store.charges.get(req.params.id);
    if (!charge) throw resourceMissing('charge', req.params.id, 'charge');
    res.json(expandObject(ctx.store, charge, params.expand));
  });
  return router;
}
