import fc from 'fast-check';
import type { Knex } from 'knex';
import { whereMembership, type MembershipFilter } from '../../../src/admin/donor-filter-queries';
import { searchDonorRows, type DonorSearchCriteria, type DonorSort } from '../../../src/admin/donor-search-queries';
import { yearlyGivingFromGifts } from '../../../src/members/level-queries';
import { levelRange } from '../../../src/members/levels';
import { defaultSettings } from '../../../src/settings/settings';
import { openTestDb, resetTestDb } from '../../support/db';
import { buildDonation, buildDonor, buildMembership } from '../../support/factories';

/**
 * The donors list reads each page from indexes in a few queries (by yearly
 * giving: those giving something, then those giving nothing). Whatever the
 * search, sort, level, page size and page, it must list the same donors in
 * the same order, and count the same total, as the one statement it replaced:
 * every donor joined to their totals and to yearly giving computed from their
 * gifts, sorted whole.
 */
const DAY_MS = 86_400_000;
const LEVELS = defaultSettings().membership_levels;

function reference(db: Knex, search: DonorSearchCriteria): Knex.QueryBuilder {
  const query = db('donors as d')
    .leftJoin('donor_totals as t', 't.donor_id', 'd.id')
    .leftJoin(yearlyGivingFromGifts(db, search.now, search.currency).as('y'), 'y.donor_id', 'd.id');
  if (search.q) query.where((w) => w.whereILike('d.email', `%${search.q}%`).orWhereILike('d.name', `%${search.q}%`));
  whereMembership(db, query, search.membership);
  if (search.yearlyRange) {
    query.whereRaw('coalesce(y.yearly, 0) >= ?', [search.yearlyRange.min]);
    if (search.yearlyRange.below !== null) query.whereRaw('coalesce(y.yearly, 0) < ?', [search.yearlyRange.below]);
  }
  const order: Record<DonorSort, string> = {
    recent: 't.last_gift_at desc nulls last, d.created_at desc, d.id',
    yearly: 'coalesce(y.yearly, 0) desc, t.last_gift_at desc nulls last, d.id',
    name: 'lower(coalesce(d.name, d.email)), d.id',
  };
  return query.orderByRaw(order[search.sort]).select('d.id', db.raw('coalesce(y.yearly, 0)::bigint as yearly'));
}

describe('donors list pages', () => {
  let db: Knex;
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);
  const now = new Date();
  beforeAll(async () => {
    db = await openTestDb();
    await resetTestDb(db);
    // 70 donors: ties in yearly giving and in last gift, donors who never gave, gave long ago, gave in
    // euros, or only committed through a membership; a few named Smith.
    const at = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const sameMoment = at(10);
    for (let i = 0; i < 70; i += 1) {
      const { id } = await buildDonor(db, {
        email: `d${String(i).padStart(2, '0')}@example.com`,
        name: i % 9 === 0 ? null : i % 5 === 0 ? `Pat Smith ${i}` : `Donor ${70 - i}`,
        created_at: at(900 - i),
      });
      const gift = (amount: number, paidAt: Date, extra: Record<string, unknown> = {}) =>
        buildDonation(db, { donor_id: id, status: 'succeeded', amount, amount_paid: amount, paid_at: paidAt, ...extra });
      if (i % 7 === 0) continue;
      if (i % 4 === 0) await gift([2500, 6000, 12_000][i % 3]!, sameMoment);
      else if (i % 4 === 1) await gift(5000 + (i % 3) * 1000, at(1 + (i % 5)));
      else if (i % 4 === 2) await gift(150_000, at(400 + i));
      if (i % 6 === 0) await gift(9000, at(20), { currency: 'eur' });
      if (i % 5 === 2) {
        const status = ['active', 'past_due', 'canceled', 'active'][i % 4]!;
        await buildMembership(db, { donor_id: id, amount: 1000, status, cancel_at_period_end: i % 3 === 0, stripe_subscription_id: `sub_${i}` });
      }
      if (i === 33) await gift(120_000, at(3));
    }
  });
  afterAll(() => db.destroy());

  const criteria = fc.record({
    q: fc.constantFrom('', 'smith', 'd1', 'nobody'),
    level: fc.constantFrom('', ...LEVELS.map((l) => l.name)),
    membership: fc.constantFrom<MembershipFilter>('', 'active', 'past_due', 'canceling', 'ended', 'none'),
    sort: fc.constantFrom<DonorSort>('recent', 'yearly', 'name'),
    limit: fc.integer({ min: 1, max: 15 }),
    offset: fc.integer({ min: 0, max: 75 }),
  });

  it('lists and counts what sorting every donor would, page by page', async () => {
    await fc.assert(
      fc.asyncProperty(criteria, async ({ level, ...rest }) => {
        const search: DonorSearchCriteria = { ...rest, yearlyRange: level ? levelRange(level, LEVELS) : null, currency: 'usd', now };
        const expected: { id: string; yearly: number }[] = await reference(db, search);
        const { hits, total } = await searchDonorRows(db, search);
        expect(total).toBe(expected.length);
        const page = expected.slice(search.offset, search.offset + search.limit);
        expect(hits.map((h) => h.id)).toEqual(page.map((e) => e.id));
        if (search.sort === 'yearly' || search.yearlyRange) expect(hits.map((h) => Number(h.yearly ?? 0))).toEqual(page.map((e) => Number(e.yearly)));
      }),
      { numRuns: 150, seed },
    );
  }, 600_000);
});
