import type { Knex } from 'knex';
import { openTestDb } from '../../support/db';

describe('test database', () => {
  let db: Knex;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('has the migrated tables in the worker schema', async () => {
    const { rows } = await db.raw("select to_regclass('donations') as t");
    expect(rows[0].t).toBe('donations');
  });

  // CI runs the suite twice; this keeps each run honest about which database it is on.
  it('is embedded PGlite exactly when global setup says the run is embedded', async () => {
    const { rows } = await db.raw('select version() as version');
    expect(rows[0].version.includes('PGlite')).toBe(process.env.SUSTAIN_TEST_EMBEDDED === '1');
  });
});
