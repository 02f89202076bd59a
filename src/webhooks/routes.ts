import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import Stripe from 'stripe';
import { BadRequestError } from '../lib/errors';
import { callStripe } from '../stripe/call-stripe';
import { isEventRecorded } from './event-ledger-queries';
import { withIncludableFields } from './includable-fields';
import { STRIPE_API_VERSION } from '../stripe/client';
import { processStripeEvent } from './process-event';

const EVENT_FETCH_FAILURES = {
  unavailable: 'Could not read the event’s objects from Stripe; retry later',
  failed: 'Could not read the event’s objects from Stripe; retry later',
};

export interface WebhookDeps {
  db: Knex;
  stripe: Stripe;
  webhookSecret: string;
}

/**
 * `POST /webhooks/stripe`. The body stays raw bytes on this route only:
 * the signature covers the exact bytes Stripe sent, and re-serialised JSON
 * would not verify.
 */
const jsonErrors = (_req: Request, res: Response, next: NextFunction) => {
  res.locals.jsonErrors = true;
  next();
};

export function webhookRouter(deps: WebhookDeps): Router {
  const router = Router();
  router.post('/webhooks/stripe', jsonErrors, express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const signature = req.get('stripe-signature');
    if (!signature) throw new BadRequestError('Missing Stripe-Signature header', 'missing_signature');
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new BadRequestError('Empty body', 'empty_body');
    let event: Stripe.Event;
    try {
      event = deps.stripe.webhooks.constructEvent(req.body, signature, deps.webhookSecret);
    } catch (error) {
      const message = error instanceof Stripe.errors.StripeSignatureVerificationError
        ? 'Invalid Stripe signature'
        : 'Unreadable event payload';
      throw new BadRequestError(message, 'invalid_signature');
    }
    if (typeof event?.id !== 'string' || typeof event.type !== 'string' || !event.data?.object) {
      throw new BadRequestError('Not a Stripe event', 'invalid_event');
    }
    if (event.api_version && event.api_version !== STRIPE_API_VERSION) {
      // Payload shapes follow the endpoint's API version; a mismatch means the
      // Stripe dashboard endpoint is set to another version than we read.
      req.log.warn({ event_id: event.id, api_version: event.api_version }, 'webhook API version differs from pinned');
    }
    // A redelivery of an event already applied is answered before any work.
    if (await isEventRecorded(deps.db, event.id)) {
      res.json({ received: true, result: 'duplicate' });
      return;
    }
    // Before the event's transaction: no network call holds it open. A failure
    // answers non-2xx, and Stripe retries the delivery, by which time the API answers again.
    const complete = await callStripe(req.log.child({ event_id: event.id }), 'complete event', EVENT_FETCH_FAILURES, () => withIncludableFields(deps.stripe, event));
    const result = await processStripeEvent(deps.db, complete, req.log);
    res.json({ received: true, result });
  });
  return router;
}
