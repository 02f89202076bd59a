import { advance, becomeMember, delivered, openPortal, receivedEvents, replaceCard, INVOICE_PAID_EVENTS } from './support/membership';
import { useHarness } from './support/harness';

const DAY = 86_400;

describe('Stripe emulator: failed renewals, retries and card updates', () => {
  const h = useHarness({ freshEachTest: true });

  /** A member whose card was swapped in the portal for 4000 0000 0000 0341: saved fine, declined when charged. */
  async function memberWithFailingCard() {
    const member = await becomeMember(h);
    const portal = await openPortal(h, member.customerId);
    const response = await replaceCard(h, portal.id, '4000 0000 0000 0341');
    expect(response.status).toBe(303);
    h.receiver.deliveries.length = 0;
    return member;
  }

  it('makes the invoice open with a retry in 3 days and the membership past_due when the renewal is declined', async () => {
    const { subscription } = await memberWithFailingCard();
    const periodEnd = subscription.items.data[0]!.current_period_end;

    const report = await advance(h, 31);

    expect(report.renewed).toEqual([]);
    expect(report.failed).toEqual([
      { subscription: subscription.id, invoice: expect.any(String), attempt_count: 1, next_payment_attempt: periodEnd + 3 * DAY },
    ]);
    expect(h.receiver.types()).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
      'customer.subscription.updated',
    ]);
    const [failed] = delivered(h, 'invoice.payment_failed');
    expect(failed!.data.object).toMatchObject({
      status: 'open',
      attempt_count: 1,
      attempted: true,
      amount_remaining: 1000,
      next_payment_attempt: periodEnd + 3 * DAY,
      parent: { subscription_details: { subscription: subscription.id, metadata: { membership_id: '7' } } },
    });
    expect(delivered(h, 'charge.failed')[0]!.data.object).toMatchObject({
      failure_code: 'card_declined',
      payment_method_details: { card: { last4: '0341' } },
    });
    expect(delivered(h, 'customer.subscription.updated')[1]!.data).toMatchObject({
      object: { status: 'past_due' },
      previous_attributes: { status: 'active' },
    });
  });

  it('pays the open invoice at once, and makes the membership active again, when the member saves a good card', async () => {
    const { subscription, customerId } = await memberWithFailingCard();
    const { failed } = await advance(h, 31);
    h.receiver.deliveries.length = 0;

    const portal = await openPortal(h, customerId);
    await receivedEvents(h, 'billing_portal.session.created');
    const response = await replaceCard(h, portal.id, '4242 4242 4242 4242');

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/portal/${portal.id}?updated=card_paid`);
    expect(h.receiver.types()).toEqual([
      'billing_portal.session.created',
      'payment_method.attached',
      'customer.updated',
      'customer.subscription.updated',
      ...INVOICE_PAID_EVENTS,
      'customer.subscription.updated',
    ]);
    const invoice = await h.stripe.invoices.retrieve(failed[0]!.invoice);
    expect(invoice).toMatchObject({ status: 'paid', attempt_count: 2, next_payment_attempt: null, amount_paid: 1000 });
    const active = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(active.status).toBe('active');
    expect(delivered(h, 'customer.subscription.updated')[1]!.data.previous_attributes).toEqual({ status: 'past_due' });
    expect((await advance(h, 3)).failed).toEqual([]);
  });

  it('retries every 3 days, then marks the invoice uncollectible and cancels for payment_failed after the third retry', async () => {
    const { subscription } = await memberWithFailingCard();
    await advance(h, 31);
    expect((await advance(h, 3)).failed).toMatchObject([{ attempt_count: 2 }]);
    expect((await advance(h, 3)).failed).toMatchObject([{ attempt_count: 3 }]);
    h.receiver.deliveries.length = 0;

    const last = await advance(h, 3);

    expect(last.failed).toMatchObject([{ attempt_count: 4, next_payment_attempt: null }]);
    expect(last.canceled).toMatchObject([{ subscription: subscription.id, reason: 'payment_failed' }]);
    expect(h.receiver.types()).toEqual([
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
      'invoice.marked_uncollectible',
      'customer.subscription.deleted',
    ]);
    const canceled = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_details: { reason: 'payment_failed' } });
    const invoice = await h.stripe.invoices.retrieve(last.failed[0]!.invoice);
    expect(invoice.status).toBe('uncollectible');
    expect((await advance(h, 60)).renewed).toEqual([]);
  });

  it('runs the whole retry schedule inside one long advance, in time order', async () => {
    const { subscription } = await memberWithFailingCard();

    const report = await advance(h, 45);

    expect(report.failed.map((f) => f.attempt_count)).toEqual([1, 2, 3, 4]);
    expect(report.canceled).toMatchObject([{ subscription: subscription.id, reason: 'payment_failed' }]);
    const charges = delivered(h, 'charge.failed').map((e) => e.data.object.created as number);
    expect(charges.slice(1).map((created, i) => created - charges[i]!)).toEqual([3 * DAY, 3 * DAY, 3 * DAY]);
  });
});
