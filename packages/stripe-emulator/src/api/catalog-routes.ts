import { Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../engine/context';
import { resourceMissing } from '../engine/errors';
import { expandObject } from './expand';
import { expandParam, parseParams } from './params';

/** `GET /v1/prices/:id` and `GET /v1/products/:id`. */

export function catalogRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const retrieveSchema = z.strictObject({ expand: expandParam });

  router.get('/v1/prices/:id', (req, res) => {
    const params = parseParams(retrieveSchema, req.query);
    const price = ctx.store.prices.get(req.params.id);
    if (!price) throw resourceMissing('price', req.params.id, 'price');
    res.json(expandObject(ctx.store, price, params.expand));
  });

  router.get('/v1/products/:id', (req, res) => {
    const params = parseParams(retrieveSchema, req.query);
    const product = ctx.store.products.get(req.params.id);
    if (!product) throw resourceMissing('product', req.params.id, 'id');
    res.json(expandObject(ctx.store, product, params.expand));
  });

  return router;
}
