import { Router } from 'express';
import { z } from 'zod';
import { createPortalSession } from '../engine/billing-portal-sessions';
import type { EmulatorContext } from '../engine/context';
import { invalidRequest, missingReference } from '../engine/errors';
import { eventRequest } from './api-auth';
import { expandObject } from './expand';
import { expandParam, ignoredParam, notEmulated, optionalString, parseParams, urlParam } from './params';

/** `POST /v1/billing_portal/sessions`. */

const createSchema = z.strictObject({
  customer: optionalString,
  return_url: urlParam.optional(),
  configuration: optionalString,
  locale: optionalString,
  expand: expandParam,
  after_expiration: ignoredParam,
  ...notEmulated('customer_account', 'flow_data', 'on_behalf_of'),
});

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
    const { record, event } = createPortalSession(ctx, {
      customer: params.customer,
      configuration,
      locale: params.locale ?? null,
      returnUrl: params.return_url ?? null,
    });
    const id = record.session.id;
    ctx.logger.info({ portalSession: id, customer: params.customer }, 'stripe emulator created a billing portal session');
    void ctx.events.publish([event], eventRequest(res));
    res.json(expandObject(ctx.store, record.session, params.expand));
  });

  return router;
}
