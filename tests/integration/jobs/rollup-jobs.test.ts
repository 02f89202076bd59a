import type { Knex } from 'knex';
import { givingHoursCheckJob } from '../../../src/giving/giving-hours-job';
import { givingHoursMatchDonations } from '../../../src/giving/giving-hours-queries';
import { createLogger } from '../../../src/lib/logger';
import { yearlyGiving, yearlyGivingFromGifts } from '../../../src/members/level-queries';
import { yearlyGivingJob } from '../../../src/members/yearly-giving-job';
import { defaultSettings } from '../../../src/settings/settings';
import { openTestDb, resetTestDb } from '../../support/db';
import { buildDonor, buildMembership, buildPaidDonation } from '../../support/factories';
import { expectRollupsTrue } from '../../support/rollups';

const HOUR_MS = 3_600_000;
const YEAR_MS = 365 * 24 * HOUR_MS;

describe('the scheduled jobs that keep the console rollups', () => {
  let db: Knex;
  const logger = createLogger('silent');
  beforeAll(async () => {
    db = await openTestDb();
  });
  beforeEach(() => resetTestDb(db));
  afterAll(() => db.destroy());

  it('yearly-giving: a gift stops counting once it is 365 days old, and the kept figure follows within the run', async () => {
    const now = new Date();
    const { id: donorId } = await buildDonor(db, { email: 'ageing@example.com' });
    // Paid 364 days and 23 hours ago, and a gift last month: both count today.
    await buildPaidDonation(db, { donor_id: donorId, amount: 10_000, paid_at: new Date(now.getTime() - YEAR_MS + HOUR_MS) });
    await buildPaidDonation(db, { donor_id: donorId, amount: 2500, paid_at: new Date(now.getTime() - 30 * 24 * HOUR_MS) });
    // A $5-a-month member: $60 a year by commitment, less than what they gave until the old gift leaves.
    const { id: memberId } = await buildDonor(db, { email: 'member@example.com' });
    await buildMembership(db, { donor_id: memberId, amount: 500, status: 'active', stripe_subscription_id: 'sub_ageing' });
    await buildPaidDonation(db, { donor_id: memberId, amount: 9000, paid_at: new Date(now.getTime() - YEAR_MS + HOUR_MS) });
    expect(await yearlyGiving(db, donorId, 'usd')).toEqual({ given: 12_500, committed: 0, yearly: 12_500 });
    expect(await yearlyGiving(db, memberId, 'usd')).toEqual({ given: 9000, committed: 6000, yearly: 9000 });

    await yearlyGivingJob.run(db, now, defaultSettings(), logger);
    expect(await yearlyGiving(db, donorId, 'usd')).toEqual({ given: 12_500, committed: 0, yearly: 12_500 });

    const later = new Date(now.getTime() + 2 * HOUR_MS);
    await yearlyGivingJob.run(db, later, defaultSettings(), logger);
    expect(await yearlyGiving(db, donorId, 'usd')).toEqual({ given: 2500, committed: 0, yearly: 2500 });
    expect(await yearlyGiving(db, memberId, 'usd')).toEqual({ given: 0, committed: 6000, yearly: 6000 });
    const truth: { donor_id: string; yearly: number }[] = await yearlyGivingFromGifts(db, later, 'usd');
    expect(Object.fromEntries(truth.map((r) => [r.donor_id, Number(r.yearly)]))).toEqual({ [donorId]: 2500, [memberId]: 6000 });
    // Nothing is due again until the next gift leaves.
    expect(await db('donor_currency_totals').where('given_changes_at', '<=', later).count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('giving-hours-check: recounts the hourly sums when a load with the trigger off left them short', async () => {
    const { id: donorId } = await buildDonor(db, { email: 'loaded@example.com' });
    await buildPaidDonation(db, { donor_id: donorId, amount: 2500 });
    await buildPaidDonation(db, { donor_id: donorId, amount: 4000, frequency: 'monthly', paid_at: new Date(Date.now() - 40 * 24 * HOUR_MS) });
    // As after `alter table donations disable trigger user` and a bulk insert.
    await db('giving_hours').delete();
    await db('giving_hours').insert({ hour: new Date('2020-01-01T00:00:00Z'), currency: 'usd', frequency: 'once', paid_gifts: 3, gross: 100 });

    expect(await givingHoursMatchDonations(db)).toBe(false);

    await givingHoursCheckJob.run(db, new Date(), defaultSettings(), logger);
    await expectRollupsTrue(db, new Date(), ['usd']);
    // And when they add up (every figure equal, not just the first), the check says so.
    expect(await givingHoursMatchDonations(db)).toBe(true);
    await givingHoursCheckJob.run(db, new Date(), defaultSettings(), logger);
  });
});
