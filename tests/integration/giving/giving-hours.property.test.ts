import fc from 'fast-check';
import type { Knex } from 'knex';
import { KEPT_DONATION_STATUSES, PAID_DONATION_STATUSES } from '../../../src/giving/donation-status';
import { keptGivingBetween, monthlyGiving } from '../../../src/giving/giving-hours-queries';
import { openTestDb, resetTestDb } from '../../support/db';
import { buildDonation, buildDonor } from '../../support/factories';

/**
 * Money by month in the organisation's zone, and the dashboard's windows, read
 * from the hourly sums, must equal adding up the donations themselves — in
 * any zone, including those half or three quarters of an hour off UTC, and
 * for a window that starts and ends anywhere inside an hour.
 */
const MINUTE_MS = 60_000;
// Where April 2026 begins in some zones: New York (EDT), Kolkata (+5:30), Kathmandu (+5:45),
// St John's (NDT, -2:30), Adelaide (ACDT, +10:30), Chatham (+13:45), and UTC itself.
const ZONES: Record<string, string> = {
  'America/New_York': '2026-04-01T04:00:00Z',
  'Asia/Kolkata': '2026-03-31T18:30:00Z',
  'Asia/Kathmandu': '2026-03-31T18:15:00Z',
  'America/St_Johns': '2026-04-01T02:30:00Z',
  'Australia/Adelaide': '2026-03-31T13:30:00Z',
  'Pacific/Chatham': '2026-03-31T10:15:00Z',
  UTC: '2026-04-01T00:00:00Z',
};
const BOUNDARIES = Object.values(ZONES).map((at) => Date.parse(at));
const SPREAD = { min: Date.parse('2026-02-25T00:00:00Z'), max: Date.parse('2026-05-05T00:00:00Z') };

/** An instant near a month boundary of some zone (within 90 minutes), or anywhere in March and April. */
const instant = fc.oneof(
  fc.tuple(fc.constantFrom(...BOUNDARIES), fc.integer({ min: -90 * MINUTE_MS, max: 90 * MINUTE_MS })).map(([at, offset]) => at + offset),
  fc.integer(SPREAD),
);
const gift = fc.record({
  paidAt: instant,
  status: fc.constantFrom('succeeded', 'succeeded', 'partially_refunded', 'refunded', 'failed', 'disputed'),
  frequency: fc.constantFrom('once', 'monthly', 'annual'),
  currency: fc.constantFrom('usd', 'usd', 'eur'),
  amount: fc.integer({ min: 100, max: 100_000 }),
});

type GiftSeed = typeof gift extends fc.Arbitrary<infer T> ? T : never;

describe('giving by hour, read by month and by window', () => {
  let db: Knex;
  let donorId: string;
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.destroy());

  async function record(gifts: GiftSeed[]) {
    await resetTestDb(db);
    ({ id: donorId } = await buildDonor(db, { email: 'hours@example.com' }));
    for (const g of gifts) {
      const refunded = g.status === 'partially_refunded' ? Math.floor(g.amount / 3) : g.status === 'refunded' ? g.amount : 0;
      const paid = g.status !== 'failed';
      await buildDonation(db, {
        donor_id: donorId,
        status: g.status,
        frequency: g.frequency,
        currency: g.currency,
        amount: g.amount,
        amount_paid: paid ? g.amount : null,
        amount_refunded: refunded,
        paid_at: paid ? new Date(g.paidAt) : null,
      });
    }
  }

  /** Sums arrive as strings (numeric) from one query and numbers from another: compare them as numbers. */
  const numbers = (rows: object[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v])));

  it('monthlyGiving equals the donations grouped by month in the zone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(gift, { maxLength: 25 }), fc.constantFrom(...Object.keys(ZONES)), async (gifts, zone) => {
        await record(gifts);
        const truth = await db.raw(
          `select to_char(date_trunc('month', paid_at at time zone :zone), 'YYYY-MM-DD') as month, frequency,
                  count(*) as gifts, sum(coalesce(amount_paid, amount)) as gross, sum(amount_refunded) as refunded,
                  sum(coalesce(amount_paid, amount)) - sum(amount_refunded) as net
           from donations
           where currency = 'usd' and status = any(:paid) and paid_at is not null
             and paid_at >= timestamp '2026-03-01' at time zone :zone and paid_at < timestamp '2026-05-01' at time zone :zone
           group by 1, 2 order by 1, 2`,
          { zone, paid: [...PAID_DONATION_STATUSES] },
        );
        expect(numbers(await monthlyGiving(db, 'usd', '2026-03', '2026-04', zone))).toEqual(numbers(truth.rows));
      }),
      { numRuns: 40, seed },
    );
  }, 600_000);

  it('keptGivingBetween equals the kept donations paid in (after, upTo], for windows starting and ending anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(gift, { maxLength: 25 }), instant, instant, async (gifts, a, b) => {
        await record(gifts);
        const [after, upTo] = [new Date(Math.min(a, b)), new Date(Math.max(a, b))];
        const truth = await db('donations')
          .where({ currency: 'usd' })
          .whereIn('status', KEPT_DONATION_STATUSES)
          .where('paid_at', '>', after)
          .where('paid_at', '<=', upTo)
          .groupBy('frequency')
          .orderBy('frequency')
          .select('frequency', db.raw('count(*) as gifts'), db.raw('sum(coalesce(amount_paid, amount) - amount_refunded) as given'));
        const read = await keptGivingBetween(db, 'usd', after, upTo);
        const sorted = [...read].sort((x, y) => x.frequency.localeCompare(y.frequency));
        expect(numbers(sorted)).toEqual(numbers(truth));
      }),
      { numRuns: 40, seed },
    );
  }, 600_000);

  it('a gift at 11:45 pm on March 31 in Kolkata is March there and April in New York; changing the zone needs no recount', async () => {
    await record([
      { paidAt: Date.parse('2026-03-31T18:15:00Z'), status: 'succeeded', frequency: 'once', currency: 'usd', amount: 5000 },
      { paidAt: Date.parse('2026-03-31T18:45:00Z'), status: 'partially_refunded', frequency: 'monthly', currency: 'usd', amount: 3000 },
    ]);
    const kolkata = numbers(await monthlyGiving(db, 'usd', '2026-03', '2026-04', 'Asia/Kolkata'));
    expect(kolkata).toEqual([
      { month: '2026-03-01', frequency: 'once', gifts: 1, gross: 5000, refunded: 0, net: 5000 },
      { month: '2026-04-01', frequency: 'monthly', gifts: 1, gross: 3000, refunded: 1000, net: 2000 },
    ]);
    const newYork = numbers(await monthlyGiving(db, 'usd', '2026-03-15', '2026-04-15', 'America/New_York'));
    expect(newYork.map((r) => [r.month, r.frequency])).toEqual([
      ['2026-03-01', 'monthly'],
      ['2026-03-01', 'once'],
    ]);
  });
});
