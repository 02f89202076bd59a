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
});
