import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import type Stripe from 'stripe';
import type { Logger } from '../lib/logger';
import { isEmailAddress } from '../lib/email-address';
import { endSession } from '../http/sessions';
import { refuseCrossSitePosts } from '../http/same-origin-posts';
import { NotFoundError, TooManyRequestsError } from '../lib/errors';
import { hitRateLimit } from '../lib/rate-limit-queries';
import { hashToken } from '../lib/tokens';
import { renderReceiptPdf } from '../receipts/receipt-pdf';
import { findDonorReceiptId } from '../receipts/receipt-queries';
import { receiptFile } from '../receipts/receipt-number';
import { validateOr } from '../http/validate';
import { loadReceiptView } from '../receipts/receipt-view';
import { renderStatementPdf } from '../receipts/statement-pdf';
import { loadCurrentStatementView } from '../receipts/year-end-view';
import type { SettingsCache } from '../settings/settings';
import { loadAccountView } from './account-view';
import { membershipActionsRouter } from './membership-routes';
import { createDonorSession, donorSessionCookie, findDonorSession } from './sessions';
import { checkSignInLink, consumeSignInLink, requestSignInLink } from './sign-in-links';

export interface AccountDeps {
  db: Knex;
  stripe: Stripe;
  settings: SettingsCache;
  baseUrl: string;
  linkKey: string;
  logger: Logger;
}

const SIGN_IN_REQUESTS_PER_ADDRESS = 10;
const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;


declare module 'express-serve-static-core' {
  interface Request {
    donorId?: string;
  }
}

const CHANGE_NOTICE: Record<string, string> = {
  amount: 'Your new amount starts with your next payment.',
  cancel: 'Your membership will end at the close of the current period. You can keep it until then.',
  resume: 'Your membership will continue. Thank you!',
};

const LINK_PROBLEM = {
  malformed: 'That sign-in link is incomplete. Copy the whole link from the email, or ask for a new one.',
  invalid: 'That sign-in link is not valid. Ask for a new one below.',
  expired: 'That sign-in link has expired (links last 30 minutes). Ask for a new one below.',
  used: 'That sign-in link was already used. Ask for a new one below.',
} as const;

/** `/account`: a donor's own giving, behind a password-free email link. */
export function accountRouter(deps: AccountDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  const cookie = donorSessionCookie(deps.baseUrl.startsWith('https://'));

  const loadSession = async (req: Request, _res: Response, next: NextFunction) => {
    const token = cookie.read(req);
    if (token) req.donorId = (await findDonorSession(deps.db, token))?.donorId;
    next();
  };
  const requireDonor = (req: Request, res: Response, next: NextFunction) => {
    if (req.donorId) return next();
    res.redirect(303, '/account');
  };
  // Also stops login CSRF on /account/verify, which carries no cookie yet.
  router.post('/account{/*rest}', refuseCrossSitePosts(deps.baseUrl));
  router.use('/account', loadSession);
  router.use('/account/memberships', requireDonor);
  router.use(membershipActionsRouter(deps));

  router.get('/account', async (req, res) => {
    if (!req.donorId) return res.render('account/sign-in', { title: 'Sign in to your account', email: '', error: null });
    const settings = await deps.settings.get();
    const changed = typeof req.query.changed === 'string' ? CHANGE_NOTICE[req.query.changed] ?? null : null;
    res.render('account/account', { ...(await loadAccountView(deps.db, req.donorId, settings)), notice: changed, amountError: null });
  });

  router.post('/account/sign-in', form, async (req, res) => {
    const email = typeof req.body?.email === 'string' ? req.body.email.trim() : '';
    if (!isEmailAddress(email)) {
      return res.status(422).render('account/sign-in', {
        title: 'Error: Sign in to your account',
        email,
        error: 'Enter the email address you used to give, like name@example.com',
      });
    }
    // Counted per network address (hashed: an IP is personal data) across all instances.
    const allowed = await hitRateLimit(deps.db, `sign-in:${hashToken(req.ip ?? 'unknown')}`, SIGN_IN_REQUESTS_PER_ADDRESS, SIGN_IN_WINDOW_MS);
    if (!allowed) throw new TooManyRequestsError('Too many sign-in requests from your network. Please wait a few minutes and try again.');
    await requestSignInLink(deps.db, deps.linkKey, email);
    res.render('account/check-email', { title: 'Check your email' });
  });

  router.get('/account/verify', async (req, res) => {
    const token = linkToken(req.query);
    const check = token ? await checkSignInLink(deps.db, token) : ({ ok: false, reason: 'malformed' } as const);
    if (!check.ok) return linkProblem(res, check.reason);
    // A page with a button rather than signing in on GET: mail scanners open
    // links to inspect them, and would otherwise use up the single-use link.
    res.render('account/confirm', { title: 'Sign in', token });
  });

  router.post('/account/verify', form, async (req, res) => {
    const token = linkToken(req.body);
    const check = token ? await consumeSignInLink(deps.db, token) : ({ ok: false, reason: 'malformed' } as const);
    if (!check.ok) return linkProblem(res, check.reason);
    const session = await createDonorSession(deps.db, check.donorId);
    cookie.set(res, session.token, session.expiresAt);
    res.redirect(303, '/account');
  });

  router.post('/account/sign-out', async (req, res) => {
    const token = cookie.read(req);
    if (token) await endSession(deps.db, token);
    cookie.clear(res);
    res.redirect(303, '/account');
  });

  router.get('/account/receipts/:number', requireDonor, async (req, res) => {
    const { number } = validateOr(receiptFile, req.params, new NotFoundError('No such receipt'));
    const receiptId = await findDonorReceiptId(deps.db, req.donorId!, number);
    if (!receiptId) throw new NotFoundError('No such receipt');
    const view = await loadReceiptView(deps.db, receiptId, await deps.settings.get());
    sendPdf(res, view.pdfFilename, await renderReceiptPdf(view));
  });

  router.get('/account/statements/:year', requireDonor, async (req, res) => {
    const year = Number(/^(\d{4})\.pdf$/.exec(String(req.params.year))?.[1]);
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new NotFoundError('No such statement');
    const view = await loadCurrentStatementView(deps.db, req.donorId!, year, await deps.settings.get());
    if (!view) throw new NotFoundError(`You have no gifts in ${year}`);
    sendPdf(res, view.pdfFilename, await renderStatementPdf(view));
  });

  return router;
}

/** The token of a sign-in link, from the query (the emailed link) or the confirm form. */
function linkToken(input: unknown): string | null {
  const token = (input as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' && token.length <= 200 ? token : null;
}

function linkProblem(res: Response, reason: keyof typeof LINK_PROBLEM) {
  res.status(reason === 'malformed' || reason === 'invalid' ? 400 : 410).render('account/sign-in', {
    title: 'Sign in to your account',
    email: '',
    error: LINK_PROBLEM[reason],
  });
}

function sendPdf(res: Response, filename: string, pdf: Buffer) {
  res.type('application/pdf');
  res.attachment(filename);
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(pdf);
}
