import type Stripe from 'stripe';
import { MEMBER_CARD, becomeMember, delivered, membershipParams, INVOICE_PAID_EVENTS } from './support/membership';
import { useHarness, submitCheckoutForm } from './support/harness';

describe('Stripe emulator: paying a subscription-mode checkout session', () => {
  const h = useHarness();

  it('with 4242, starts an active subscription and delivers Stripe’s events in order before redirecting', async () => {
    const created = await h.stripe.checkout.sessions.create(membershipParams());

    const response = await submitCheckoutForm(h.emulator, created.id, MEMBER_CARD);

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`http://localhost:3000/donate/thanks?session_id=${created.id}`);
    expect(h.receiver.types()).toEqual([
      'customer.created',
      'payment_method.attached',
      'customer.updated',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      ...INVOICE_PAID_EVENTS,
      'customer.subscription.updated',
      'checkout.session.completed',
    ]);
    const [subscriptionCreated] = delivered(h, 'customer.subscription.created');
    const [subscriptionUpdated] = delivered(h, 'customer.subscription.updated');
    expect(subscriptionCreated!.data.object.status).toBe('incomplete');
    expect(subscriptionUpdated!.data).toMatchObject({ object: { status: 'active' }, previous_attributes: { status: 'incomplete' } });
    const statuses = ['invoice.created', 'invoice.finalized', 'invoice.paid'].map((type) => delivered(h, type)[0]!.data.object.status);
    expect(statuses).toEqual(['draft', 'open', 'paid']);
  });

  it('links the session, customer, card, subscription, first invoice, payment intent and charge', async () => {
    const { session, subscription, customerId } = await becomeMember(h);

    const customer = (await h.stripe.customers.retrieve(customerId)) as Stripe.Customer;
    const card = await h.stripe.paymentMethods.retrieve(subscription.default_payment_method as string);
    const invoice = await h.stripe.invoices.retrieve(session.invoice as string, {
      expand: ['payments.data.payment.payment_intent'],
    });
    const payment = invoice.payments!.data[0]!;
    const paymentIntent = payment.payment.payment_intent as Stripe.PaymentIntent;
    const charge = await h.stripe.charges.retrieve(paymentIntent.latest_charge as string);
    const [item] = subscription.items.data;

    expect(session).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      mode: 'subscription',
      payment_intent: null,
      subscription: subscription.id,
      customer: customerId,
      customer_details: { email: 'member@example.org', name: 'Mia Member' },
      metadata: { membership_id: '7', source: 'sustain' },
    });
    expect(customer).toMatchObject({
      email: 'member@example.org',
      name: 'Mia Member',
      invoice_settings: { default_payment_method: card.id },
    });
    expect(card).toMatchObject({
      id: expect.stringMatching(/^pm_/),
      type: 'card',
      customer: customerId,
      card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034 },
    });
    expect(subscription).toMatchObject({
      id: expect.stringMatching(/^sub_/),
      object: 'subscription',
      status: 'active',
      customer: customerId,
      cancel_at_period_end: false,
      canceled_at: null,
      collection_method: 'charge_automatically',
      currency: 'usd',
      default_payment_method: card.id,
      description: 'Membership of The Ledger',
      latest_invoice: invoice.id,
      metadata: { membership_id: '7', source: 'sustain' },
    });
    expect(subscription.billing_cycle_anchor).toBe(subscription.start_date);
    expect(item).toMatchObject({
      object: 'subscription_item',
      quantity: 1,
      current_period_start: subscription.start_date,
      price: { unit_amount: 1000, currency: 'usd', type: 'recurring', recurring: { interval: 'month', interval_count: 1 } },
      plan: { amount: 1000, interval: 'month' },
    });
    // One calendar month later, at the same time of day (the exact rules are in billing-periods.test.ts).
    const start = new Date(item!.current_period_start * 1000);
    const end = new Date(item!.current_period_end * 1000);
    expect(end.getUTCMonth()).toBe((start.getUTCMonth() + 1) % 12);
    expect(end.toISOString().slice(11)).toBe(start.toISOString().slice(11));
    expect((subscription as unknown as Record<string, unknown>).current_period_end).toBeUndefined();
    const product = await h.stripe.products.retrieve(item!.price.product as string);
    expect(product.name).toBe('Monthly membership');
    expect((await h.stripe.prices.retrieve(item!.price.id)).id).toBe(item!.price.id);

    expect(invoice).toMatchObject({
      id: expect.stringMatching(/^in_/),
      status: 'paid',
      billing_reason: 'subscription_create',
      customer: customerId,
      customer_email: 'member@example.org',
      amount_due: 1000,
      amount_paid: 1000,
      amount_remaining: 0,
      total: 1000,
      attempt_count: 1,
      collection_method: 'charge_automatically',
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: subscription.id, metadata: { membership_id: '7', source: 'sustain' } },
      },
    });
    expect(invoice.number).toMatch(/^[0-9A-F]{8}-0001$/);
    expect(invoice.status_transitions.paid_at).toBe(invoice.created);
    for (const removed of ['subscription', 'charge', 'payment_intent']) {
      expect((invoice as unknown as Record<string, unknown>)[removed]).toBeUndefined();
    }
    expect(invoice.lines.data[0]).toMatchObject({
      object: 'line_item',
      amount: 1000,
      description: '1 × Monthly membership (at $10.00 / month)',
      quantity: 1,
      period: { start: item!.current_period_start, end: item!.current_period_end },
      parent: {
        type: 'subscription_item_details',
        subscription_item_details: { subscription: subscription.id, subscription_item: item!.id, proration: false },
      },
      pricing: { type: 'price_details', price_details: { price: item!.price.id, product: product.id } },
    });
    expect(payment).toMatchObject({
      object: 'invoice_payment',
      invoice: invoice.id,
      is_default: true,
      status: 'paid',
      amount_paid: 1000,
      payment: { type: 'payment_intent' },
    });
    expect(paymentIntent).toMatchObject({ status: 'succeeded', amount: 1000, customer: customerId, metadata: {} });
    expect(charge).toMatchObject({
      status: 'succeeded',
      amount: 1000,
      customer: customerId,
      payment_method: card.id,
      metadata: {},
      billing_details: { email: 'member@example.org', name: 'Mia Member' },
      payment_method_details: { card: { brand: 'visa', last4: '4242' } },
    });
  });

  it('leaves invoice.payments out unless expanded, and out of webhook payloads, as Stripe does', async () => {
    const { session } = await becomeMember(h);

    const plain = await h.stripe.invoices.retrieve(session.invoice as string);

    expect(plain.payments).toBeUndefined();
    expect(delivered(h, 'invoice.paid')[0]!.data.object.payments).toBeUndefined();
    const found = await h.stripe.invoicePayments.list({ invoice: plain.id });
    expect(found.data).toHaveLength(1);
    const byIntent = await h.stripe.invoicePayments.list({
      payment: { type: 'payment_intent', payment_intent: found.data[0]!.payment.payment_intent as string },
    });
    expect(byIntent.data.map((p) => p.invoice)).toEqual([plain.id]);
  });

  it('lists the member’s subscriptions, invoices and cards', async () => {
    const { subscription, customerId } = await becomeMember(h);

    const subscriptions = await h.stripe.subscriptions.list({ customer: customerId });
    const invoices = await h.stripe.invoices.list({ subscription: subscription.id });
    const cards = await h.stripe.customers.listPaymentMethods(customerId);

    expect(subscriptions.data.map((s) => s.id)).toEqual([subscription.id]);
    expect(invoices.data.map((i) => i.id)).toEqual([subscription.latest_invoice]);
    expect(cards.data.map((c) => c.id)).toEqual([subscription.default_payment_method]);
  });

  it.each([
    ['4000 0000 0000 0002', 'Your card was declined.'],
    ['4000 0000 0000 9995', 'Your card has insufficient funds.'],
    ['4000 0000 0000 0341', 'Your card was declined.'],
  ])('with %s, answers 402 "%s", creates no subscription and leaves the session open', async (number, message) => {
    const created = await h.stripe.checkout.sessions.create(membershipParams());

    const response = await submitCheckoutForm(h.emulator, created.id, { ...MEMBER_CARD, card_number: number });

    expect(response.status).toBe(402);
    expect(await response.text()).toContain(message);
    const session = await h.stripe.checkout.sessions.retrieve(created.id);
    expect(session).toMatchObject({ status: 'open', subscription: null, invoice: null });
    expect(h.receiver.types()).not.toContain('customer.subscription.created');
    expect(h.receiver.types()).not.toContain('checkout.session.completed');
  });

  it('shows the amount per interval and a Subscribe button', async () => {
    const created = await h.stripe.checkout.sessions.create(membershipParams('year'));
    const page = await (await fetch(`${h.emulator.url}/checkout/${created.id}`)).text();
    expect(page).toContain('$10.00 per year');
    expect(page).toMatch(/<button type="submit">Subscribe<\/button>/);
  });
});

describe('Stripe emulator: subscription-mode session params', () => {
  const h = useHarness();

  it('refuses customer_creation, as Stripe does outside payment mode', async () => {
    await expect(h.stripe.checkout.sessions.create(membershipParams('month', { customer_creation: 'always' }))).rejects.toMatchObject({
      statusCode: 400,
      param: 'customer_creation',
    });
  });

  it('refuses a donate submit_type and payment_intent_data on a subscription', async () => {
    await expect(h.stripe.checkout.sessions.create(membershipParams('month', { submit_type: 'donate' }))).rejects.toMatchObject({
      statusCode: 400,
      param: 'submit_type',
    });
    await expect(
      h.stripe.checkout.sessions.create(membershipParams('month', { payment_intent_data: { metadata: { a: '1' } } })),
    ).rejects.toMatchObject({ statusCode: 400, param: 'payment_intent_data' });
  });

  it('refuses prices of different intervals in one subscription', async () => {
    const params = membershipParams();
    params.line_items!.push({
      quantity: 1,
      price_data: { currency: 'usd', unit_amount: 500, recurring: { interval: 'year' }, product_data: { name: 'Extra' } },
    });
    await expect(h.stripe.checkout.sessions.create(params)).rejects.toMatchObject({ statusCode: 400, param: 'line_items[1]' });
  });
});
