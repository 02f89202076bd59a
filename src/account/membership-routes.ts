import express, { Router, type Request } from 'express';
import type { Knex } from 'knex';
import Stripe from 'stripe';
import { z } from 'zod';
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
    await callStripe(req, 'change the amount', async () => {
      const subscription = await deps.stripe.subscriptions.retrieve(membership.stripe_subscription_id!);
      const item = subscription.items.data[0]!;
      await deps.stripe.subscriptions.update(
        subscription.id,
        {
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
        },
        { idempotencyKey: `membership-amount-${membership.id}-${amount}-${membership.snapshot_at?.getTime() ?? 0}` },
      );
    });
    res.redirect(303, '/account?changed=amount');
  });

  router.post('/account/memberships/:id/cancel', form, async (req, res) => {
    const membership = await ownMembership(deps.db, req);
    const parsed = cancelForm.safeParse(req.body ?? {});
    if (!parsed.success) throw new ValidationError([{ field: 'comment', message: parsed.error.issues[0]!.message }]);
    if (membership.cancel_at_period_end) return res.redirect(303, '/account');
    await callStripe(req, 'cancel', () =>
      deps.stripe.subscriptions.update(
        membership.stripe_subscription_id!,
        {
          cancel_at_period_end: true,
          cancellation_details: {
            ...(parsed.data.feedback ? { feedback: parsed.data.feedback } : {}),
            ...(parsed.data.comment?.trim() ? { comment: parsed.data.comment.trim() } : {}),
          },
        },
        { idempotencyKey: `membership-cancel-${membership.id}-${membership.snapshot_at?.getTime() ?? 0}` },
      ),
    );
    res.redirect(303, '/account?changed=cancel');
  });

  router.post('/account/memberships/:id/resume', async (req, res) => {
    const membership = await ownMembership(deps.db, req);
    if (!membership.cancel_at_period_end) return res.redirect(303, '/account');
    await callStripe(req, 'resume', () =>
      deps.stripe.subscriptions.update(
        membership.stripe_subscription_id!,
        { cancel_at_period_end: false },
        { idempotencyKey: `membership-resume-${membership.id}-${membership.snapshot_at?.getTime() ?? 0}` },
      ),
    );
    res.redirect(303, '/account?changed=resume');
  });

  router.post('/account/billing', async (req, res) => {
    const donor: { stripe_customer_id: string | null } | undefined = await deps.db('donors').where({ id: req.donorId }).first('stripe_customer_id');
    if (!donor?.stripe_customer_id) throw new NotFoundError('There is no card on file to update.');
    const session = await callStripe(req, 'open billing', () =>
      deps.stripe.billingPortal.sessions.create({ customer: donor.stripe_customer_id!, return_url: `${deps.baseUrl}/account` }),
    );
    res.redirect(303, session.url);
  });

  return router;
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

