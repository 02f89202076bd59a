import express, { type Express } from 'express';
import { authenticate } from './api/api-auth';
import { billingPortalSessionRoutes } from './api/billing-portal-session-routes';
import { catalogRoutes } from './api/catalog-routes';
import { chargeRoutes } from './api/charge-routes';
import { checkoutSessionRoutes } from './api/checkout-session-routes';
import { customerRoutes } from './api/customer-routes';
import { emulatorRoutes } from './api/emulator-routes';
import { apiErrorHandler, unknownRoute } from './api/error-handler';
import { eventRoutes } from './api/event-routes';
import { idempotentPosts } from './api/idempotency';
import { invoiceRoutes } from './api/invoice-routes';
import { paymentIntentRoutes } from './api/payment-intent-routes';
import { paymentMethodRoutes } from './api/payment-method-routes';
import { refundRoutes } from './api/refund-routes';
import { subscriptionRoutes } from './api/subscription-routes';
import type { EmulatorContext } from './engine/context';
import { billingPortalRoutes } from './pages/billing-portal-routes';
import { hostedCheckoutRoutes } from './pages/hosted-checkout-routes';

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

  // Anything but a read of the API may change objects (the hosted pages too:
  // a visit can expire a session or start a portal session's hour), so the
  // state file is written after it.
  app.use((req, res, next) => {
    const read = (req.method === 'GET' || req.method === 'HEAD') && (req.path.startsWith('/v1/') || req.path === '/_emulator/health');
    if (!read) res.on('close', () => ctx.store.markChanged());
    next();
  });
  app.use(hostedCheckoutRoutes(ctx));
  app.use(billingPortalRoutes(ctx));
  app.use(emulatorRoutes(ctx));

  app.use('/v1', authenticate(ctx.apiVersion), express.urlencoded({ extended: true, limit: '1mb' }), idempotentPosts(ctx));
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
