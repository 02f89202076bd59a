import pg from 'pg';
import { createDb } from '../../../src/db/knex';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server';

/**
 * The wire server's own limits, on an embedded database of this file's own
 * (so they are tested on both CI runs, whatever TEST_DATABASE_URL says).
 */
const MAX_CONNECTIONS = 3;
const WAIT_LIMIT_MS = 1_000;

describe('the embedded database wire server', () => {
  let server: EmbeddedServer;
  const open: pg.Client[] = [];
  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: server.url });
    open.push(client);
    await client.connect();
    return client;
  }

  beforeAll(async () => {
    server = await startEmbeddedServer({ maxConnections: MAX_CONNECTIONS, sessionWaitTimeoutMs: WAIT_LIMIT_MS });
  }, 60_000);
  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.end().catch(() => undefined)));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a connection over maxConnections with FATAL 53300, as PostgreSQL does, and admits one again after a client leaves', async () => {
    const clients = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => connect()));

    await expect(connect()).rejects.toMatchObject({ code: '53300', severity: 'FATAL', message: 'sorry, too many clients already' });
    expect((await clients[0]!.query('select 1 as n')).rows).toEqual([{ n: 1 }]);

    await clients[1]!.end();
    const next = await connect();
    expect((await next.query('select 2 as n')).rows).toEqual([{ n: 2 }]);
  });

  it("fails a query waiting behind another connection's idle transaction after the bound with 55P03, and leaves that transaction whole", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await a.query('begin');
    await a.query('create table held (n int)');

    const started = Date.now();
    const error = await b.query('begin').catch((e: unknown) => e);
    const waited = Date.now() - started;

    expect(error).toMatchObject({
      code: '55P03',
      message: expect.stringMatching(/^waited 1(\.\d)?s for another connection's transaction on the embedded database/),
    });
    expect(waited).toBeGreaterThanOrEqual(WAIT_LIMIT_MS);
    expect(waited).toBeLessThan(WAIT_LIMIT_MS + 1_500);
    await a.query('insert into held values (1)');
    await a.query('commit');
    expect((await b.query('select n from held')).rows).toEqual([{ n: 1 }]);
  });

  it('fails a transaction that awaits a query on another pooled connection, then serves the pool as before', async () => {
    const db = createDb({ url: server.url, poolMax: 2 });
    try {
      await db.raw('create table pooled (n int)');
      const started = Date.now();
      const outcome = db.transaction(async (trx) => {
        await trx('pooled').insert({ n: 1 });
        // The mistake DESIGN.md warns about: the global handle inside a transaction.
        await db('pooled').count();
      });

      await expect(outcome).rejects.toMatchObject({ code: '55P03' });
      expect(Date.now() - started).toBeLessThan(WAIT_LIMIT_MS + 1_500);
      expect(await db('pooled').pluck('n')).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it("does not fail a wait while the other connection's transaction keeps working, however long it takes", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await a.query('begin');
    const waiting = b.query('select 1 as n');
    const busyUntil = Date.now() + WAIT_LIMIT_MS * 1.5;
    while (Date.now() < busyUntil) await a.query('select pg_sleep(0.05)');
    await a.query('commit');

    expect((await waiting).rows).toEqual([{ n: 1 }]);
  });
});
