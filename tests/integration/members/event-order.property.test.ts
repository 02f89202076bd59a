import fc from 'fast-check';
import type { Knex } from 'knex';
import type Stripe from 'stripe';
import { createLogger } from '../../../src/lib/logger';
import { processStripeEvent } from '../../../src/webhooks/process-event';
import { openTestDb, resetTestDb } from '../../support/db';
import { invoiceObject, subscriptionObject, subscriptionSession, type MembershipIds } from '../../support/membership-fixtures';
import { buildMembership } from '../../support/factories';
import { cardCharge, refundedCharge } from '../receipts/support';

/**
 * Stripe neither orders nor dedupes deliveries. Whatever order a
 * membership's events arrive in, and however often each arrives, the
 * database must end where the natural order leaves it.
 *
 * One realistic life: signup, a renewal, a failed renewal and its recovery,
 * an amount change and a renewal at the new amount, a partial refund, a
 * scheduled cancellation and the end. Events are applied through the same
 * function the webhook route calls after verifying the signature.
 */
const DAY = 86_400;
const T0 = 1_795_000_000;
const MEMBERSHIP_ID = '7d1f9c3e-2b4a-4c5d-8e6f-0a1b2c3d4e5f';
const ids: MembershipIds = { membershipId: MEMBERSHIP_ID, subscriptionId: 'sub_prop', customerId: 'cus_prop', sessionId: 'cs_test_prop' };

function lifeOfAMembership(options: { ends: boolean }): Stripe.Event[] {
  const events: Stripe.Event[] = [];
  const add = (type: string, object: object, created: number) =>
    events.push({ id: `evt_${events.length + 1}`, object: 'event', type, created, data: { object }, livemode: false } as unknown as Stripe.Event);
  const charge = (id: string, pi: string, amount: number) => cardCharge({ id, payment_intent: pi, amount, metadata: {} });
  const sub = (overrides: Parameters<typeof subscriptionObject>[1]) => subscriptionObject(ids, overrides);
  const t1 = T0 + 30 * DAY;
  const t2 = T0 + 60 * DAY;
  const t3 = t2 + 3 * DAY;
  const t4 = T0 + 70 * DAY;
  const t5 = T0 + 90 * DAY;

  add('customer.subscription.created', sub({ status: 'incomplete', periodStart: T0 }), T0);
  add('charge.succeeded', charge('ch_1', 'pi_in_1', 1000), T0 + 1);
  add('invoice.paid', invoiceObject(ids, { id: 'in_1', paidAt: T0 + 1 }), T0 + 1);
  add('customer.subscription.updated', sub({ status: 'active', periodStart: T0 }), T0 + 2);
  add('checkout.session.completed', subscriptionSession(ids), T0 + 3);
  // Renewal.
  add('charge.succeeded', charge('ch_2', 'pi_in_2', 1000), t1);
  add('invoice.paid', invoiceObject(ids, { id: 'in_2', paidAt: t1 }), t1);
  add('customer.subscription.updated', sub({ status: 'active', periodStart: t1 }), t1 + 1);
  // A failed renewal, then its recovery.
  add('invoice.payment_failed', invoiceObject(ids, { id: 'in_3', status: 'open', paidAt: t2 }), t2);
  add('customer.subscription.updated', sub({ status: 'past_due', periodStart: t2 }), t2 + 1);
  add('charge.succeeded', charge('ch_3', 'pi_in_3', 1000), t3);
  add('invoice.paid', invoiceObject(ids, { id: 'in_3', paidAt: t3 }), t3);
  add('customer.subscription.updated', sub({ status: 'active', periodStart: t2 }), t3 + 1);
  // The member raises their amount; it applies from the next renewal.
  add('customer.subscription.updated', sub({ status: 'active', periodStart: t2, amount: 2500 }), t4);
  add('charge.succeeded', charge('ch_4', 'pi_in_4', 2500), t2 + 30 * DAY);
  add('invoice.paid', invoiceObject(ids, { id: 'in_4', amount: 2500, paidAt: t2 + 30 * DAY }), t2 + 30 * DAY);
  add('customer.subscription.updated', sub({ status: 'active', periodStart: t2 + 30 * DAY, amount: 2500 }), t2 + 30 * DAY + 1);
  // A partial refund of the first renewal.
  add('charge.refunded', { ...refundedCharge(400, { id: 'ch_2', payment_intent: 'pi_in_2', amount: 1000 }), metadata: {} }, t5);
  if (!options.ends) return events;
  // Cancellation at period end, then the end.
  add('customer.subscription.updated', sub({ status: 'active', periodStart: t2 + 30 * DAY, amount: 2500, cancelAtPeriodEnd: true }), t5 + 1);
  add(
    'customer.subscription.deleted',
    sub({ status: 'canceled', periodStart: t2 + 30 * DAY, amount: 2500, cancelAtPeriodEnd: true, canceledAt: t2 + 60 * DAY, reason: 'cancellation_requested' }),
    t2 + 60 * DAY,
  );
  return events;
}

async function finalState(db: Knex) {
  const membership = await db('memberships as m')
    .leftJoin('donors as d', 'd.id', 'm.donor_id')
    .first(
      'm.status',
      'm.amount',
      'm.interval',
      'm.current_period_start',
      'm.current_period_end',
      'm.cancel_at_period_end',
      'm.canceled_at',
      'm.ended_at',
      'm.cancellation_reason',
      'm.stripe_subscription_id',
      'm.stripe_customer_id',
      'd.email as donor_email',
    );
  const donations = await db('donations as n')
    .leftJoin('donors as d', 'd.id', 'n.donor_id')
    .orderBy('n.stripe_invoice_id')
    .select(
      'n.stripe_invoice_id',
      'n.status',
      'n.frequency',
      'n.amount_paid',
      'n.amount_refunded',
      'n.stripe_payment_intent_id',
      'n.stripe_charge_id',
      'n.card_last4',
      'n.paid_at',
      'n.membership_id',
      'd.email as donor_email',
    );
  // Numbers depend on the order payments were processed in; what a receipt in force says does not.
  const receiptsInForce = await db('receipts as r')
    .join('donations as n', 'n.id', 'r.donation_id')
    .whereNull('r.voided_at')
    .orderBy('n.stripe_invoice_id')
    .select('n.stripe_invoice_id', 'r.amount', 'r.deductible_amount', 'r.year');
  const donors = await db('donors').orderBy('email').pluck('email');
  return { membership, donations, receiptsInForce, donors };
}

describe('membership events in any order, any number of times', () => {
  let db: Knex;
  const logger = createLogger('silent');

  async function play(sequence: Stripe.Event[]) {
    await resetTestDb(db);
    await buildMembership(db, { id: MEMBERSHIP_ID, stripe_checkout_session_id: ids.sessionId, campaign: 'spring-drive' });
    for (const event of sequence) await processStripeEvent(db, event, logger);
    return finalState(db);
  }

  /** The events in a random order, some of them delivered again at random places. */
  function shuffledWithDuplicates(events: Stripe.Event[]) {
    return fc
      .tuple(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: events.length, maxLength: events.length }),
        fc.array(fc.tuple(fc.nat({ max: events.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 8 }),
      )
      .map(([keys, duplicates]) => {
        const placed = events.map((event, i) => ({ event, key: keys[i]! }));
        for (const [index, key] of duplicates) placed.push({ event: events[index]!, key });
        return placed.sort((a, b) => a.key - b.key).map((p) => p.event);
      });
  }

  const seed = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);

  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.destroy());

  it('a member who is still giving: 200 shuffled runs end where the natural order ends', async () => {
    const events = lifeOfAMembership({ ends: false });
    const natural = await play(events);
    // The natural order itself is right: an active member at the new amount, four paid invoices, one partly refunded.
    expect(natural.membership).toMatchObject({
      status: 'active',
      amount: 2500,
      cancel_at_period_end: false,
      current_period_start: new Date((T0 + 90 * DAY) * 1000),
      donor_email: 'member@example.com',
    });
    expect(natural.donations.map((d) => [d.stripe_invoice_id, d.status, d.amount_paid, d.amount_refunded, d.card_last4])).toEqual([
      ['in_1', 'succeeded', 1000, 0, '4242'],
      ['in_2', 'partially_refunded', 1000, 400, '4242'],
      ['in_3', 'succeeded', 1000, 0, '4242'],
      ['in_4', 'succeeded', 2500, 0, '4242'],
    ]);
    expect(natural.receiptsInForce.map((r) => [r.stripe_invoice_id, r.amount])).toEqual([
      ['in_1', 1000],
      ['in_2', 600],
      ['in_3', 1000],
      ['in_4', 2500],
    ]);
    await fc.assert(
      fc.asyncProperty(shuffledWithDuplicates(events), async (sequence) => {
        expect(await play(sequence)).toEqual(natural);
      }),
      { numRuns: 200, seed },
    );
  }, 600_000);

  it('a member who cancels: 100 shuffled runs end canceled with the same payments', async () => {
    const events = lifeOfAMembership({ ends: true });
    const natural = await play(events);
    expect(natural.membership).toMatchObject({ status: 'canceled', amount: 2500, cancellation_reason: 'cancellation_requested' });
    expect(natural.donations).toHaveLength(4);
    await fc.assert(
      fc.asyncProperty(shuffledWithDuplicates(events), async (sequence) => {
        expect(await play(sequence)).toEqual(natural);
      }),
      { numRuns: 100, seed },
    );
  }, 600_000);
});
