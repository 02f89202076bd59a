import express, { Router, type Request, type Response } from 'express';
import { checkNewCard, readCardForm } from './card-form';
import { customerSubscriptions, replaceCard } from '../engine/billing-portal-actions';
import { renderPortalExpiredPage, renderPortalPage, type PortalPageState } from './billing-portal-page';
import { portalSessionUsable } from '../engine/billing-portal-sessions';
import type { EmulatorContext } from '../engine/context';
import { renderMessagePage } from './hosted-checkout-page';
import { sendHtml } from './html';
import type { BillingPortalSessionRecord } from '../engine/store';
import type { Customer } from '../engine/stripe-objects';
import { scheduleCancellation } from '../engine/subscriptions';

/**
 * `GET /portal/:id` and its forms. Each action waits for the first delivery
 * attempt of its events before redirecting back to the page (post, redirect,
 * get), so the app has seen the change when the member returns to it.
 */

const NOTICES: Record<string, string> = {
  card: 'Your card was updated.',
  card_paid: 'Your card was updated and your outstanding invoice was paid.',
  card_failed: 'Your card was saved, but charging it for your outstanding invoice failed.',
  canceled: 'Your membership will be canceled at the end of the current period.',
  renewed: 'Your membership will renew as usual.',
};

interface OpenSession {
  record: BillingPortalSessionRecord;
  customer: Customer;
}

/** The session and its customer, or answers the request itself (missing or expired) and returns null. */
function openSession(ctx: EmulatorContext, req: Request, res: Response): OpenSession | null {
  const record = ctx.store.billingPortalSessions.get(String(req.params.id));
  const customer = record ? ctx.store.customers.get(record.session.customer) : undefined;
  if (!record || !customer) {
    sendHtml(res, 404, renderMessagePage('Billing portal session not found', 'There is no billing portal session with this address.'));
    return null;
  }
  const now = ctx.clock.now();
  if (!portalSessionUsable(record, now)) {
    sendHtml(res, 410, renderPortalExpiredPage(record));
    return null;
  }
  record.openedAt ??= now;
  return { record, customer };
}

export function billingPortalRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/portal/:id', (req, res) => {
    const open = openSession(ctx, req, res);
    if (!open) return;
    const notice = typeof req.query.updated === 'string' ? NOTICES[req.query.updated] : undefined;
    sendHtml(res, 200, renderPortalPage(ctx, open.record, open.customer, notice ? { notice } : {}));
  });

  router.post('/portal/:id/payment-method', form, async (req, res) => {
    const open = openSession(ctx, req, res);
    if (!open) return;
    const cardValues = readCardForm(req.body);
    const checked = checkNewCard(cardValues, new Date(ctx.clock.now() * 1000));
    if (!checked.ok) {
      const state: PortalPageState = { cardValues, cardErrors: checked.errors, alert: 'Please correct the fields marked below.' };
      sendHtml(res, 400, renderPortalPage(ctx, open.record, open.customer, state));
      return;
    }
    const result = replaceCard(ctx, open.customer, checked.card);
    if (!result.saved) {
      sendHtml(res, 402, renderPortalPage(ctx, open.record, open.customer, { cardValues, alert: result.message }));
      return;
    }
    ctx.logger.info(
      { customer: open.customer.id, paid: result.invoicesPaid, failed: result.invoicesFailed },
      'stripe emulator portal replaced a card',
    );
    await ctx.events.publish(result.events);
    const outcome = result.invoicesFailed > 0 ? 'card_failed' : result.invoicesPaid > 0 ? 'card_paid' : 'card';
    res.redirect(303, `/portal/${open.record.session.id}?updated=${outcome}`);
  });

  router.post('/portal/:id/subscriptions/:subscription/:action', form, async (req, res) => {
    const open = openSession(ctx, req, res);
    if (!open) return;
    const { action } = req.params;
    const subscription = customerSubscriptions(ctx, open.customer.id).find((s) => s.id === req.params.subscription);
    if (!subscription || (action !== 'cancel' && action !== 'renew')) {
      sendHtml(res, 404, renderMessagePage('Membership not found', 'This customer has no such membership to change.'));
      return;
    }
    const event = scheduleCancellation(ctx, subscription, action === 'cancel');
    if (event) await ctx.events.publish([event]);
    res.redirect(303, `/portal/${open.record.session.id}?updated=${action === 'cancel' ? 'canceled' : 'renewed'}`);
  });

  return router;
}
