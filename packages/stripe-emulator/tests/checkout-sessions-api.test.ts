import Stripe from 'stripe';
import { donationParams, useHarness, stripeClient, type StripeErrorBody } from './support/harness';
import { membershipParams } from './support/membership';

describe('Stripe emulator: checkout sessions API', () => {
  const h = useHarness();

  describe('POST /v1/checkout/sessions', () => {
    it('creates an open, unpaid session shaped like Stripe’s, with a hosted page URL', async () => {
      const session = await h.stripe.checkout.sessions.create(donationParams());

      expect(session.id).toMatch(/^cs_test_[A-Za-z0-9]{24}$/);
      expect(session).toMatchObject({
        object: 'checkout.session',
        amount_subtotal: 2606,
        amount_total: 2606,
        currency: 'usd',
        mode: 'payment',
        submit_type: 'donate',
        status: 'open',
        payment_status: 'unpaid',
        customer: null,
        customer_creation: 'always',
        customer_email: 'reader@example.org',
        customer_details: null,
        client_reference_id: 'donation-42',
        metadata: { donation_id: '42' },
        payment_intent: null,
        livemode: false,
        success_url: 'http://localhost:3000/donate/thanks?session_id={CHECKOUT_SESSION_ID}',
        cancel_url: 'http://localhost:3000/donate?cancelled=1',
        url: `http://localhost:${h.emulator.port}/checkout/${session.id}`,
        ui_mode: 'hosted_page',
        subscription: null,
      });
      expect(session.expires_at).toBe(session.created + 24 * 60 * 60);
    });

    it('retrieves the same session, and expands its line items when asked', async () => {
      const created = await h.stripe.checkout.sessions.create(donationParams());

      const fetched = await h.stripe.checkout.sessions.retrieve(created.id, { expand: ['line_items'] });

      expect(fetched.id).toBe(created.id);
      expect(fetched.status).toBe('open');
      expect(fetched.line_items?.data).toHaveLength(1);
      expect(fetched.line_items?.data[0]).toMatchObject({
        object: 'item',
        description: 'One-time gift to The Ledger',
        amount_total: 2606,
        quantity: 1,
        price: { object: 'price', unit_amount: 2606, currency: 'usd', type: 'one_time' },
      });
    });

    it('honours expires_at and locale', async () => {
      const expiresAt = Math.floor(Date.now() / 1000) + 2 * 60 * 60;
      const session = await h.stripe.checkout.sessions.create(donationParams({ expires_at: expiresAt, locale: 'fr' }));
      expect(session.expires_at).toBe(expiresAt);
      expect(session.locale).toBe('fr');
    });

    it('answers 400 naming the param when a required param is missing', async () => {
      const params = donationParams();
      delete params.mode;

      const error = await h.stripe.checkout.sessions.create(params).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ statusCode: 400, param: 'mode', message: 'Missing required param: mode.' });
    });

    it('answers 400 for a line item without a currency or with a non-positive amount', async () => {
      const noCurrency = donationParams({
        line_items: [{ quantity: 1, price_data: { unit_amount: 500, product_data: { name: 'Gift' } } as never }],
      });
      await expect(h.stripe.checkout.sessions.create(noCurrency)).rejects.toMatchObject({
        statusCode: 400,
        type: 'StripeInvalidRequestError',
        param: 'line_items[0][price_data][currency]',
      });

      const zero = donationParams({
        line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 0, product_data: { name: 'Gift' } } }],
      });
      await expect(h.stripe.checkout.sessions.create(zero)).rejects.toMatchObject({
        statusCode: 400,
        param: 'line_items[0][price_data][unit_amount]',
      });
    });

    it('refuses a param Stripe does not know, as Stripe does', async () => {
      const params = { ...donationParams(), payment_method_types: ['card'] } as Stripe.Checkout.SessionCreateParams;
      await expect(h.stripe.checkout.sessions.create(params)).rejects.toMatchObject({
        statusCode: 400,
        param: 'payment_method_types',
        message: 'Received unknown parameter: payment_method_types',
      });
    });

    it('stores a subscription-mode session with a recurring price', async () => {
      const session = await h.stripe.checkout.sessions.create(membershipParams('month'));

      expect(session).toMatchObject({ mode: 'subscription', status: 'open', amount_total: 1000, customer_creation: null });
    });
  });

  describe('idempotency', () => {
    it('replays the first response for the same key and params', async () => {
      const first = await h.stripe.checkout.sessions.create(donationParams(), { idempotencyKey: 'donation-42-checkout' });
      const again = await h.stripe.checkout.sessions.create(donationParams(), { idempotencyKey: 'donation-42-checkout' });

      expect(again.id).toBe(first.id);
      expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
      const sessions = await h.stripe.checkout.sessions.list({ limit: 100 });
      expect(sessions.data.filter((s) => s.id === first.id)).toHaveLength(1);
    });

    it('answers 400 idempotency_error when the key is reused with other params', async () => {
      await h.stripe.checkout.sessions.create(donationParams(), { idempotencyKey: 'donation-43-checkout' });

      const error = await h.stripe.checkout.sessions
        .create(donationParams({ client_reference_id: 'donation-44' }), { idempotencyKey: 'donation-43-checkout' })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
      expect(error).toMatchObject({ statusCode: 400 });
    });

    it('replays with the same status over plain HTTP', async () => {
      const post = () =>
        fetch(`${h.emulator.url}/v1/customers`, {
          method: 'POST',
          headers: {
            Authorization: 'Bearer sk_test_emulator',
            'Content-Type': 'application/x-www-form-urlencoded',
            'Idempotency-Key': 'customer-1',
          },
          body: 'email=donor%40example.org&metadata[donor_id]=1',
        });
      const first = await post();
      const second = await post();
      expect(second.status).toBe(first.status);
      expect(((await second.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    });
  });

  describe('authentication and errors', () => {
    it('answers 401 in Stripe’s shape without an API key', async () => {
      const response = await fetch(`${h.emulator.url}/v1/checkout/sessions`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { type: 'invalid_request_error', message: expect.stringContaining('You did not provide an API key') },
      });
    });

    it('answers 401 for a key that is not a test secret key', async () => {
      const live = stripeClient(h.emulator, 'sk_live_notallowed');
      await expect(live.checkout.sessions.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    });

    it('answers 404 resource_missing for an unknown id', async () => {
      const error = await h.stripe.checkout.sessions.retrieve('cs_test_doesnotexist').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({
        statusCode: 404,
        code: 'resource_missing',
        message: "No such checkout.session: 'cs_test_doesnotexist'",
      });
    });

    it('answers 404 resource_missing for an unknown route', async () => {
      const response = await fetch(`${h.emulator.url}/v1/widgets`, { headers: { Authorization: 'Bearer sk_test_x' } });
      expect(response.status).toBe(404);
      expect(((await response.json()) as StripeErrorBody).error).toMatchObject({
        type: 'invalid_request_error',
        code: 'resource_missing',
      });
    });
  });

  describe('POST /v1/checkout/sessions/:id/expire', () => {
    it('expires an open session and emits checkout.session.expired', async () => {
      const session = await h.stripe.checkout.sessions.create(donationParams());

      const expired = await h.stripe.checkout.sessions.expire(session.id);

      expect(expired).toMatchObject({ status: 'expired', url: null });
      const events = await h.stripe.events.list({ type: 'checkout.session.expired', limit: 1 });
      expect(events.data[0]?.data.object).toMatchObject({ id: session.id, status: 'expired' });
      await expect(h.stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({ statusCode: 400 });
    });
  });
});
