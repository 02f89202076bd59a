import express, { Router, type Request } from 'express';
import type { Knex } from 'knex';
import Stripe from 'stripe';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { applySubscriptionSnapshot } from '../members/apply-subscription';
import { lockMembershipFor } from '../members/membership-queries';
import { NotFoundError, UpstreamError, ValidationError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { formatMoney, parseMajorAmount } from '../lib/money';
import type { MembershipRow } from '../members/membership-queries';
import type { SettingsCache } from '../settings/settings';

export interface MembershipActionDeps {
  db: Knex;
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
      throw new ValidationError(
        [{ field: 'amount', message: `Enter an amount between ${formatMoney(giving.min_amount, giving.currency)} and ${formatMoney(giving.max_amount, giving.currency)}` }],
        'That amount will not work',
      );
    }
    if (amount === membership.amount) return res.redirect(303, '/account');
    const updated = await callStripe(req, 'change the amount', async () => {
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
    await showNow(deps.db, updated);
    res.redirect(303, '/account?changed=amount');
  });

  router.post('/account/memberships/:id/cancel', form, async (req, res) => {
    const membership = await ownMembership(deps.db, req);
    const parsed = cancelForm.safeParse(req.body ?? {});
    if (!parsed.success) throw new ValidationError([{ field: 'comment', message: parsed.error.issues[0]!.message }]);
    if (membership.cancel_at_period_end) return res.redirect(303, '/account');
    const params: Stripe.SubscriptionUpdateParams = {
      cancel_at_period_end: true,
      cancellation_details: {
        ...(parsed.data.feedback ? { feedback: parsed.data.feedback } : {}),
        ...(parsed.data.comment?.trim() ? { comment: parsed.data.comment.trim() } : {}),
      },
    };
    const updated = await callStripe(req, 'cancel', () =>
      deps.stripe.subscriptions.update(membership.stripe_subscription_id!, params, { idempotencyKey: changeKey('cancel', membership, params) }),
    );
    await showNow(deps.db, updated);
    res.redirect(303, '/account?changed=cancel');
  });

  router.post('/account/memberships/:id/resume', async (req, res) => {
    const membership = await ownMembership(deps.db, req);
    if (!membership.cancel_at_period_end) return res.redirect(303, '/account');
    const params: Stripe.SubscriptionUpdateParams = { cancel_at_period_end: false };
    const updated = await callStripe(req, 'resume', () =>
      deps.stripe.subscriptions.update(membership.stripe_subscription_id!, params, { idempotencyKey: changeKey('resume', membership, params) }),
    );
    await showNow(deps.db, updated);
    res.redirect(303, '/account?changed=resume');
  });

  router.post('/account/memberships/:id/billing', async (req, res) => {
    const membership = await ownMembership(deps.db, req);
    // Each subscription lives on the Stripe customer its Checkout created; the
    // portal must open on that one, or a card update would not reach it.
    const customer = membership.stripe_customer_id;
    if (!customer) throw new NotFoundError('There is no card on file to update.');
    const session = await callStripe(req, 'open billing', () =>
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

/**
 * One key per membership, change and request body, taken against the state we
 * hold: a double-click replays the first answer; a different request (another
 * reason, another amount) is a new one rather than an idempotency error.
 */
function changeKey(change: string, membership: MembershipRow, params: object): string {
  const digest = createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 16);
  return `membership-${change}-${membership.id}-${membership.snapshot_at?.getTime() ?? 0}-${digest}`;
}

/**
 * Applies the subscription Stripe returned, so the page the member lands on
 * shows the change; the webhook that follows carries the same snapshot and
 * changes nothing more.
 */
async function showNow(db: Knex, subscription: Stripe.Subscription): Promise<void> {
  await db.transaction(async (trx) => {
    const locked = await lockMembershipFor(trx, { subscriptionId: subscription.id });
    if (locked) await applySubscriptionSnapshot(trx, locked, subscription, new Date());
  });
}

const idParam = z.object({ id: z.uuid() });

/** The membership in the URL, if it belongs to the signed-in donor and Stripe bills it. */
async function ownMembership(db: Knex, req: Request): Promise<MembershipRow> {
  const params = idParam.safeParse(req.params);
  if (!params.success || !req.donorId) throw new NotFoundError('No such membership');
  const membership: MembershipRow | undefined = await db('memberships').where({ id: params.data.id, donor_id: req.donorId }).first();
  if (!membership?.stripe_subscription_id || membership.status === 'canceled') throw new NotFoundError('No such membership');
  return membership;
}

async function callStripe<T>(req: Request, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
    req.log.error({ action, stripe_error_type: error.type, stripe_code: error.code }, 'membership change failed');
    throw new UpstreamError(
      `We could not ${action} right now. Nothing was changed; please try again in a few minutes.`,
      error.type === 'StripeConnectionError' ? 503 : 502,
      'payments_failed',
    );
  }
}

