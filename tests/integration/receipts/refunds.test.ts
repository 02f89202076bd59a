import { bootTestApp, type TestApp } from '../../support/app';
import { checkoutSession } from '../../support/stripe-fixtures';
import { cardCharge, deliver, pendingDonation, refundedCharge } from './support';

const PAID = 1_795_032_900;

describe('Refunds: charge.refunded voids or corrects the receipt', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  async function paidDonation(overrides: Record<string, unknown> = {}) {
    const donation = await pendingDonation(t, { amount: 10000, ...overrides });
    await deliver(t, 'charge.succeeded', cardCharge({ donationId: donation.id, amount: 10000 }), { created: PAID - 5 });
    await deliver(
      t,
      'checkout.session.completed',
      checkoutSession({ id: donation.sessionId, donationId: donation.id, amount_total: 10000, payment_intent: 'pi_test_1' }),
      { created: PAID },
    );
    return donation;
  }

  const refund = (amount: number, created: number, donationId?: string) =>
    deliver(t, 'charge.refunded', refundedCharge(amount, { amount: 10000, ...(donationId ? { donationId } : {}) }), { created });

  const receiptsOf = (donationId: string) => t.db('receipts').where({ donation_id: donationId }).orderBy('sequence');

  it('voids the receipt and queues a void notice on a full refund', async () => {
    const donation = await paidDonation();
    const [original] = await receiptsOf(donation.id);
    await refund(10000, PAID + 100, donation.id);

    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'refunded', amount_refunded: 10000 });
    const receipts = await receiptsOf(donation.id);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({
      id: original.id,
      number: '2026-000001',
      amount: 10000,
      deductible_amount: 10000,
      voided_at: expect.any(Date),
      void_reason: 'refunded',
    });
    expect(await t.db('email_outbox').where({ template: 'receipt-void' })).toEqual([
      expect.objectContaining({
        recipient: 'reader@example.com',
        data: { receipt_id: original.id },
        dedupe_key: `receipt-void:${original.id}`,
      }),
    ]);
  });

  it('issues a correction with a new number on a partial refund, and corrects the correction on a second', async () => {
    const donation = await paidDonation();
    await refund(3000, PAID + 100, donation.id);

    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({
      status: 'partially_refunded',
      amount_refunded: 3000,
    });
    const [original, correction] = await receiptsOf(donation.id);
    expect(original).toMatchObject({ number: '2026-000001', amount: 10000, void_reason: 'corrected', voided_at: expect.any(Date) });
    expect(correction).toMatchObject({
      number: '2026-000002',
      kind: 'correction',
      replaces_receipt_id: original.id,
      amount: 7000,
      deductible_amount: 7000,
      contributed_at: new Date(PAID * 1000),
      voided_at: null,
    });
    expect(await t.db('email_outbox').where({ template: 'receipt-corrected' })).toEqual([
      expect.objectContaining({ data: { receipt_id: correction.id }, dedupe_key: `receipt:${correction.id}` }),
    ]);

    await refund(5000, PAID + 200, donation.id);
    const receipts = await receiptsOf(donation.id);
    expect(receipts.map((r) => [r.number, r.amount, r.void_reason])).toEqual([
      ['2026-000001', 10000, 'corrected'],
      ['2026-000002', 7000, 'corrected'],
      ['2026-000003', 5000, null],
    ]);
    expect(receipts[2].replaces_receipt_id).toBe(correction.id);

    await refund(10000, PAID + 300, donation.id);
    expect((await receiptsOf(donation.id)).map((r) => r.void_reason)).toEqual(['corrected', 'corrected', 'refunded']);
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'refunded', amount_refunded: 10000 });
    expect(await t.db('email_outbox').orderBy('created_at').pluck('template')).toEqual([
      'receipt',
      'receipt-corrected',
      'receipt-corrected',
      'receipt-void',
    ]);
  });

  it('takes the value of goods off the corrected deductible amount', async () => {
    const donation = await paidDonation({ goods_value: 2500, goods_description: 'a tote bag' });
    await refund(4000, PAID + 100, donation.id);
    const [, correction] = await receiptsOf(donation.id);
    expect(correction).toMatchObject({ amount: 6000, goods_value: 2500, deductible_amount: 3500 });
  });

  it('changes nothing when a stale snapshot with a smaller cumulative refund arrives late', async () => {
    const donation = await paidDonation();
    await refund(6000, PAID + 200, donation.id);
    const before = await receiptsOf(donation.id);
    await refund(3000, PAID + 100, donation.id);
    await refund(6000, PAID + 200, donation.id);

    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({
      status: 'partially_refunded',
      amount_refunded: 6000,
    });
    expect(await receiptsOf(donation.id)).toEqual(before);
    expect(await t.db('email_outbox').count({ n: '*' })).toEqual([{ n: 2 }]);
  });

  it('finds the donation by payment intent when the charge carries no metadata', async () => {
    const donation = await paidDonation();
    await refund(10000, PAID + 100);
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'refunded' });
  });

  describe('a refund that arrives before the payment is marked succeeded', () => {
    const completed = (donationId: string, sessionId: string) =>
      checkoutSession({ id: sessionId, donationId, amount_total: 10000, payment_intent: 'pi_test_1' });

    it('keeps a partial refund and issues one receipt for what the donor kept', async () => {
      const donation = await pendingDonation(t, { amount: 10000 });
      await refund(2500, PAID + 100, donation.id);
      expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'pending', amount_refunded: 2500 });
      expect(await t.db('receipts').count({ n: '*' })).toEqual([{ n: 0 }]);

      await deliver(t, 'checkout.session.completed', completed(donation.id, donation.sessionId), { created: PAID });
      expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({
        status: 'partially_refunded',
        amount_paid: 10000,
        amount_refunded: 2500,
        card_brand: 'visa',
      });
      expect(await receiptsOf(donation.id)).toEqual([
        expect.objectContaining({ number: '2026-000001', kind: 'donation', amount: 7500, deductible_amount: 7500, voided_at: null }),
      ]);
      expect(await t.db('email_outbox').pluck('template')).toEqual(['receipt']);
    });

    it('issues no receipt at all when everything was refunded', async () => {
      const donation = await pendingDonation(t, { amount: 10000 });
      // No metadata: only the payment intent links this refund to the donation, once it is paid.
      await refund(10000, PAID + 100);
      await deliver(t, 'checkout.session.completed', completed(donation.id, donation.sessionId), { created: PAID });
      expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'refunded', amount_refunded: 10000 });
      expect(await t.db('receipts').count({ n: '*' })).toEqual([{ n: 0 }]);
      expect(await t.db('email_outbox').count({ n: '*' })).toEqual([{ n: 0 }]);
    });
  });
});
