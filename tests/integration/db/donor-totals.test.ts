import type { Knex } from 'knex';
import { openTestDb, resetTestDb } from '../../support/db';
import { buildDonation, buildDonor } from '../../support/factories';

/** The trigger-kept `donor_totals` row must equal a fresh sum of the donor's donations. */
describe('donor_totals', () => {
  let db: Knex;
  let donorId: string;
  beforeAll(async () => {
    db = await openTestDb();
  });
  beforeEach(async () => {
    await resetTestDb(db);
    ({ id: donorId } = await buildDonor(db, { email: 'totals@example.com' }));
  });
  afterAll(() => db.destroy());

  const gift = (amount: number, at: string, extra: Record<string, unknown> = {}) => ({
    donor_id: donorId,
    status: 'succeeded',
    currency: 'usd',
    amount,
    amount_paid: amount,
    paid_at: new Date(at),
    ...extra,
  });
  const totals = () => db('donor_totals').where({ donor_id: donorId }).first('lifetime', 'gifts', 'first_gift_at', 'last_gift_at');

  it('follows gifts as they are paid, refunded, disputed and moved to another donor', async () => {
    const first = await buildDonation(db, gift(2500, '2026-01-10T12:00:00Z'));
    const second = await buildDonation(db, gift(10_000, '2026-06-01T12:00:00Z'));
    await buildDonation(db, gift(500, '2026-07-01T12:00:00Z', { status: 'failed', amount_paid: null, paid_at: null }));
    expect(await totals()).toEqual({ lifetime: 12500, gifts: 2, first_gift_at: new Date('2026-01-10T12:00:00Z'), last_gift_at: new Date('2026-06-01T12:00:00Z') });

    await db('donations').where({ id: second.id }).update({ status: 'partially_refunded', amount_refunded: 4000 });
    expect(await totals()).toMatchObject({ lifetime: 8500, gifts: 2 });

    await db('donations').where({ id: second.id }).update({ status: 'disputed' });
    expect(await totals()).toMatchObject({ lifetime: 2500, gifts: 1, last_gift_at: new Date('2026-01-10T12:00:00Z') });

    const other = await buildDonor(db, { email: 'other@example.com' });
    await db('donations').where({ id: first.id }).update({ donor_id: other.id });
    expect(await totals()).toEqual({ lifetime: 0, gifts: 0, first_gift_at: null, last_gift_at: null });
    expect(await db('donor_totals').where({ donor_id: other.id }).first('lifetime', 'gifts')).toEqual({ lifetime: 2500, gifts: 1 });
  });

  it('counts both of two gifts written at the same time by two transactions', async () => {
    await buildDonation(db, gift(500, '2026-02-01T12:00:00Z'));
    const a = await db.transaction();
    let b: Promise<void> | undefined;
    try {
      await a('donations').insert(gift(1000, '2026-03-01T12:00:00Z'));
      // On PostgreSQL, B's trigger waits for A's lock on the donor's totals and
      // then recounts with A's gift committed. (Embedded PGlite runs one
      // transaction at a time, so there B simply starts after A.)
      b = db.transaction(async (trx) => {
        await trx('donations').insert(gift(3000, '2026-04-01T12:00:00Z'));
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await a.commit();
    } finally {
      if (!a.isCompleted()) await a.rollback();
    }
    await b!;
    expect(await totals()).toMatchObject({ lifetime: 4500, gifts: 3, last_gift_at: new Date('2026-04-01T12:00:00Z') });
  });
});
