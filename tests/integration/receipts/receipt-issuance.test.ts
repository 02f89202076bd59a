import request from 'supertest';
import { writeSetting } from '../../../src/settings/settings';
import { bootTestApp, signedEvent, type TestApp } from '../../support/app';
import { checkoutSession } from '../../support/stripe-fixtures';
import { deliver, pendingDonation } from './support';

// 2026-11-18T20:15:00Z, a Wednesday afternoon in New York.
const PAID = 1_795_032_900;

describe('Receipts for successful payments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  const completed = (donationId: string, sessionId: string, extra: Parameters<typeof checkoutSession>[0] = {}) =>
    checkoutSession({ id: sessionId, donationId, payment_intent: `pi_for_${donationId}`, ...extra });

  it('issues receipt <year>-000001 on checkout.session.completed and queues it to the donor', async () => {
    const donation = await pendingDonation(t);
    await deliver(t, 'checkout.session.completed', completed(donation.id, donation.sessionId), { created: PAID });

    const receipts = await t.db('receipts');
    expect(receipts).toHaveLength(1);
    const donor = await t.db('donors').first();
    expect(receipts[0]).toMatchObject({
      number: '2026-000001',
      year: 2026,
      sequence: 1,
      kind: 'donation',
      donation_id: donation.id,
      donor_id: donor.id,
      amount: 2500,
      currency: 'usd',
      goods_value: 0,
      deductible_amount: 2500,
      contributed_at: new Date(PAID * 1000),
      voided_at: null,
      replaces_receipt_id: null,
    });
    const outbox = await t.db('email_outbox');
    expect(outbox).toEqual([
      expect.objectContaining({
        recipient: 'reader@example.com',
        template: 'receipt',
        data: { receipt_id: receipts[0].id },
        dedupe_key: `receipt:${receipts[0].id}`,
        status: 'pending',
      }),
    ]);
  });

  it('issues no receipt while a delayed payment is processing, and one when it succeeds', async () => {
    const donation = await pendingDonation(t);
    await deliver(t, 'checkout.session.completed', completed(donation.id, donation.sessionId, { payment_status: 'unpaid' }));
    expect(await t.db('receipts')).toHaveLength(0);

    await deliver(t, 'checkout.session.async_payment_succeeded', completed(donation.id, donation.sessionId), { created: PAID });
    expect(await t.db('receipts').pluck('number')).toEqual(['2026-000001']);
    expect(await t.db('email_outbox').pluck('template')).toEqual(['receipt']);
  });

  it('issues one receipt when the same event is delivered 5 times at once', async () => {
    const donation = await pendingDonation(t);
    const { payload, signature } = signedEvent('checkout.session.completed', completed(donation.id, donation.sessionId), {
      id: 'evt_test_receipt_dup',
      created: PAID,
    });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(t.app)
          .post('/webhooks/stripe')
          .set('Content-Type', 'application/json')
          .set('Stripe-Signature', signature)
          .send(payload),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await t.db('receipts').pluck('number')).toEqual(['2026-000001']);
    expect(await t.db('email_outbox').count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await t.db('receipt_counters')).toEqual([{ year: 2026, last_sequence: 1 }]);
  });

  it('issues one receipt when two different success events for one payment race', async () => {
    const donation = await pendingDonation(t);
    const session = completed(donation.id, donation.sessionId);
    await Promise.all([
      deliver(t, 'checkout.session.completed', session, { created: PAID }),
      deliver(t, 'checkout.session.async_payment_succeeded', session, { created: PAID + 5 }),
    ]);
    expect(await t.db('receipts').pluck('number')).toEqual(['2026-000001']);
    expect(await t.db('email_outbox').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('numbers 50 concurrent payments 000001 to 000050 with no gap and no duplicate', async () => {
    const donations = await Promise.all(Array.from({ length: 50 }, () => pendingDonation(t)));
    await Promise.all(
      donations.map((donation, i) =>
        deliver(
          t,
          'checkout.session.completed',
          completed(donation.id, donation.sessionId, {
            customer: `cus_test_many_${i}`,
            customer_details: {
              address: null,
              business_name: null,
              individual_name: null,
              email: `reader${i}@example.com`,
              name: `Reader ${i}`,
              phone: null,
              tax_exempt: 'none',
              tax_ids: [],
            },
          }),
          { created: PAID + i },
        ),
      ),
    );
    const receipts = await t.db('receipts').orderBy('sequence');
    expect(receipts.map((r) => r.sequence)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(receipts.map((r) => r.number)).toEqual(
      Array.from({ length: 50 }, (_, i) => `2026-${String(i + 1).padStart(6, '0')}`),
    );
    expect(new Set(receipts.map((r) => r.donation_id)).size).toBe(50);
    expect(await t.db('email_outbox').count({ n: '*' })).toEqual([{ n: 50 }]);
    expect(await t.db('receipt_counters')).toEqual([{ year: 2026, last_sequence: 50 }]);
  });

  describe('the receipt year is the payment year in the organisation time zone', () => {
    // 2026-12-31 23:30 in New York is 2027-01-01 04:30 UTC.
    const newYearsEveNewYork = Date.UTC(2027, 0, 1, 4, 30) / 1000;

    it('numbers a gift made at 23:30 on December 31 in New York in that year series', async () => {
      const late = await pendingDonation(t);
      await deliver(t, 'checkout.session.completed', completed(late.id, late.sessionId), { created: newYearsEveNewYork });
      const early = await pendingDonation(t);
      await deliver(t, 'checkout.session.completed', completed(early.id, early.sessionId), {
        created: newYearsEveNewYork + 3600,
      });
      expect(await t.db('receipts').where({ donation_id: late.id }).first()).toMatchObject({ number: '2026-000001', year: 2026 });
      expect(await t.db('receipts').where({ donation_id: early.id }).first()).toMatchObject({ number: '2027-000001', year: 2027 });
    });

    it('follows the time zone staff set', async () => {
      await writeSetting(t.db, 'organization', { timezone: 'UTC' });
      const donation = await pendingDonation(t);
      await deliver(t, 'checkout.session.completed', completed(donation.id, donation.sessionId), { created: newYearsEveNewYork });
      expect(await t.db('receipts').first()).toMatchObject({ number: '2027-000001' });
    });
  });

  it('keeps the receipt but queues no email when the donor has no address', async () => {
    const donation = await pendingDonation(t);
    const session = completed(donation.id, donation.sessionId, { customer_details: null, customer_email: null });
    await deliver(t, 'checkout.session.completed', session, { created: PAID });
    expect(await t.db('receipts').pluck('number')).toEqual(['2026-000001']);
    expect(await t.db('email_outbox').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('records the value of a premium and the deductible amount on the receipt', async () => {
    const donation = await pendingDonation(t, { amount: 12000, goods_value: 3000, goods_description: 'a tote bag' });
    await deliver(t, 'checkout.session.completed', completed(donation.id, donation.sessionId, { amount_total: 12000 }), {
      created: PAID,
    });
    expect(await t.db('receipts').first()).toMatchObject({
      amount: 12000,
      goods_value: 3000,
      goods_description: 'a tote bag',
      deductible_amount: 9000,
    });
  });
});
