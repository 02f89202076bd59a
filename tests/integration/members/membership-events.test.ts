import request from 'supertest';
import { bootTestApp, signedEvent, type TestApp } from '../../support/app';
import { invoiceObject, subscriptionObject, subscriptionSession, type MembershipIds } from '../../support/membership-fixtures';
import { buildDonor, buildMembership } from '../../support/factories';
import { stubStripe, stubStripeUnreachable, type StripeCapture } from '../../support/stripe-stubs';
import { cardCharge, deliver, refundedCharge } from '../receipts/support';

const T0 = 1_795_000_000;
const DAY = 86_400;

describe('Membership events through signed webhooks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  let stories = 0;
  /** A membership as POST /donate leaves it: pending, with its Checkout Session. */
  async function pendingMembership(): Promise<MembershipIds> {
    stories += 1;
    const sessionId = `cs_test_member_${stories}`;
    const row = await buildMembership(t.db, { stripe_checkout_session_id: sessionId, campaign: 'members-drive' });
    return { membershipId: row.id, subscriptionId: `sub_${stories}`, customerId: `cus_member_${stories}`, sessionId };
  }

  const membership = (ids: MembershipIds) => t.db('memberships').where({ id: ids.membershipId }).first();
  const outboxTemplates = async () => (await t.db('email_outbox').orderBy('template').pluck('template')) as string[];

  it('links the membership on checkout.session.completed, records no payment, and welcomes the member', async () => {
    const ids = await pendingMembership();
    await deliver(t, 'checkout.session.completed', subscriptionSession(ids), { created: T0 });
    const row = await membership(ids);
    expect(row).toMatchObject({ status: 'active', stripe_subscription_id: ids.subscriptionId, stripe_customer_id: ids.customerId });
    const donor = await t.db('donors').where({ id: row.donor_id }).first();
    expect(donor).toMatchObject({ email: 'member@example.com', stripe_customer_id: ids.customerId });
    expect(await t.db('donations')).toHaveLength(0);
    expect(await outboxTemplates()).toEqual(['member-welcome']);
  });

  it('records one donation per paid invoice, first one included, with a receipt — whichever event comes first', async () => {
    const ids = await pendingMembership();
    const first = invoiceObject(ids, { id: 'in_first', paidAt: T0 + 5 });
    // The invoice arrives before the checkout event.
    await deliver(t, 'invoice.paid', first, { created: T0 + 5 });
    await deliver(t, 'checkout.session.completed', subscriptionSession(ids), { created: T0 + 6 });
    await deliver(t, 'invoice.paid', first, { created: T0 + 5 }); // Stripe delivers again
    const donations = await t.db('donations');
    expect(donations).toHaveLength(1);
    expect(donations[0]).toMatchObject({
      membership_id: ids.membershipId,
      stripe_invoice_id: 'in_first',
      stripe_payment_intent_id: 'pi_in_first',
      frequency: 'monthly',
      status: 'succeeded',
      amount_paid: 1000,
      campaign: 'members-drive',
      paid_at: new Date((T0 + 5) * 1000),
    });
    expect(await t.db('receipts').where({ donation_id: donations[0].id })).toHaveLength(1);
    expect((await membership(ids)).donor_id).toBe(donations[0].donor_id);
  });

  it('gives every renewal its own donation and receipt, with the card from its charge', async () => {
    const ids = await pendingMembership();
    await deliver(t, 'checkout.session.completed', subscriptionSession(ids), { created: T0 });
    await deliver(t, 'invoice.paid', invoiceObject(ids, { id: 'in_1', paidAt: T0 }), { created: T0 });
    // A renewal's charge carries no metadata of ours; it is matched through the invoice's payment intent.
    await deliver(t, 'charge.succeeded', cardCharge({ id: 'ch_renewal', payment_intent: 'pi_in_2', amount: 1000 }), { created: T0 + 30 * DAY });
    await deliver(t, 'invoice.paid', invoiceObject(ids, { id: 'in_2', paidAt: T0 + 30 * DAY }), { created: T0 + 30 * DAY });
    const donations = await t.db('donations').orderBy('paid_at');
    expect(donations.map((d) => d.stripe_invoice_id)).toEqual(['in_1', 'in_2']);
    expect(donations[1]).toMatchObject({ card_brand: 'visa', card_last4: '4242', stripe_charge_id: 'ch_renewal' });
    expect(await t.db('receipts').pluck('number')).toEqual(['2026-000001', '2026-000002']);

    await deliver(t, 'charge.refunded', refundedCharge(1000, { id: 'ch_renewal', payment_intent: 'pi_in_2', amount: 1000 }));
    expect(await t.db('donations').where({ stripe_invoice_id: 'in_2' }).first()).toMatchObject({ status: 'refunded', amount_refunded: 1000 });
  });

  it('fetches the invoice’s payments from Stripe when the event leaves them out, as Stripe’s events do', async () => {
    const ids = await pendingMembership();
    const { payments, ...withoutPayments } = invoiceObject(ids, { id: 'in_bare', paidAt: T0 });
    const fetched: StripeCapture = {};
    stubStripe('get', /^\/v1\/invoices\/in_bare/, { ...withoutPayments, payments }, fetched);
    await deliver(t, 'invoice.paid', withoutPayments, { created: T0 });
    expect(fetched.path).toContain('expand[0]=payments');
    expect(await t.db('donations').where({ stripe_invoice_id: 'in_bare' }).first()).toMatchObject({ stripe_payment_intent_id: 'pi_in_bare' });
  });

  it('answers 503 and records nothing when Stripe cannot complete the event, so Stripe retries', async () => {
    const ids = await pendingMembership();
    const { payments: _payments, ...withoutPayments } = invoiceObject(ids, { id: 'in_down', paidAt: T0 });
    stubStripeUnreachable('get', /^\/v1\/invoices\/in_down/);
    const { payload, signature } = signedEvent('invoice.paid', withoutPayments, { created: T0 });
    const res = await request(t.app).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(payload);
    expect(res.status).toBe(503);
    expect(await t.db('stripe_events')).toHaveLength(0);
    expect(await t.db('donations')).toHaveLength(0);
  });

  it('marks the membership past due on a failed payment and asks the member to fix their card once per invoice', async () => {
    const ids = await pendingMembership();
    await deliver(t, 'checkout.session.completed', subscriptionSession(ids), { created: T0 });
    const failed = invoiceObject(ids, { id: 'in_failed', status: 'open', paidAt: T0 + 30 * DAY });
    await deliver(t, 'invoice.payment_failed', failed, { created: T0 + 30 * DAY });
    await deliver(t, 'invoice.payment_failed', failed, { created: T0 + 30 * DAY + 1 });
    // A report of an earlier attempt, arriving late, leaves the newest failure's time.
    await deliver(t, 'invoice.payment_failed', failed, { created: T0 + 29 * DAY });
    expect(await membership(ids)).toMatchObject({ status: 'past_due', payment_failed_at: new Date((T0 + 30 * DAY + 1) * 1000) });
    expect(await outboxTemplates()).toEqual(['member-welcome', 'membership-payment-failed']);
    expect(await t.db('donations')).toHaveLength(0);

    // Recovery: the retried invoice is paid.
    await deliver(t, 'invoice.paid', invoiceObject(ids, { id: 'in_failed', paidAt: T0 + 33 * DAY }), { created: T0 + 33 * DAY });
    expect((await membership(ids)).status).toBe('active');
    expect(await t.db('donations')).toHaveLength(1);
  });

  it('sends no failed-payment email for a failure reported after the invoice was paid', async () => {
    const ids = await pendingMembership();
    await deliver(t, 'checkout.session.completed', subscriptionSession(ids), { created: T0 });
    await deliver(t, 'invoice.paid', invoiceObject(ids, { id: 'in_late', paidAt: T0 + 33 * DAY }), { created: T0 + 33 * DAY });
    await deliver(t, 'invoice.payment_failed', invoiceObject(ids, { id: 'in_late', status: 'open', paidAt: T0 + 30 * DAY }), { created: T0 + 30 * DAY });
    expect((await membership(ids)).status).toBe('active');
    expect(await outboxTemplates()).not.toContain('membership-payment-failed');
  });

  it('keeps the last real amount when a snapshot has quantity 0, instead of failing the event', async () => {
    const ids = await pendingMembership();
    const zero = subscriptionObject(ids, { amount: 1000 });
    zero.items.data[0]!.quantity = 0;
    await deliver(t, 'customer.subscription.updated', zero, { created: T0 });
    expect((await membership(ids)).amount).toBe(1000);
  });

  it('follows subscription updates only when newer: amount, period, cancellation, end', async () => {
    const ids = await pendingMembership();
    await deliver(t, 'checkout.session.completed', subscriptionSession(ids), { created: T0 });
    await deliver(t, 'customer.subscription.created', subscriptionObject(ids, { amount: 1000 }), { created: T0 });
    await deliver(t, 'customer.subscription.updated', subscriptionObject(ids, { amount: 2500, periodStart: T0 + 30 * DAY }), { created: T0 + 40 * DAY });
    // An older snapshot, delivered late.
    await deliver(t, 'customer.subscription.updated', subscriptionObject(ids, { amount: 1500 }), { created: T0 + 10 * DAY });
    expect(await membership(ids)).toMatchObject({
      status: 'active',
      amount: 2500,
      interval: 'month',
      current_period_end: new Date((T0 + 60 * DAY) * 1000),
    });

    await deliver(t, 'customer.subscription.updated', subscriptionObject(ids, { amount: 2500, periodStart: T0 + 30 * DAY, cancelAtPeriodEnd: true }), {
      created: T0 + 45 * DAY,
    });
    expect(await membership(ids)).toMatchObject({ cancel_at_period_end: true, status: 'active' });
    await deliver(t, 'customer.subscription.deleted', subscriptionObject(ids, { status: 'canceled', canceledAt: T0 + 60 * DAY, reason: 'cancellation_requested' }), {
      created: T0 + 60 * DAY,
    });
    // A live snapshot after the end cannot bring it back.
    await deliver(t, 'customer.subscription.updated', subscriptionObject(ids, { status: 'active' }), { created: T0 + 61 * DAY });
    expect(await membership(ids)).toMatchObject({
      status: 'canceled',
      cancellation_reason: 'cancellation_requested',
      canceled_at: new Date((T0 + 60 * DAY) * 1000),
    });
    const templates = await outboxTemplates();
    expect(templates).toContain('membership-cancel-scheduled');
    expect(templates).toContain('membership-ended');
  });

  it('records a subscription of ours whose membership row it does not know, and ignores one that is not ours', async () => {
    const ids: MembershipIds = { membershipId: '00000000-0000-4000-8000-000000000000', subscriptionId: 'sub_orphan', customerId: 'cus_orphan', sessionId: 'cs_x' };
    await deliver(t, 'customer.subscription.created', subscriptionObject(ids, { amount: 700 }), { created: T0 });
    expect(await t.db('memberships').where({ stripe_subscription_id: 'sub_orphan' }).first()).toMatchObject({ amount: 700, status: 'active' });

    const foreign = { ...ids, subscriptionId: 'sub_foreign' };
    await deliver(t, 'invoice.paid', invoiceObject(foreign, { id: 'in_foreign', metadata: {} }), { created: T0 });
    expect(await t.db('memberships').where({ stripe_subscription_id: 'sub_foreign' })).toHaveLength(0);
    expect(await t.db('donations').where({ stripe_invoice_id: 'in_foreign' })).toHaveLength(0);
  });

  it('expires an abandoned membership checkout', async () => {
    const ids = await pendingMembership();
    await deliver(t, 'checkout.session.expired', { ...subscriptionSession(ids), status: 'expired', payment_status: 'unpaid', subscription: null }, { created: T0 });
    expect((await membership(ids)).status).toBe('abandoned');
  });

  describe('disputes', () => {
    async function paidRenewal() {
      const ids = await pendingMembership();
      await deliver(t, 'charge.succeeded', cardCharge({ id: 'ch_disputed', payment_intent: 'pi_in_d', amount: 1000 }), { created: T0 });
      await deliver(t, 'invoice.paid', invoiceObject(ids, { id: 'in_d', paidAt: T0 }), { created: T0 });
    }
    const dispute = (status: string) => ({ id: 'dp_1', object: 'dispute', charge: 'ch_disputed', payment_intent: 'pi_in_d', amount: 1000, status });
    const donation = () => t.db('donations').where({ stripe_invoice_id: 'in_d' }).first();

    it('marks the payment disputed, and back to paid when the dispute is won', async () => {
      await paidRenewal();
      await deliver(t, 'charge.dispute.created', dispute('needs_response'), { created: T0 + DAY });
      expect(await donation()).toMatchObject({ status: 'disputed', dispute_status: 'needs_response' });
      await deliver(t, 'charge.dispute.closed', dispute('won'), { created: T0 + 20 * DAY });
      expect(await donation()).toMatchObject({ status: 'succeeded', dispute_status: 'won' });
    });

    it('keeps a lost dispute lost even if the opening event arrives last', async () => {
      await paidRenewal();
      await deliver(t, 'charge.dispute.closed', dispute('lost'), { created: T0 + 20 * DAY });
      await deliver(t, 'charge.dispute.created', dispute('needs_response'), { created: T0 + DAY });
      expect(await donation()).toMatchObject({ status: 'disputed', dispute_status: 'lost' });
    });
  });

  describe('customer.updated', () => {
    const customer = (email: string, name: string) => ({ id: 'cus_member_x', object: 'customer', email, name });

    it('keeps the donor’s email and name current, ignoring an older snapshot', async () => {
      await buildDonor(t.db, { email: 'old@example.com', name: 'Old Name', stripe_customer_id: 'cus_member_x' });
      await deliver(t, 'customer.updated', customer('new@example.com', 'New Name'), { created: T0 + 10 });
      await deliver(t, 'customer.updated', customer('older@example.com', 'Older'), { created: T0 + 5 });
      expect(await t.db('donors').where({ stripe_customer_id: 'cus_member_x' }).first()).toMatchObject({ email: 'new@example.com', name: 'New Name' });
    });

    it('signs the donor out everywhere when the email changes outside Sustain', async () => {
      const donor = await buildDonor(t.db, { email: 'old@example.com', stripe_customer_id: 'cus_member_x' });
      await t.db('sessions').insert({ token_hash: 'h1', kind: 'donor', donor_id: donor.id, expires_at: new Date(Date.now() + 86_400_000) });
      await deliver(t, 'customer.updated', customer('new@example.com', 'New Name'), { created: T0 });
      expect(await t.db('sessions')).toHaveLength(0);
    });

    it('leaves the email alone when another donor already has it', async () => {
      await buildDonor(t.db, { email: 'taken@example.com' });
      await buildDonor(t.db, { email: 'mine@example.com', stripe_customer_id: 'cus_member_x' });
      await deliver(t, 'customer.updated', customer('Taken@example.com', 'Renamed'), { created: T0 });
      expect(await t.db('donors').where({ stripe_customer_id: 'cus_member_x' }).first()).toMatchObject({ email: 'mine@example.com', name: 'Renamed' });
    });
  });
});
