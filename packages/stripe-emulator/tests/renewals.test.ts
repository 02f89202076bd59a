import { advance, becomeMember, delivered, receivedEvents, INVOICE_PAID_EVENTS } from './support/membership';
import { useHarness } from './support/harness';

describe('Stripe emulator: POST /_emulator/advance bills memberships', () => {
  const h = useHarness({ freshEachTest: true });

  it('renews a monthly membership after 31 days: one paid invoice, the period moved, events delivered before answering', async () => {
    const { subscription } = await becomeMember(h);
    const first = subscription.items.data[0]!;
    h.receiver.deliveries.length = 0;

    const report = await advance(h, 31);

    expect(report.renewed).toHaveLength(1);
    expect(report).toMatchObject({ failed: [], canceled: [] });
    expect(h.receiver.types()).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      ...INVOICE_PAID_EVENTS,
    ]);
    const renewed = await h.stripe.subscriptions.retrieve(subscription.id);
    const item = renewed.items.data[0]!;
    expect(item.current_period_start).toBe(first.current_period_end);
    expect(item.current_period_end).toBeGreaterThan(first.current_period_end + 27 * 86_400);
    expect(renewed.status).toBe('active');

    const invoice = await h.stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice).toMatchObject({
      id: report.renewed[0]!.invoice,
      billing_reason: 'subscription_cycle',
      status: 'paid',
      amount_paid: 1000,
      created: first.current_period_end,
      // The invoice's own period is the one that ended; its line bills the new one.
      period_start: first.current_period_start,
      period_end: first.current_period_end,
      parent: { subscription_details: { subscription: subscription.id, metadata: { membership_id: '7' } } },
    });
    expect(invoice.number).toMatch(/-0002$/);
    expect(invoice.lines.data[0]!.period).toEqual({ start: item.current_period_start, end: item.current_period_end });

    const [updated] = delivered(h, 'customer.subscription.updated');
    expect(updated!.data).toMatchObject({
      previous_attributes: {
        latest_invoice: subscription.latest_invoice,
        items: { data: [{ current_period_end: first.current_period_end }] },
      },
    });
    const [charge] = delivered(h, 'charge.succeeded');
    expect(charge!.data.object).toMatchObject({ amount: 1000, metadata: {}, payment_method_details: { card: { last4: '4242' } } });
    expect(charge!.data.object.metadata.donation_id).toBeUndefined();
  });

  it('bills thirteen monthly renewals, in order and each at its own period end, over 400 days', async () => {
    const { subscription } = await becomeMember(h);

    const report = await advance(h, 400);

    expect(report.renewed).toHaveLength(13);
    const paidAt = report.renewed.map((r) => r.paid_at);
    expect([...paidAt].sort((a, b) => a - b)).toEqual(paidAt);
    const invoices = await h.stripe.invoices.list({ subscription: subscription.id, limit: 100 });
    expect(invoices.data).toHaveLength(14);
    expect(invoices.data.map((i) => i.billing_reason)).toEqual([...Array(13).fill('subscription_cycle'), 'subscription_create']);
    const paid = delivered(h, 'invoice.paid').map((e) => e.data.object);
    expect(paid.map((i) => i.created)).toEqual([...paid.map((i) => i.created)].sort((a, b) => a - b));
    expect(new Set(paid.map((i) => i.number)).size).toBe(14);
    const renewed = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.items.data[0]!.current_period_end).toBeGreaterThan(report.now);
  });

  it('renews a yearly membership once a year', async () => {
    const { subscription } = await becomeMember(h, 'year');

    expect((await advance(h, 200)).renewed).toHaveLength(0);
    const report = await advance(h, 170);

    expect(report.renewed).toHaveLength(1);
    const item = (await h.stripe.subscriptions.retrieve(subscription.id)).items.data[0]!;
    expect(item.current_period_start).toBe(subscription.items.data[0]!.current_period_end);
    const start = new Date(item.current_period_start * 1000);
    expect(new Date(item.current_period_end * 1000).getUTCFullYear()).toBe(start.getUTCFullYear() + 1);
  });

  it('cancels at the period end, without an invoice, when cancel_at_period_end is set', async () => {
    const { subscription } = await becomeMember(h);
    const periodEnd = subscription.items.data[0]!.current_period_end;
    const scheduled = await h.stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
      cancellation_details: { comment: 'Moving away', feedback: 'other' },
    });
    expect(scheduled).toMatchObject({ status: 'active', cancel_at_period_end: true, cancel_at: periodEnd });
    expect(scheduled.canceled_at).not.toBeNull();
    await receivedEvents(h, 'customer.subscription.updated', 2);
    h.receiver.deliveries.length = 0;

    const report = await advance(h, 40);

    expect(report).toMatchObject({ renewed: [], failed: [], canceled: [{ subscription: subscription.id, reason: 'cancellation_requested' }] });
    expect(h.receiver.types()).toEqual(['customer.subscription.deleted']);
    const canceled = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(canceled).toMatchObject({
      status: 'canceled',
      ended_at: periodEnd,
      canceled_at: scheduled.canceled_at,
      cancellation_details: { reason: 'cancellation_requested', comment: 'Moving away', feedback: 'other' },
    });
    expect((await h.stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);
    expect((await h.stripe.subscriptions.list({ customer: canceled.customer as string })).data).toHaveLength(0);
    expect((await h.stripe.subscriptions.list({ customer: canceled.customer as string, status: 'canceled' })).data).toHaveLength(1);
  });

  it('renews as usual when the member resumes before the period ends', async () => {
    const { subscription } = await becomeMember(h);
    await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await advance(h, 10);

    const resumed = await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: false });
    const report = await advance(h, 25);

    expect(resumed).toMatchObject({ cancel_at_period_end: false, cancel_at: null, canceled_at: null });
    expect(report.renewed).toHaveLength(1);
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });

  it('bills a new amount from the next renewal when changed with proration_behavior=none', async () => {
    const { subscription } = await becomeMember(h);
    const item = subscription.items.data[0]!;
    h.receiver.deliveries.length = 0;

    const changed = await h.stripe.subscriptions.update(subscription.id, {
      items: [
        {
          id: item.id,
          price_data: { currency: 'usd', product: item.price.product as string, unit_amount: 2500, recurring: { interval: 'month' } },
        },
      ],
      proration_behavior: 'none',
    });

    expect(changed.items.data[0]).toMatchObject({
      id: item.id,
      price: { unit_amount: 2500 },
      current_period_start: item.current_period_start,
      current_period_end: item.current_period_end,
    });
    await receivedEvents(h, 'customer.subscription.updated');
    expect(h.receiver.types()).toEqual(['customer.subscription.updated']);
    expect(delivered(h, 'customer.subscription.updated')[0]!.data.previous_attributes).toMatchObject({
      items: { data: [{ price: { unit_amount: 1000 } }] },
    });
    expect((await h.stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);

    const report = await advance(h, 31);
    expect(report.renewed).toMatchObject([{ amount_paid: 2500 }]);
  });
});
