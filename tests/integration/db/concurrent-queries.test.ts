import type { Knex } from 'knex';
import { createDb } from '../../../src/db/knex';
import { testDatabaseUrl, workerSchema, openTestDb } from '../../support/db';

/**
 * Many pooled connections at once, parameterised queries and transactions
 * mixed, every answer checked. Against the embedded database this guards the
 * wire server: a protocol exchange split between clients returns another
 * query's rows (pglite-socket 0.2.17 did, about 4% of answers under this load).
 */
describe('concurrent queries through the connection pool', () => {
  let setup: Knex;
  let db: Knex;
  beforeAll(async () => {
    setup = await openTestDb();
    await setup.raw('create table if not exists concurrency_probe (id int primary key, v text)');
    await setup.raw('truncate concurrency_probe');
    db = createDb({ url: testDatabaseUrl(), schema: workerSchema(), poolMax: 10 });
  });
  afterAll(async () => {
    await setup.raw('drop table if exists concurrency_probe');
    await db.destroy();
    await setup.destroy();
  });

  it('gives every query its own answer and keeps transactions whole', async () => {
    let wrong = 0;
    await Promise.all(
      Array.from({ length: 400 }, async (_, i) => {
        if (i % 4 === 0) {
          await db.transaction(async (trx) => {
            await trx('concurrency_probe').insert({ id: i, v: `v${i}` });
            const row = await trx('concurrency_probe').where({ id: i }).first();
            if (row?.v !== `v${i}`) wrong += 1;
          });
        } else {
          const { rows } = await db.raw('select ?::int as a, ?::text as b', [i, `s${i}`]);
          if (rows[0].a !== i || rows[0].b !== `s${i}`) wrong += 1;
        }
      }),
    );
    expect(wrong).toBe(0);
    expect(await db('concurrency_probe').count({ n: '*' })).toEqual([{ n: 100 }]);
  });

  it('rolls back a failed transaction without disturbing the others', async () => {
    await setup.raw('truncate concurrency_probe');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction(async (trx) => {
          await trx('concurrency_probe').insert({ id: 1000 + i, v: 'x' });
          if (i % 2 === 0) throw new Error('abort');
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(10);
    expect((await db('concurrency_probe').pluck('id')).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => 1001 + i * 2),
    );
  });
});
