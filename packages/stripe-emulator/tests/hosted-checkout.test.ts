import Stripe from 'stripe';
import { GOOD_CARD, WEBHOOK_SECRET, donationParams, useHarness, submitCheckoutForm } from './support/harness';

describe('Stripe emulator: hosted checkout page', () => {
  const h = useHarness();
  beforeEach(() => {
    h.receiver.deliveries.length = 0;
    h.receiver.answer = () => 200;
  });

  describe('GET /checkout/:id', () => {
    it('shows the test-mode banner, the gift and its amount, and a Donate button', async () => {
      const session = await h.stripe.checkout.sessions.create(donationParams());

      const response = await fetch(session.url!.replace(`http://localhost:${h.emulator.port}`, h.emulator.url));
      const page = await response.text();

      expect(response.status).toBe(200);
      expect(page).toContain('TEST MODE — local Stripe emulator, no real money moves');
      expect(page).toContain('One-time gift to The Ledger');
      expect(page).toContain('$26.06');
      expect(page).toMatch(/<button type="submit">Donate<\/button>/);
      expect(page).toContain('href="http://localhost:3000/donate?cancelled=1">Cancel and go back</a>');
    });

    it('prefills the email read-only when the session names one', async () => {
      const session = await h.stripe.checkout.sessions.create(donationParams());
      const page = await (await fetch(`${h.emulator.url}/checkout/${session.id}`)).text();
      expect(page).toMatch(/<input id="field-email" name="email" type="email" value="reader@example.org"[^>]* readonly/);
      expect(page).toMatch(/<label for="field-card_number">Card number<\/label>/);
    });

    it('escapes values that came from the API', async () => {
      const session = await h.stripe.checkout.sessions.create(
        donationParams({
          line_items: [
            { quantity: 1, price_data: { currency: 'usd', unit_amount: 500, product_data: { name: '<script>x()</script>' } } },
          ],
        }),
      );
      const page = await (await fetch(`${h.emulator.url}/checkout/${session.id}`)).text();
      expect(page).not.toContain('<script>x()</script>');
      expect(page).toContain('&lt;script&gt;x()&lt;/script&gt;');
    });

    it('answers 404 for an unknown session', async () => {
      const response = await fetch(`${h.emulator.url}/checkout/cs_test_nope`);
      expect(response.status).toBe(404);
    });
  });

  describe('POST /checkout/:id/pay', () => {
    it('with 4242 4242 4242 4242, pays the session, delivers three signed events, then redirects to the success URL', async () => {
      const session = await h.stripe.checkout.sessions.create(donationParams());

      const response = await submitCheckoutForm(h.emulator, session.id, GOOD_CARD);

      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`http://localhost:3000/donate/thanks?session_id=${session.id}`);
      // Delivered before the redirect: no waiting needed.
      expect(h.receiver.types()).toEqual(['charge.succeeded', 'payment_intent.succeeded', 'checkout.session.completed']);
      const verifier = new Stripe('sk_test_unused');
      for (const delivery of h.receiver.deliveries) {
        expect(delivery.contentType).toBe('application/json; charset=utf-8');
        const event = verifier.webhooks.constructEvent(delivery.rawBody, delivery.signature, WEBHOOK_SECRET);
        expect(event.api_version).toBe('2026-10-28.endive');
      }
      const completed = h.receiver.deliveries[2]!.event.data.object;
      expect(completed).toMatchObject({
        id: session.id,
        status: 'complete',
        payment_status: 'paid',
        amount_total: 2606,
        customer_details: { email: 'reader@example.org', name: 'Ada Reader', address: { postal_code: '10001' } },
      });
      expect(completed.customer).toMatch(/^cus_/);
      expect(completed.payment_intent).toMatch(/^pi_/);
    });

    it('leaves the objects retrievable through the API, linked to each other', async () => {
      const session = await h.stripe.checkout.sessions.create(donationParams());
      await submitCheckoutForm(h.emulator, session.id, { ...GOOD_CARD, card_number: '5555555555554444' });

      const paid = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge'] });
      const paymentIntent = paid.payment_intent as Stripe.PaymentIntent;
      const charge = paymentIntent.latest_charge as Stripe.Charge;
      const customer = await h.stripe.customers.retrieve(paid.customer as string);

      expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
      expect(paymentIntent).toMatchObject({
        status: 'succeeded',
        amount: 2606,
        amount_received: 2606,
        currency: 'usd',
        customer: paid.customer,
        metadata: { donation_id: '42' },
        description: 'Gift to The Ledger',
      });
      expect(charge).toMatchObject({
        paid: true,
        status: 'succeeded',
        amount: 2606,
        amount_captured: 2606,
        amount_refunded: 0,
        refunded: false,
        payment_intent: paymentIntent.id,
        customer: paid.customer,
        metadata: { donation_id: '42' },
        billing_details: { email: 'reader@example.org', name: 'Ada Reader' },
        payment_method_details: { type: 'card', card: { brand: 'mastercard', last4: '4444', exp_month: 12, exp_year: 2034 } },
      });
      expect(customer).toMatchObject({ object: 'customer', email: 'reader@example.org', name: 'Ada Reader' });
      expect((await h.stripe.charges.retrieve(charge.id)).id).toBe(charge.id);
    });

    it.each([
      ['4000 0000 0000 0002', 'Your card was declined.'],
      ['4000 0000 0000 9995', 'Your card has insufficient funds.'],
      ['4000 0000 0000 0341', 'Your card was declined.'],
    ])('with %s, answers 402 "%s" and leaves the session open', async (cardNumber, message) => {
      const session = await h.stripe.checkout.sessions.create(donationParams());

      const response = await submitCheckoutForm(h.emulator, session.id, { ...GOOD_CARD, card_number: cardNumber });

      expect(response.status).toBe(402);
      expect(await response.text()).toContain(message);
      expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
      expect(h.receiver.types()).toContain('payment_intent.payment_failed');
      expect(h.receiver.types()).not.toContain('checkout.session.completed');
    });

    it('lets the buyer pay with another card after a decline, on the same payment intent', async () => {
      const session = await h.stripe.checkout.sessions.create(donationParams());
      await submitCheckoutForm(h.emulator, session.id, { ...GOOD_CARD, card_number: '4000000000000002' });
      const failed = h.receiver.deliveries.find((d) => d.event.type === 'payment_intent.payment_failed')!.event;

      const response = await submitCheckoutForm(h.emulator, session.id, GOOD_CARD);

      expect(response.status).toBe(303);
      const paid = await h.stripe.checkout.sessions.retrieve(session.id);
      expect(paid.payment_intent).toBe(failed.data.object.id);
      expect(failed.data.object.last_payment_error).toMatchObject({ code: 'card_declined', decline_code: 'generic_decline' });
    });

    it('answers 400 "Your card number is invalid." for a number failing the Luhn check', async () => {
      const session = await h.stripe.checkout.sessions.create(donationParams());
      const response = await submitCheckoutForm(h.emulator, session.id, { ...GOOD_CARD, card_number: '4242 4242 4242 4241' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Your card number is invalid.');
      expect(h.receiver.deliveries).toHaveLength(0);
    });

    it('answers 400 with an error next to each bad field and charges nothing', async () => {
      const session = await h.stripe.checkout.sessions.create(donationParams({ customer_email: undefined }));
      const response = await submitCheckoutForm(h.emulator, session.id, {
        ...GOOD_CARD,
        email: 'not-an-email',
        card_expiry: '01 / 20',
        card_cvc: '12',
      });
      const page = await response.text();

      expect(response.status).toBe(400);
      expect(page).toContain('Your email address is invalid.');
      expect(page).toContain('Your card&#39;s expiration date is in the past.');
      expect(page).toContain('Your card&#39;s security code is incomplete.');
      expect(page).toMatch(/name="card_cvc"[^>]*aria-invalid="true" aria-describedby="field-card_cvc-error"/);
      expect((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent).toBeNull();
    });

    it('shows "already paid" with a link to the success URL once the session is complete', async () => {
      const session = await h.stripe.checkout.sessions.create(donationParams());
      await submitCheckoutForm(h.emulator, session.id, GOOD_CARD);

      const again = await submitCheckoutForm(h.emulator, session.id, GOOD_CARD);
      const page = await (await fetch(`${h.emulator.url}/checkout/${session.id}`)).text();

      expect(again.status).toBe(409);
      expect(page).toContain('already paid');
      expect(page).toContain(`href="http://localhost:3000/donate/thanks?session_id=${session.id}"`);
      expect(h.receiver.types().filter((type) => type === 'checkout.session.completed')).toHaveLength(1);
    });

    it('charges the customer a session names, with that customer’s email, creating no other', async () => {
      const customer = await h.stripe.customers.create({ email: 'member@example.org', name: 'Member' });
      const session = await h.stripe.checkout.sessions.create(donationParams({ customer_email: undefined, customer: customer.id }));
      const page = await (await fetch(`${h.emulator.url}/checkout/${session.id}`)).text();
      expect(page).toMatch(/name="email" type="email" value="member@example.org"[^>]* readonly/);

      const customersBefore = (await h.stripe.customers.list({ limit: 100 })).data.length;

      await submitCheckoutForm(h.emulator, session.id, { ...GOOD_CARD, email: 'someone-else@example.org' });

      const paid = await h.stripe.checkout.sessions.retrieve(session.id);
      expect(paid.customer).toBe(customer.id);
      expect(paid.customer_details?.email).toBe('member@example.org');
      expect((await h.stripe.customers.list({ limit: 100 })).data).toHaveLength(customersBefore);
    });
  });
});
