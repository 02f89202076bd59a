import request from 'supertest';
import { bootTestApp, signedEvent, type TestApp } from '../../support/app';
import { buildDonation, buildDonor } from '../../support/factories';
import { checkoutSession } from '../../support/stripe-fixtures';

describe('POST /webhooks/stripe — checkout session events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  async function pendingDonation(overrides: Record<string, unknown> = {}) {
    return buildDonation(t.db, { stripe_checkout_session_id: 'cs_test_a1B2c3D4e5', ...overrides });
  }

  function deliver(type: string, object: object, options: { id?: string; created?: number } = {}) {
    const { payload, signature, event } = signedEvent(type, object, options);
    return request(t.app)
      .post('/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signature)
      .send(payload)
      .then((res) => ({ res, event }));
  }

  describe('signature checks', () => {
    it('answers 400 and records nothing without a signature', async () => {
      const { payload } = signedEvent('checkout.session.completed', checkoutSession());
      const res = await request(t.app).post('/webhooks/stripe').set('Content-Type', 'application/json').send(payload);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('missing_signature');
      expect(await t.db('stripe_events').count({ n: '*' })).toEqual([{ n: 0 }]);
    });

    it('answers 400 and records nothing when signed with another secret', async () => {
      const donation = await pendingDonation();
      const { payload, signature } = signedEvent('checkout.session.completed', checkoutSession({ donationId: donation.id }), {
        secret: 'whsec_not_ours',
      });
      const res = await request(t.app)
        .post('/webhooks/stripe')
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', signature)
        .send(payload);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_signature');
      expect(await t.db('stripe_events').count({ n: '*' })).toEqual([{ n: 0 }]);
      expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'pending' });
    });

    it('answers 400 when the body was altered after signing', async () => {
      const { payload, signature } = signedEvent('checkout.session.completed', checkoutSession());
      const res = await request(t.app)
        .post('/webhooks/stripe')
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', signature)
        .send(payload.replace('"amount_total":2500', '"amount_total":1'));
      expect(res.status).toBe(400);
      expect(await t.db('stripe_events').count({ n: '*' })).toEqual([{ n: 0 }]);
    });
  });

  it('records the donor and marks the donation succeeded on checkout.session.completed', async () => {
    const donation = await pendingDonation({ amount: 2606, fee_amount: 106, fee_covered: true });
    const created = 1_795_000_100;
    const { res } = await deliver(
      'checkout.session.completed',
      checkoutSession({ donationId: donation.id, amount_total: 2606 }),
      { created },
    );
    expect(res.status).toBe(200);
    const row = await t.db('donations').where({ id: donation.id }).first();
    expect(row).toMatchObject({
      status: 'succeeded',
      amount_paid: 2606,
      stripe_payment_intent_id: 'pi_test_1',
      paid_at: new Date(created * 1000),
    });
    const donor = await t.db('donors').where({ id: row.donor_id }).first();
    expect(donor).toMatchObject({
      email: 'reader@example.com',
      name: 'Ada Reader',
      stripe_customer_id: 'cus_test_donor1',
      address: expect.objectContaining({ postal_code: '10001', country: 'US' }),
    });
    const ledger = await t.db('stripe_events').first();
    expect(ledger).toMatchObject({ type: 'checkout.session.completed', processed_at: expect.any(Date) });
  });

  it('has exactly one effect when the same event is delivered 5 times in a row', async () => {
    const donation = await pendingDonation();
    const session = checkoutSession({ donationId: donation.id });
    const { payload, signature } = signedEvent('checkout.session.completed', session, { id: 'evt_test_dup_seq' });
    const results = [];
    for (let i = 0; i < 5; i += 1) {
      results.push(
        await request(t.app)
          .post('/webhooks/stripe')
          .set('Content-Type', 'application/json')
          .set('Stripe-Signature', signature)
          .send(payload),
      );
    }
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.map((r) => r.body.result)).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(await t.db('donors').count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await t.db('donations').where({ status: 'succeeded' }).count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await t.db('stripe_events').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('has exactly one effect when the same event is delivered 5 times at once', async () => {
    const donation = await pendingDonation();
    const { payload, signature } = signedEvent('checkout.session.completed', checkoutSession({ donationId: donation.id }), {
      id: 'evt_test_dup_concurrent',
    });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(t.app)
          .post('/webhooks/stripe')
          .set('Content-Type', 'application/json')
          .set('Stripe-Signature', signature)
          .send(payload),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.filter((r) => r.body.result === 'applied')).toHaveLength(1);
    expect(await t.db('donors').count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await t.db('donations').where({ status: 'succeeded', donor_id: (await t.db('donors').first()).id }).count({ n: '*' })).toEqual([
      { n: 1 },
    ]);
  });

  it('records an event for a session we never created, answers 200, and invents no donation', async () => {
    const { res } = await deliver('checkout.session.completed', checkoutSession({ id: 'cs_test_someone_else' }));
    expect(res.status).toBe(200);
    expect(await t.db('stripe_events').count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await t.db('donations').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await t.db('donors').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('ignores a session whose metadata names our donation but whose id is not the one we opened', async () => {
    const donation = await pendingDonation({ stripe_checkout_session_id: 'cs_test_ours' });
    const { res } = await deliver('checkout.session.completed', checkoutSession({ id: 'cs_test_forged', donationId: donation.id }));
    expect(res.status).toBe(200);
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'pending', donor_id: null });
  });

  it('acknowledges event types it does not handle, after recording them', async () => {
    const { res } = await deliver('product.created', { id: 'prod_1', object: 'product' });
    expect(res.status).toBe(200);
    expect(res.body.result).toBe('recorded');
    expect(await t.db('stripe_events').where({ type: 'product.created' }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('answers 500 and leaves nothing behind when applying the event fails, so the retry succeeds', async () => {
    const donation = await pendingDonation();
    // A negative amount violates a table constraint mid-handler, after the ledger insert and the donor upsert.
    const bad = checkoutSession({ donationId: donation.id, amount_total: -1 });
    const first = await deliver('checkout.session.completed', bad, { id: 'evt_test_retry' });
    expect(first.res.status).toBe(500);
    expect(await t.db('stripe_events').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await t.db('donors').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'pending' });

    const retry = await deliver('checkout.session.completed', checkoutSession({ donationId: donation.id }), { id: 'evt_test_retry' });
    expect(retry.res.status).toBe(200);
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'succeeded', amount_paid: 2500 });
  });

  it('matches a returning donor by email regardless of case', async () => {
    const existing = await buildDonor(t.db, { email: 'Reader@Example.com', name: 'Ada R.' });
    const donation = await pendingDonation();
    await deliver('checkout.session.completed', checkoutSession({ donationId: donation.id }));
    expect(await t.db('donors').count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await t.db('donors').first()).toMatchObject({ id: existing.id, name: 'Ada Reader', stripe_customer_id: 'cus_test_donor1' });
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ donor_id: existing.id });
  });

  it('matches a donor by Stripe customer id even when the email differs', async () => {
    const existing = await buildDonor(t.db, { email: 'old@example.com', stripe_customer_id: 'cus_test_donor1' });
    const donation = await pendingDonation();
    await deliver('checkout.session.completed', checkoutSession({ donationId: donation.id }));
    expect(await t.db('donors').count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ donor_id: existing.id });
  });

  describe('delayed payment methods', () => {
    it('keeps an unpaid completed session pending and marks it processing', async () => {
      const donation = await pendingDonation();
      await deliver('checkout.session.completed', checkoutSession({ donationId: donation.id, payment_status: 'unpaid' }), {
        created: 1_795_000_000,
      });
      expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({
        status: 'pending',
        processing_at: new Date(1_795_000_000 * 1000),
        paid_at: null,
      });
    });

    it('marks it succeeded on async_payment_succeeded, whichever event arrives first', async () => {
      const donation = await pendingDonation();
      await deliver('checkout.session.async_payment_succeeded', checkoutSession({ donationId: donation.id }), {
        created: 1_795_100_000,
      });
      await deliver('checkout.session.completed', checkoutSession({ donationId: donation.id, payment_status: 'unpaid' }), {
        created: 1_795_000_000,
      });
      const row = await t.db('donations').where({ id: donation.id }).first();
      expect(row).toMatchObject({ status: 'succeeded', amount_paid: 2500, paid_at: new Date(1_795_100_000 * 1000) });
      expect(row.donor_id).not.toBeNull();
    });

    it('marks it failed on async_payment_failed', async () => {
      const donation = await pendingDonation();
      await deliver('checkout.session.completed', checkoutSession({ donationId: donation.id, payment_status: 'unpaid' }));
      await deliver('checkout.session.async_payment_failed', checkoutSession({ donationId: donation.id, payment_status: 'unpaid' }));
      expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({
        status: 'failed',
        failure_reason: 'async_payment_failed',
      });
    });
  });

  describe('checkout.session.expired', () => {
    const expired = (donationId: string) =>
      checkoutSession({ donationId, status: 'expired', payment_status: 'unpaid', customer: null, customer_details: null, payment_intent: null });

    it('moves a pending donation to abandoned', async () => {
      const donation = await pendingDonation();
      await deliver('checkout.session.expired', expired(donation.id));
      expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'abandoned', donor_id: null });
    });

    it('never touches a succeeded donation, even arriving late', async () => {
      const donation = await pendingDonation();
      await deliver('checkout.session.completed', checkoutSession({ donationId: donation.id }));
      await deliver('checkout.session.expired', expired(donation.id));
      expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'succeeded' });
    });

    it('leaves a donation whose delayed payment is processing alone', async () => {
      const donation = await pendingDonation();
      await deliver('checkout.session.completed', checkoutSession({ donationId: donation.id, payment_status: 'unpaid' }));
      await deliver('checkout.session.expired', expired(donation.id));
      expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'pending' });
    });
  });
});
