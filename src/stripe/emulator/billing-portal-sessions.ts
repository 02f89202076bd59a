import { Router } from 'express';
import { z } from 'zod';
import { eventRequest } from './api-auth';
import type { EmulatorContext } from './context';
import { invalidRequest, missingReference } from './errors';
import { eventOf } from './events';
import { expandObject } from './expand';
import { newId } from './ids';
import { expandParam, ignoredParam, notEmulatedParam, optionalString, parseParams, urlParam } from './params';
import type { BillingPortalSessionRecord } from './store';

/**
 * `POST /v1/billing_portal/sessions`: a short-lived link to the hosted
 * portal page (`billing-portal-routes.ts`) for one customer. Stripe expires
 * a session its customer does not visit in time (5 minutes); once visited,
 * the emulator keeps it usable for an hour. Both on the emulator's clock.
 */

const OPEN_WITHIN_SECONDS = 5 * 60;
const USABLE_FOR_SECONDS = 60 * 60;

const createSchema = z.strictObject({
  customer: optionalString,
  return_url: urlParam.optional(),
  configuration: optionalString,
  locale: optionalString,
  expand: expandParam,
  after_expiration: ignoredParam,
  customer_account: notEmulatedParam,
  flow_data: notEmulatedParam,
  on_behalf_of: notEmulatedParam,
});

/** Whether the portal session can still be used; a first visit in time starts its hour. */
export function portalSessionUsable(record: BillingPortalSessionRecord, now: number): boolean {
  if (record.openedAt === null) return now <= record.openBy;
  return now <= record.openedAt + USABLE_FOR_SECONDS;
}

export function billingPortalSessionRoutes(ctx: EmulatorContext): Router {
  const router = Router();

  router.post('/v1/billing_portal/sessions', (req, res) => {
    const params = parseParams(createSchema, req.body);
    if (params.customer === undefined) throw invalidRequest('Missing required param: customer.', 'customer');
    if (!ctx.store.customers.has(params.customer)) throw missingReference('customer', params.customer, 'customer');
    const configuration = params.configuration ?? ctx.store.billingPortalConfigurationId;
    if (configuration !== ctx.store.billingPortalConfigurationId) {
      throw missingReference('billing_portal.configuration', configuration, 'configuration');
    }
    const id = newId('billingPortalSession');
    const now = ctx.clock.now();
    const record: BillingPortalSessionRecord = {
      session: {
        id,
        object: 'billing_portal.session',
        configuration,
        created: now,
        customer: params.customer,
        customer_account: null,
        flow: null,
        livemode: false,
        locale: params.locale ?? null,
        on_behalf_of: null,
        return_url: params.return_url ?? null,
        url: `${ctx.publicUrl}/portal/${id}`,
      },
      openBy: now + OPEN_WITHIN_SECONDS,
      openedAt: null,
    };
    ctx.store.billingPortalSessions.set(id, record);
    ctx.logger.info({ portalSession: id, customer: params.customer }, 'stripe emulator created a billing portal session');
    void ctx.events.publish([eventOf('billing_portal.session.created', record.session)], eventRequest(res));
    res.json(expandObject(ctx.store, record.session, params.expand));
  });

  return router;
}
