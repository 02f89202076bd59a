import { Router } from 'express';
import { z } from 'zod';
import { eventRequest } from './api-auth';
import type { EmulatorContext } from '../engine/context';
import { invalidRequest } from '../engine/errors';
import { expandObject } from './expand';
import { paginate } from './lists';
import { expandParam, inRange, parseParams } from './params';
import { newestFirst } from '../engine/store';
import type { Subscription } from '../engine/stripe-objects';
import { cancelSchema, listSchema, updateSchema } from './subscription-params';
import { planUpdate } from '../engine/subscription-updates';
import { cancelSubscription, changeSubscription, findSubscription, hasEnded } from '../engine/subscriptions';

/**
 * `GET /v1/subscriptions[/:id]`, `POST /v1/subscriptions/:id` and
 * `DELETE /v1/subscriptions/:id`. Subscriptions are created by paying a
 * subscription-mode checkout session, as Sustain's members start them.
 */

type StatusFilter = z.output<typeof listSchema>['status'];

/** Stripe lists subscriptions that have not ended unless asked for a status, `ended` or `all`. */
function matchesStatus(subscription: Subscription, status: StatusFilter): boolean {
  if (status === 'all') return true;
  if (status === undefined) return !hasEnded(subscription);
  if (status === 'ended') return hasEnded(subscription);
  return subscription.status === status;
}

export function subscriptionRoutes(ctx: EmulatorContext): Router {
  const router = Router();

  router.get('/v1/subscriptions', (req, res) => {
    const params = parseParams(listSchema, req.query);
    const list = paginate(
      newestFirst(ctx.store.subscriptions),
      (subscription) => {
        const [item] = subscription.items.data;
        return (
          inRange(subscription.created, params.created) &&
          matchesStatus(subscription, params.status) &&
          (params.customer === undefined || subscription.customer === params.customer) &&
          (params.price === undefined || subscription.items.data.some((each) => each.price.id === params.price)) &&
          (item === undefined ||
            (inRange(item.current_period_end, params.current_period_end) &&
              inRange(item.current_period_start, params.current_period_start)))
        );
      },
      params,
      '/v1/subscriptions',
      'subscription',
    );
    res.json(expandObject(ctx.store, list, params.expand));
  });

  router.get('/v1/subscriptions/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand: expandParam }), req.query);
    res.json(expandObject(ctx.store, findSubscription(ctx, req.params.id), params.expand));
  });

  router.post('/v1/subscriptions/:id', (req, res) => {
    const subscription = findSubscription(ctx, req.params.id);
    const params = parseParams(updateSchema, req.body);
    const apply = planUpdate(ctx, subscription, params);
    const updated = changeSubscription(subscription, apply);
    if (updated) {
      ctx.logger.info({ subscription: subscription.id }, 'stripe emulator updated a subscription');
      void ctx.events.publish([updated], eventRequest(res));
    }
    res.json(expandObject(ctx.store, subscription, params.expand));
  });

  router.delete('/v1/subscriptions/:id', (req, res) => {
    const subscription = findSubscription(ctx, req.params.id);
    const params = parseParams(cancelSchema, req.query);
    if (params.invoice_now === true || params.prorate === true) {
      // A final invoice or a proration credit is not modelled.
      throw invalidRequest('The Stripe emulator does not support `invoice_now` or `prorate` yet.', params.invoice_now ? 'invoice_now' : 'prorate');
    }
    if (hasEnded(subscription)) {
      throw invalidRequest(`This subscription (${subscription.id}) has already been canceled.`);
    }
    const deleted = cancelSubscription(ctx, subscription, 'requested_now', params.cancellation_details ?? {});
    ctx.logger.info({ subscription: subscription.id }, 'stripe emulator canceled a subscription');
    void ctx.events.publish([deleted], eventRequest(res));
    res.json(expandObject(ctx.store, subscription, params.expand));
  });

  return router;
}
