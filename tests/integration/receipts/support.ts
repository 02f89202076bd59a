import { inflateSync } from 'node:zlib';
import type Stripe from 'stripe';
import request from 'supertest';
import { buildDonation } from '../../support/factories';
import { signedEvent, type TestApp } from '../../support/app';

/** Posts a signed Stripe event to the webhook endpoint, as Stripe would. */
export async function deliver(t: TestApp, type: string, object: object, options: { id?: string; created?: number } = {}) {
  const { payload, signature } = signedEvent(type, object, options);
  const res = await request(t.app)
    .post('/webhooks/stripe')
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', signature)
    .send(payload);
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}

export interface PendingDonation {
  id: string;
  sessionId: string;
}

let sessions = 0;

/** A donation as POST /donate leaves it: pending, with the checkout session it opened. */
export async function pendingDonation(t: TestApp, overrides: Record<string, unknown> = {}): Promise<PendingDonation> {
  sessions += 1;
  const sessionId = `cs_test_receipts_${sessions}`;
  const row = await buildDonation(t.db, { stripe_checkout_session_id: sessionId, ...overrides });
  return { id: row.id, sessionId: row.stripe_checkout_session_id as string };
}

/** A succeeded card charge as the pinned API version shapes it; metadata copied from the payment intent. */
export function cardCharge(overrides: Partial<Stripe.Charge> & { donationId?: string } = {}): Stripe.Charge {
  const { donationId, ...rest } = overrides;
  return {
    id: 'ch_test_1',
    object: 'charge',
    amount: 2500,
    amount_captured: 2500,
    amount_refunded: 0,
    captured: true,
    created: 1_795_000_050,
    currency: 'usd',
    customer: 'cus_test_donor1',
    livemode: false,
    metadata: donationId ? { donation_id: donationId, source: 'sustain' } : {},
    paid: true,
    payment_intent: 'pi_test_1',
    payment_method: 'pm_test_1',
    payment_method_details: {
      type: 'card',
      card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030, country: 'US', funding: 'credit' },
    },
    refunded: false,
    status: 'succeeded',
    ...rest,
  } as Stripe.Charge;
}

/** The same charge after refunds: Stripe reports the cumulative amount and `refunded` once it is whole. */
export function refundedCharge(amountRefunded: number, overrides: Partial<Stripe.Charge> & { donationId?: string } = {}) {
  const charge = cardCharge(overrides);
  return { ...charge, amount_refunded: amountRefunded, refunded: amountRefunded >= charge.amount };
}

/**
 * The text drawn on a PDF's pages, as one line: content streams inflated,
 * the strings of each text-showing operator joined (pdfkit writes hex
 * strings, split at kerning pairs), and wrapped lines put back together.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  for (const match of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    const bytes = Buffer.from(match[1] as string, 'latin1');
    let content: string;
    try {
      content = inflateSync(bytes).toString('latin1');
    } catch {
      content = bytes.toString('latin1');
    }
    for (const op of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[^\]])*)\]\s*TJ/g)) {
      const hex = [...(op[1] as string).matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('');
      lines.push(Buffer.from(hex, 'hex').toString('latin1'));
    }
  }
  return lines.join('\n').replace(/(\w-)\n/g, '$1').replace(/\s+/g, ' ');
}
