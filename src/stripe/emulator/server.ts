import express, { type Express } from 'express';
import { authenticate } from './api-auth';
import { billingPortalRoutes } from './billing-portal-routes';
import { billingPortalSessionRoutes } from './billing-portal-sessions';
import { catalogRoutes } from './catalog';
import { chargeRoutes } from './charges';
import { checkoutSessionRoutes } from './checkout-session-routes';
import type { EmulatorContext } from './context';
import { customerRoutes } from './customers';
import { emulatorRoutes } from './emulator-routes';
import { apiErrorHandler, unknownRoute } from './errors';
import { eventRoutes } from './event-routes';
import { hostedCheckoutRoutes } from './hosted-checkout-routes';
import { idempotentPosts } from './idempotency';
import { invoiceRoutes } from './invoice-routes';
import { paymentIntentRoutes } from './payment-intents';
import { paymentMethodRoutes } from './payment-methods';
import { refundRoutes } from './refunds';
import { subscriptionRoutes } from './subscription-routes';

/**
 * The emulator's Express app: Stripe's API under `/v1` (form-encoded bodies
 * with qs bracket notation, bearer test key, idempotency keys), the hosted
 * checkout page under `/checkout`, the billing portal under `/portal`, and
 * its own controls under `/_emulator`.
 */
export function createEmulatorApp(ctx: EmulatorContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Stripe's list filters use brackets in the query too: `created[gte]=…`.
  app.set('query parser', 'extended');
  // Stripe answers with indented JSON; keeping that makes `curl` output readable.
  app.set('json spaces', 2);

  app.use(hostedCheckoutRoutes(ctx));
  app.use(billingPortalRoutes(ctx));
  app.use(emulatorRoutes(ctx));

  app.use('/v1', authenticate, express.urlencoded({ extended: true, limit: '1mb' }), idempotentPosts());
  app.use(checkoutSessionRoutes(ctx));
  app.use(customerRoutes(ctx));
  app.use(paymentMethodRoutes(ctx));
  app.use(paymentIntentRoutes(ctx));
  app.use(chargeRoutes(ctx));
  app.use(refundRoutes(ctx));
  app.use(catalogRoutes(ctx));
  app.use(subscriptionRoutes(ctx));
  app.use(invoiceRoutes(ctx));
  app.use(billingPortalSessionRoutes(ctx));
  app.use(eventRoutes(ctx));

  app.use(unknownRoute);
  app.use(apiErrorHandler((obj, msg) => ctx.logger.warn(obj, msg)));
  return app;
}
