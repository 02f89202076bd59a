import Stripe from 'stripe';
import { GOOD_CARD, donationParams, startHarness, submitCheckoutForm, type Harness } from './support/harness';
import { advance, becomeMember } from './support/membership';

/** Everything here moves the emulator's clock with POST /_emulator/advance; nothing waits on the wall clock. */
describe('Stripe emulator: what it keeps, and for how long', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  describe('with the default limits', () => {
    beforeEach(async () => {
      h = await startHarness();
    });

    it('drops closed checkout sessions 30 days after creation, with the inline prices of a one-time gift, and keeps the payment', async () => {
      const paid = await h.stripe.checkout.sessions.create(donationParams());
      await submitCheckoutForm(h.emulator, paid.id, GOOD_CARD);
      const session = await h.stripe.checkout.sessions.retrieve(paid.id, { expand: ['line_items'] });
      const price = session.line_items!.data[0]!.price!;
      await advance(h, 20);
      const younger = await h.stripe.checkout.sessions.create(donationParams());

      const report = await advance(h, 11);

      expect(report.evicted).toMatchObject({ checkoutSessions: 1 });
      await expect(h.stripe.checkout.sessions.retrieve(paid.id)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
      await expect(h.stripe.prices.retrieve(price.id)).rejects.toMatchObject({ statusCode: 404 });
      await expect(h.stripe.products.retrieve(price.product as string)).rejects.toMatchObject({ statusCode: 404 });
      // Expired by this advance, but only 11 days old: kept.
      expect((await h.stripe.checkout.sessions.retrieve(younger.id)).status).toBe('expired');
      const paymentIntent = await h.stripe.paymentIntents.retrieve(session.payment_intent as string);
      expect(paymentIntent.status).toBe('succeeded');
      expect((await h.stripe.customers.retrieve(session.customer as string)).id).toBe(session.customer);
    });

    it('keeps the prices a subscription bills when its checkout session goes', async () => {
      const { session, subscription } = await becomeMember(h);
      const price = subscription.items.data[0]!.price;

      const report = await advance(h, 31);

      expect(report.evicted.checkoutSessions).toBe(1);
      await expect(h.stripe.checkout.sessions.retrieve(session.id)).rejects.toMatchObject({ statusCode: 404 });
      expect((await h.stripe.prices.retrieve(price.id)).id).toBe(price.id);
      expect((await h.stripe.products.retrieve(price.product as string)).id).toBe(price.product);
      expect(report.renewed.map((r) => r.subscription)).toEqual([subscription.id]);
    });

    it('replays an idempotency key, and forgets it once 24 hours have passed on its clock', async () => {
      const create = () => h.stripe.customers.create({ email: 'reader@example.org' }, { idempotencyKey: 'gift-42' });
      const first = await create();
      expect((await create()).id).toBe(first.id);

      const report = await advance(h, 2);

      expect(report.evicted.idempotentResponses).toBe(1);
      expect((await create()).id).not.toBe(first.id);
    });
  });

  it('lists only the newest events beyond the cap', async () => {
    h = await startHarness({ retention: { maxEvents: 5 } });
    const customers: Stripe.Customer[] = [];
    for (let i = 0; i < 8; i += 1) customers.push(await h.stripe.customers.create({ email: `reader${i}@example.org` }));

    const events = await h.stripe.events.list({ limit: 100 });

    expect(events.data.map((event) => (event.data.object as Stripe.Customer).id)).toEqual(
      customers.slice(3).reverse().map((customer) => customer.id),
    );
  });
});
