import express, { Router, type Request, type Response } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { validate } from '../http/validate';
import { UpstreamError, type FieldError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { SettingsCache } from '../settings/settings';
import { createMembershipCheckout } from '../members/create-membership-checkout';
import { createDonationCheckout } from './create-checkout-session';
import { parseDonationForm, singleValues } from './donation-form';
import { buildDonateView, formValuesFromQuery, type FormValues } from './donate-view';
import { attemptToResume, loadResumedValues, rememberAttempt } from './resume-checkout';
import { loadThanksView } from './thanks-view';

export interface GivingDeps {
  db: Db;
  stripe: Stripe;
  settings: SettingsCache;
  logger: Logger;
  baseUrl: string;
  isAllowedReturn: (url: string) => boolean;
}

// A link without a usable session id gets the reader's page (thanks-view.ts), not a 400 in our words.
const thanksQuery = z.object({
  session_id: z
    .string()
    .regex(/^cs_(test|live)_[A-Za-z0-9]{1,200}$/)
    .optional()
    .catch(undefined),
});

export function givingRouter(deps: GivingDeps): Router {
  const router = Router();
  // Generous enough that an over-long comment is answered with a 422 naming
  // the field rather than a bare 413.
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 });

  router.get('/donate', async (req, res) => {
    const settings = await deps.settings.get();
    const query = singleValues(req.query);
    const resumed = query.canceled ? await loadResumedValues(deps.db, attemptToResume(req, query.resume), new Date()) : {};
    // A form refilled with what a reader typed is theirs alone: no cache keeps it.
    if (Object.keys(resumed).length > 0) res.setHeader('Cache-Control', 'private, no-store');
    const values = { ...formValuesFromQuery({ ...query, referrer: query.referrer ?? externalReferrer(req) }, settings.giving), ...resumed };
    const notice = query.canceled ? 'Your donation was not completed, and you were not charged.' : null;
    res.render('giving/donate', buildDonateView(settings, values, [], { notice }));
  });

  router.post('/donate', form, async (req, res) => {
    const settings = await deps.settings.get();
    const values = singleValues(req.body);
    // The page carries the article's referrer in a hidden field; a form posted
    // straight from a newsroom's page (the embed) may only have the header.
    values.referrer ??= externalReferrer(req) ?? '';
    const parsed = parseDonationForm(values, { giving: settings.giving, isAllowedReturn: deps.isAllowedReturn });
    if (!parsed.ok) return renderForm(res, 422, settings, values, parsed.errors);
    try {
      const checkoutDeps = { db: deps.db, stripe: deps.stripe, baseUrl: deps.baseUrl, logger: req.log };
      const { id, url } =
        parsed.value.frequency === 'once'
          ? await createDonationCheckout(checkoutDeps, settings, parsed.value)
          : await createMembershipCheckout(checkoutDeps, settings, parsed.value);
      rememberAttempt(res, id, deps.baseUrl.startsWith('https://'));
      res.redirect(303, url);
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      renderForm(res, error.status, settings, values, [], `${error.message} Nothing was charged. Please try again in a few minutes.`);
    }
  });

  router.get('/donate/thanks', async (req: Request, res: Response) => {
    const { session_id: sessionId } = validate(thanksQuery, req.query);
    const settings = await deps.settings.get();
    const { status, view } = await loadThanksView({ ...deps, logger: req.log }, settings, sessionId ?? null);
    res.status(status).render('giving/thanks', view);
  });

  /** The Referer, unless it is one of our own pages (which says nothing about where the donor came from). */
  function externalReferrer(req: Request): string | undefined {
    const referer = req.get('referer');
    if (!referer) return undefined;
    try {
      return new URL(referer).origin === new URL(deps.baseUrl).origin ? undefined : referer;
    } catch {
      return undefined;
    }
  }

  return router;
}

function renderForm(
  res: Response,
  status: number,
  settings: Awaited<ReturnType<SettingsCache['get']>>,
  values: FormValues,
  errors: FieldError[],
  formError: string | null = null,
) {
  res.status(status).render('giving/donate', buildDonateView(settings, values, errors, { formError }));
}
