import type { Knex } from 'knex';
import { openTestDb, workerSchema } from '../../support/db';

/**
 * Donor search matches any part of a name or email; only pg_trgm's indexes
 * serve that without reading every donor. Its migration skips them where the
 * extension cannot be had, so check both databases we ship on do have them.
 */
describe('the console indexes', () => {
  let db: Knex;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.destroy());

  it(`index donors' names and emails by trigrams on ${process.env.SUSTAIN_TEST_EMBEDDED ? 'the embedded database' : 'PostgreSQL'}`, async () => {
    const indexes = await db('pg_indexes').where({ schemaname: workerSchema(), tablename: 'donors' }).pluck('indexdef');
    expect(indexes).toEqual(expect.arrayContaining([expect.stringMatching(/donors_email_trigrams .*gin \(email .*gin_trgm_ops\)/), expect.stringMatching(/donors_name_trigrams .*gin \(name .*gin_trgm_ops\)/)]));
  });

  it('serve a search for part of a name or email', async () => {
    // The table is empty, so a scan costs nothing; with scans ruled out the plan shows which index can serve it.
    const text = await db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      const plan = await trx.raw("explain select id from donors where email ilike '%smith%' or name ilike '%smith%'");
      return plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
    });
    expect(text).toContain('donors_email_trigrams');
    expect(text).toContain('donors_name_trigrams');
  });
});
