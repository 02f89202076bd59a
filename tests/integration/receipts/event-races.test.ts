import { bootTestApp, type TestApp } from '../../support/app';
import { checkoutSession } from '../../support/stripe-fixtures';
import { cardCharge, deliver, pendingDonation, refundedCharge } from './support';

/**
 * Stripe sends the events of one payment at about the same time, and our
 * instances apply them in parallel. Whatever the interleaving, the end state
 * is the same.
 */
describe('Events of one payment applied concurrently', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('brings the card to the donation when the charge is linked only by its payment intent', async () => {
    const donations = await Promise.all(Array.from({ length: 20 }, () => pendingDonation(t)));
    await Promise.all(
      donations.flatMap((donation, i) => [
        deliver(t, 'charge.succeeded', cardCharge({ id: `ch_race_${i}`, payment_intent: `pi_race_${i}` })),
        deliver(
          t,
          'checkout.session.completed',
          checkoutSession({ id: donation.sessionId, donationId: donation.id, payment_intent: `pi_race_${i}`, customer: `cus_race_${i}` }),
        ),
      ]),
    );
    const rows = await t.db('donations').select('status', 'card_brand', 'card_last4', 'stripe_charge_id');
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'succeeded', card_brand: 'visa', card_last4: '4242', stripe_charge_id: expect.stringMatching(/^ch_race_/) });
    }
  });

  it('ends with one receipt in force for what the donor kept, whichever of success and refund lands first', async () => {
    const donations = await Promise.all(Array.from({ length: 10 }, () => pendingDonation(t, { amount: 10000 })));
    await Promise.all(
      donations.flatMap((donation, i) => [
        deliver(t, 'charge.succeeded', cardCharge({ id: `ch_race_${i}`, payment_intent: `pi_race_${i}`, amount: 10000 })),
        deliver(t, 'charge.refunded', refundedCharge(2500, { id: `ch_race_${i}`, payment_intent: `pi_race_${i}`, amount: 10000 })),
        deliver(
          t,
          'checkout.session.completed',
          checkoutSession({
            id: donation.sessionId,
            donationId: donation.id,
            amount_total: 10000,
            payment_intent: `pi_race_${i}`,
            customer: `cus_race_${i}`,
          }),
        ),
      ]),
    );
    for (const donation of donations) {
      expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({
        status: 'partially_refunded',
        amount_refunded: 2500,
        card_brand: 'visa',
      });
      const inForce = await t.db('receipts').where({ donation_id: donation.id }).whereNull('voided_at');
      expect(inForce).toEqual([expect.objectContaining({ amount: 7500, deductible_amount: 7500 })]);
    }
    const numbers = (await t.db('receipts').orderBy('sequence').pluck('sequence')) as number[];
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });
});
