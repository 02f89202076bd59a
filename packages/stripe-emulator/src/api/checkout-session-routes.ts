import { Router } from 'express';
import { z } from 'zod';
import { eventRequest } from './api-auth';
import type { EmulatorContext } from '../engine/context';
import { invalidRequest, resourceMissing } from '../engine/errors';
import { expandObject } from './expand';
import { lineItemList } from './includable-fields';
import { listParams, paginate } from './lists';
import { createSessionSchema } from './checkout-session-params';
import { createCheckoutSession, expireSession } from '../engine/checkout-sessions';
import { expandParam, ignoredParam, inRange, parseParams } from './params';
import { newestFirst, type CheckoutSessionRecord } from '../engine/store';

/** `/v1/checkout/sessions`: create, retrieve, list, expire, list line items. */

const retrieveSchema = z.strictObject({ expand: expandParam });
const listSchema = z.strictObject({
  ...listParams,
  customer: z.string().optional(),
  payment_intent: z.string().optional(),
  status: z.enum(['open', 'complete', 'expired']).optional(),
  subscription: z.string().optional(),
  expand: expandParam,
  customer_details: ignoredParam,
  payment_link: ignoredParam,
});
const lineItemsSchema = z.strictObject({ ...listParams, expand: expandParam });

function findRecord(ctx: EmulatorContext, id: string): CheckoutSessionRecord {
  const record = ctx.store.checkoutSessions.get(id);
  if (!record) throw resourceMissing('checkout.session', id, 'session');
  return record;
}

export function checkoutSessionRoutes(ctx: EmulatorContext): Router {
  const router = Router();

  router.post('/v1/checkout/sessions', (req, res) => {
    const params = parseParams(createSessionSchema, req.body);
    const record = createCheckoutSession(ctx, params);
    const { id, mode } = record.session;
    ctx.logger.info({ session: id, mode }, 'stripe emulator created a checkout session');
    res.json(expandObject(ctx.store, record.session, params.expand));
  });

  router.get('/v1/checkout/sessions', (req, res) => {
    const params = parseParams(listSchema, req.query);
    const sessions = newestFirst(ctx.store.checkoutSessions).map((record) => record.session);
    const list = paginate(
      sessions,
      (session) =>
        inRange(session.created, params.created) &&
        (params.customer === undefined || session.customer === params.customer) &&
        (params.payment_intent === undefined || session.payment_intent === params.payment_intent) &&
        (params.subscription === undefined || session.subscription === params.subscription) &&
        (params.status === undefined || session.status === params.status),
      params,
      '/v1/checkout/sessions',
      'checkout.session',
    );
    res.json(expandObject(ctx.store, list, params.expand));
  });

  router.get('/v1/checkout/sessions/:id', (req, res) => {
    const params = parseParams(retrieveSchema, req.query);
    res.json(expandObject(ctx.store, findRecord(ctx, req.params.id).session, params.expand));
  });

  router.get('/v1/checkout/sessions/:id/line_items', (req, res) => {
    const record = findRecord(ctx, req.params.id);
    const params = parseParams(lineItemsSchema, req.query);
    const list = paginate(record.lineItems, () => true, params, lineItemList(record).url, 'line_item');
    res.json(expandObject(ctx.store, list, params.expand));
  });

  router.post('/v1/checkout/sessions/:id/expire', (req, res) => {
    const record = findRecord(ctx, req.params.id);
    const params = parseParams(retrieveSchema, req.body);
    if (record.session.status !== 'open') {
      throw invalidRequest(
        `Only Checkout Sessions with a status in ["open"] can be expired; this one is "${String(record.session.status)}".`,
      );
    }
    // Stripe delivers webhooks independently of the API call; the answer does not wait for them.
    void ctx.events.publish([expireSession(record)], eventRequest(res));
    res.json(expandObject(ctx.store, record.session, params.expand));
  });

  return router;
}
