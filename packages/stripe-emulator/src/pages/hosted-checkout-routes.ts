import express, { Router, type Response } from 'express';
import { checkCardForm, readCardForm, type CardFormValues } from './card-form';
import type { CardDetails } from '../engine/test-cards';
import { payCheckoutSession, type PaymentResult } from '../engine/checkout-payment';
import { expireSession } from '../engine/checkout-sessions';
import { payCheckoutSubscription } from '../engine/checkout-subscription';
import type { EmulatorContext } from '../engine/context';
import {
  renderAlreadyPaidPage,
  renderCheckoutPage,
  renderExpiredPage,
  renderMessagePage,
  type CheckoutPageState,
} from './hosted-checkout-page';
import { sendHtml } from './html';
import type { CheckoutSessionRecord } from '../engine/store';

/**
 * `GET /checkout/:id` shows the hosted page; `POST /checkout/:id/pay` is its
 * form. After a payment the handler waits for the first webhook delivery
 * attempts before redirecting, so the buyer lands on the app's thank-you page
 * after the app has recorded the gift (Stripe gives no such guarantee; the
 * app must still cope with the webhook arriving late).
 */

function fixedEmail(ctx: EmulatorContext, record: CheckoutSessionRecord): string | null {
  const { session } = record;
  if (session.customer_email) return session.customer_email;
  const customer = typeof session.customer === 'string' ? ctx.store.customers.get(session.customer) : undefined;
  return customer?.email ?? null;
}

function emptyValues(email: string | null): CardFormValues {
  return { email: email ?? '', cardholder_name: '', card_number: '', card_expiry: '', card_cvc: '', postal_code: '' };
}

/**
 * An open session past its `expires_at` is expired on sight, so nobody can pay
 * it in the minute before the background sweep would have.
 */
async function currentRecord(ctx: EmulatorContext, id: string): Promise<CheckoutSessionRecord | undefined> {
  const record = ctx.store.checkoutSessions.get(id);
  if (record && record.session.status === 'open' && record.session.expires_at <= ctx.clock.now()) {
    await ctx.events.publish([expireSession(record)]);
  }
  return record;
}

/** Answers for a session that cannot take a card now; returns false when the form should be handled. */
function answeredClosedSession(res: Response, record: CheckoutSessionRecord | undefined, paying: boolean): boolean {
  if (!record) {
    const page = renderMessagePage('Checkout session not found', 'There is no checkout session with this address.');
    sendHtml(res, 404, page);
  } else if (record.session.status === 'complete') {
    sendHtml(res, paying ? 409 : 200, renderAlreadyPaidPage(record));
  } else if (record.session.status === 'expired') {
    sendHtml(res, 410, renderExpiredPage(record));
  } else {
    return false;
  }
  return true;
}

function pay(ctx: EmulatorContext, record: CheckoutSessionRecord, card: CardDetails): PaymentResult {
  return record.session.mode === 'subscription'
    ? payCheckoutSubscription(ctx, record, card)
    : payCheckoutSession(ctx, record, card);
}

export function hostedCheckoutRoutes(ctx: EmulatorContext): Router {
  const router = Router();

  router.get('/checkout/:id', async (req, res) => {
    const record = await currentRecord(ctx, req.params.id);
    if (answeredClosedSession(res, record, false) || !record) return;
    const email = fixedEmail(ctx, record);
    sendHtml(res, 200, renderCheckoutPage(ctx.formatMoney, record, { values: emptyValues(email), errors: {}, fixedEmail: email }));
  });

  router.post('/checkout/:id/pay', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const record = await currentRecord(ctx, req.params.id);
    if (answeredClosedSession(res, record, true) || !record) return;

    const email = fixedEmail(ctx, record);
    // A prefilled email is read-only on the page; a tampered form cannot change it.
    const values = { ...readCardForm(req.body), ...(email ? { email } : {}) };
    const state: CheckoutPageState = { values, errors: {}, fixedEmail: email };
    const checked = checkCardForm(values, new Date(ctx.clock.now() * 1000));
    if (!checked.ok) {
      sendHtml(res, 400, renderCheckoutPage(ctx.formatMoney, record, { ...state, errors: checked.errors }));
      return;
    }

    const result = pay(ctx, record, checked.card);
    ctx.logger.info({ session: record.session.id, paid: result.paid }, 'stripe emulator checkout payment attempt');
    await ctx.events.publish(result.events);
    if (result.paid) {
      res.redirect(303, result.redirectTo);
      return;
    }
    sendHtml(res, 402, renderCheckoutPage(ctx.formatMoney, record, { ...state, alert: result.message }));
  });

  return router;
}
