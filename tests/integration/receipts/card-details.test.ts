import { bootTestApp, type TestApp } from '../../support/app';
import { checkoutSession } from '../../support/stripe-fixtures';
import { cardCharge, deliver, pendingDonation } from './support';

describe('Card brand and last 4 from charge events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  const completed = (donationId: string, sessionId: string) =>
    checkoutSession({ id: sessionId, donationId, payment_intent: 'pi_test_1' });

  it('records them when charge.succeeded arrives after checkout.session.completed', async () => {
    const donation = await pendingDonation(t);
    await deliver(t, 'checkout.session.completed', completed(donation.id, donation.sessionId));
    await deliver(t, 'charge.succeeded', cardCharge({ donationId: donation.id }));
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({
      status: 'succeeded',
      payment_method_type: 'card',
      card_brand: 'visa',
      card_last4: '4242',
      stripe_charge_id: 'ch_test_1',
    });
    expect(await t.db('receipts').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('records them when charge.succeeded arrives first, as Stripe usually sends it', async () => {
    const donation = await pendingDonation(t);
    await deliver(t, 'charge.succeeded', cardCharge({ donationId: donation.id }));
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({
      status: 'pending',
      card_brand: 'visa',
      card_last4: '4242',
    });
    await deliver(t, 'checkout.session.completed', completed(donation.id, donation.sessionId));
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({
      status: 'succeeded',
      card_brand: 'visa',
      card_last4: '4242',
      stripe_charge_id: 'ch_test_1',
      stripe_payment_intent_id: 'pi_test_1',
    });
  });

  it('keeps the facts of a charge whose donation is unknown yet, and applies them when it is paid', async () => {
    // No donation id in the metadata (a renewal's charge has none): only the payment intent links them.
    const donation = await pendingDonation(t);
    await deliver(t, 'charge.succeeded', cardCharge({ payment_method_details: card('mastercard', '4444') }));
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ card_brand: null });
    expect(await t.db('stripe_charges').first()).toMatchObject({ id: 'ch_test_1', payment_intent_id: 'pi_test_1', card_last4: '4444' });

    await deliver(t, 'checkout.session.completed', completed(donation.id, donation.sessionId));
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({
      card_brand: 'mastercard',
      card_last4: '4444',
      stripe_charge_id: 'ch_test_1',
    });
  });

  it('ignores a charge whose metadata names a donation paid through another payment intent', async () => {
    const donation = await pendingDonation(t);
    await deliver(t, 'checkout.session.completed', completed(donation.id, donation.sessionId));
    await deliver(t, 'charge.succeeded', cardCharge({ id: 'ch_test_other', donationId: donation.id, payment_intent: 'pi_test_other' }));
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ card_brand: null, stripe_charge_id: null });
  });

  it('records an event for a charge of no donation of ours and answers 200', async () => {
    const res = await deliver(t, 'charge.succeeded', cardCharge({ id: 'ch_test_elsewhere', payment_intent: 'pi_test_elsewhere' }));
    expect(res.body.result).toBe('applied');
    expect(await t.db('donations').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});

function card(brand: string, last4: string) {
  return { type: 'card', card: { brand, last4 } } as never;
}
