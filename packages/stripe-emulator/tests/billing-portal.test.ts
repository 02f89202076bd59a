import Stripe from 'stripe';
import { advance, becomeMember, delivered, membershipParams, MEMBER_CARD, openPortal, postPortal, replaceCard } from './support/membership';
import { useHarness, submitCheckoutForm } from './support/harness';

describe('Stripe emulator: billing portal', () => {
  const h = useHarness({ freshEachTest: true });

  const page = async (portal: Stripe.BillingPortal.Session) => {
    const response = await fetch(`${h.emulator.url}/portal/${portal.id}`);
    return { status: response.status, text: await response.text() };
  };

  describe('POST /v1/billing_portal/sessions', () => {
    it('answers a session with the hosted portal URL for the customer', async () => {
      const { customerId } = await becomeMember(h);

      const portal = await openPortal(h, customerId);

      expect(portal).toMatchObject({
        id: expect.stringMatching(/^bps_/),
        object: 'billing_portal.session',
        configuration: expect.stringMatching(/^bpc_/),
        customer: customerId,
        return_url: 'http://localhost:3000/account',
        url: `http://localhost:${h.emulator.port}/portal/${portal.id}`,
        livemode: false,
        flow: null,
      });
    });

    it('answers 400 without a customer or for an unknown one', async () => {
      await expect(h.stripe.billingPortal.sessions.create({ return_url: 'http://localhost:3000/account' })).rejects.toMatchObject({
        statusCode: 400,
        param: 'customer',
      });
      const error = await h.stripe.billingPortal.sessions.create({ customer: 'cus_nobody' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer' });
    });
  });

  describe('GET /portal/:id', () => {
    it('shows the test-mode banner, the membership, its renewal date, the card and a way back to the site', async () => {
      const { subscription, customerId } = await becomeMember(h);
      const renews = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(
        new Date(subscription.items.data[0]!.current_period_end * 1000),
      );

      const { status, text } = await page(await openPortal(h, customerId));

      expect(status).toBe(200);
      expect(text).toContain('TEST MODE — local Stripe emulator, no real money moves');
      expect(text).toContain('Monthly membership');
      expect(text).toContain('$10.00 per month');
      expect(text).toContain('Status: <strong>Active</strong>');
      expect(text).toContain(`Renews on ${renews}`);
      expect(text).toContain('Visa •••• 4242, expires 12/2034');
      expect(text).toMatch(/<label for="field-card_number">Card number<\/label>/);
      expect(text).toMatch(/<button type="submit"[^>]*>Cancel membership<\/button>/);
      expect(text).toContain('<a href="http://localhost:3000/account">Return to localhost:3000</a>');
    });

    it('escapes values that came from the API', async () => {
      const params = membershipParams();
      params.line_items![0]!.price_data!.product_data!.name = '<script>x()</script>';
      const session = await h.stripe.checkout.sessions.create(params);
      await submitCheckoutForm(h.emulator, session.id, MEMBER_CARD);
      const customer = (await h.stripe.checkout.sessions.retrieve(session.id)).customer as string;

      const { text } = await page(await openPortal(h, customer));

      expect(text).not.toContain('<script>x()</script>');
      expect(text).toContain('&lt;script&gt;x()&lt;/script&gt;');
    });

    it('answers 410 with a message once the session has expired, and 404 for an unknown one', async () => {
      const { customerId } = await becomeMember(h);
      const portal = await openPortal(h, customerId);
      await advance(h, 1);

      const expired = await page(portal);

      expect(expired.status).toBe(410);
      expect(expired.text).toContain('This billing portal session has expired');
      expect(expired.text).toContain('href="http://localhost:3000/account"');
      expect((await fetch(`${h.emulator.url}/portal/bps_nope`)).status).toBe(404);
    });
  });

  describe('portal forms', () => {
    it('cancels at the period end with "Cancel membership", and "Renew membership" undoes it', async () => {
      const { subscription, customerId } = await becomeMember(h);
      const portal = await openPortal(h, customerId);
      h.receiver.deliveries.length = 0;

      const cancel = await postPortal(h, `/portal/${portal.id}/subscriptions/${subscription.id}/cancel`);

      expect(cancel.status).toBe(303);
      expect(cancel.headers.get('location')).toBe(`/portal/${portal.id}?updated=canceled`);
      const [updated] = delivered(h, 'customer.subscription.updated');
      expect(updated!.data).toMatchObject({
        object: { id: subscription.id, cancel_at_period_end: true, cancellation_details: { reason: 'cancellation_requested' } },
        previous_attributes: { cancel_at_period_end: false },
      });
      const canceledPage = await fetch(`${h.emulator.url}${cancel.headers.get('location')}`);
      const text = await canceledPage.text();
      expect(text).toContain('Your membership will be canceled at the end of the current period.');
      expect(text).toContain('Cancels on ');
      expect(text).toMatch(/<button type="submit"[^>]*>Renew membership<\/button>/);

      const renew = await postPortal(h, `/portal/${portal.id}/subscriptions/${subscription.id}/renew`);

      expect(renew.status).toBe(303);
      expect((await h.stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(false);
    });

    it('saves a new card as the default for the customer and the membership', async () => {
      const { subscription, customerId } = await becomeMember(h);
      const portal = await openPortal(h, customerId);

      const response = await replaceCard(h, portal.id, '5555 5555 5555 4444');

      expect(response.status).toBe(303);
      const customer = (await h.stripe.customers.retrieve(customerId)) as Stripe.Customer;
      const card = await h.stripe.paymentMethods.retrieve(customer.invoice_settings.default_payment_method as string);
      expect(card).toMatchObject({ customer: customerId, card: { brand: 'mastercard', last4: '4444' } });
      expect((await h.stripe.subscriptions.retrieve(subscription.id)).default_payment_method).toBe(card.id);
      expect(delivered(h, 'customer.updated').at(-1)!.data).toMatchObject({
        object: { invoice_settings: { default_payment_method: card.id } },
        previous_attributes: { invoice_settings: { default_payment_method: subscription.default_payment_method } },
      });
      expect((await page(portal)).text).toContain('Mastercard •••• 4444');
    });

    it('refuses 4000 0000 0000 0002 with "Your card was declined." and keeps the old card', async () => {
      const { subscription, customerId } = await becomeMember(h);
      const portal = await openPortal(h, customerId);

      const response = await replaceCard(h, portal.id, '4000 0000 0000 0002');

      expect(response.status).toBe(402);
      expect(await response.text()).toContain('Your card was declined.');
      expect((await h.stripe.customers.listPaymentMethods(customerId)).data).toHaveLength(1);
      expect((await h.stripe.subscriptions.retrieve(subscription.id)).default_payment_method).toBe(subscription.default_payment_method);
    });

    it('answers 400 with the field errors for an incomplete card', async () => {
      const { customerId } = await becomeMember(h);
      const portal = await openPortal(h, customerId);

      const response = await postPortal(h, `/portal/${portal.id}/payment-method`, { card_number: '4242', card_expiry: '', card_cvc: '1' });
      const text = await response.text();

      expect(response.status).toBe(400);
      expect(text).toContain('Your card number is invalid.');
      expect(text).toContain('Your card&#39;s expiration date is incomplete.');
      expect(text).toMatch(/name="card_cvc"[^>]*aria-invalid="true" aria-describedby="field-card_cvc-error"/);
    });

    it('answers 404 for a membership of another customer', async () => {
      const mine = await becomeMember(h);
      const theirs = await becomeMember(h);
      const portal = await openPortal(h, mine.customerId);

      const response = await postPortal(h, `/portal/${portal.id}/subscriptions/${theirs.subscription.id}/cancel`);

      expect(response.status).toBe(404);
      expect((await h.stripe.subscriptions.retrieve(theirs.subscription.id)).cancel_at_period_end).toBe(false);
    });
  });
});
