import Stripe from 'stripe';
import { becomeMember, delivered, receivedEvents } from './support/membership';
import { GOOD_CARD, donationParams, useHarness, submitCheckoutForm } from './support/harness';

describe('Stripe emulator: POST /v1/refunds', () => {
  const h = useHarness();

  async function paidGift(): Promise<string> {
    const session = await h.stripe.checkout.sessions.create(donationParams());
    await submitCheckoutForm(h.emulator, session.id, GOOD_CARD);
    h.receiver.deliveries.length = 0;
    return (await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
  }

  it('refunds what remains of a payment intent’s charge and emits refund.created then charge.refunded', async () => {
    const paymentIntent = await paidGift();

    const refund = await h.stripe.refunds.create({ payment_intent: paymentIntent, reason: 'requested_by_customer', metadata: { by: 'staff' } });

    expect(refund).toMatchObject({
      id: expect.stringMatching(/^re_/),
      object: 'refund',
      amount: 2606,
      currency: 'usd',
      status: 'succeeded',
      payment_intent: paymentIntent,
      reason: 'requested_by_customer',
      metadata: { by: 'staff' },
    });
    await receivedEvents(h, 'charge.refunded');
    expect(h.receiver.types()).toEqual(['refund.created', 'charge.refunded']);
    expect(delivered(h, 'charge.refunded')[0]!.data.object).toMatchObject({
      id: refund.charge,
      amount_refunded: 2606,
      refunded: true,
      metadata: { donation_id: '42' },
    });
    const charge = await h.stripe.charges.retrieve(refund.charge as string, { expand: ['refunds'] });
    expect(charge.refunds?.data.map((r) => r.id)).toEqual([refund.id]);
  });

  it('refunds part of a charge, then the rest, keeping the running total on the charge', async () => {
    const paymentIntent = await paidGift();
    const { latest_charge: chargeId } = await h.stripe.paymentIntents.retrieve(paymentIntent);

    const partial = await h.stripe.refunds.create({ charge: chargeId as string, amount: 606 });
    const afterPartial = await h.stripe.charges.retrieve(chargeId as string);
    const rest = await h.stripe.refunds.create({ charge: chargeId as string });

    expect(partial.amount).toBe(606);
    expect(afterPartial).toMatchObject({ amount_refunded: 606, refunded: false });
    expect(rest.amount).toBe(2000);
    expect(await h.stripe.charges.retrieve(chargeId as string)).toMatchObject({ amount_refunded: 2606, refunded: true });
    expect((await h.stripe.refunds.list({ charge: chargeId as string })).data.map((r) => r.id)).toEqual([rest.id, partial.id]);
  });

  it('answers 400 for more than remains, and for a charge already refunded in full', async () => {
    const paymentIntent = await paidGift();
    await h.stripe.refunds.create({ payment_intent: paymentIntent, amount: 2000 });

    const tooMuch = await h.stripe.refunds.create({ payment_intent: paymentIntent, amount: 1000 }).catch((e: unknown) => e);

    expect(tooMuch).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(tooMuch).toMatchObject({
      statusCode: 400,
      param: 'amount',
      message: 'Refund amount ($10.00) is greater than unrefunded amount on charge ($6.06)',
    });
    await h.stripe.refunds.create({ payment_intent: paymentIntent });
    await expect(h.stripe.refunds.create({ payment_intent: paymentIntent })).rejects.toMatchObject({
      statusCode: 400,
      code: 'charge_already_refunded',
    });
  });

  it('refunds a membership payment found through the invoice’s payments', async () => {
    const { session } = await becomeMember(h);
    const invoice = await h.stripe.invoices.retrieve(session.invoice as string, { expand: ['payments'] });

    const refund = await h.stripe.refunds.create({ payment_intent: invoice.payments!.data[0]!.payment.payment_intent as string });

    expect(refund.amount).toBe(1000);
  });

  it('answers 400 naming the missing object, and replays with the same idempotency key', async () => {
    await expect(h.stripe.refunds.create({ charge: 'ch_nope' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'charge',
    });
    await expect(h.stripe.refunds.create({})).rejects.toMatchObject({ statusCode: 400 });

    const paymentIntent = await paidGift();
    const first = await h.stripe.refunds.create({ payment_intent: paymentIntent, amount: 100 }, { idempotencyKey: 'refund-1' });
    const again = await h.stripe.refunds.create({ payment_intent: paymentIntent, amount: 100 }, { idempotencyKey: 'refund-1' });

    expect(again.id).toBe(first.id);
    expect((await h.stripe.charges.retrieve(first.charge as string)).amount_refunded).toBe(100);
  });
});
