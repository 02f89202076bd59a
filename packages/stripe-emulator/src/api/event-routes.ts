import { Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../engine/context';
import { invalidRequest, resourceMissing } from '../engine/errors';
import { expandObject } from './expand';
import { listParams, paginate } from './lists';
import { arrayParam, booleanParam, expandParam, inRange, parseParams } from './params';
import { newestFirst } from '../engine/store';
import type { EmulatorEvent } from '../engine/stripe-objects';

/**
 * `GET /v1/events[/:id]`: what the emulator emitted, newest first, so scripts
 * (and the app's replay command) can see what was sent and catch up.
 */

const listSchema = z.strictObject({
  ...listParams,
  type: z.string().optional(),
  types: arrayParam(z.string(), { max: 20 }).optional(),
  delivery_success: booleanParam.optional(),
  expand: expandParam,
});

/** Stripe's `type` filter takes one `*` wildcard: `checkout.session.*`. */
function typeMatcher(pattern: string): (type: string) => boolean {
  if (!pattern.includes('*')) return (type) => type === pattern;
  const [prefix = '', suffix = ''] = pattern.split('*');
  return (type) => type.startsWith(prefix) && type.endsWith(suffix) && type.length >= prefix.length + suffix.length;
}

export function eventRoutes(ctx: EmulatorContext): Router {
  const router = Router();

  router.get('/v1/events', (req, res) => {
    const params = parseParams(listSchema, req.query);
    if (params.type !== undefined && params.types !== undefined) {
      throw invalidRequest('You may only specify one of these parameters: type, types.', 'types');
    }
    const patterns = params.types ?? (params.type !== undefined ? [params.type] : []);
    const matchers = patterns.map(typeMatcher);
    const matches = (event: EmulatorEvent) =>
      inRange(event.created, params.created) &&
      (matchers.length === 0 || matchers.some((match) => match(event.type))) &&
      (params.delivery_success === undefined || (event.pending_webhooks === 0) === params.delivery_success);
    const list = paginate(newestFirst(ctx.store.events), matches, params, '/v1/events', 'event');
    res.json(expandObject(ctx.store, list, params.expand));
  });

  router.get('/v1/events/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand: expandParam }), req.query);
    const event = ctx.store.events.get(req.params.id);
    if (!event) throw resourceMissing('event', req.params.id);
    res.json(expandObject(ctx.store, event, params.expand));
  });

  return router;
}
