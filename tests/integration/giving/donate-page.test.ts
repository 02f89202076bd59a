import request from 'supertest';
import { writeSetting } from '../../../src/settings/settings';
import { bootTestApp, NEWSROOM_ORIGIN, type TestApp } from '../../support/app';
import { buildDonation, buildMembership } from '../../support/factories';
import { checkoutSession } from '../../support/stripe-fixtures';
import { stubCheckoutSessionRetrieve, stubStripe, stubStripeUnreachable } from '../../support/stripe-stubs';

describe('GET /donate', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('shows the headline, the preset amounts with $25 chosen, and every form control with a label', async () => {
    const res = await request(t.app).get('/donate');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1 id="donate-title">Support our non-profit journalism</h1>');
    for (const [value, label] of [['10', '$10'], ['25', '$25'], ['50', '$50'], ['100', '$100']]) {
      expect(res.text).toContain(`<label for="amount-${value}">${label}</label>`);
    }
    expect(res.text).toMatch(/id="amount-25" value="25" checked/);
    expect(res.text).toMatch(/id="frequency-once" value="once" checked/);
    for (const id of ['amount-other', 'amount_other', 'frequency-monthly', 'frequency-annual', 'cover_fees', 'email', 'anonymous', 'tribute_name', 'comment']) {
      expect(res.text).toContain(`for="${id}"`);
      expect(res.text).toContain(`id="${id}"`);
    }
    expect(res.text).toContain('That adds $1.06 to a $25 gift.');
  });

  it('presets amount and attribution from the query string, and the article as referrer', async () => {
    const res = await request(t.app).get('/donate').set('Referer', `${NEWSROOM_ORIGIN}/story`).query({
      amount: '35',
      campaign: 'year-end',
      utm_source: 'newsletter',
      return_to: `${NEWSROOM_ORIGIN}/story`,
    });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/id="amount-other" value="other" checked/);
    expect(res.text).toContain('id="amount_other" value="35"');
    expect(res.text).toContain('<input type="hidden" name="campaign" value="year-end">');
    expect(res.text).toContain(`<input type="hidden" name="referrer" value="${NEWSROOM_ORIGIN}/story">`);
    expect(res.text).toContain('<input type="hidden" name="utm_source" value="newsletter">');
    expect(res.text).toContain(`<input type="hidden" name="return_to" value="${NEWSROOM_ORIGIN}/story">`);
  });

  it('presets a membership from a newsletter link', async () => {
    const res = await request(t.app).get('/donate').query({ frequency: 'monthly', amount: '10' });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/id="frequency-monthly" value="monthly" checked/);
    expect(res.text).toMatch(/id="amount-10" value="10" checked/);
  });

  it('trims attribution from a long link so the form can still be sent', async () => {
    const res = await request(t.app).get('/donate').query({ article_title: 'T'.repeat(400), utm_source: 'a\u0001b' });
    expect(res.text).toContain(`<input type="hidden" name="article_title" value="${'T'.repeat(300)}">`);
    expect(res.text).toContain('<input type="hidden" name="utm_source" value="a b">');
  });

  it('ignores nonsense in the query rather than failing', async () => {
    const res = await request(t.app).get('/donate').query({ amount: 'lots', frequency: 'hourly' });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/id="amount-25" value="25" checked/);
    expect(res.text).toMatch(/id="frequency-once" value="once" checked/);
  });

  it('uses the headline, copy and presets from settings', async () => {
    await writeSetting(t.db, 'giving', { headline: 'Keep the Ledger free', intro: 'We answer to readers.', presets: [500, 1500], default_amount: 1500 });
    await writeSetting(t.db, 'organization', { name: 'The Ledger' });
    const fresh = await bootTestApp();
    try {
      const res = await request(fresh.app).get('/donate');
      expect(res.text).toContain('Keep the Ledger free');
      expect(res.text).toContain('We answer to readers.');
      expect(res.text).toContain('<label for="amount-5">$5</label>');
      expect(res.text).toMatch(/id="amount-15" value="15" checked/);
      expect(res.text).toContain('<span class="site-name">The Ledger</span>');
      expect(res.text).not.toContain('for="amount-25"');
    } finally {
      await fresh.close();
    }
  });

  it('tells a donor who came back from Checkout that nothing was charged', async () => {
    const res = await request(t.app).get('/donate').query({ amount: '25', canceled: '1' });
    expect(res.text).toContain('you were not charged');
  });
});

describe('GET /donate/thanks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('thanks the donor with the amount and links back to the allowed article, writing nothing', async () => {
    const donation = await buildDonation(t.db, {
      amount: 2606,
      stripe_checkout_session_id: 'cs_test_thanks1',
      return_to: `${NEWSROOM_ORIGIN}/2026/11/schools`,
      article_title: 'Schools budget',
    });
    stubCheckoutSessionRetrieve(checkoutSession({ id: 'cs_test_thanks1', donationId: donation.id, amount_total: 2606 }));
    const res = await request(t.app).get('/donate/thanks').query({ session_id: 'cs_test_thanks1' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Thank you!');
    expect(res.text).toContain('<strong>$26.06</strong>');
    expect(res.text).toContain(`href="${NEWSROOM_ORIGIN}/2026/11/schools"`);
    expect(res.text).toContain('Back to “Schools budget”');
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'pending', donor_id: null });
    expect(await t.db('donors').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('welcomes a new member after a subscription checkout, with the link back from the membership', async () => {
    await buildMembership(t.db, {
      amount: 1500,
      interval: 'year',
      stripe_checkout_session_id: 'cs_test_memberThanks1',
      return_to: `${NEWSROOM_ORIGIN}/story`,
    });
    stubCheckoutSessionRetrieve(checkoutSession({ id: 'cs_test_memberThanks1', mode: 'subscription', amount_total: 1500 }));
    const res = await request(t.app).get('/donate/thanks').query({ session_id: 'cs_test_memberThanks1' });
    expect(res.status).toBe(200);
    expect(res.text).toContain("You're now a yearly member of Our Newsroom, giving <strong>$15.00</strong> a year.");
    expect(res.text).toContain(`href="${NEWSROOM_ORIGIN}/story"`);
  });

  it('offers no link back when the donation had no allowed return address', async () => {
    stubCheckoutSessionRetrieve(checkoutSession({ id: 'cs_test_thanks2' }));
    const res = await request(t.app).get('/donate/thanks').query({ session_id: 'cs_test_thanks2' });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('Back to');
  });

  it('says the payment is processing for a delayed payment method', async () => {
    stubCheckoutSessionRetrieve(checkoutSession({ id: 'cs_test_thanks3', payment_status: 'unpaid' }));
    const res = await request(t.app).get('/donate/thanks').query({ session_id: 'cs_test_thanks3' });
    expect(res.text).toContain('your donation is processing');
  });

  /** The reader's page for a link that names no donation we can find: what to do next, not what was wrong with the URL. */
  function expectReadersNotFoundPage(text: string) {
    expect(text).toContain("We couldn't find your donation");
    expect(text).toContain('If you completed a payment, your receipt is on its way by email.');
    expect(text).toContain('href="/donate"');
    expect(text).toContain('href="/account"');
    expect(text).not.toContain('session_id');
    expect(text).not.toContain('Checkout Session');
  }

  it.each([
    ['a missing', {}],
    ['an empty', { session_id: '' }],
    ['a malformed', { session_id: '../../v1/customers' }],
    ['a repeated', { session_id: ['cs_test_a', 'cs_test_b'] }],
  ])('answers 400 with the reader\'s page for %s session id, without calling Stripe', async (_label, query) => {
    const res = await request(t.app).get('/donate/thanks').query(query);
    expect(res.status).toBe(400);
    expect(res.type).toBe('text/html');
    expectReadersNotFoundPage(res.text);
  });

  it('answers 404 with the reader\'s page for a session Stripe does not know', async () => {
    stubStripe('get', '/v1/checkout/sessions/cs_test_unknown', [404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such checkout.session' } }]);
    const res = await request(t.app).get('/donate/thanks').query({ session_id: 'cs_test_unknown' });
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('No such checkout.session');
    expectReadersNotFoundPage(res.text);
  });

  it('answers 503 with a calm message when Stripe is unreachable', async () => {
    stubStripeUnreachable('get', '/v1/checkout/sessions/cs_test_down');
    const res = await request(t.app).get('/donate/thanks').query({ session_id: 'cs_test_down' });
    expect(res.status).toBe(503);
    expect(res.text).toContain('your receipt is on its way');
  });
});
