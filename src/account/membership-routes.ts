import express, { Router, type Request, type Response } from 'express';
import type Stripe from 'stripe';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { validate, validateOr } from '../http/validate';
import { NotFoundError, ValidationError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { formatMoney, parseMajorAmount } from '../lib/money';
import { applySubscriptionFromStripe } from '../members/apply-subscription';
import { findDonorMembership, type MembershipRow } from '../members/membership-queries';
import { isEnded, isLive } from '../members/membership-status';
import type { SettingsCache } from '../settings/settings';
import { callStripe, type StripeFailureMessages } from '../stripe/call-stripe';
import { loadAccountView } from './account-view';

export interface MembershipActionDeps {
  db: Db;
  stripe: Stripe;
  settings: SettingsCache;
  baseUrl: string;
  logger: Logger;
}

const FEEDBACK = ['too_expensive', 'unused', 'switched_service', 'customer_service', 'low_quality', 'missing_features', 'other'] as const;

const cancelForm = z.object({
  feedback: z.enum(FEEDBACK).optional().or(z.literal('').transform(() => undefined)),
  comment: z.string().max(500, 'Keep the reason under 500 characters').optional(),
});

const idParam = z.object({ id: z.uuid() });

const failures = (action: string): StripeFailureMessages => ({
  unavailable: `We could not ${action} right now. Nothing was changed; please try again in a few minutes.`,
  failed: `We could not ${action} right now. Nothing was changed; please try again in a few minutes.`,
});

/**
 * A signed-in member's own changes. Each is a Stripe call (never inside a
 * database transaction) with an idempotency key derived from the membership
 * and the change; the database follows from the webhook Stripe sends back, so
 * the account page and the records cannot disagree.
 */
export function membershipActionsRouter(deps: MembershipActionDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });

  router.post('/account/memberships/:id/amount', form, async (req, res) => {
    const membership = await ownMembership(deps.db, req);
    const { giving } = await deps.settings.get();
    const raw = typeof req.body?.amount === 'string' ? req.body.amount : '';
    const amount = parseMajorAmount(raw);
    if (amount === null || amount < giving.min_amount || amount > giving.max_amount) {
      const message = `Enter an amount between ${formatMoney(giving.min_amount, giving.currency)} and ${formatMoney(giving.max_amount, giving.currency)}`;
      // The account page shows the amount field (and so its error) only on a live membership.
      if (!isLive(membership.status)) throw new ValidationError([{ field: 'amount', message }], 'That amount will not work');
      return renderAccountWithError(deps, req, res, { membershipId: membership.id, value: raw, message });
    }
    if (amount === membership.amount) return res.redirect(303, '/account');
    const updated = await callStripe(req.log, 'change membership amount', failures('change the amount'), async () => {
      const subscription = await deps.stripe.subscriptions.retrieve(membership.stripe_subscription_id!);
      const item = subscription.items.data[0]!;
      const params: Stripe.SubscriptionUpdateParams = {
        items: [
          {
            id: item.id,
            price_data: {
              currency: membership.currency,
              product: typeof item.price.product === 'string' ? item.price.product : item.price.product.id,
              unit_amount: amount,
              recurring: { interval: membership.interval },
            },
          },
        ],
        // The new amount starts with the next period: no proration charge or credit now.
        proration_behavior: 'none',
      };
      return deps.stripe.subscriptions.update(subscription.id, params, { idempotencyKey: changeKey('amount', membership, params) });
    });
    await applySubscriptionFromStripe(deps.db, updated);
    res.redirect(303, '/account?changed=amount');
  });

  router.post('/account/memberships/:id/cancel', form, async (req, res) => {
    const membership = await ownMembership(deps.db, req);
    const reason = validate(cancelForm, req.body, 'That cancellation could not be read');
    if (membership.cancel_at_period_end) return res.redirect(303, '/account');
    const params: Stripe.SubscriptionUpdateParams = {
      cancel_at_period_end: true,
      cancellation_details: {
        ...(reason.feedback ? { feedback: reason.feedback } : {}),
        ...(reason.comment?.trim() ? { comment: reason.comment.trim() } : {}),
      },
    };
    const updated = await callStripe(req.log, 'cancel membership', failures('cancel'), () =>
      deps.stripe.subscriptions.update(membership.stripe_subscription_id!, params, { idempotencyKey: changeKey('cancel', membership, params) }),
    );
    await applySubscriptionFromStripe(deps.db, updated);
    res.redirect(303, '/account?changed=cancel');
  });

  router.post('/account/memberships/:id/resume', async (req, res) => {
    const membership = await ownMembership(deps.db, req);
    if (!membership.cancel_at_period_end) return res.redirect(303, '/account');
    const params: Stripe.SubscriptionUpdateParams = { cancel_at_period_end: false };
    const updated = await callStripe(req.log, 'resume membership', failures('resume'), () =>
      deps.stripe.subscriptions.update(membership.stripe_subscription_id!, params, { idempotencyKey: changeKey('resume', membership, params) }),
    );
    await applySubscriptionFromStripe(deps.db, updated);
    res.redirect(303, '/account?changed=resume');
  });

  router.post('/account/memberships/:id/billing', async (req, res) => {
    const membership = await ownMembership(deps.db, req);
    // Each subscription lives on the Stripe customer its Checkout created; the
    // portal must open on that one, or a card update would not reach it.
    const customer = membership.stripe_customer_id;
    if (!customer) throw new NotFoundError('There is no card on file to update.');
    const session = await callStripe(req.log, 'open billing portal', failures('open billing'), () =>
      deps.stripe.billingPortal.sessions.create(
        { customer, return_url: `${deps.baseUrl}/account` },
        // A portal session moves no money; the key covers the SDK's own retries of this request.
        { idempotencyKey: `billing-portal-${membership.id}-${req.id}` },
      ),
    );
    res.redirect(303, session.url);
  });

  return router;
}

/** The account page again, as a 422, with the amount the member typed and what is wrong with it. */
async function renderAccountWithError(
  deps: MembershipActionDeps,
  req: Request,
  res: Response,
  amountError: { membershipId: string; value: string; message: string },
) {
  const view = await loadAccountView(deps.db, req.donorId!, await deps.settings.get());
  res.status(422).render('account/account', { ...view, title: `Error: ${view.title}`, notice: null, amountError });
}

/**
 * One key per membership, change and request body, taken against the state we
 * hold: a double-click replays the first answer; a different request (another
 * reason, another amount) is a new one rather than an idempotency error.
 */
function changeKey(change: string, membership: MembershipRow, params: object): string {
  const digest = createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 16);
  return `membership-${change}-${membership.id}-${membership.snapshot_at?.getTime() ?? 0}-${digest}`;
}

/** The membership in the URL, if it belongs to the signed-in donor and Stripe bills it. */
async function ownMembership(db: Db, req: Request): Promise<MembershipRow> {
  const { id } = validateOr(idParam, req.params, new NotFoundError('No such membership'));
  const membership = req.donorId ? await findDonorMembership(db, req.donorId, id) : undefined;
  if (!membership?.stripe_subscription_id || isEnded(membership.status)) throw new NotFoundError('No such membership');
  return membership;
}
