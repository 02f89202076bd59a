import Stripe from 'stripe';
import { useHarness } from './support/harness';

describe('Stripe emulator: customers API', () => {
  const h = useHarness();

  it('creates and retrieves a customer', async () => {
    const created = await h.stripe.customers.create({ email: 'ada@example.org', name: 'Ada', metadata: { donor_id: '9' } });

    const fetched = await h.stripe.customers.retrieve(created.id);

    expect(created.id).toMatch(/^cus_[A-Za-z0-9]{24}$/);
    expect(fetched).toMatchObject({ object: 'customer', email: 'ada@example.org', name: 'Ada', metadata: { donor_id: '9' } });
  });

  it('updates email, name and metadata, and emits customer.updated with the previous values', async () => {
    const customer = await h.stripe.customers.create({ email: 'old@example.org', name: 'Old', metadata: { a: '1', b: '2' } });

    const updated = await h.stripe.customers.update(customer.id, {
      email: 'new@example.org',
      name: 'New',
      metadata: { b: '', c: '3' },
    });

    expect(updated).toMatchObject({ email: 'new@example.org', name: 'New', metadata: { a: '1', c: '3' } });
    const [event] = (await h.stripe.events.list({ type: 'customer.updated', limit: 1 })).data;
    expect(event?.data).toMatchObject({
      object: { id: customer.id, email: 'new@example.org' },
      previous_attributes: { email: 'old@example.org', name: 'Old', metadata: { a: '1', b: '2' } },
    });
  });

  it('answers 400 for an invalid email and 404 for an unknown customer', async () => {
    await expect(h.stripe.customers.create({ email: 'not an email' })).rejects.toMatchObject({
      statusCode: 400,
      param: 'email',
    });
    const error = await h.stripe.customers.retrieve('cus_missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such customer: 'cus_missing'" });
  });

  it('lists customers by email', async () => {
    await h.stripe.customers.create({ email: 'findme@example.org' });
    const found = await h.stripe.customers.list({ email: 'findme@example.org' });
    expect(found.data.map((c) => c.email)).toEqual(['findme@example.org']);
  });

  it('lets a checkout session name an existing customer, and refuses an unknown one', async () => {
    const customer = await h.stripe.customers.create({ email: 'member@example.org' });
    const base: Stripe.Checkout.SessionCreateParams = {
      mode: 'payment',
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'Gift' } } }],
      success_url: 'http://localhost:3000/donate/thanks',
    };

    const session = await h.stripe.checkout.sessions.create({ ...base, customer: customer.id });
    expect(session.customer).toBe(customer.id);

    await expect(h.stripe.checkout.sessions.create({ ...base, customer: 'cus_nobody' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'customer',
    });
  });
});
