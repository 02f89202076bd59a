import request from 'supertest';
import { bootTestApp, NEWSROOM_ORIGIN, type TestApp } from '../../support/app';
import { stripeError, stubCheckoutSessionCreate, stubStripe, stubStripeUnreachable } from '../../support/stripe-stubs';

describe('POST /donate', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  const donationCount = async () => Number((await t.db('donations').count({ n: '*' }))[0]!.n);

  describe('rejects bad input with 422, the form re-rendered, and nothing written', () => {
    it.each([
      ['a negative amount', { amount: '-5' }, 'amount', 'like 25 or 25.50'],
      ['a zero amount', { amount: '0' }, 'amount', 'smallest gift'],
      ['text as the amount', { amount: 'abc' }, 'amount', 'like 25 or 25.50'],
      ['three decimals', { amount: '10.999' }, 'amount', 'like 25 or 25.50'],
      ['a decimal comma, which would be misread', { amount: 'other', amount_other: '25,50' }, 'amount_other', 'like 25 or 25.50'],
      ['malformed thousands grouping', { amount: 'other', amount_other: '10,00,0' }, 'amount_other', 'like 25 or 25.50'],
      ['a huge amount', { amount: '100000.01' }, 'amount', 'be made online; please contact us'],
      ['an absurd amount', { amount: '99999999999999' }, 'amount', 'like 25 or 25.50'],
      ['below the minimum', { amount: '0.99' }, 'amount', 'smallest gift we can take is $1.00'],
      ['an empty "other" amount', { amount: 'other', amount_other: '' }, 'amount_other', 'Choose or enter an amount'],
      ['no amount at all', {}, 'amount', 'Choose or enter an amount'],
      ['an unknown frequency', { amount: '25', frequency: 'weekly' }, 'frequency', 'once, monthly or annual'],
      ['a malformed email', { amount: '25', email: 'not-an-email' }, 'email', 'name@example.com'],
      ['a 10 KB comment', { amount: '25', comment: 'x'.repeat(10_240) }, 'comment', 'at most 1000 characters'],
      ['HTML in the dedication name', { amount: '25', tribute_name: '<script>alert(1)</script>' }, 'tribute_name', 'contain &lt; or &gt;'],
      ['a repeated amount whose last value is bad', { amount: ['25', 'abc'] }, 'amount', 'like 25 or 25.50'],
    ])('%s', async (_label, form, field, message) => {
      const res = await request(t.app).post('/donate').type('form').send(form);
      expect(res.status).toBe(422);
      expect(res.type).toBe('text/html');
      expect(res.text).toContain('problem');
      // Visible fields carry their message next to the control; hidden ones only in the summary.
      if (field) expect(res.text).toContain(`id="${field}-error"`);
      if (message) expect(res.text).toContain(message);
      expect(await donationCount()).toBe(0);
    });

    it('keeps what the donor typed when re-rendering', async () => {
      const res = await request(t.app)
        .post('/donate')
        .type('form')
        .send({ amount: 'other', amount_other: '12.345', email: 'ada@example.com', comment: 'Keep it up', tribute_name: 'Grace' });
      expect(res.status).toBe(422);
      expect(res.text).toContain('value="12.345"');
      expect(res.text).toContain('value="ada@example.com"');
      expect(res.text).toContain('>Keep it up</textarea>');
      expect(res.text).toContain('value="Grace"');
      expect(res.text).toContain('href="#amount_other"');
    });

    it('escapes what it echoes back', async () => {
      const res = await request(t.app).post('/donate').type('form').send({ amount: 'abc', comment: '<b>bold</b>' });
      expect(res.status).toBe(422);
      expect(res.text).toContain('&lt;b&gt;bold&lt;/b&gt;');
      expect(res.text).not.toContain('<b>bold</b>');
    });

    it('re-renders without failing when fields are repeated or the body is not a form', async () => {
      const repeated = await request(t.app)
        .post('/donate')
        .type('form')
        .send('amount=other&amount_other=abc&amount_other=1.234&email=a&email=b');
      expect(repeated.status).toBe(422);
      expect(repeated.text).toContain('value="1.234"');
      const json = await request(t.app).post('/donate').send({ amount: 25 });
      expect(json.status).toBe(422);
      const empty = await request(t.app).post('/donate');
      expect(empty.status).toBe(422);
      expect(await donationCount()).toBe(0);
    });

  });

  it('opens a Checkout Session with server-computed amounts and our id, then redirects to it', async () => {
    const capture: { body?: Record<string, string>; headers?: Record<string, unknown> } = {};
    const { scope } = stubCheckoutSessionCreate(capture);
    const res = await request(t.app)
      .post('/donate')
      .type('form')
      .send({
        amount: 'other',
        amount_other: '25',
        frequency: 'once',
        cover_fees: 'on',
        email: 'Ada@Example.com',
        anonymous: 'on',
        tribute_name: 'Grace Hopper',
        comment: 'For the schools coverage',
        article_url: `${NEWSROOM_ORIGIN}/2026/11/schools`,
        article_title: 'Schools budget',
        campaign: 'year-end',
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: 'giving-tuesday',
        return_to: `${NEWSROOM_ORIGIN}/2026/11/schools`,
      });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_created\d+$/);
    expect(scope.isDone()).toBe(true);

    const donation = await t.db('donations').first();
    expect(donation).toMatchObject({
      status: 'pending',
      frequency: 'once',
      currency: 'usd',
      amount: 2606,
      fee_amount: 106,
      fee_covered: true,
      email: 'ada@example.com',
      anonymous: true,
      tribute_name: 'Grace Hopper',
      comment: 'For the schools coverage',
      article_url: `${NEWSROOM_ORIGIN}/2026/11/schools`,
      article_title: 'Schools budget',
      campaign: 'year-end',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'giving-tuesday',
      return_to: `${NEWSROOM_ORIGIN}/2026/11/schools`,
      stripe_checkout_session_id: res.headers.location!.split('/').pop(),
    });

    expect(capture.headers!['idempotency-key']).toBe(`donation-checkout-${donation.id}`);
    expect(capture.body).toEqual({
      mode: 'payment',
      submit_type: 'donate',
      customer_creation: 'always',
      customer_email: 'ada@example.com',
      client_reference_id: donation.id,
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '2606',
      'line_items[0][price_data][product_data][name]': 'Donation to Our Newsroom',
      'line_items[0][price_data][product_data][description]': 'Includes $1.06 to cover processing fees',
      'metadata[donation_id]': donation.id,
      'metadata[source]': 'sustain',
      'metadata[article_url]': `${NEWSROOM_ORIGIN}/2026/11/schools`,
      'metadata[article_title]': 'Schools budget',
      'metadata[campaign]': 'year-end',
      'metadata[utm_source]': 'newsletter',
      'metadata[utm_medium]': 'email',
      'metadata[utm_campaign]': 'giving-tuesday',
      'payment_intent_data[metadata][donation_id]': donation.id,
      'payment_intent_data[metadata][source]': 'sustain',
      'payment_intent_data[metadata][article_url]': `${NEWSROOM_ORIGIN}/2026/11/schools`,
      'payment_intent_data[metadata][article_title]': 'Schools budget',
      'payment_intent_data[metadata][campaign]': 'year-end',
      'payment_intent_data[metadata][utm_source]': 'newsletter',
      'payment_intent_data[metadata][utm_medium]': 'email',
      'payment_intent_data[metadata][utm_campaign]': 'giving-tuesday',
      'payment_intent_data[description]': 'Donation to Our Newsroom',
      success_url: 'http://localhost:3000/donate/thanks?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: expect.stringMatching(/^http:\/\/localhost:3000\/donate\?amount=25&frequency=once&cover_fees=1&/),
    });
  });

  it('charges a preset amount exactly when fees are not covered, and drops a return_to on a foreign origin', async () => {
    const capture: { body?: Record<string, string> } = {};
    stubCheckoutSessionCreate(capture);
    const res = await request(t.app)
      .post('/donate')
      .type('form')
      .send({ amount: '50', frequency: 'once', return_to: 'https://evil.example.com/phish' });
    expect(res.status).toBe(303);
    expect(capture.body!['line_items[0][price_data][unit_amount]']).toBe('5000');
    expect(capture.body).not.toHaveProperty('customer_email');
    const donation = await t.db('donations').first();
    expect(donation).toMatchObject({ amount: 5000, fee_amount: 0, fee_covered: false, return_to: null });
  });

  it('starts a monthly membership: a pending membership row and a subscription-mode Checkout with our id on the subscription', async () => {
    const capture: { body?: Record<string, string>; headers?: Record<string, unknown> } = {};
    stubCheckoutSessionCreate(capture);
    const res = await request(t.app)
      .post('/donate')
      .type('form')
      .send({ amount: '15', frequency: 'monthly', cover_fees: 'on', email: 'member@example.com', campaign: 'members-drive' });
    expect(res.status).toBe(303);
    expect(await donationCount()).toBe(0);
    const membership = await t.db('memberships').first();
    expect(membership).toMatchObject({
      status: 'pending',
      interval: 'month',
      amount: 1576,
      fee_amount: 76,
      fee_covered: true,
      currency: 'usd',
      email: 'member@example.com',
      campaign: 'members-drive',
      stripe_checkout_session_id: res.headers.location!.split('/').pop(),
    });
    expect(capture.headers!['idempotency-key']).toBe(`membership-checkout-${membership.id}`);
    expect(capture.body).toMatchObject({
      mode: 'subscription',
      customer_email: 'member@example.com',
      client_reference_id: membership.id,
      'line_items[0][price_data][unit_amount]': '1576',
      'line_items[0][price_data][recurring][interval]': 'month',
      'metadata[membership_id]': membership.id,
      'subscription_data[metadata][membership_id]': membership.id,
      'subscription_data[metadata][source]': 'sustain',
    });
    expect(capture.body).not.toHaveProperty('submit_type');
    expect(capture.body).not.toHaveProperty('customer_creation');
  });

  it('bills a yearly membership once a year', async () => {
    const capture: { body?: Record<string, string> } = {};
    stubCheckoutSessionCreate(capture);
    await request(t.app).post('/donate').type('form').send({ amount: '120', frequency: 'annual' });
    expect(capture.body!['line_items[0][price_data][recurring][interval]']).toBe('year');
    expect(await t.db('memberships').first()).toMatchObject({ interval: 'year', amount: 12000 });
  });

  it('marks the membership attempt failed when Stripe refuses the session', async () => {
    stubStripe('post', '/v1/checkout/sessions', stripeError(500, 'api_error', 'boom'));
    const res = await request(t.app).post('/donate').type('form').send({ amount: '10', frequency: 'monthly' });
    expect(res.status).toBe(502);
    expect(await t.db('memberships').first()).toMatchObject({ status: 'failed' });
  });

  it('drops attribution it cannot use instead of refusing the gift', async () => {
    stubCheckoutSessionCreate();
    const res = await request(t.app)
      .post('/donate')
      .type('form')
      .send({ amount: '25', article_url: 'javascript:alert(1)', article_title: 'T'.repeat(400), utm_source: 'x'.repeat(300) });
    expect(res.status).toBe(303);
    const donation = await t.db('donations').first();
    expect(donation).toMatchObject({ article_url: null, article_title: 'T'.repeat(300), utm_source: 'x'.repeat(200) });
  });

  it('records the referrer the page carried from the article', async () => {
    stubCheckoutSessionCreate();
    await request(t.app).post('/donate').type('form').send({ amount: '25', referrer: 'https://news.example.org/story' });
    expect(await t.db('donations').first()).toMatchObject({ referrer: 'https://news.example.org/story' });
  });

  it('accepts the smallest and largest allowed gifts', async () => {
    stubCheckoutSessionCreate();
    stubCheckoutSessionCreate();
    expect((await request(t.app).post('/donate').type('form').send({ amount: '1' })).status).toBe(303);
    expect((await request(t.app).post('/donate').type('form').send({ amount: '100000.00' })).status).toBe(303);
    const amounts = (await t.db('donations').orderBy('amount').pluck('amount')) as number[];
    expect(amounts).toEqual([100, 10_000_000]);
  });

  it('takes a typed amount written with a thousands separator', async () => {
    const capture: { body?: Record<string, string> } = {};
    stubCheckoutSessionCreate(capture);
    const res = await request(t.app).post('/donate').type('form').send({ amount: 'other', amount_other: '$1,000.50' });
    expect(res.status).toBe(303);
    expect(capture.body!['line_items[0][price_data][unit_amount]']).toBe('100050');
    expect(await t.db('donations').first()).toMatchObject({ amount: 100_050 });
  });

  it('shows a friendly 502 and marks the attempt failed when Stripe rejects the request', async () => {
    stubStripe('post', '/v1/checkout/sessions', stripeError(400, 'invalid_request_error', 'Secret internal detail sk_test_leak'));
    const res = await request(t.app).post('/donate').type('form').send({ amount: '25' });
    expect(res.status).toBe(502);
    expect(res.text).toContain('Nothing was charged');
    expect(res.text).not.toContain('Secret internal detail');
    expect(res.text).not.toContain('sk_test');
    const donation = await t.db('donations').first();
    expect(donation).toMatchObject({ status: 'failed', failure_reason: 'checkout_create:StripeInvalidRequestError' });
  });

  it('shows a friendly 503 and marks the attempt failed when Stripe cannot be reached', async () => {
    stubStripeUnreachable('post', '/v1/checkout/sessions');
    const res = await request(t.app).post('/donate').type('form').send({ amount: '25' });
    expect(res.status).toBe(503);
    expect(res.text).toContain('not answering right now');
    expect(res.text).not.toContain('socket hang up');
    const donation = await t.db('donations').first();
    expect(donation).toMatchObject({ status: 'failed', failure_reason: 'checkout_create:StripeConnectionError' });
  });
});
