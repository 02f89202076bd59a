import path from 'node:path';
import express, { type Express } from 'express';
import type { Knex } from 'knex';
import type Stripe from 'stripe';
import type { Config } from './config';
import { accountRouter } from './account/routes';
import { adminRouter } from './admin/routes';
import { devMailboxRouter } from './dev/mailbox-routes';
import { givingRouter } from './giving/routes';
import { errorHandler, notFound } from './http/error-handler';
import { installRequestContext, requestLog } from './http/request-context';
import { embedRouter } from './embed/routes';
import { pageSecurityHeaders } from './http/security-headers';
import { makeOriginPolicy } from './lib/allowed-origins';
import type { Logger } from './lib/logger';
import { SettingsCache } from './settings/settings';
import { webhookRouter } from './webhooks/routes';

export const VIEWS_DIR = path.resolve(__dirname, '../views');
export const PUBLIC_DIR = path.resolve(__dirname, '../public');

export interface AppDeps {
  config: Config;
  db: Knex;
  stripe: Stripe;
  logger: Logger;
  /** Origins of the hosted payment pages the donate form redirects to. */
  checkoutOrigins: string[];
  settings?: SettingsCache;
  /**
   * The secret of the link that creates the first staff account (main.ts makes
   * a random one per process and prints it). Ignored in production.
   */
  staffSetupToken?: string | null;
}

/** Builds the Express app from its dependencies. Wiring only: no I/O, no listen. */
export function createApp(deps: AppDeps): Express {
  const { config, db, stripe, logger } = deps;
  const settings = deps.settings ?? new SettingsCache(db);
  const production = config.env === 'production';
  const origins = makeOriginPolicy(config.baseUrl, config.allowedOrigins, { allowLoopback: !production });
  const isAllowedReturn = (url: string) => origins.allows(url);
  const securityOptions = { production, checkoutOrigins: deps.checkoutOrigins };

  const app = express();
  app.disable('x-powered-by');
  app.set('views', VIEWS_DIR);
  app.set('view engine', 'ejs');
  // Compiled templates are cached in every environment (twice the pages per
  // second, measured in docs/PERFORMANCE.md); `npm run dev` restarts on view changes.
  app.set('view cache', true);
  // Behind one reverse proxy in production, so req.ip and req.protocol are the client's.
  app.set('trust proxy', production ? 1 : false);
  app.locals.org = { name: 'Sustain', legal_name: 'Sustain', ein: '' };

  installRequestContext(app, logger);
  // First: the embed routes answer every article view, the same bytes to
  // everyone (a CDN in front of us keeps and logs them), so they carry their
  // own headers and no per-request id or log line, unless they fail (the error
  // handler logs that, with an id). The request log and the page headers cost
  // them more than a quarter of their throughput (docs/PERFORMANCE.md, "Article embed").
  const pageHeaders = pageSecurityHeaders(securityOptions);
  app.use(embedRouter({ settings, baseUrl: config.baseUrl, security: securityOptions, pageHeaders, frameAncestors: origins.frameAncestors, demo: !production }));
  app.use(requestLog());
  app.use(pageHeaders);
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.use('/static', express.static(PUBLIC_DIR, { maxAge: production ? '1d' : 0 }));

  // Before any body parser: this route needs the raw bytes.
  app.use(webhookRouter({ db, stripe, webhookSecret: config.stripe.webhookSecret }));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.raw('select 1');
      res.json({ ok: true });
    } catch {
      res.status(503).json({ ok: false, error: 'database unavailable' });
    }
  });

  app.use(async (_req, res, next) => {
    res.locals.org = (await settings.get()).organization;
    next();
  });
  app.get('/', (_req, res) => res.redirect(302, '/donate'));
  app.use(givingRouter({ db, stripe, settings, logger, baseUrl: config.baseUrl, isAllowedReturn }));
  app.use(accountRouter({ db, stripe, settings, baseUrl: config.baseUrl, linkKey: config.sessionSecret, logger }));
  app.use(adminRouter({ db, settings, baseUrl: config.baseUrl, setupToken: production ? null : (deps.staffSetupToken ?? null) }));
  if (config.mail.smtpUrl === null && !production) app.use(devMailboxRouter(db));

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
