import type { Knex } from 'knex';
import { KEPT_DONATION_STATUSES, PAID_DONATION_STATUSES } from '../../src/giving/donation-status';
import { yearlyGivingFromGifts } from '../../src/members/level-queries';

/**
 * Every figure the database keeps for the console (migrations 20261201000000
 * and 20261201000100), next to the same figure computed afresh from donations,
 * memberships and donors. Each pair must be equal whenever no write is under way.
 */
export async function rollupsAndTruth(db: Knex, now: Date, currencies: readonly string[]) {
  const kept = [...KEPT_DONATION_STATUSES];
  const paid = [...PAID_DONATION_STATUSES];
  const byKey = <T extends Record<string, unknown>>(rows: T[], key: (r: T) => string) => Object.fromEntries(rows.map((r) => [key(r), r]));

  type Giving = { given: number; committed: number; yearly: number };
  type GivingRow = { donor_id: string } & Record<keyof Giving, number | string>;
  const yearly: Record<string, { kept: Record<string, Giving>; truth: Record<string, Giving> }> = {};
  for (const currency of currencies) {
    const keptRows: GivingRow[] = await db('donor_currency_totals').where({ currency }).select('donor_id', 'given', 'committed', 'yearly');
    const truthRows: GivingRow[] = await yearlyGivingFromGifts(db, now, currency);
    // A donor without a kept row gives nothing; the rule lists one whose gifts all left the year at 0 or not at all.
    const nonZero = (rows: GivingRow[]) =>
      Object.fromEntries(
        rows
          .map((r) => [r.donor_id, { given: Number(r.given), committed: Number(r.committed), yearly: Number(r.yearly) }] as const)
          .filter(([, g]) => g.given !== 0 || g.committed !== 0 || g.yearly !== 0),
      );
    yearly[currency] = { kept: nonZero(keptRows), truth: nonZero(truthRows) };
  }

  const giftSpan = (r: { donor_id: string; currency: string }) => `${r.donor_id}/${r.currency}`;
  const spans = {
    kept: byKey(
      await db('donor_currency_totals').whereNotNull('first_gift_at').select('donor_id', 'currency', 'first_gift_at', 'last_gift_at'),
      giftSpan,
    ),
    truth: byKey(
      await db('donations')
        .whereNotNull('donor_id')
        .whereNotNull('paid_at')
        .whereIn('status', kept)
        .groupBy('donor_id', 'currency')
        .select('donor_id', 'currency', db.raw('min(paid_at) as first_gift_at'), db.raw('max(paid_at) as last_gift_at')),
      giftSpan,
    ),
  };

  const totals = {
    kept: byKey(
      await db('donor_totals').where('gifts', '>', 0).select('donor_id', 'lifetime', 'gifts', 'first_gift_at', 'last_gift_at'),
      (r) => r.donor_id,
    ),
    truth: byKey(
      await db('donations')
        .whereNotNull('donor_id')
        .whereIn('status', kept)
        .groupBy('donor_id')
        .select(
          'donor_id',
          db.raw('sum(coalesce(amount_paid, amount) - amount_refunded)::bigint as lifetime'),
          db.raw('count(*)::int as gifts'),
          db.raw('min(paid_at) as first_gift_at'),
          db.raw('max(paid_at) as last_gift_at'),
        ),
      (r) => r.donor_id,
    ),
  };
  const donorsWithoutTotals = await db('donors as d').leftJoin('donor_totals as t', 't.donor_id', 'd.id').whereNull('t.donor_id').pluck('d.id');

  const hour = (r: { hour: Date; currency: string; frequency: string }) => `${r.hour.toISOString()}/${r.currency}/${r.frequency}`;
  const hourFigures = ['paid_gifts', 'gross', 'refunded', 'kept_gifts', 'given'];
  const hours = {
    kept: byKey(
      await db('giving_hours')
        .whereRaw('(paid_gifts, gross, refunded, kept_gifts, given) <> (0, 0, 0, 0, 0)')
        .select('hour', 'currency', 'frequency', ...hourFigures.map((f) => db.raw(`${f}::bigint as ${f}`))),
      hour,
    ),
    truth: byKey(
      await db('donations')
        .whereNotNull('paid_at')
        .whereIn('status', paid)
        .groupByRaw('1, 2, 3')
        .select(
          db.raw("date_trunc('hour', paid_at, 'UTC') as hour"),
          'currency',
          'frequency',
          db.raw('count(*)::bigint as paid_gifts'),
          db.raw('sum(coalesce(amount_paid, amount))::bigint as gross'),
          db.raw('sum(amount_refunded)::bigint as refunded'),
          db.raw('count(*) filter (where status = any(?))::bigint as kept_gifts', [kept]),
          db.raw('coalesce(sum(coalesce(amount_paid, amount) - amount_refunded) filter (where status = any(?)), 0)::bigint as given', [kept]),
        ),
      hour,
    ),
  };

  const donorCount = {
    kept: Number((await db('donor_count').first('donors'))?.donors ?? 0),
    truth: Number((await db('donors').count({ n: '*' }).first())?.n ?? 0),
  };
  return { yearly, spans, totals, donorsWithoutTotals, hours, donorCount };
}

/** Asserts every kept figure equals its truth (jest `expect` in the caller's test). */
export async function expectRollupsTrue(db: Knex, now: Date, currencies: readonly string[]): Promise<void> {
  const { yearly, spans, totals, donorsWithoutTotals, hours, donorCount } = await rollupsAndTruth(db, now, currencies);
  for (const currency of currencies) expect({ currency, yearly: yearly[currency]!.kept }).toEqual({ currency, yearly: yearly[currency]!.truth });
  expect(spans.kept).toEqual(spans.truth);
  expect(totals.kept).toEqual(totals.truth);
  expect(donorsWithoutTotals).toEqual([]);
  expect(hours.kept).toEqual(hours.truth);
  expect(donorCount.kept).toBe(donorCount.truth);
}
