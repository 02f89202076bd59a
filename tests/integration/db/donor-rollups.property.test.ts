import fc from 'fast-check';
import type { Knex } from 'knex';
import { statusAfterRefunds } from '../../../src/giving/donation-status';
import { openTestDb, resetTestDb } from '../../support/db';
import { expectRollupsTrue } from '../../support/rollups';

/**
 * What the database keeps for the console — yearly giving and first and last
 * gift per donor and currency, all-time totals, the hourly sums, the number
 * of donors — must equal the figures computed afresh from the rows, whatever
 * writes reached them and in whatever order: Stripe neither orders nor
 * dedupes deliveries. The writes are those webhooks and staff make: gifts
 * recorded (again), paid, refunded in part or whole, disputed, moved to
 * another donor when two donor records are merged; memberships started,
 * falling behind, resized, moved, cancelled.
 */
const DAY_MS = 86_400_000;
const DONORS = ['0d1a5a9e-0000-4000-8000-00000000000a', '0d1a5a9e-0000-4000-8000-00000000000b', '0d1a5a9e-0000-4000-8000-00000000000c'];
const GIFTS = ['pi_1', 'pi_2', 'pi_3', 'pi_4', 'pi_5', 'pi_6'];
const MEMBERSHIPS = ['sub_1', 'sub_2'];
const CURRENCIES = ['usd', 'eur'] as const;
// Days ago, kept a day or more from the 365-day edge so the run's own minutes do not move a gift across it.
const PAID_DAYS_AGO = [500, 367, 363, 200, 30, 1, 0.01];

type Write =
  | { kind: 'gift'; gift: string; donor: number; currency: string; frequency: string; amount: number; daysAgo: number; status: 'succeeded' | 'failed' | 'pending' }
  | { kind: 'refund'; gift: string; share: number }
  | { kind: 'dispute'; gift: string; outcome: 'disputed' | 'won' }
  | { kind: 'move-gift'; gift: string; donor: number }
  | { kind: 'membership'; membership: string; donor: number; currency: string; status: string; amount: number; interval: 'month' | 'year' }
  | { kind: 'move-membership'; membership: string; donor: number };

const donorIndex = fc.nat({ max: DONORS.length - 1 });
const writeArbitrary: fc.Arbitrary<Write> = fc.oneof(
  fc.record({
    kind: fc.constant('gift' as const),
    gift: fc.constantFrom(...GIFTS),
    donor: donorIndex,
    currency: fc.constantFrom(...CURRENCIES),
    frequency: fc.constantFrom('once', 'monthly', 'annual'),
    amount: fc.integer({ min: 100, max: 200_000 }),
    daysAgo: fc.constantFrom(...PAID_DAYS_AGO),
    status: fc.constantFrom('succeeded' as const, 'failed' as const, 'pending' as const),
  }),
  fc.record({ kind: fc.constant('refund' as const), gift: fc.constantFrom(...GIFTS), share: fc.double({ min: 0.1, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('dispute' as const), gift: fc.constantFrom(...GIFTS), outcome: fc.constantFrom('disputed' as const, 'won' as const) }),
  fc.record({ kind: fc.constant('move-gift' as const), gift: fc.constantFrom(...GIFTS), donor: donorIndex }),
  fc.record({
    kind: fc.constant('membership' as const),
    membership: fc.constantFrom(...MEMBERSHIPS),
    donor: donorIndex,
    currency: fc.constantFrom(...CURRENCIES),
    status: fc.constantFrom('pending', 'incomplete', 'trialing', 'active', 'past_due', 'unpaid', 'paused', 'canceled'),
    amount: fc.integer({ min: 500, max: 50_000 }),
    interval: fc.constantFrom('month' as const, 'year' as const),
  }),
  fc.record({ kind: fc.constant('move-membership' as const), membership: fc.constantFrom(...MEMBERSHIPS), donor: donorIndex }),
);

/** Writes in some order, each possibly delivered twice (a retried webhook rewrites the same values). */
const history = fc
  .array(fc.tuple(writeArbitrary, fc.boolean()), { minLength: 1, maxLength: 14 })
  .map((writes) => writes.flatMap(([write, twice]) => (twice ? [write, write] : [write])));

async function apply(db: Knex, write: Write, now: number): Promise<void> {
  switch (write.kind) {
    case 'gift': {
      const paid = write.status === 'succeeded';
      const row = {
        donor_id: DONORS[write.donor],
        status: write.status,
        frequency: write.frequency,
        currency: write.currency,
        amount: write.amount,
        amount_paid: paid ? write.amount : null,
        paid_at: paid ? new Date(now - write.daysAgo * DAY_MS) : null,
        stripe_payment_intent_id: write.gift,
      };
      // Upserted by its Stripe id, as the checkout and invoice handlers do.
      await db('donations').insert(row).onConflict('stripe_payment_intent_id').merge();
      return;
    }
    case 'refund': {
      const gift = await db('donations').where({ stripe_payment_intent_id: write.gift }).first();
      if (!gift || !gift.amount_paid || !['succeeded', 'partially_refunded', 'refunded'].includes(gift.status)) return;
      // A refunded amount only grows.
      const refunded = Math.max(gift.amount_refunded, Math.round(gift.amount_paid * write.share));
      await db('donations').where({ id: gift.id }).update({ amount_refunded: refunded, status: statusAfterRefunds(gift.amount_paid, refunded) });
      return;
    }
    case 'dispute': {
      const gift = await db('donations').where({ stripe_payment_intent_id: write.gift }).first();
      if (!gift || !gift.amount_paid) return;
      const status = write.outcome === 'disputed' ? 'disputed' : statusAfterRefunds(gift.amount_paid, gift.amount_refunded);
      await db('donations').where({ id: gift.id }).update({ status });
      return;
    }
    case 'move-gift':
      await db('donations').where({ stripe_payment_intent_id: write.gift }).update({ donor_id: DONORS[write.donor] });
      return;
    case 'membership': {
      const row = { donor_id: DONORS[write.donor], currency: write.currency, status: write.status, amount: write.amount, interval: write.interval, stripe_subscription_id: write.membership };
      await db('memberships').insert(row).onConflict('stripe_subscription_id').merge();
      return;
    }
    case 'move-membership':
      await db('memberships').where({ stripe_subscription_id: write.membership }).update({ donor_id: DONORS[write.donor] });
      return;
  }
}

describe('the console rollups under webhook-like writes', () => {
  let db: Knex;
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.destroy());

  it('equal the figures computed afresh after any order of writes, each maybe twice', async () => {
    await fc.assert(
      fc.asyncProperty(history, async (writes) => {
        await resetTestDb(db);
        await db('donors').insert(DONORS.map((id, i) => ({ id, email: `donor${i}@example.com` })));
        const now = Date.now();
        for (const write of writes) await apply(db, write, now);
        await expectRollupsTrue(db, new Date(), CURRENCIES);
      }),
      { numRuns: 40, seed },
    );
  }, 600_000);

  it('count donors added and removed, in bulk or one at a time', async () => {
    await resetTestDb(db);
    await db('donors').insert(Array.from({ length: 25 }, (_, i) => ({ email: `bulk${i}@example.com` })));
    await db('donors').insert({ email: 'one@example.com' });
    // An upsert that finds the donor inserts nothing.
    await db.raw("insert into donors (email) values ('one@example.com') on conflict ((lower(email))) do update set name = 'One'");
    await db('donors').where('email', 'like', 'bulk1%').delete();
    await expectRollupsTrue(db, new Date(), CURRENCIES);
    expect(Number((await db('donor_count').first('donors'))?.donors)).toBe(15);
  });
});
