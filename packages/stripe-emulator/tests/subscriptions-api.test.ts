import Stripe from 'stripe';
import { advance, becomeMember, delivered, receivedEvents } from './support/membership';
import { useHarness } from './support/harness';

describe('Stripe emulator: subscriptions API', () => {
  const h = useHarness();

  it('answers 404 resource_missing for an unknown subscription', async () => {
    const error = await h.stripe.subscriptions.retrieve('sub_missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such subscription: 'sub_missing'" });
  });

  it('merges metadata and emits customer.subscription.updated with the previous values', async () => {
    const { subscription } = await becomeMember(h);
    await receivedEvents(h, 'checkout.session.completed');
    h.receiver.deliveries.length = 0;

    const updated = await h.stripe.subscriptions.update(subscription.id, { metadata: { campaign: 'spring', source: '' } });

    expect(updated.metadata).toEqual({ membership_id: '7', campaign: 'spring' });
    await receivedEvents(h, 'customer.subscription.updated');
    expect(delivered(h, 'customer.subscription.updated')[0]!.data.previous_attributes).toEqual({
      metadata: { membership_id: '7', source: 'sustain' },
    });
  });

  it('copies changed metadata onto later invoices', async () => {
    const { subscription } = await becomeMember(h);
    await h.stripe.subscriptions.update(subscription.id, { metadata: { membership_id: '8' } });

    const { renewed } = await advance(h, 31);

    const invoice = await h.stripe.invoices.retrieve(renewed.find((r) => r.subscription === subscription.id)!.invoice);
    expect(invoice.parent?.subscription_details?.metadata).toMatchObject({ membership_id: '8' });
  });

  it('replays an update sent again with the same idempotency key', async () => {
    const { subscription } = await becomeMember(h);
    const update = () =>
      h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true }, { idempotencyKey: `cancel-${subscription.id}` });

    const first = await update();
    const again = await update();

    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(again.canceled_at).toBe(first.canceled_at);
  });

  it('refuses a price change unless proration_behavior is none, and changes nothing', async () => {
    const { subscription } = await becomeMember(h);
    const item = subscription.items.data[0]!;
    const items = [
      { id: item.id, price_data: { currency: 'usd', product: item.price.product as string, unit_amount: 2000, recurring: { interval: 'month' as const } } },
    ];

    await expect(h.stripe.subscriptions.update(subscription.id, { items })).rejects.toMatchObject({
      statusCode: 400,
      param: 'proration_behavior',
    });
    await expect(
      h.stripe.subscriptions.update(subscription.id, {
        items: [{ ...items[0]!, price_data: { ...items[0]!.price_data, recurring: { interval: 'year' } } }],
        proration_behavior: 'none',
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'items[0]' });
    await expect(
      h.stripe.subscriptions.update(subscription.id, { items: [{ id: 'si_nope', quantity: 2 }], proration_behavior: 'none' }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'items[0][id]' });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).items.data[0]!.price.unit_amount).toBe(1000);
  });

  it('sets the default payment method only to a card of the customer', async () => {
    const { subscription } = await becomeMember(h);
    const other = await becomeMember(h);

    await expect(
      h.stripe.subscriptions.update(subscription.id, { default_payment_method: other.subscription.default_payment_method as string }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'default_payment_method' });
    await expect(h.stripe.subscriptions.update(subscription.id, { default_payment_method: 'pm_nope' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
    });
  });

  it('DELETE cancels at once and emits customer.subscription.deleted; the canceled subscription takes only metadata', async () => {
    const { subscription } = await becomeMember(h);
    await receivedEvents(h, 'checkout.session.completed');
    h.receiver.deliveries.length = 0;

    const canceled = await h.stripe.subscriptions.cancel(subscription.id, {
      cancellation_details: { comment: 'Too many emails', feedback: 'other' },
    });

    expect(canceled).toMatchObject({
      status: 'canceled',
      cancel_at_period_end: false,
      cancellation_details: { reason: 'cancellation_requested', comment: 'Too many emails', feedback: 'other' },
    });
    expect(canceled.canceled_at).toBe(canceled.ended_at);
    await receivedEvents(h, 'customer.subscription.deleted');
    expect(delivered(h, 'customer.subscription.deleted')[0]!.data.object).toMatchObject({ id: subscription.id, status: 'canceled' });
    await expect(h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true })).rejects.toMatchObject({
      statusCode: 400,
      param: 'cancel_at_period_end',
    });
    expect((await h.stripe.subscriptions.update(subscription.id, { metadata: { note: 'kept' } })).metadata.note).toBe('kept');
    await expect(h.stripe.subscriptions.cancel(subscription.id)).rejects.toMatchObject({ statusCode: 400 });
    const { renewed } = await advance(h, 40);
    expect(renewed.map((r) => r.subscription)).not.toContain(subscription.id);
  });

  it('lists by status: not-ended by default, all on request', async () => {
    const { subscription, customerId } = await becomeMember(h);
    await h.stripe.subscriptions.cancel(subscription.id);

    expect((await h.stripe.subscriptions.list({ customer: customerId })).data).toEqual([]);
    expect((await h.stripe.subscriptions.list({ customer: customerId, status: 'all' })).data.map((s) => s.id)).toEqual([subscription.id]);
    expect((await h.stripe.subscriptions.list({ customer: customerId, status: 'ended' })).data).toHaveLength(1);
  });
});
