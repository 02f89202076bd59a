import request from 'supertest';
import { levelFor } from '../../../src/members/levels';
import { defaultSettings } from '../../../src/settings/settings';
import { bootTestApp, type TestApp } from '../../support/app';
import { buildDonor, buildMembership } from '../../support/factories';
import { stubStripe, stubStripeUnreachable, type StripeCapture } from '../../support/stripe-stubs';
import { invoiceObject, subscriptionObject, subscriptionSession, type MembershipIds } from '../../support/membership-fixtures';
import { deliver } from '../receipts/support';
import { signedInCookie } from './support';

const T0 = Math.floor(Date.now() / 1000) - 5 * 86_400;

describe('/account: a member manages their membership', () => {
  let t: TestApp;
  let ids: MembershipIds;
  let cookie: string;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    const row = await buildMembership(t.db, { stripe_checkout_session_id: 'cs_test_acct_member' });
    ids = { membershipId: row.id, subscriptionId: 'sub_acct', customerId: 'cus_acct', sessionId: 'cs_test_acct_member' };
    await deliver(t, 'checkout.session.completed', subscriptionSession(ids), { created: T0 });
    await deliver(t, 'customer.subscription.created', subscriptionObject(ids, { periodStart: T0 }), { created: T0 });
    await deliver(t, 'invoice.paid', invoiceObject(ids, { id: 'in_acct_1', paidAt: T0 }), { created: T0 });
    cookie = await signedInCookie(t, 'member@example.com');
  });
  afterAll(() => t.close());

  it('shows the membership, its next payment and the member’s level', async () => {
    const page = await request(t.app).get('/account').set('Cookie', cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Membership: $10.00 a month');
    expect(page.text).toContain('Status: <strong>Active</strong>');
    expect(page.text).toContain('Next payment on');
    // $10 a month is $120 a year: a Sustainer from the first month.
    expect(page.text).toContain('Your level: <strong>Sustainer</strong>');
    expect(page.text).toContain(`action="/account/memberships/${ids.membershipId}/amount"`);
  });

  it('changes the amount from the next period, with an idempotency key, and shows it at once', async () => {
    const update: StripeCapture = {};
    stubStripe('get', '/v1/subscriptions/sub_acct', {
      ...subscriptionObject(ids),
      items: { object: 'list', data: [{ id: 'si_acct', price: { id: 'price_1', product: 'prod_1', unit_amount: 1000 } }] },
    });
    stubStripe('post', '/v1/subscriptions/sub_acct', subscriptionObject(ids, { amount: 2500 }), update);
    const res = await request(t.app).post(`/account/memberships/${ids.membershipId}/amount`).set('Cookie', cookie).type('form').send({ amount: '25' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account?changed=amount');
    expect(update.body).toEqual({
      'items[0][id]': 'si_acct',
      'items[0][price_data][currency]': 'usd',
      'items[0][price_data][product]': 'prod_1',
      'items[0][price_data][unit_amount]': '2500',
      'items[0][price_data][recurring][interval]': 'month',
      proration_behavior: 'none',
    });
    expect(update.headers!['idempotency-key']).toMatch(new RegExp(`^membership-amount-${ids.membershipId}-\\d+-[0-9a-f]{16}$`));
    // Stripe's answer is applied before the redirect, so the page shows the change; the webhook then changes nothing.
    expect((await t.db('memberships').where({ id: ids.membershipId }).first()).amount).toBe(2500);
    expect(await request(t.app).get('/account').set('Cookie', cookie).then((r) => r.text)).toContain('Membership: $25.00 a month');
  });

  it('takes a new amount written with a thousands separator, and refuses a decimal comma rather than misreading it', async () => {
    const update: StripeCapture = {};
    stubStripe('get', '/v1/subscriptions/sub_acct', {
      ...subscriptionObject(ids),
      items: { object: 'list', data: [{ id: 'si_acct', price: { id: 'price_1', product: 'prod_1', unit_amount: 1000 } }] },
    });
    stubStripe('post', '/v1/subscriptions/sub_acct', subscriptionObject(ids, { amount: 100_000 }), update);
    const res = await request(t.app).post(`/account/memberships/${ids.membershipId}/amount`).set('Cookie', cookie).type('form').send({ amount: '1,000' });
    expect(res.status).toBe(303);
    expect(update.body!['items[0][price_data][unit_amount]']).toBe('100000');

    const refused = await request(t.app).post(`/account/memberships/${ids.membershipId}/amount`).set('Cookie', cookie).type('form').send({ amount: '25,50' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Enter an amount between');
  });

  it('cancels at period end with the member’s reason, and resumes', async () => {
    const cancelCapture: StripeCapture = {};
    stubStripe('post', '/v1/subscriptions/sub_acct', subscriptionObject(ids, { cancelAtPeriodEnd: true }), cancelCapture);
    const res = await request(t.app)
      .post(`/account/memberships/${ids.membershipId}/cancel`)
      .set('Cookie', cookie)
      .type('form')
      .send({ feedback: 'too_expensive', comment: 'Tight month' });
    expect(res.status).toBe(303);
    expect(cancelCapture.body).toEqual({
      cancel_at_period_end: 'true',
      'cancellation_details[feedback]': 'too_expensive',
      'cancellation_details[comment]': 'Tight month',
    });

    await deliver(t, 'customer.subscription.updated', subscriptionObject(ids, { periodStart: T0, cancelAtPeriodEnd: true }), { created: T0 + 60 });
    const page = await request(t.app).get('/account').set('Cookie', cookie);
    expect(page.text).toContain('Keep my membership');

    const resumeCapture: StripeCapture = {};
    stubStripe('post', '/v1/subscriptions/sub_acct', subscriptionObject(ids), resumeCapture);
    expect((await request(t.app).post(`/account/memberships/${ids.membershipId}/resume`).set('Cookie', cookie)).status).toBe(303);
    expect(resumeCapture.body).toEqual({ cancel_at_period_end: 'false' });
  });

  it('sends the member to Stripe’s billing portal to update their card, returning to the account', async () => {
    const bodyCapture: StripeCapture = {};
    stubStripe('post', '/v1/billing_portal/sessions', { id: 'bps_1', object: 'billing_portal.session', url: 'https://billing.stripe.com/p/session/test_1' }, bodyCapture);
    const res = await request(t.app).post(`/account/memberships/${ids.membershipId}/billing`).set('Cookie', cookie);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('https://billing.stripe.com/p/session/test_1');
    expect(bodyCapture.body).toEqual({ customer: 'cus_acct', return_url: 'http://localhost:3000/account' });
  });

  it('refuses a form posted from another site (login CSRF included)', async () => {
    const crossSite = await request(t.app).post('/account/verify').set('Origin', 'https://evil.example').type('form').send({ token: 'x' });
    expect(crossSite.status).toBe(403);
    const sibling = await request(t.app)
      .post(`/account/memberships/${ids.membershipId}/cancel`)
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'same-site')
      .type('form')
      .send({});
    expect(sibling.status).toBe(403);
    const own = await request(t.app).post('/account/sign-in').set('Origin', 'http://localhost:3000').type('form').send({ email: 'member@example.com' });
    expect(own.status).toBe(200);
  });

  it('accepts our own form from a browser that sends Origin: null with Sec-Fetch-Site: same-origin', async () => {
    // What Chrome sends for a same-origin form under a no-referrer policy.
    const res = await request(t.app)
      .post('/account/sign-in')
      .set('Origin', 'null')
      .set('Sec-Fetch-Site', 'same-origin')
      .type('form')
      .send({ email: 'member@example.com' });
    expect(res.status).toBe(200);
    const spoofed = await request(t.app).post('/account/sign-in').set('Origin', 'null').type('form').send({ email: 'member@example.com' });
    expect(spoofed.status).toBe(403);
  });

  it('sends the referrer to our own pages only', async () => {
    const page = await request(t.app).get('/account');
    expect(page.headers['referrer-policy']).toBe('same-origin');
  });

  it('refuses a bad amount with 422 on the account page, next to the field, keeping what was typed, and calls nobody', async () => {
    const res = await request(t.app).post(`/account/memberships/${ids.membershipId}/amount`).set('Cookie', cookie).type('form').send({ amount: '0.5' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<title>Error: Your giving');
    expect(res.text).toMatch(/id="amount-[^"]+-error"><span class="visually-hidden">Error:<\/span> Enter an amount between/);
    expect(res.text).toMatch(/name="amount" value="0.5" required aria-invalid="true"/);
  });

  it('does not let anyone touch a membership that is not theirs', async () => {
    await buildDonor(t.db, { email: 'someone@example.com' });
    const other = await signedInCookie(t, 'someone@example.com');
    const res = await request(t.app).post(`/account/memberships/${ids.membershipId}/cancel`).set('Cookie', other).type('form').send({});
    expect(res.status).toBe(404);
    const signedOut = await request(t.app).post(`/account/memberships/${ids.membershipId}/cancel`).type('form').send({});
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.location).toBe('/account');
  });

  it('says so calmly when Stripe cannot be reached, changing nothing', async () => {
    stubStripeUnreachable('post', '/v1/subscriptions/sub_acct');
    const res = await request(t.app).post(`/account/memberships/${ids.membershipId}/cancel`).set('Cookie', cookie).type('form').send({});
    expect(res.status).toBe(503);
    expect(res.text).toContain('Nothing was changed');
    expect((await t.db('memberships').where({ id: ids.membershipId }).first()).cancel_at_period_end).toBe(false);
  });
});

describe('membership levels', () => {
  const levels = defaultSettings().membership_levels;
  it.each([
    [0, 'Supporter'],
    [5_999, 'Supporter'],
    [6_000, 'Member'],
    [12_000, 'Sustainer'],
    [99_999, 'Sustainer'],
    [100_000, 'Leadership Circle'],
  ])('%p a year is %p', (yearly, name) => {
    expect(levelFor(yearly, levels).name).toBe(name);
  });
});
